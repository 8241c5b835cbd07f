"""Cards from every unit kind of the example, with their exact questions and answers."""

from __future__ import annotations

from collections import Counter

import pytest

from laoshifu.training.cards import (
    NO_ACTION,
    Card,
    Deck,
    build_cards,
    cards_for,
    masked_definition,
    material_text,
)
from laoshifu.knowledge.units import Note, Procedure, Rule


@pytest.fixture(scope="module")
def example_units(tmp_path_factory):
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.store import Store

    from ..conftest import EXAMPLE

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('cards') / 'x.db'}")
    import_folder(store, EXAMPLE)
    units = store.list_units("main")
    store.close()
    return units


@pytest.fixture(scope="module")
def deck(example_units):
    return Deck.of(example_units)


@pytest.fixture(scope="module")
def cards(example_units):
    return build_cards(example_units)


def _by_key(cards):
    return {c.key: c for c in cards}


def test_every_kind_of_the_example_makes_cards(example_units, cards):
    slots = Counter((c.unit_kind, c.slot) for c in cards)
    assert slots == {
        ("parameter", "lower"): 61, ("parameter", "upper"): 73,
        ("rule", "scenario"): 32, ("rule", "near-miss"): 32,
        ("procedure", "order"): 16, ("procedure", "missing"): 16,
        ("term", "definition"): 70, ("term", "term"): 70,
        ("note", "recall"): 22, ("qa", "recall"): 5, ("section", "recall"): 120,
    }
    carded = {c.unit_id for c in cards}
    assert {u.id for u in example_units} - carded == set()  # every unit teaches something


def test_parameter_cards_ask_the_window_with_its_unit(cards):
    by = _by_key(cards)
    upper = by["dc-dew-point#upper"]
    assert (upper.prompt, upper.value, upper.unit, upper.answer_kind) == (
        "脱碳退火 · 露点（DP）的上限是多少？", 65.0, "℃", "number")
    assert upper.answer_text == "65 ℃（窗口 55 ~ 65 ℃，目标 60）"
    assert upper.tolerance == pytest.approx(0.2)
    assert by["dc-dew-point#lower"].value == 55.0
    assert (upper.unit_id, upper.unit_version, upper.source) == ("dc-dew-point", 1, "parameters.csv:13")


def test_conditional_windows_are_asked_per_grade_and_thickness(cards):
    by = _by_key(cards)
    thin, thick = by["dc-soak-time#upper"], by["dc-soak-time-thick#upper"]
    assert thin.prompt == "脱碳退火 · 厚度 ≤ 0.23 mm时，均热时间（ST_DC）的上限是多少？"
    assert thick.prompt == "脱碳退火 · 厚度 > 0.23 mm时，均热时间（ST_DC）的上限是多少？"
    assert (thin.value, thick.value) == (180.0, 200.0)
    assert by["na-t1-temp#upper"].prompt.startswith("常化 · 牌号 HiB时，")
    assert material_text("牌号=HiB; 厚度<=0.23") == "牌号 HiB、厚度 ≤ 0.23 mm"


def test_rule_scenarios_draw_readings_inside_the_condition_and_near_misses_outside(example_units, deck, cards):
    rules = {u.id: u for u in example_units if isinstance(u, Rule)}
    checked = 0
    for card in cards:
        if card.unit_kind != "rule":
            continue
        rule = rules[card.unit_id]
        condition = deck.condition(rule)
        readings = dict(card.readings)
        if card.slot == "scenario":
            assert card.choices[card.correct] == rule.actions[0]
            assert len(card.choices) == 4 and len(set(card.choices)) == 4
            if condition is not None:
                assert condition.holds(readings), (rule.id, readings)
                checked += 1
        else:
            assert card.choices[card.correct] == NO_ACTION
            assert condition.evaluate(readings) is False, (rule.id, readings)
    assert checked == 32


def test_a_scenario_offers_the_rules_own_later_action_and_other_rules_first_actions(cards, deck):
    card = _by_key(cards)["rule-dc-dew-point-high#scenario"]
    assert card.prompt == "脱碳退火现场读数：加湿水温 73 ℃、露点 70 ℃。先做什么？"
    wrong = set(card.choices) - {card.choices[card.correct]}
    assert "水温降了露点还不降，查蒸汽阀和加湿器水位计。" in wrong  # its own second action
    firsts = {r.actions[0] for r in deck.rules["脱碳退火"]}
    assert len(wrong & firsts) == 2


def test_procedure_cards_order_and_missing_step(example_units, deck, cards):
    proc = next(u for u in example_units if u.id == "proc-dc-grade-change")
    by = _by_key(cards)
    order = by["proc-dc-grade-change#order"]
    assert sorted(order.context) == sorted(proc.steps) and list(order.context) != list(proc.steps)
    assert [order.context[i] for i in order.order] == list(proc.steps)
    missing = by["proc-dc-grade-change#missing"]
    gap = missing.context.index("（缺了一步）")
    assert missing.choices[missing.correct] == proc.steps[gap]
    same_process = {s for _, s in deck.steps["脱碳退火"]}
    assert set(missing.choices) <= same_process


def test_term_distractors_come_from_the_same_process(deck, cards):
    card = _by_key(cards)["term-dew-point#definition"]
    assert card.process == "脱碳退火"
    assert card.prompt == "脱碳退火 · 「露点」（DP、露点温度、dew point）是什么意思？"
    same = {masked_definition(t.body, t) for t in deck.terms["脱碳退火"]}
    assert len(card.choices) == 4 and set(card.choices) <= same
    back = _by_key(cards)["term-dew-point#term"]
    assert back.choices[back.correct] == "露点"
    assert "露点" not in back.prompt.split("\n", 1)[1]  # the definition does not give it away
    assert set(back.choices) <= {t.title for t in deck.terms["脱碳退火"]}


def test_the_masters_words_are_self_graded(example_units, cards):
    by = _by_key(cards)
    qa = next(u for u in example_units if u.kind == "qa")
    card = by[f"{qa.id}#recall"]
    assert (card.answer_kind, card.prompt, card.answer_text) == ("self", qa.question, qa.body.strip())
    note = next(u for u in example_units if u.kind == "note")
    assert by[f"{note.id}#recall"].prompt.startswith(f"经验笔记「{note.title}」")


def test_cards_are_the_same_each_time_and_cite_their_version(example_units):
    first = {c.key: c.fingerprint() for c in build_cards(example_units)}
    again = {c.key: c.fingerprint() for c in build_cards(example_units)}
    assert first == again
    note = Note(id="n1", title="t", body="正文足够长，能出一张卡片来考考徒弟。", version=3)
    assert [c.unit_version for c in cards_for(note, Deck.of([]))] == [3]


def test_drafts_and_short_procedures_make_no_cards():
    deck = Deck.of([])
    assert cards_for(Note(id="d", title="t", body="草稿笔记的正文也够长了。", status="draft"), deck) == []
    assert cards_for(Procedure(id="p", title="两步", steps=("一", "二")), deck) == []


def test_a_card_round_trips_through_json(cards):
    import json
    for card in cards[:50] + [c for c in cards if c.readings][:5]:
        assert Card.from_dict(json.loads(json.dumps(card.to_dict(), ensure_ascii=False))) == card
