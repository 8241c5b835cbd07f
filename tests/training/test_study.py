"""Today's queue: changed, due, new up to the day's limit, learning steps; answering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from laoshifu.errors import LaoshifuError, NotFound, PermissionDenied
from laoshifu.training import study, tracks

from .conftest import T0, right_response


def _answer_first(store, user, at, right=True):
    item = study.today_queue(store, "main", user, at=at, limit=1).first
    response = right_response(item.card) if right else None
    return item, study.answer(store, "main", user, item.card.unit_id, item.card.slot, response, at=at)


def test_new_cards_come_from_the_track_with_must_know_units_first(tstore, users):
    tracks.save_track(tstore, tracks.Track(base="main", name="脱碳岗", processes=("脱碳退火",),
                                           units=("dc-dew-point",), new_per_day=3), users["wang"])
    queue = study.today_queue(tstore, "main", users["xiao"], at=T0)
    assert [i.card.key for i in queue.items] == ["dc-dew-point#lower", "dc-dew-point#upper",
                                                 "rule-dc-h2-leak#scenario"]
    assert {i.reason for i in queue.items} == {"new"} and queue.new_left == 3
    for _ in range(3):
        _answer_first(tstore, users["xiao"], T0)
    later = study.today_queue(tstore, "main", users["xiao"], at=T0 + timedelta(minutes=5))
    assert later.new_left == 0 and later.new_today == 3
    # Nothing due yet, so the learning steps due within the next minutes come next.
    assert [i.reason for i in later.items] == ["ahead"] * 3


def test_due_cards_come_before_new_ones(tstore, users):
    first, _ = _answer_first(tstore, users["xiao"], T0)
    queue = study.today_queue(tstore, "main", users["xiao"], at=T0 + timedelta(minutes=11))
    assert (queue.items[0].reason, queue.items[0].card.key, queue.due) == ("due", first.card.key, 1)
    assert queue.items[1].reason == "new"


def test_without_a_track_the_whole_base_is_learnt_dangerous_rules_first(tstore, users):
    queue = study.today_queue(tstore, "main", users["liu"], at=T0, limit=3)
    assert [i.card.key for i in queue.items] == [
        "rule-dc-h2-leak#scenario", "rule-dc-h2-leak#near-miss", "rule-dc-n2-loss#scenario"]


def test_public_cards_do_not_carry_the_answer(tstore, users):
    item = study.today_queue(tstore, "main", users["xiao"], at=T0).first
    data = item.to_dict()["card"]
    assert not {"correct", "order", "value", "answer_text", "explain"} & set(data)


def test_answering_bad_input_changes_nothing(tstore, users):
    item = study.today_queue(tstore, "main", users["xiao"], at=T0).first
    with pytest.raises(LaoshifuError):
        study.answer(tstore, "main", users["xiao"], item.card.unit_id, item.card.slot, "", at=T0)
    assert study.learned_count(tstore, "main", users["xiao"]) == 0


def test_answering_a_card_that_does_not_exist(tstore, users):
    with pytest.raises(NotFound) as err:
        study.answer(tstore, "main", users["xiao"], "no-such-unit", "upper", "1", at=T0)
    assert err.value.problems[0].field == "card"


def test_learners_study_only_their_own_bases(tstore, users):
    with pytest.raises(PermissionDenied):
        study.today_queue(tstore, "main", users["zhao"], at=T0)
    assert study.today_queue(tstore, "main", users["li"], at=T0).items  # engineers learn too


def test_a_review_is_logged_with_the_version_and_answer(tstore, users):
    item, done = _answer_first(tstore, users["xiao"], T0)
    row = study.last_review(tstore, "main", users["xiao"], done.review_id)
    assert (row["card"].key, row["rating"], row["correct"]) == (item.card.key, 3, 1)
    with pytest.raises(NotFound):
        study.last_review(tstore, "main", users["liu"], done.review_id)  # someone else's
