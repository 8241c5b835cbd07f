"""The JSON API under /api/v1: the same library calls as the pages, Bearer-token auth."""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..people import accounts, permissions
from ..answer import asking, feedback
from ..knowledge import isolated, editing
from ..knowledge.listing import check_filters
from ..people.accounts import User
from ..errors import LaoshifuError, Problem
from ..knowledge.units import DEFAULT_BASE, KINDS, Unit
from ..knowledge.validate import Where, build_unit
from . import auth

router = APIRouter(tags=["v1"])
# Asks to work out or to queue run in these threads, handed over at once: starlette's
# run_in_threadpool (anyio) first yields to the event loop, and with 50 apprentices
# asking that costs a whole round of the loop (~30 ms) before the thread even starts.
_ASKING = ThreadPoolExecutor(max_workers=40, thread_name_prefix="laoshifu-ask")
ERRORS = {code: {"description": text, "content": {"application/json": {"example": {
    "error": {"code": name, "message": text, "problems": []}}}}}
    for code, name, text in ((400, "invalid", "invalid input"), (401, "unauthorized", "no valid token"),
                             (403, "forbidden", "not allowed"), (404, "not_found", "not found"),
                             (409, "conflict", "changed by someone else"))}


async def current(request: Request) -> User:
    # Known without the store when the check before the body (web/app.py) found him or the
    # token was seen in the last seconds; else finding him reads the store, in a worker
    # thread: the event loop must not wait for it.
    return auth.known_bearer_user(request) or await run_in_threadpool(auth.bearer_user, request)


def _store(request: Request):
    return request.app.state.store


class AskIn(BaseModel):
    question: str = Field(..., description="the question; at most 500 characters")
    base: str = DEFAULT_BASE
    record: bool = True


class UnitIn(BaseModel):
    """A unit's fields as in the authoring format (``kind`` plus its kind's fields)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"example": {
        "kind": "note", "id": "note-dp-tip", "title": "露点别只看表", "process": "脱碳退火",
        "body": "露点仪读数跳的时候先查取样管有没有积水。"}})
    kind: str | None = None
    base: str = DEFAULT_BASE
    comment: str = ""
    expected_version: int | None = None


class Decision(BaseModel):
    base: str = DEFAULT_BASE
    comment: str = ""
    version: int | None = Field(None, description="the version of the draft that was reviewed "
                                "(from /drafts); if another draft waits now: 409, nothing decided")


class AnswerIn(BaseModel):
    base: str = DEFAULT_BASE
    text: str
    replace: bool = Field(False, description="replace an answer already given (409 without); "
                          "the old one stays in the history")


class DismissIn(BaseModel):
    base: str = DEFAULT_BASE
    reason: str = Field(..., description="why it is not answered (kept, and shown with it)")


class MergeIn(BaseModel):
    base: str = DEFAULT_BASE
    into: int = Field(..., description="the open or answered question this one repeats")


class FeedbackIn(BaseModel):
    base: str = DEFAULT_BASE
    question: str
    helpful: bool
    comment: str = ""
    citations: list[str] = []


def _unit_out(unit: Unit) -> dict[str, Any]:
    return unit.to_dict()


def _build(payload: UnitIn, unit_id: str | None, kind: str | None) -> Unit:
    data = {k: v for k, v in (payload.model_extra or {}).items()}
    for meta in ("version", "base", "source_file", "source_line", "created_at", "updated_at"):
        data.pop(meta, None)
    if unit_id is not None:
        if data.get("id") not in (None, unit_id):
            raise LaoshifuError(Problem("the id in the body differs from the URL", field="id"))
        data["id"] = unit_id
    kind = kind or payload.kind
    if kind not in KINDS:
        raise LaoshifuError(Problem(f"unknown kind {kind!r}", field="kind",
                                    hint=f"one of: {', '.join(KINDS)}"))
    unit, problems = build_unit(data, Where("api"), kind=kind)
    if unit is None:
        raise LaoshifuError(problems)
    return unit.with_changes(source_file="", source_line=0)


@router.get("/me", responses=ERRORS)
async def me(user: User = Depends(current)) -> dict:
    """Who the token belongs to, with role and bases."""
    # On the event loop: nothing here waits (a sync endpoint costs two worker-thread hops).
    return user.to_dict()


@router.get("/bases", responses=ERRORS)
def bases(request: Request, user: User = Depends(current)) -> dict:
    return {"bases": user.visible_bases(_store(request).bases())}


@router.post("/ask", responses=ERRORS)
async def ask(body: AskIn, request: Request, user: User = Depends(current)) -> dict:
    """Answer a question from the approved units of a base; unsure answers are queued."""
    store = _store(request)
    # An answer already given is given again on the event loop: it waits for nothing.
    # Anything else in a worker thread: an answer is a few ms, but the first after a change
    # re-indexes, and an unsure one queues the question (a write that may wait for an
    # import): other users must not wait meanwhile.
    answer = asking.given_again(store, body.base, body.question, user, record=body.record)
    if answer is None:
        answer = await asyncio.get_running_loop().run_in_executor(_ASKING, functools.partial(
            asking.ask, store, body.base, body.question, user, record=body.record))
    return answer.to_dict()


@router.get("/units", responses=ERRORS)
def list_units(request: Request, base: str = DEFAULT_BASE, q: str = "", kind: str = "",
               process: str = "", status: str = "", user: User = Depends(current)) -> dict:
    """Units the token's user may see, filtered by words, kind, process and status."""
    check_filters(kind, status)
    units = editing.search_units(_store(request), base, user, q, kind, process, status)
    return {"base": base, "count": len(units), "units": [_unit_out(u) for u in units]}


@router.post("/units", status_code=201, responses=ERRORS)
def create_unit(body: UnitIn, request: Request, user: User = Depends(current)) -> dict:
    """Create a unit (an engineer's becomes a draft for the master)."""
    permissions.check(user, "edit", body.base)  # a refusal before any detail of the body
    unit = _build(body, None, None)
    saved = editing.save_edit(_store(request), body.base, unit, user, body.comment,
                             expected_version=0)
    return _unit_out(saved)


@router.get("/units/{unit_id}", responses=ERRORS)
def get_unit(unit_id: str, request: Request, base: str = DEFAULT_BASE,
             user: User = Depends(current)) -> dict:
    return _unit_out(editing.get_visible(_store(request), base, unit_id, user))


@router.put("/units/{unit_id}", responses=ERRORS)
def update_unit(unit_id: str, body: UnitIn, request: Request, user: User = Depends(current)) -> dict:
    """Store a new version; expected_version refuses overwriting someone's change, and is
    required while a draft waits for review (409 without)."""
    store = _store(request)
    permissions.check(user, "edit", body.base)
    old = store.require_unit(body.base, unit_id)
    unit = _build(body, unit_id, old.kind)
    if "status" not in (body.model_extra or {}):
        unit = unit.with_changes(status=old.status if old.status != "retired" else "approved")
    saved = editing.save_edit(store, body.base, unit.with_changes(author=unit.author or old.author),
                             user, body.comment, expected_version=body.expected_version)
    return _unit_out(saved)


@router.delete("/units/{unit_id}", responses=ERRORS)
def retire_unit(unit_id: str, request: Request, base: str = DEFAULT_BASE, comment: str = "",
                user: User = Depends(current)) -> dict:
    """Retire a unit (kept in history, no longer answered from); ``comment`` is the reason,
    required."""
    return _unit_out(editing.retire(_store(request), base, unit_id, user, comment))


@router.get("/units/{unit_id}/versions", responses=ERRORS)
def versions(unit_id: str, request: Request, base: str = DEFAULT_BASE,
             user: User = Depends(current)) -> dict:
    store = _store(request)
    editing.get_visible(store, base, unit_id, user)
    history = store.history(base, unit_id)
    if not permissions.allowed(user.role, "read_drafts"):
        history = [(u, i) for u, i in history if u.status == "approved"]
    return {"id": unit_id, "versions": [{**_unit_out(u), **info} for u, info in history]}


@router.get("/units/{unit_id}/diff", responses=ERRORS)
def diff(unit_id: str, request: Request, a: int, b: int, base: str = DEFAULT_BASE,
         user: User = Depends(current)) -> dict:
    permissions.check(user, "read_drafts", base)
    return {"id": unit_id, "a": a, "b": b, "diff": editing.diff(_store(request), base, unit_id, a, b)}


@router.post("/units/{unit_id}/approve", responses=ERRORS)
def approve(unit_id: str, body: Decision, request: Request, user: User = Depends(current)) -> dict:
    """Publish the reviewed draft ``version``."""
    return _unit_out(editing.approve(_store(request), body.base, unit_id, user, body.version,
                                     body.comment))


@router.post("/units/{unit_id}/reject", responses=ERRORS)
def reject(unit_id: str, body: Decision, request: Request, user: User = Depends(current)) -> dict:
    """Turn the reviewed draft ``version`` down; ``comment`` says why."""
    return _unit_out(editing.reject(_store(request), body.base, unit_id, user, body.comment,
                                    body.version))


@router.get("/drafts", responses=ERRORS)
def drafts(request: Request, base: str = DEFAULT_BASE, user: User = Depends(current)) -> dict:
    permissions.check(user, "read_drafts", base)
    return {"base": base, "units": [_unit_out(u) for u in editing.drafts(_store(request), base)]}


@router.post("/import", responses=ERRORS)
async def import_upload(request: Request, file: UploadFile = File(...),
                        base: str = Form(DEFAULT_BASE), dry_run: bool = Form(False),
                        on_conflict: Literal["refuse", "ours", "theirs"] = Form("refuse"),
                        user: User = Depends(current)) -> dict:
    """Import a zipped knowledge folder or a handbook file (all or nothing). Units changed
    here since the folder's last import make it a 409 unless ``on_conflict`` says which
    side wins (``ours``: keep the store's, ``theirs``: take the folder's)."""
    limit = request.app.state.max_upload_bytes
    data = await file.read(limit + 1)
    # In a child process within a time budget (503 past it, nothing imported): a large
    # upload must not stop everyone else's answers.
    report = await run_in_threadpool(
        isolated.import_upload, _store(request), base, file.filename or "upload", data, user,
        dry_run=dry_run, max_bytes=limit, on_conflict=on_conflict,
        seconds=request.app.state.import_seconds)
    return report.to_dict()


@router.get("/questions", responses=ERRORS)
def questions(request: Request, base: str = DEFAULT_BASE,
              status: Literal["open", "answered", "dismissed", "merged", "all"] = "open",
              user: User = Depends(current)) -> dict:
    """The master's queue, most asked first."""
    queue = asking.queue(_store(request), base, user, None if status == "all" else status)
    return {"base": base, "questions": [q.to_dict() for q in queue]}


@router.post("/questions/{qid}/answer", status_code=201, responses=ERRORS)
def answer(qid: int, body: AnswerIn, request: Request, user: User = Depends(current)) -> dict:
    """The master answers: a new approved qa unit, answered from at once."""
    return _unit_out(asking.answer(_store(request), body.base, qid, body.text, user,
                                   replace=body.replace))


@router.post("/questions/{qid}/dismiss", responses=ERRORS)
def dismiss_question(qid: int, body: DismissIn, request: Request,
                     user: User = Depends(current)) -> dict:
    """The master closes a question not meant for him, with the reason; it leaves the
    queue, and asking it again only counts."""
    return asking.dismiss(_store(request), body.base, qid, body.reason, user).to_dict()


@router.post("/questions/{qid}/merge", responses=ERRORS)
def merge_question(qid: int, body: MergeIn, request: Request,
                   user: User = Depends(current)) -> dict:
    """Merge a duplicate into the question it repeats (its askers join); returns that one."""
    return asking.merge(_store(request), body.base, qid, body.into, user).to_dict()


@router.post("/feedback", status_code=201, responses=ERRORS)
def give_feedback(body: FeedbackIn, request: Request, user: User = Depends(current)) -> dict:
    """Thumbs up/down on an answer; thumbs down sends the question to the master."""
    return feedback.record(_store(request), body.base, body.question, body.helpful, user,
                           body.comment, body.citations).to_dict()


@router.get("/feedback", responses=ERRORS)
def list_feedback(request: Request, base: str = DEFAULT_BASE, helpful: bool | None = None,
                  user: User = Depends(current)) -> dict:
    permissions.check(user, "questions", base)
    items = feedback.list_feedback(_store(request), base, helpful)
    return {"base": base, "summary": feedback.summary(_store(request), base),
            "feedback": [f.to_dict() for f in items]}


@router.get("/audit", responses=ERRORS)
def audit(request: Request, base: str | None = None, limit: int = Query(100, ge=1, le=1000),
          user: User = Depends(current)) -> dict:
    """The audit log (all bases for an admin; a member base for the master)."""
    if base is None:
        permissions.check(user, "admin")
    else:
        permissions.check(user, "audit", base)
    return {"entries": _store(request).audit_log(base, limit)}


@router.get("/users", responses=ERRORS)
def users(request: Request, user: User = Depends(current)) -> dict:
    permissions.check(user, "admin")
    return {"users": [u.to_dict() for u in accounts.list_users(_store(request))]}
