"""Knowledge changes reach learners: a changed unit's cards come back first, old -> new."""

from __future__ import annotations

from datetime import timedelta

import pytest

from laoshifu.errors import NotFound
from laoshifu.training import study, sync

from .conftest import T0, right_response

LATER = T0 + timedelta(hours=2)


def _learn(store, user, unit_id, slots=("lower", "upper"), at=T0):
    for slot in slots:
        card = study.card_of(store, "main", unit_id, slot)
        study.answer(store, "main", user, unit_id, slot, right_response(card), at=at)


def test_an_edited_window_requeues_its_card_first_with_the_change(tstore, users):
    _learn(tstore, users["xiao"], "dc-dew-point")
    unit = tstore.require_unit("main", "dc-dew-point")
    tstore.save_unit("main", unit.with_changes(upper=63.0), actor="wang", comment="露点上限收紧")
    queue = study.today_queue(tstore, "main", users["xiao"], at=LATER, limit=5)
    first = queue.items[0]
    assert (first.reason, first.card.key, first.changed_from, first.card.unit_version) == (
        "changed", "dc-dew-point#lower", 1, 2)
    assert queue.changed == 2 and queue.items[1].card.key == "dc-dew-point#upper"
    assert study.changes_for(tstore, "main", queue.items[1]) == ["上限：65 → 63 ℃"]
    # The old window is now wrong, the new one right; answering settles the change.
    answered = study.answer(tstore, "main", users["xiao"], "dc-dew-point", "upper", "65", at=LATER)
    assert answered.verdict.correct is False and answered.changes == ("上限：65 → 63 ℃",)
    assert study.answer(tstore, "main", users["xiao"], "dc-dew-point", "upper", "63", at=LATER).verdict.correct
    after = study.today_queue(tstore, "main", users["xiao"], at=LATER, limit=50)
    assert [i.card.key for i in after.items if i.reason == "changed"] == ["dc-dew-point#lower"]


def test_only_those_who_learnt_the_old_card_are_told(tstore, users):
    _learn(tstore, users["xiao"], "dc-dew-point")
    unit = tstore.require_unit("main", "dc-dew-point")
    tstore.save_unit("main", unit.with_changes(upper=63.0), actor="wang")
    other = study.today_queue(tstore, "main", users["liu"], at=LATER, limit=50)
    assert other.changed == 0 and all(i.reason == "new" for i in other.items)


def test_a_change_in_words_only_does_not_requeue(tstore, users):
    _learn(tstore, users["xiao"], "dc-dew-point")
    unit = tstore.require_unit("main", "dc-dew-point")
    tstore.save_unit("main", unit.with_changes(tags=("露点", "新标签")), actor="wang")
    report = sync.sync_cards(tstore, "main", LATER)
    assert (report.units_changed, report.requeued) == (1, [])
    assert study.today_queue(tstore, "main", users["xiao"], at=LATER).changed == 0


def test_a_changed_procedure_says_which_step_changed(tstore, users):
    proc = tstore.require_unit("main", "proc-dc-grade-change")
    _learn(tstore, users["xiao"], proc.id, slots=("order",))
    steps = list(proc.steps)
    steps[3] = "炉温保持在845℃，不随规格乱动；露点仍按60℃（55～65℃）控制。"
    tstore.save_unit("main", proc.with_changes(steps=tuple(steps)), actor="wang")
    item = study.today_queue(tstore, "main", users["xiao"], at=LATER).first
    assert item.reason == "changed" and item.card.key == "proc-dc-grade-change#order"
    assert study.changes_for(tstore, "main", item) == [
        "步骤第 4 条：炉温保持在840℃，不随规格乱动；露点仍按60℃（55～65℃）控制。 → "
        "炉温保持在845℃，不随规格乱动；露点仍按60℃（55～65℃）控制。"]


def test_a_retired_unit_leaves_the_queue_and_comes_back_as_news(tstore, users):
    _learn(tstore, users["xiao"], "dc-dew-point")
    tstore.set_status("main", "dc-dew-point", "retired", "wang", "retire")
    queue = study.today_queue(tstore, "main", users["xiao"], at=T0 + timedelta(days=30), limit=200)
    assert not any(i.card.unit_id == "dc-dew-point" for i in queue.items)
    with pytest.raises(NotFound):
        study.answer(tstore, "main", users["xiao"], "dc-dew-point", "upper", "65", at=LATER)
    tstore.set_status("main", "dc-dew-point", "approved", "wang", "approve")
    back = study.today_queue(tstore, "main", users["xiao"], at=LATER, limit=5)
    assert [(i.reason, i.card.key, i.changed_from) for i in back.items[:2]] == [
        ("changed", "dc-dew-point#lower", 1), ("changed", "dc-dew-point#upper", 1)]


def test_sync_does_nothing_when_nothing_changed(tstore):
    first = sync.sync_cards(tstore, "main", T0)
    assert not first.skipped and first.cards_written == 517
    assert sync.sync_cards(tstore, "main", T0).skipped
    # A draft beside an approved unit changes nothing a learner is taught.
    unit = tstore.require_unit("main", "dc-dew-point")
    tstore.save_unit("main", unit.with_changes(upper=61.0, status="draft"), actor="li")
    report = sync.sync_cards(tstore, "main", T0)
    assert (report.skipped, report.units_changed) == (False, 0)
