"""Who knows what: mastery per process from FSRS recall probability, the weakest cards,
the due load, and the units most apprentices get wrong (the master's explanation may
need work there).

Who may see whose progress: a learner his own, a master the apprentices of his bases,
an admin everyone's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from ..people import accounts, permissions
from ..errors import NotFound, Problem
from ..store import Store, schema
from .exams import list_exams
from .schedule import retrievability, utc
from .study import iso, memory_of
from .sync import sync_cards
from .tracks import scope_for

WEAKEST = 10


@dataclass(frozen=True)
class ProcessMastery:
    process: str
    cards: int  # current cards in the learner's scope
    learned: int
    mastery: float  # mean recall probability over all the cards (unlearnt count 0)
    recall: float  # mean recall probability over the learnt ones


@dataclass(frozen=True)
class WeakCard:
    unit_id: str
    slot: str
    title: str
    process: str
    prompt: str
    recall: float
    difficulty: float  # FSRS difficulty 1..10: grows with every wrong answer
    lapses: int
    due: str


@dataclass
class Progress:
    user: str
    base: str
    at: str
    processes: list[ProcessMastery] = field(default_factory=list)
    weakest: list[WeakCard] = field(default_factory=list)
    cards: int = 0
    learned: int = 0
    mastery: float = 0.0
    due_now: int = 0
    due_week: int = 0
    changed: int = 0
    reviews: int = 0
    wrong: int = 0
    last_review: str | None = None
    exams: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_view(store: Store, viewer, user_name: str, base: str) -> None:
    """Raise unless ``viewer`` may see ``user_name``'s progress in ``base``."""
    if viewer is not None and viewer.name == user_name:
        permissions.check(viewer, "learn", base)
        return
    permissions.check(viewer, "teach", base)
    target = accounts.find_user(store, user_name)
    visible = target is not None and target.can_see(base) and (
        viewer.role == "admin" or target.role == "apprentice")
    if not visible:
        # The same words whether he does not exist or is not this master's: no probing.
        raise NotFound(Problem(f"no apprentice {user_name!r} in knowledge base {base!r}", field="user"))


def apprentices(store: Store, base: str) -> list[str]:
    """The apprentices of a base (an admin sees the rest through ``progress`` by name)."""
    return [u.name for u in accounts.list_users(store)
            if u.role == "apprentice" and not u.disabled and base in u.bases]


def learner_progress(store: Store, base: str, user_name: str, viewer, at: datetime | None = None) -> Progress:
    check_view(store, viewer, user_name, base)
    at = utc(at or datetime.now(UTC))
    sync_cards(store, base, at)
    learner = accounts.find_user(store, user_name)
    scope = scope_for(store, base, learner) if learner else None
    s, c, r = schema.training_state, schema.training_cards, schema.training_reviews
    out = Progress(user_name, base, iso(at))
    totals: dict[str, int] = defaultdict(int)
    with store.read() as conn:
        for process, n in conn.execute(select(c.c.process, func.count()).where(and_(
                c.c.base == base, c.c.current == 1)).group_by(c.c.process)):
            if scope is None or scope.covers(process):
                totals[process] = n
        rows = list(conn.execute(select(s, c.c.payload, c.c.process).select_from(s.join(c, and_(
            c.c.base == s.c.base, c.c.unit_id == s.c.unit_id, c.c.slot == s.c.slot,
            c.c.current == 1))).where(and_(s.c.user == user_name, s.c.base == base,
                                           s.c.suspended == 0))))
        out.reviews, out.wrong, out.last_review = conn.execute(select(
            func.count(), func.coalesce(func.sum(1 - r.c.correct), 0), func.max(r.c.at)).where(
            and_(r.c.user == user_name, r.c.base == base))).one()
    recall_sum: dict[str, float] = defaultdict(float)
    learned: dict[str, int] = defaultdict(int)
    weak = []
    week = iso(at + timedelta(days=7))
    for row in rows:
        memory = memory_of(row)
        p = retrievability(memory, at)
        totals.setdefault(row.process, 0)
        recall_sum[row.process] += p
        learned[row.process] += 1
        out.due_now += row.due <= iso(at) or row.changed_from is not None
        out.due_week += row.due <= week
        out.changed += row.changed_from is not None
        card = json.loads(row.payload)
        weak.append(WeakCard(row.unit_id, row.slot, card["title"], row.process, card["prompt"],
                             round(p, 3), round(memory.difficulty or 0.0, 2), row.lapses, row.due))
    for process in sorted(totals, key=lambda p: (-totals[p], p)):
        n = max(totals[process], learned[process])
        out.processes.append(ProcessMastery(
            process, n, learned[process], round(recall_sum[process] / n, 3) if n else 0.0,
            round(recall_sum[process] / learned[process], 3) if learned[process] else 0.0))
    out.cards = sum(p.cards for p in out.processes)
    out.learned = len(rows)
    out.mastery = round(sum(recall_sum.values()) / out.cards, 3) if out.cards else 0.0
    out.weakest = sorted(weak, key=lambda w: (w.recall, -w.difficulty, -w.lapses, w.unit_id))[:WEAKEST]
    out.exams = [{"id": e.id, "process": e.process, "score": e.score, "passed": e.passed,
                  "finished_at": e.finished_at} for e in list_exams(store, base, user_name) if e.finished]
    return out


@dataclass(frozen=True)
class Missed:
    unit_id: str
    title: str
    kind: str
    process: str
    misses: int  # wrong answers
    learners: int  # apprentices who got it wrong at least once
    answers: int  # all graded answers


def most_missed(store: Store, base: str, viewer, limit: int = 10) -> list[Missed]:
    """Units the apprentices of ``base`` get wrong most (graded cards and exams)."""
    permissions.check(viewer, "teach", base)
    names = apprentices(store, base)
    if not names:
        return []
    r = schema.training_reviews
    counts: dict[str, list] = {}
    with store.read() as conn:
        for unit_id, answers, misses in conn.execute(select(
                r.c.unit_id, func.count(), func.sum(1 - r.c.correct)).where(and_(
                r.c.base == base, r.c.user.in_(names), r.c.correct.is_not(None))).group_by(r.c.unit_id)):
            counts[unit_id] = [answers, misses or 0, set()]
        for unit_id, user in conn.execute(select(r.c.unit_id, r.c.user).where(and_(
                r.c.base == base, r.c.user.in_(names), r.c.correct == 0)).distinct()):
            counts[unit_id][2].add(user)
    ranked = sorted((uid for uid, v in counts.items() if v[1]),
                    key=lambda uid: (-len(counts[uid][2]), -counts[uid][1], uid))[:limit]
    units = store.get_units(base, ranked)
    out = []
    for uid in ranked:
        unit = units.get(uid)
        answers, misses, learners = counts[uid]
        out.append(Missed(uid, unit.title if unit else uid, unit.kind if unit else "",
                          unit.process if unit else "", misses, len(learners), answers))
    return out


def overview(store: Store, base: str, viewer, at: datetime | None = None) -> list[Progress]:
    """Every apprentice of ``base``: the master's page."""
    permissions.check(viewer, "teach", base)
    return [learner_progress(store, base, name, viewer, at) for name in apprentices(store, base)]
