"""The schedule is FSRS's own: what we store equals the fsrs package's result for the log."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from laoshifu.store import schema
from laoshifu.training import schedule, study
from laoshifu.training.study import memory_of

from .conftest import T0, right_response, wrong_response

# (hours after T0, right?) for one card: learnt, slipped, relearnt, reviewed days apart.
LOG = [(0, True), (0.2, True), (26, False), (26.2, True), (80, True), (300, True), (900, False)]


def _stored(store, user, unit_id, slot):
    s = schema.training_state
    with store.read() as conn:
        row = conn.execute(s.select().where((s.c.user == user) & (s.c.unit_id == unit_id)
                                            & (s.c.slot == slot))).first()
    return memory_of(row)


def test_the_schedule_equals_the_fsrs_package_for_a_review_log(tstore, users):
    card = study.card_of(tstore, "main", "dc-dew-point", "upper")
    fsrs_scheduler = Scheduler(enable_fuzzing=False)  # the package's defaults, no fuzz
    expected = FsrsCard(card_id=1, due=T0)
    for hours, right in LOG:
        at = T0 + timedelta(hours=hours)
        study.answer(tstore, "main", users["xiao"], card.unit_id, card.slot,
                     right_response(card) if right else wrong_response(card), at=at)
        expected, _ = fsrs_scheduler.review_card(expected, Rating.Good if right else Rating.Again,
                                                 review_datetime=at)
        got = _stored(tstore, "xiao", card.unit_id, card.slot)
        assert (got.state, got.step, got.due, got.last_review) == (
            expected.state.value, expected.step, expected.due.replace(microsecond=0), expected.last_review)
        assert got.stability == expected.stability and got.difficulty == expected.difficulty
    assert (got.reps, got.lapses) == (7, 2)


def test_the_review_log_replays_to_the_same_memory(tstore, users):
    card = study.card_of(tstore, "main", "dc-dew-point", "lower")
    for hours, right in LOG:
        study.answer(tstore, "main", users["xiao"], card.unit_id, card.slot,
                     right_response(card) if right else wrong_response(card), at=T0 + timedelta(hours=hours))
    r = schema.training_reviews
    with tstore.read() as conn:
        log = [(row.rating, schedule.utc(__import__("datetime").datetime.fromisoformat(row.at)))
               for row in conn.execute(r.select().where(r.c.slot == "lower").order_by(r.c.id))]
    assert [rating for rating, _ in log] == [3, 3, 1, 3, 3, 3, 1]
    assert schedule.replay(log, T0) == _stored(tstore, "xiao", card.unit_id, card.slot)


def test_first_answers_follow_the_learning_steps():
    memory = schedule.review(schedule.Memory.new(T0), 3, T0)
    assert memory.due == T0 + timedelta(minutes=10)  # FSRS's second learning step
    again = schedule.review(schedule.Memory.new(T0), 1, T0)
    assert again.due == T0 + timedelta(minutes=1)


def test_recall_probability():
    assert schedule.retrievability(None, T0) == 0.0
    memory = schedule.review(schedule.review(schedule.Memory.new(T0), 3, T0), 3, T0 + timedelta(days=1))
    now = schedule.retrievability(memory, T0 + timedelta(days=1))
    later = schedule.retrievability(memory, T0 + timedelta(days=30))
    assert now == 1.0 and 0 < later < now
