"""Pages: the master's review of drafts, and the unanswered-question queue."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from .. import asking, feedback, permissions, editing
from ..errors import LaoshifuError, NotFound
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
        approved = [u for u, _ in store.history(base, unit.id) if u.status == "approved"]
        before = approved[-1].version if approved else None
        lines = editing.diff(store, base, unit.id, before, unit.version) if before else []
        items.append({"unit": unit, "diff": lines, "before": before})
    return items


@router.post("/review/{unit_id}")
def decide(request: Request, unit_id: str, decision: str = Form(""), comment: str = Form(""),
           base: str = Form(""), csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    store = request.app.state.store
    try:
        if decision == "approve":
            editing.approve(store, base, unit_id, user, comment)
        else:
            editing.reject(store, base, unit_id, user, comment)
    except LaoshifuError as exc:
        if isinstance(exc, (permissions.PermissionDenied, NotFound)):
            raise
        # Shown on the draft it is about, with the comment as typed.
        return render.page(request, "review.html", {
            "base": base, "items": _drafts(request, base), "failed": unit_id,
            "problems": exc.problems, "comment": comment}, status_code=400)
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
           csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    store = request.app.state.store
    try:
        unit = asking.answer(store, base, qid, text, user)
    except LaoshifuError as exc:
        if isinstance(exc, (permissions.PermissionDenied, NotFound)):
            raise
        # Shown on the question it is about, with the master's answer as typed.
        return render.page(request, "questions.html", {
            **_queue(request, base, user), "failed": qid, "problems": exc.problems,
            "text": text}, status_code=400)
    return RedirectResponse(f"/questions?base={base}&answered={unit.id}", status_code=303)
