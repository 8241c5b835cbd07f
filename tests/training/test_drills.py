"""Drills from a faulty example day: graded against the review's findings and the ground truth."""

from __future__ import annotations

import json

import pytest

from laoshifu.errors import NotFound
from laoshifu.training import drills, study

from .conftest import T0


@pytest.fixture(scope="module")
def faulty_day(tmp_path_factory):
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.review.example_data import ExampleSpec, generate
    from laoshifu.store import Store

    from ..conftest import EXAMPLE

    folder = tmp_path_factory.mktemp("drills")
    store = Store.open(f"sqlite:///{folder / 'x.db'}")
    import_folder(store, EXAMPLE)
    units = store.list_units("main")
    store.close()
    generate(units, ExampleSpec(out=folder / "data", days=1, hours=3, fmt="csv", seed=7))
    truth = json.loads((folder / "data" / "faults.json").read_text(encoding="utf-8"))
    return folder / "data", units, truth


def test_every_injected_rule_fault_becomes_a_drill_with_its_first_action(faulty_day):
    path, units, truth = faulty_day
    cards = drills.drills_from_data(path, units)
    rules = {u.id: u for u in units if u.kind == "rule"}
    injected = {f["rule_id"] for f in truth if f.get("rule_id")}
    assert injected and injected <= {c.unit_id for c in cards}
    for card in cards:
        assert card.slot.startswith("drill:2026-07-22T") and card.answer_kind == "choice"
        assert drills.ALL_NORMAL in card.choices and card.choices[card.correct] != drills.ALL_NORMAL
        if card.unit_id in rules:
            rule = rules[card.unit_id]
            assert card.choices[card.correct] == f"「{rule.title}」：{rule.actions[0]}"
            assert card.prompt.endswith("看到什么，先做什么？")
        else:
            assert card.choices[card.correct].endswith("出了窗口（" + next(
                u for u in units if u.id == card.unit_id).window_text() + "）")
    excursion = next(c for c in cards if c.unit_id == "dc-dew-point")
    assert excursion.prompt.splitlines()[0] == "2026-07-22 脱碳退火 3 号线记录："
    assert len(excursion.prompt.splitlines()) == 6  # header, four moments, the question


def test_drills_are_learnt_like_any_card_and_stored_once(faulty_day, tstore, users):
    path, units, _truth = faulty_day
    cards = drills.drills_from_data(path, units)
    assert len(drills.add_drills(tstore, "main", cards)) == len(cards)
    assert drills.add_drills(tstore, "main", cards) == []
    drill = cards[0]
    done = study.answer(tstore, "main", users["xiao"], drill.unit_id, drill.slot, drill.correct, at=T0)
    assert done.verdict.correct is True
    # A change to the rule retires its drills with it.
    unit = tstore.require_unit("main", drill.unit_id)
    tstore.save_unit("main", unit.with_changes(title=unit.title + "（修订）"), actor="wang")
    with pytest.raises(NotFound):
        study.card_of(tstore, "main", drill.unit_id, drill.slot)
