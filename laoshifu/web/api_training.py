"""/api/v1/training/...: the same library calls as the 学习, 考核 and 徒弟 pages.

An apprentice sees only his own queue, answers, exams and progress; a master sees the
apprentices of his bases; an admin sees everyone.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ..people import permissions
from ..people.accounts import User
from ..training import exams, progress, study, tracks
from ..knowledge.units import DEFAULT_BASE
from .api import ERRORS, current

router = APIRouter(prefix="/training", tags=["training"])


def _store(request: Request):
    return request.app.state.store


class AnswerIn(BaseModel):
    base: str = DEFAULT_BASE
    unit_id: str
    slot: str
    response: Any = Field(..., description="a number (text, unit allowed), a choice index, "
                                           "step places [3, 1, 2], or a rating 1-4 / again…easy")
    duration_ms: int | None = None


class ExamIn(BaseModel):
    base: str = DEFAULT_BASE
    process: str


class ExamAnswers(BaseModel):
    answers: dict[int, Any] = Field(..., description="question index → response, as for /answers")


class TrackIn(BaseModel):
    base: str = DEFAULT_BASE
    name: str
    processes: list[str] = []
    units: list[str] = []
    assignees: list[str] = ["role:apprentice"]
    new_per_day: int = tracks.DEFAULT_NEW_PER_DAY
    exam_size: int = tracks.DEFAULT_EXAM_SIZE
    pass_mark: float = tracks.DEFAULT_PASS_MARK
    time_limit_min: int = tracks.DEFAULT_TIME_LIMIT_MIN


@router.get("/queue", responses=ERRORS)
def queue(request: Request, base: str = DEFAULT_BASE, limit: int = 20,
          user: User = Depends(current)) -> dict:
    """Your cards for now: changed ones first (with what changed), due, new, learning steps."""
    q = study.today_queue(_store(request), base, user, limit=max(1, min(limit, 200)))
    out = q.to_dict()
    for item, data in zip(q.items, out["items"]):
        data["changes"] = study.changes_for(_store(request), base, item)
    return out


@router.post("/answers", status_code=201, responses=ERRORS)
def answer(body: AnswerIn, request: Request, user: User = Depends(current)) -> dict:
    """Answer one of your cards: graded, scheduled (FSRS), logged."""
    return study.answer(_store(request), body.base, user, body.unit_id, body.slot, body.response,
                        duration_ms=body.duration_ms).to_dict()


@router.get("/progress", responses=ERRORS)
def my_progress(request: Request, base: str = DEFAULT_BASE, user: User = Depends(current)) -> dict:
    return progress.learner_progress(_store(request), base, user.name, user).to_dict()


@router.get("/progress/{name}", responses=ERRORS)
def someones_progress(name: str, request: Request, base: str = DEFAULT_BASE,
                      user: User = Depends(current)) -> dict:
    """One learner's progress: yourself, or (master, admin) an apprentice of the base."""
    return progress.learner_progress(_store(request), base, name, user).to_dict()


@router.get("/apprentices", responses=ERRORS)
def apprentices(request: Request, base: str = DEFAULT_BASE, user: User = Depends(current)) -> dict:
    """Every apprentice of the base with mastery per process, and the most-missed units."""
    store = _store(request)
    return {"base": base, "apprentices": [p.to_dict() for p in progress.overview(store, base, user)],
            "most_missed": [m.__dict__ for m in progress.most_missed(store, base, user)]}


@router.get("/tracks", responses=ERRORS)
def list_tracks(request: Request, base: str = DEFAULT_BASE, user: User = Depends(current)) -> dict:
    """The base's tracks (a learner sees the ones meant for him)."""
    permissions.check(user, "learn", base)
    found = tracks.list_tracks(_store(request), base)
    if not permissions.allowed(user.role, "teach"):
        found = [t for t in found if t.applies_to(user)]
    return {"base": base, "tracks": [t.to_dict() for t in found]}


@router.post("/tracks", status_code=201, responses=ERRORS)
def create_track(body: TrackIn, request: Request, user: User = Depends(current)) -> dict:
    return tracks.save_track(_store(request), _track(body), user).to_dict()


@router.put("/tracks/{track_id}", responses=ERRORS)
def update_track(track_id: int, body: TrackIn, request: Request, user: User = Depends(current)) -> dict:
    return tracks.save_track(_store(request), _track(body, track_id), user).to_dict()


@router.delete("/tracks/{track_id}", responses=ERRORS)
def delete_track(track_id: int, request: Request, base: str = DEFAULT_BASE,
                 user: User = Depends(current)) -> dict:
    tracks.delete_track(_store(request), base, track_id, user)
    return {"deleted": track_id}


def _track(body: TrackIn, track_id: int | None = None) -> tracks.Track:
    return tracks.Track(base=body.base, name=body.name, processes=tuple(body.processes),
                        units=tuple(body.units), assignees=tuple(body.assignees),
                        new_per_day=body.new_per_day, exam_size=body.exam_size,
                        pass_mark=body.pass_mark, time_limit_min=body.time_limit_min, id=track_id)


@router.post("/exams", status_code=201, responses=ERRORS)
def start_exam(body: ExamIn, request: Request, user: User = Depends(current)) -> dict:
    """Start an exam on one process: its questions (without answers) and the deadline."""
    return exams.start_exam(_store(request), body.base, user, body.process).to_dict()


@router.get("/exams", responses=ERRORS)
def list_exams(request: Request, base: str = DEFAULT_BASE, user_name: str | None = None,
               user: User = Depends(current)) -> dict:
    """Your exams; a master or admin may list the base's (all, or one learner's)."""
    store = _store(request)
    if user_name is None and not permissions.allowed(user.role, "teach"):
        user_name = user.name
    if user_name is None:
        permissions.check(user, "teach", base)
    elif user_name == user.name:
        permissions.check(user, "learn", base)
    else:
        progress.check_view(store, user, user_name, base)
    found = exams.list_exams(store, base, user_name)
    return {"base": base, "exams": [e.to_dict() for e in found]}


@router.get("/exams/{exam_id}", responses=ERRORS)
def get_exam(exam_id: int, request: Request, user: User = Depends(current)) -> dict:
    return exams.get_exam(_store(request), exam_id, user).to_dict()


@router.post("/exams/{exam_id}/answers", responses=ERRORS)
def submit_exam(exam_id: int, body: ExamAnswers, request: Request, user: User = Depends(current)) -> dict:
    """Hand in: every question graded, the result recorded with the versions covered."""
    return exams.submit_exam(_store(request), exam_id, user, body.answers).to_dict()
