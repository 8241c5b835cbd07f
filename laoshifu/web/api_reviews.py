"""/api/v1/reviews: run the daily review on a day's file or the plant's data folder, list
the kept reports, read one (the review's JSON with today's plan)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from ..people import permissions
from ..review import reviewing
from ..people.accounts import User
from ..knowledge.units import DEFAULT_BASE
from .api import ERRORS, current
from .pages_daily import archive, data_folder

router = APIRouter(tags=["v1"])


@router.get("/reviews", responses=ERRORS)
def list_reviews(request: Request, base: str = DEFAULT_BASE, user: User = Depends(current)) -> dict:
    """The base's daily reports, the latest day first."""
    return {"base": base, "reviews": [r.to_dict() for r in reviewing.reports(archive(request), base, user)]}


@router.post("/reviews", status_code=201, responses=ERRORS)
async def run_review(request: Request, source: Literal["upload", "folder"] = Form("upload"),
                     file: UploadFile | None = File(None), base: str = Form(DEFAULT_BASE),
                     day: str = Form(""), line: str = Form(""),
                     user: User = Depends(current)) -> dict:
    """Review a day: an uploaded CSV/Parquet file, or (``source=folder``) the plant's data
    folder set in config.yaml (``review: {data: FOLDER}``). The report is kept, replacing
    an older one of the same day and line."""
    permissions.check(user, "review_data", base)
    store = request.app.state.store
    if source == "folder":
        saved = await run_in_threadpool(reviewing.review_folder, store, archive(request), base,
                                        data_folder(request, base), user, day=day, line=line)
    else:
        limit = request.app.state.max_upload_bytes
        data = await file.read(limit + 1) if file is not None else b""
        saved = await run_in_threadpool(
            reviewing.review_upload, store, archive(request), base,
            (file.filename if file is not None else "") or "", data, user, day=day, line=line,
            max_bytes=limit)
    return {**saved.to_dict(), "review": archive(request).load(base, saved.id)}


@router.get("/reviews/{review_id}", responses=ERRORS)
def get_review(review_id: str, request: Request, base: str = DEFAULT_BASE,
               user: User = Depends(current)) -> dict:
    """One report: who ran it and when, and the review (findings, plan, parameters)."""
    saved, review = reviewing.report(archive(request), base, review_id, user)
    return {**saved.to_dict(), "review": review}


@router.get("/reviews/{review_id}/report.html", responses=ERRORS)
def get_report_html(review_id: str, request: Request, base: str = DEFAULT_BASE,
                    user: User = Depends(current)):
    """The self-contained HTML report with its charts."""
    from .pages_daily import REPORT_CSP

    path = reviewing.report_file(archive(request), base, review_id, "html", user)
    return FileResponse(path, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": REPORT_CSP})
