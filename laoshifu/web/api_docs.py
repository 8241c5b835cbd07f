"""/api/v1/docs without the internet: Swagger UI's files come from the swagger-ui-py
package (Apache-2.0, its LICENSE beside them), not from a CDN, and start from a script of
ours, so the page keeps the site's Content-Security-Policy."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

router = APIRouter(include_in_schema=False)
DOCS = "/api/v1/docs"
ASSETS = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
          "swagger-ui.css": "text/css; charset=utf-8", "LICENSE": "text/plain; charset=utf-8"}

PAGE = f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laoshifu 老师傅 — API</title>
<link rel="stylesheet" href="{DOCS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div>
<script src="{DOCS}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def swagger_dir() -> Path | None:
    # Found, not imported: the package's own module loads web-framework adapters.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


@router.get(DOCS)
def docs() -> Response:
    if swagger_dir() is None:
        return HTMLResponse("<p>API docs need the swagger-ui-py package; the API itself is "
                            "described at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>",
                            status_code=503)
    return HTMLResponse(PAGE, headers={"Cache-Control": "no-cache"})


@router.get(DOCS + "/{name}")
def asset(name: str) -> Response:
    folder = swagger_dir()
    if folder is None or name not in ASSETS:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(folder / name, media_type=ASSETS[name],
                        headers={"Cache-Control": "public, max-age=86400"})
