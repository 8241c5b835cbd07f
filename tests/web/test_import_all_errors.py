"""The web upload and the API list every problem of a knowledge folder (issue 9 #6)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.knowledge.test_import_reports_all import _broken_folder

from .conftest import csrf_of


def test_the_web_upload_lists_them_all(world, tmp_path):
    folder = _broken_folder(tmp_path, bad_rows=60)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
                archive.write(path, Path("kb") / path.relative_to(folder))
    client = world.login("wang")
    token = csrf_of(client.get("/import").text)
    response = client.post("/import", data={"csrf": token, "base": "main", "dry_run": "1"},
                           files={"file": ("kb.zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 400
    assert response.text.count("不是数字") == 50  # in the page's language
    # The stored example still has those windows: only the rows and the condition count.
    assert "另有 11 个问题没有列出（共 61 个）" in response.text
    # the API says the same
    api = world.api("wang")
    answer = api.post("/api/v1/import", data={"base": "main", "dry_run": "true"},
                      files={"file": ("kb.zip", buffer.getvalue(), "application/zip")})
    assert answer.status_code == 400
    problems = answer.json()["error"]["problems"]
    assert len(problems) == 51  # in English, as the API carries them
    assert problems[-1]["message"] == "… and 11 more problems not shown (61 in all)"
