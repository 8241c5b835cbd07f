"""Spaced repetition with FSRS (the ``fsrs`` package): one learner's memory of one card.

We keep FSRS's own state per learner and card (``Memory``) and every review, so a
schedule can be replayed, or refitted with FSRS's optimizer, from the log. Fuzzing is
off: the same answers give the same schedule, which is what a master checking an
apprentice's plan (and a test) expects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from ..errors import LaoshifuError, Problem

DESIRED_RETENTION = 0.9
SCHEDULER = Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)
LEARNING, REVIEW, RELEARNING = State.Learning.value, State.Review.value, State.Relearning.value
# FSRS needs an integer id per card; ours are (user, unit, slot) keys, so one id serves all.
_CARD_ID = 1


@dataclass(frozen=True)
class Memory:
    """FSRS's state of one card for one learner, plus counts for the master's page."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def new(cls, at: datetime) -> Memory:
        return cls(LEARNING, 0, None, None, utc(at), None)

    def to_fsrs(self) -> FsrsCard:
        return FsrsCard(card_id=_CARD_ID, state=State(self.state), step=self.step,
                        stability=self.stability, difficulty=self.difficulty, due=self.due,
                        last_review=self.last_review)

    @classmethod
    def from_fsrs(cls, card: FsrsCard, reps: int, lapses: int) -> Memory:
        return cls(card.state.value, card.step, card.stability, card.difficulty, card.due,
                   card.last_review, reps, lapses)


def utc(at: datetime) -> datetime:
    """FSRS insists on UTC datetimes; a naive one is taken as UTC."""
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at.astimezone(UTC)


def review(memory: Memory, rating: int, at: datetime) -> Memory:
    """The memory after answering with ``rating`` (1 again … 4 easy) at ``at``."""
    if rating not in (1, 2, 3, 4):
        raise LaoshifuError(Problem(f"rating {rating!r} is not 1 to 4", field="rating"))
    at = utc(at)
    card, _log = SCHEDULER.review_card(memory.to_fsrs(), Rating(rating), review_datetime=at)
    lapsed = rating == 1 and memory.state == REVIEW
    return Memory.from_fsrs(card, memory.reps + 1, memory.lapses + (1 if lapsed else 0))


def replay(reviews: Iterable[tuple[int, datetime]], start: datetime) -> Memory:
    """The memory a list of (rating, when) reviews leads to, replayed through FSRS as
    ``Scheduler.reschedule_card`` does (so a refitted scheduler can re-plan everyone)."""
    card = FsrsCard(card_id=_CARD_ID, due=utc(start))
    lapses = reps = 0
    for rating, at in sorted(((r, utc(t)) for r, t in reviews), key=lambda x: x[1]):
        lapses += rating == 1 and card.state == State.Review  # FSRS keeps no counts
        reps += 1
        card, _log = SCHEDULER.review_card(card, Rating(rating), review_datetime=at)
    return Memory.from_fsrs(card, reps, lapses)


def retrievability(memory: Memory | None, at: datetime) -> float:
    """FSRS's probability that the learner recalls the card at ``at`` (0 if never learnt)."""
    if memory is None or memory.stability is None or memory.last_review is None:
        return 0.0
    return float(SCHEDULER.get_card_retrievability(memory.to_fsrs(), utc(at)))


def is_due(memory: Memory, at: datetime, ahead: timedelta = timedelta(0)) -> bool:
    return memory.due <= utc(at) + ahead
