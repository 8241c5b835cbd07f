"""Pages: the master's review of drafts, and the unanswered-question queue."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from .. import asking, feedback, permissions, editing
from ..errors import Conflict, LaoshifuError, NotFound
from . import auth, render

router = APIRouter(include_in_schema=False)


@router.get("/review")
def review_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "read_drafts", base)
    return render.page(request, "review.html", {"base": base, "items": _drafts(request, base)})


def _drafts(request: Request, base: str) -> list[dict]:
    store = request.app.state.store
    items = []
    for unit in editing.drafts(store, base):
        history = store.history(base, unit.id)
        approved = [u for u, _ in history if u.status == "approved" and u.version < unit.version]
        before = approved[-1].version if approved else None
        lines = (editing.diff(store, base, unit.id, before, unit.version, with_status=False)
                 if before else [])
        # Who drafted this version and why: the unit's author is whose knowledge it is.
        drafted = next((info for u, info in history if u.version == unit.version), {})
        items.append({"unit": unit, "diff": lines, "before": before,
                      "drafted_by": drafted.get("changed_by", ""),
                      "drafted_at": drafted.get("changed_at", ""),
                      "note": drafted.get("comment", "")})
    return items


@router.post("/review/{unit_id}")
def decide(request: Request, unit_id: str, decision: str = Form(""), comment: str = Form(""),
           version: str = Form(""), base: str = Form(""), csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    store = request.app.state.store
    # The draft version the page showed: a draft swapped in since is not what was reviewed.
    reviewed = int(version) if version.isdigit() else None
    try:
        if decision == "approve":
            editing.approve(store, base, unit_id, user, reviewed, comment)
        else:
            editing.reject(store, base, unit_id, user, comment, reviewed)
    except LaoshifuError as exc:
        if isinstance(exc, (permissions.PermissionDenied, NotFound)):
            raise
        # Shown on the draft it is about (now the new one), with the comment as typed.
        return render.page(request, "review.html", {
            "base": base, "items": _drafts(request, base), "failed": unit_id,
            "problems": exc.problems, "comment": comment},
            status_code=409 if isinstance(exc, Conflict) else 400)
    return RedirectResponse(f"/review?base={base}", status_code=303)


@router.get("/questions")
def questions_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    return render.page(request, "questions.html", _queue(request, base, user))


def _queue(request: Request, base: str, user) -> dict:
    store = request.app.state.store
    queue = asking.queue(store, base, user)
    comments = {q.id: feedback.comments_for(store, base, feedback.question_key(q.text))
                for q in queue if q.reason == "thumbs_down"}
    return {"base": base, "queue": queue, "comments": comments}


@router.post("/questions/{qid}/answer")
def answer(request: Request, qid: int, text: str = Form(""), base: str = Form(""),
           replace: str = Form(""), csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    store = request.app.state.store
    try:
        unit = asking.answer(store, base, qid, text, user, replace=bool(replace))
    except LaoshifuError as exc:
        if isinstance(exc, (permissions.PermissionDenied, NotFound)):
            raise
        # Shown on the question it is about, with the master's answer as typed.
        return render.page(request, "questions.html", {
            **_queue(request, base, user), "failed": qid, "problems": exc.problems,
            "text": text}, status_code=409 if isinstance(exc, Conflict) else 400)
    return RedirectResponse(f"/questions?base={base}&answered={unit.id}", status_code=303)
