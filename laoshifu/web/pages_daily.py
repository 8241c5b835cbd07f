"""Pages: 日报 — the daily review of a day's production data, today's plan, past reports.

Not in pages_review.py: that module is the master's 审核 of drafts (and the question
queue); this one is the production-data review, a concern of its own.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ..people import permissions
from ..review import reviewing
from ..config import load_settings
from ..errors import LaoshifuError, NotFound
from ..review.archive import ReviewArchive
from . import auth, render

router = APIRouter(include_in_schema=False)

# The kept HTML report is self-contained: its style inline, its charts data: images, no
# script. It is served with a policy that allows exactly that.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def archive(request: Request) -> ReviewArchive:
    return request.app.state.reviews


def data_folder(request: Request, base: str):
    """The plant's data folder for ``base`` (config.yaml is read again: an edit needs no
    restart)."""
    return load_settings().review_data_for(base)


def _home(request: Request, base: str, user, status_code: int = 200, **extra):
    context = {"base": base, "reports": reviewing.reports(archive(request), base, user),
               "folder": data_folder(request, base), "day": "", "line": "", **extra}
    return render.page(request, "daily.html", context, status_code=status_code)


@router.get("/daily")
def daily_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    return _home(request, base, user)


@router.post("/daily")
async def run_review(request: Request, source: str = Form("upload"), day: str = Form(""),
                     line: str = Form(""), base: str = Form(""), csrf: str = Form(""),
                     file: UploadFile | None = File(None)):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    permissions.check(user, "review_data", base)
    store = request.app.state.store
    try:
        if source == "folder":
            saved = await run_in_threadpool(
                reviewing.review_folder, store, archive(request), base,
                data_folder(request, base), user, day=day, line=line)
        else:
            limit = request.app.state.max_upload_bytes
            data = await file.read(limit + 1) if file is not None else b""
            name = (file.filename if file is not None else "") or ""
            saved = await run_in_threadpool(
                reviewing.review_upload, store, archive(request), base, name, data, user,
                day=day, line=line, max_bytes=limit)
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied):
            raise
        return _home(request, base, user, status_code=400, problems=exc.problems, day=day,
                     line=line, source=source)
    return RedirectResponse(f"/daily/{saved.id}?base={quote(base)}", status_code=303)


@router.get("/daily/{review_id}")
def report_page(request: Request, review_id: str):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    saved, review = reviewing.report(archive(request), base, review_id, user)
    return render.page(request, "daily_report.html", {"base": base, "saved": saved,
                                                      "review": review})


@router.get("/daily/{review_id}/report.{ext}")
def report_file(request: Request, review_id: str, ext: str):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    kind = {"html": "html", "md": "markdown", "json": "json"}.get(ext)
    if kind is None:
        raise NotFound(f"no report.{ext}")
    path = reviewing.report_file(archive(request), base, review_id, kind, user)
    media = {"html": "text/html; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
             "json": "application/json"}[kind]
    headers = {"Content-Security-Policy": REPORT_CSP} if kind == "html" else {}
    if kind != "html":
        headers["Content-Disposition"] = f'attachment; filename="review-{review_id}.{ext}"'
    return FileResponse(path, media_type=media, headers=headers)
