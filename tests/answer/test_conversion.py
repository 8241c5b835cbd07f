"""An answer adds its figures in the unit the question asks for (questions written for
these tests)."""

import pytest

from laoshifu.answer import ask
from laoshifu.answer.conversion import asked_unit, conversions
from laoshifu.answer.model import Answer, QuotedSentence, WindowRow
from laoshifu.cli.ask import render_answer
from laoshifu.text import normalize


@pytest.mark.parametrize("question, unit", [
    ("一段炉温合多少K？", "K"),
    ("换成开尔文是多少", "K"),
    ("折成华氏度呢", "°F"),
    ("What is that in Fahrenheit?", "°F"),
    ("氧化层多厚，用毫米说", "mm"),
    ("沟深多少微米", "μm"),
    ("炉压多少kPa", "kPa"),
    ("保温得几个小时", "h"),
    ("每平方米多少毫克", "mg/m²"),
    ("露点多少度", ""),  # the knowledge base's own unit: nothing to convert
    ("炉压多少", ""),
])
def test_asked_unit(question, unit):
    assert asked_unit(normalize(question)) == unit


def _answer():
    return Answer(question="q", refused=False, confidence=1.0,
                  sentences=[QuotedSentence("降到约900到950℃再保一段。", (2,)),
                             QuotedSentence("氧化层厚约2.3 μm。", (3,))],
                  windows=[WindowRow("w", "一段炉温", "常化", 1120.0, 1100.0, 1150.0, "℃",
                                     "牌号=HiB", 1)])


def test_windows_and_quoted_figures_are_converted_with_their_citations():
    kelvin = conversions("一段炉温合多少K？", _answer())
    assert [(c.given, c.converted, c.citation) for c in kelvin] == [
        ("1100～1150 ℃", "≈ 1373～1423 K", 1), ("900到950℃", "≈ 1173～1223 K", 2)]
    assert kelvin[0].what == "一段炉温（常化，牌号=HiB）"
    assert [(c.given, c.converted) for c in conversions("用毫米说", _answer())] == [
        ("2.3 μm", "≈ 0.0023 mm")]
    assert conversions("露点多少度", _answer()) == []  # no unit asked
    assert conversions("多少kPa", _answer()) == []  # nothing converts to it


def test_the_cli_shows_the_conversion_and_json_carries_it():
    answer = _answer()
    answer.conversions = conversions("一段炉温合多少K？", answer)
    assert "1100～1150 ℃ ≈ 1373～1423 K [1]" in render_answer(answer)
    assert answer.to_dict()["conversions"][0]["converted"] == "≈ 1373～1423 K"


def test_a_question_in_kelvin_gets_the_window_in_kelvin(kb):
    store, index_dir = kb
    answer = ask(store, "Hi-B常化一段炉温合多少K？", record=False, index_dir=index_dir, threshold=0.0)
    assert not answer.refused
    assert any(c.converted == "≈ 1373～1423 K" for c in answer.conversions), answer.conversions


def test_a_figure_said_in_words_is_added_in_digits():
    worded = Answer(question="q", refused=False, confidence=1.0,
                    sentences=[QuotedSentence("带钢偏离中心超过十五毫米就得纠。", (1,))])
    assert [(c.given, c.converted) for c in conversions("偏出多少就得纠", worded)] == [
        ("十五", "= 15 mm")]
    assert [(c.given, c.converted) for c in conversions("偏出多少微米就得纠", worded)] == [
        ("十五", "≈ 15000 μm")]
    # digits already, no unit asked: nothing to add
    assert conversions("偏出多少就得纠", _answer()) == []


def test_worded_ranges_are_shown_in_digits():
    worded = Answer(question="q", refused=False, confidence=1.0,
                    sentences=[QuotedSentence("高温退火一炉就是六七天。", (1,)),
                               QuotedSentence("纯氢里保温二十到三十个钟头。", (2,))])
    assert [(c.given, c.converted) for c in conversions("一炉要几天", worded)] == [
        ("六七", "= 6～7 天"), ("二十", "= 20 h"), ("三十", "= 30 h")]
