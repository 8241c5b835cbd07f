"""Qualification exams (上岗考核): N cards of one process, a pass mark, a time limit.

An exam keeps the cards exactly as asked and the unit versions they came from, so a
certificate says which knowledge it covered even after the units change.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, select, update

from ..people import permissions
from ..errors import LaoshifuError, NotFound, PermissionDenied, Problem
from ..store import Store, schema
from . import grading
from .cards import Card
from .schedule import utc
from .study import iso, public_card
from .sync import sync_cards
from .tracks import (
    DEFAULT_EXAM_SIZE,
    DEFAULT_PASS_MARK,
    DEFAULT_TIME_LIMIT_MIN,
    scope_for,
)

GRACE = timedelta(seconds=30)
OBJECTIVE_KINDS = ("parameter", "rule", "procedure", "term")  # the kinds with graded cards  # a submit in flight when the clock runs out still counts


@dataclass(frozen=True)
class ExamSettings:
    size: int = DEFAULT_EXAM_SIZE
    pass_mark: float = DEFAULT_PASS_MARK
    time_limit_min: int = DEFAULT_TIME_LIMIT_MIN


@dataclass
class Exam:
    id: int
    base: str
    user: str
    process: str
    questions: list[Card]
    versions: dict[str, int]
    pass_mark: float
    started_at: str
    deadline: str
    total: int
    finished_at: str | None = None
    correct: int | None = None
    score: float | None = None
    passed: bool | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def to_dict(self, reveal: bool | None = None) -> dict[str, Any]:
        """Questions without their answers until the exam is finished."""
        reveal = self.finished if reveal is None else reveal
        return {"id": self.id, "base": self.base, "user": self.user, "process": self.process,
                "pass_mark": self.pass_mark, "started_at": self.started_at,
                "deadline": self.deadline, "finished_at": self.finished_at, "total": self.total,
                "correct": self.correct, "score": self.score, "passed": self.passed,
                "versions": self.versions,
                "questions": [q.to_dict() if reveal else public_card(q) for q in self.questions],
                "results": self.results}


def settings_for(store: Store, base: str, user, process: str) -> ExamSettings:
    """The exam settings of the learner's first track covering ``process`` (defaults else)."""
    for track in scope_for(store, base, user).tracks:
        if not track.processes or process in track.processes:
            return ExamSettings(track.exam_size, track.pass_mark, track.time_limit_min)
    return ExamSettings()


def exam_processes(store: Store, base: str) -> list[str]:
    """Processes with cards an exam can grade."""
    c = schema.training_cards
    sync_cards(store, base)
    with store.read() as conn:
        return sorted(p for p in conn.scalars(select(c.c.process).where(and_(
            c.c.base == base, c.c.current == 1, c.c.unit_kind.in_(OBJECTIVE_KINDS),
            c.c.process != "")).distinct()) if p)


def start_exam(store: Store, base: str, user, process: str, at: datetime | None = None,
               rng: random.Random | None = None) -> Exam:
    """Draw the questions (one card per unit, objective cards only) and start the clock."""
    permissions.check(user, "learn", base)
    at = utc(at or datetime.now(UTC))
    sync_cards(store, base, at)
    settings = settings_for(store, base, user, process)
    c = schema.training_cards
    with store.read() as conn:
        payloads = list(conn.scalars(select(c.c.payload).where(and_(
            c.c.base == base, c.c.current == 1, c.c.process == process)).order_by(c.c.order_key)))
    cards = [card for card in (Card.from_dict(json.loads(p)) for p in payloads) if card.objective]
    if not cards:
        raise NotFound(Problem(f"no exam questions for process {process!r} in {base!r}",
                               field="process", hint="choose a process with parameters, rules or procedures"))
    rng = rng or random.SystemRandom()
    by_unit: dict[str, list[Card]] = {}
    for card in cards:
        by_unit.setdefault(card.unit_id, []).append(card)
    units = rng.sample(sorted(by_unit), min(settings.size, len(by_unit)))
    questions = [rng.choice(by_unit[uid]) for uid in units]
    if len(questions) < settings.size:  # a small process: a second card of some units
        spare = [card for card in cards if card not in questions]
        questions += rng.sample(spare, min(settings.size - len(questions), len(spare)))
    versions = {q.unit_id: q.unit_version for q in questions}
    deadline = at + timedelta(minutes=settings.time_limit_min)
    e = schema.training_exams
    with store.transaction() as conn:
        exam_id = conn.execute(insert(e).values(
            base=base, user=user.name, process=process, pass_mark=settings.pass_mark,
            questions=json.dumps([q.to_dict() for q in questions], ensure_ascii=False),
            versions=json.dumps(versions, ensure_ascii=False), started_at=iso(at),
            deadline=iso(deadline), total=len(questions), answers="[]")).inserted_primary_key[0]
        store.audit(conn, user.name, "exam.start", base=base, target=process, detail={"exam": exam_id})
    return get_exam(store, exam_id, user)


def _exam(row) -> Exam:
    return Exam(id=row.id, base=row.base, user=row.user, process=row.process,
                questions=[Card.from_dict(q) for q in json.loads(row.questions)],
                versions=json.loads(row.versions), pass_mark=row.pass_mark,
                started_at=row.started_at, deadline=row.deadline, total=row.total,
                finished_at=row.finished_at, correct=row.correct, score=row.score,
                passed=None if row.passed is None else bool(row.passed),
                results=json.loads(row.answers or "[]"))


def may_see(user, exam_user: str, base: str) -> bool:
    """The learner himself, the master of the base, an admin."""
    if user is None:
        return False
    if user.name == exam_user:
        return True
    return permissions.allowed(user.role, "teach") and user.can_see(base)


def get_exam(store: Store, exam_id: int, user) -> Exam:
    e = schema.training_exams
    with store.read() as conn:
        row = conn.execute(select(e).where(e.c.id == exam_id)).first()
    # Someone else's exam is, for a learner, not there.
    if row is None or not may_see(user, row.user, row.base):
        raise NotFound(Problem(f"no exam {exam_id}"))
    return _exam(row)


def submit_exam(store: Store, exam_id: int, user, answers: Mapping[int, Any],
                at: datetime | None = None) -> Exam:
    """Grade every question (unanswered or unreadable is wrong) and record the result."""
    at = utc(at or datetime.now(UTC))
    exam = get_exam(store, exam_id, user)
    if exam.user != user.name:
        raise PermissionDenied(Problem("only the one taking an exam may answer it", field="exam"))
    if exam.finished:
        raise LaoshifuError(Problem(f"exam {exam_id} was already handed in", field="exam"))
    late = at > datetime.fromisoformat(exam.deadline) + GRACE
    results = []
    for i, card in enumerate(exam.questions):
        given = answers.get(i)
        if late:
            verdict = grading.Verdict(False, grading.AGAIN, "", card.answer_text, "超时")
        elif given is None or (isinstance(given, str) and not given.strip()):
            verdict = grading.Verdict(False, grading.AGAIN, "", card.answer_text, "没有作答")
        else:
            try:
                verdict = grading.grade(card, given)
            except LaoshifuError as exc:
                verdict = grading.Verdict(False, grading.AGAIN, str(given)[:200], card.answer_text,
                                          exc.problems[0].message)
        results.append({"key": card.key, **verdict.to_dict()})
    correct = sum(1 for r in results if r["correct"])
    score = correct / exam.total if exam.total else 0.0
    passed = not late and score >= exam.pass_mark - 1e-9
    e = schema.training_exams
    with store.transaction() as conn:
        # Only an unfinished exam is graded: two tabs handing in at once get one result.
        done = conn.execute(update(e).where(and_(e.c.id == exam_id, e.c.finished_at.is_(None))).values(
            finished_at=iso(at), correct=correct, score=score, passed=int(passed),
            answers=json.dumps(results, ensure_ascii=False))).rowcount
        if not done:
            raise LaoshifuError(Problem(f"exam {exam_id} was already handed in", field="exam"))
        store.audit(conn, user.name, "exam.finish", base=exam.base, target=exam.process,
                    detail={"exam": exam_id, "score": round(score, 3), "passed": passed, "late": late})
    return get_exam(store, exam_id, user)


def list_exams(store: Store, base: str, user_name: str | None = None, limit: int = 200) -> list[Exam]:
    """Exams in a base, newest first (one learner's when ``user_name`` is given)."""
    e = schema.training_exams
    query = select(e).where(e.c.base == base)
    if user_name:
        query = query.where(e.c.user == user_name)
    with store.read() as conn:
        return [_exam(r) for r in conn.execute(query.order_by(e.c.id.desc()).limit(limit))]


@dataclass(frozen=True)
class Certificate:
    exam_id: int
    user: str
    base: str
    process: str
    score: float
    pass_mark: float
    finished_at: str
    versions: dict[str, int]


def certificate(store: Store, exam_id: int, user) -> Certificate:
    exam = get_exam(store, exam_id, user)
    if not exam.passed:
        raise LaoshifuError(Problem(f"exam {exam_id} was not passed: no certificate", field="exam"))
    return Certificate(exam.id, exam.user, exam.base, exam.process, exam.score or 0.0,
                       exam.pass_mark, exam.finished_at or "", exam.versions)
