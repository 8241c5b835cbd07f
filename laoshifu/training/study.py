"""Today's queue for one learner, and recording his answers.

The queue, in order: cards whose unit changed since he learnt them (with old → new),
cards due now, new cards from his tracks up to the day's limit, then learning steps
due within the next minutes (so a session does not stall on a ten-minute step).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, select, update

from ..people import permissions
from ..errors import NotFound, Problem
from ..store import Store, schema
from . import changes, grading
from .cards import Card
from .grading import Verdict
from .schedule import LEARNING, RELEARNING, Memory, review, utc
from .sync import card_at, current_card, sync_cards
from .tracks import Scope, scope_for

LEARN_AHEAD = timedelta(minutes=20)
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class QueueItem:
    card: Card
    reason: str  # changed | due | new | ahead
    memory: Memory | None = None
    changed_from: int | None = None  # the unit version the learner knew

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "changed_from": self.changed_from,
                "due": self.memory.due.isoformat() if self.memory else None,
                "card": public_card(self.card)}


@dataclass
class Queue:
    user: str
    base: str
    items: list[QueueItem] = field(default_factory=list)
    changed: int = 0
    due: int = 0  # due now, besides the changed ones
    new_today: int = 0  # new cards already started today
    new_left: int = 0  # new cards still allowed today

    @property
    def first(self) -> QueueItem | None:
        return self.items[0] if self.items else None

    def to_dict(self) -> dict[str, Any]:
        return {"user": self.user, "base": self.base, "changed": self.changed, "due": self.due,
                "new_today": self.new_today, "new_left": self.new_left,
                "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True)
class Answered:
    card: Card
    verdict: Verdict
    memory: Memory
    review_id: int
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"review_id": self.review_id, "card": self.card.to_dict(),
                "verdict": self.verdict.to_dict(), "changes": list(self.changes),
                "due": self.memory.due.isoformat(), "state": self.memory.state}


def public_card(card: Card) -> dict[str, Any]:
    """A card as shown before it is answered: no answer in it."""
    data = card.to_dict()
    for secret in ("correct", "order", "value", "tolerance", "answer_text", "explain"):
        data.pop(secret, None)
    return data


def iso(at: datetime) -> str:
    return utc(at).isoformat(timespec="seconds")


def day_start(at: datetime) -> datetime:
    """Midnight of ``at``'s day on the plant's clock (the machine's local time zone)."""
    local = at.astimezone()
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def memory_of(row) -> Memory:
    parse = datetime.fromisoformat
    return Memory(row.state, row.step, row.stability, row.difficulty, parse(row.due),
                  parse(row.last_review) if row.last_review else None, row.reps, row.lapses)


def _card(row) -> Card:
    return Card.from_dict(json.loads(row.payload))


# The queue's statements, built once: building SQLAlchemy expressions per call costs more
# than running them (the queue is asked for on every card a learner answers).
_S, _C = schema.training_state, schema.training_cards
_JOINED = _S.join(_C, and_(_C.c.base == _S.c.base, _C.c.unit_id == _S.c.unit_id,
                           _C.c.slot == _S.c.slot, _C.c.current == 1))
_MINE = and_(_S.c.user == bindparam("user"), _S.c.base == bindparam("base"), _S.c.suspended == 0)
# Unordered on purpose: an ORDER BY tempts SQLite into walking all of a learner's cards
# instead of the few changed ones (they are sorted in Python).
_CHANGED = select(_S, _C.c.payload).select_from(_JOINED).where(
    and_(_MINE, _S.c.changed_from.is_not(None)))
_DUE = select(_S, _C.c.payload).select_from(_JOINED).where(
    and_(_MINE, _S.c.changed_from.is_(None), _S.c.due <= bindparam("now"))
).order_by(_S.c.due).limit(bindparam("limit"))
_AHEAD = select(_S, _C.c.payload).select_from(_JOINED).where(
    and_(_MINE, _S.c.changed_from.is_(None), _S.c.due > bindparam("now"), _S.c.due <= bindparam("ahead"),
         _S.c.state.in_((LEARNING, RELEARNING)))).order_by(_S.c.due).limit(bindparam("limit"))
_DUE_COUNT = select(func.count()).select_from(_S).where(
    and_(_MINE, _S.c.changed_from.is_(None), _S.c.due <= bindparam("now")))
_NEW_TODAY = select(func.count()).select_from(_S).where(and_(
    _S.c.user == bindparam("user"), _S.c.base == bindparam("base"), _S.c.first_seen >= bindparam("today")))
_LEARNED = select(func.count()).select_from(_S).where(
    and_(_S.c.user == bindparam("user"), _S.c.base == bindparam("base")))
# New cards are picked by key and order first; only the ones shown are read and parsed.
_NEW_KEYS = (_C.c.unit_id, _C.c.slot, _C.c.order_key, _C.c.payload)
_UNSEEN = and_(_C.c.base == bindparam("base"), _C.c.current == 1, ~exists().where(and_(
    _S.c.user == bindparam("user"), _S.c.base == _C.c.base, _S.c.unit_id == _C.c.unit_id,
    _S.c.slot == _C.c.slot)))
_NEW_ALL = select(*_NEW_KEYS).where(_UNSEEN).order_by(_C.c.order_key).limit(bindparam("limit"))
_NEW_IN_PROCESS = select(*_NEW_KEYS).where(
    and_(_UNSEEN, _C.c.process == bindparam("process"))).order_by(_C.c.order_key).limit(bindparam("limit"))
_NEW_MUST = select(*_NEW_KEYS).where(
    and_(_UNSEEN, _C.c.unit_id.in_(bindparam("units", expanding=True)))
).order_by(_C.c.order_key).limit(bindparam("limit"))


def today_queue(store: Store, base: str, user, at: datetime | None = None,
                limit: int = DEFAULT_LIMIT, scope: Scope | None = None) -> Queue:
    """What ``user`` studies next in ``base``, at most ``limit`` cards."""
    permissions.check(user, "learn", base)
    at = utc(at or datetime.now(UTC))
    sync_cards(store, base, at)
    scope = scope or scope_for(store, base, user)
    params = {"user": user.name, "base": base, "now": iso(at), "limit": limit,
              "ahead": iso(at + LEARN_AHEAD), "today": iso(day_start(at))}
    queue = Queue(user.name, base)
    with store.read() as conn:
        changed = sorted(conn.execute(_CHANGED, params), key=lambda r: (r.unit_id, r.slot))
        due = list(conn.execute(_DUE, params))
        queue.due = conn.scalar(_DUE_COUNT, params)
        queue.new_today = conn.scalar(_NEW_TODAY, params)
        queue.new_left = max(0, scope.new_per_day - queue.new_today)
        # Later parts are read only while there is room: a learner with enough due cards
        # does not pay for picking new ones.
        room = limit - len(changed) - len(due)
        new = _new_cards(conn, params, scope, min(room, queue.new_left)) if room > 0 else []
        room -= len(new)
        ahead = list(conn.execute(_AHEAD, {**params, "limit": room})) if room > 0 else []
    queue.changed = len(changed)
    queue.items = ([QueueItem(_card(r), "changed", memory_of(r), r.changed_from) for r in changed]
                   + [QueueItem(_card(r), "due", memory_of(r)) for r in due]
                   + [QueueItem(card, "new") for card in new]
                   + [QueueItem(_card(r), "ahead", memory_of(r)) for r in ahead])[:limit]
    return queue


def _new_cards(conn, params: dict, scope: Scope, limit: int) -> list[Card]:
    """Unseen current cards: must-know units first, then the tracks' processes in card order."""
    if limit <= 0:
        return []
    params = {**params, "limit": limit}
    picked: list = []
    if scope.units:
        picked += conn.execute(_NEW_MUST, {**params, "units": list(scope.units)}).all()
    if scope.processes:
        # One indexed walk per process, merged: cheaper than one filtered walk of the base.
        rows = []
        for process in scope.processes:
            rows += conn.execute(_NEW_IN_PROCESS, {**params, "process": process}).all()
        picked += sorted(rows, key=lambda r: r.order_key)
    else:
        picked += conn.execute(_NEW_ALL, params).all()
    chosen: dict[tuple[str, str], object] = {}
    for row in picked:
        chosen.setdefault((row.unit_id, row.slot), row)
    return [_card(row) for row in list(chosen.values())[:limit]]


def learned_count(store: Store, base: str, user) -> int:
    """How many cards ``user`` has started in ``base``."""
    with store.read() as conn:
        return conn.scalar(_LEARNED, {"user": user.name, "base": base})


def card_of(store: Store, base: str, unit_id: str, slot: str) -> Card:
    """The current card ``unit_id#slot`` (NotFound when its unit was retired or changed shape)."""
    sync_cards(store, base)
    with store.read() as conn:
        card = current_card(conn, base, unit_id, slot)
    if card is None:
        raise NotFound(Problem(f"no card {unit_id}#{slot} in knowledge base {base!r}",
                               field="card", hint="the unit may have been retired: reload the queue"))
    return card


def answer(store: Store, base: str, user, unit_id: str, slot: str, response: Any,
           at: datetime | None = None, duration_ms: int | None = None) -> Answered:
    """Grade an answer to a current card, update the learner's memory, log the review."""
    permissions.check(user, "learn", base)
    at = utc(at or datetime.now(UTC))
    sync_cards(store, base, at)
    s = schema.training_state
    with store.transaction() as conn:
        card = current_card(conn, base, unit_id, slot)
        if card is None:
            raise NotFound(Problem(f"no card {unit_id}#{slot} in knowledge base {base!r}",
                                   field="card", hint="the unit may have been retired: reload the queue"))
        verdict = grading.grade(card, response)
        key = and_(s.c.user == user.name, s.c.base == base, s.c.unit_id == unit_id, s.c.slot == slot)
        row = conn.execute(select(s).where(key)).first()
        memory = review(memory_of(row) if row else Memory.new(at), verdict.rating, at)
        shown = _changes(store, conn, base, card, row.changed_from) if row and row.changed_from else ()
        values = {"learned_version": card.unit_version, "changed_from": None, "suspended": 0,
                  "state": memory.state, "step": memory.step, "stability": memory.stability,
                  "difficulty": memory.difficulty, "due": iso(memory.due),
                  "last_review": iso(memory.last_review) if memory.last_review else None,
                  "reps": memory.reps, "lapses": memory.lapses}
        if row is None:
            conn.execute(insert(s).values(user=user.name, base=base, unit_id=unit_id, slot=slot,
                                          first_seen=iso(at), **values))
        else:
            conn.execute(update(s).where(key).values(**values))
        review_id = conn.execute(insert(schema.training_reviews).values(
            user=user.name, base=base, unit_id=unit_id, slot=slot, unit_version=card.unit_version,
            rating=verdict.rating, correct=None if verdict.correct is None else int(verdict.correct),
            response=verdict.given[:500], at=iso(at), duration_ms=duration_ms)).inserted_primary_key[0]
    return Answered(card, verdict, memory, review_id, tuple(shown))


def _changes(store: Store, conn, base: str, card: Card, old_version: int) -> list[str]:
    """Old → new for a card whose unit changed since the learner knew it."""
    versions = {u.version: u for u, _ in store.history(base, card.unit_id)}
    old, new = versions.get(old_version), versions.get(card.unit_version)
    lines = changes.describe(old, new) if old and new else []
    if not lines:
        before = card_at(conn, base, card.unit_id, card.slot, old_version)
        if before is not None and before.answer_text != card.answer_text:
            lines = [f"{before.answer_text} → {card.answer_text}"]
    return lines


def changes_for(store: Store, base: str, item: QueueItem) -> list[str]:
    """What changed for a queue item marked ``changed`` (shown before it is answered)."""
    if item.changed_from is None:
        return []
    with store.read() as conn:
        return _changes(store, conn, base, item.card, item.changed_from)


def last_review(store: Store, base: str, user, review_id: int) -> dict[str, Any]:
    """One of the learner's own reviews (the page after answering shows it)."""
    r = schema.training_reviews
    with store.read() as conn:
        row = conn.execute(select(r).where(and_(r.c.id == review_id, r.c.user == user.name,
                                                r.c.base == base))).first()
        if row is None:
            raise NotFound(Problem(f"no answer {review_id} of yours in {base!r}"))
        card = card_at(conn, base, row.unit_id, row.slot, row.unit_version)
    if card is None:
        raise NotFound(Problem(f"the card of answer {review_id} is gone"))
    return {"id": row.id, "card": card, "rating": row.rating, "correct": row.correct,
            "response": row.response, "at": row.at}

