"""Pages: the master's review of drafts, and the unanswered-question queue."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ..answer import asking, feedback
from ..people import permissions
from ..knowledge import editing
from ..errors import Conflict, LaoshifuError, NotFound, Problem
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
def questions_page(request: Request, show: str = "open"):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    return render.page(request, "questions.html", _queue(request, base, user, show))


def _queue(request: Request, base: str, user, show: str = "open") -> dict:
    """The open queue, or (``show=closed``) the questions dismissed or merged."""
    store = request.app.state.store
    queue = asking.queue(store, base, user)
    closed = [*asking.queue(store, base, user, "dismissed"), *asking.queue(store, base, user, "merged")]
    shown = sorted(closed, key=lambda q: q.closed_at or "", reverse=True) if show == "closed" else queue
    comments = {q.id: feedback.comments_for(store, base, feedback.question_key(q.text))
                for q in shown if q.reason == "thumbs_down"}
    # What a duplicate can be merged into: the other open questions, and answered ones.
    targets = [*queue, *asking.queue(store, base, user, "answered")]
    return {"base": base, "queue": shown, "comments": comments, "show": show,
            "closed_count": len(closed), "targets": targets,
            "texts": {q.id: q.text for q in [*targets, *closed]},
            "titles": asking.unit_titles(store, base, shown)}


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


@router.post("/questions/{qid}/dismiss")
def dismiss(request: Request, qid: int, reason: str = Form(""), base: str = Form(""),
            csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    return _close(request, base, user, qid, lambda: asking.dismiss(
        request.app.state.store, base, qid, reason, user), reason=reason, done="dismissed")


@router.post("/questions/{qid}/merge")
def merge(request: Request, qid: int, into: str = Form(""), base: str = Form(""),
          csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)

    def act():
        if not into.isdigit():
            raise LaoshifuError(Problem("choose the question this one repeats", field="into"))
        return asking.merge(request.app.state.store, base, qid, int(into), user)
    return _close(request, base, user, qid, act, done="merged")


def _close(request: Request, base: str, user, qid: int, action, done: str, **typed):
    try:
        action()
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied) or (
                isinstance(exc, NotFound) and not any(p.field == "into" for p in exc.problems)):
            raise
        # Shown on the question it is about, with what was typed.
        return render.page(request, "questions.html", {
            **_queue(request, base, user), "failed": qid, "problems": exc.problems, **typed},
            status_code=409 if isinstance(exc, Conflict) else 400)
    return RedirectResponse(f"/questions?base={base}&{done}={qid}", status_code=303)
