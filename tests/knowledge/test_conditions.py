import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laoshifu.knowledge.conditions import And, Compare, ConditionError, Not, Or, Quantity, parse

QUANTITIES = {
    "露点": Quantity("脱碳退火:露点", "℃"),
    "DP": Quantity("脱碳退火:露点", "℃"),
    "氢气比例": Quantity("脱碳退火:氢气比例", "%"),
    "带速": Quantity("脱碳退火:带速", "m/min"),
    "炉温波动": Quantity("脱碳退火:炉温波动", "℃"),
}
resolve = QUANTITIES.get


def test_parses_and_resolves_names():
    cond = parse("露点 > 62 and 氢气比例 < 20", resolve)
    assert cond.keys == ("脱碳退火:露点", "脱碳退火:氢气比例")
    assert isinstance(cond.expr, And)
    assert cond.specificity() == 2


def test_precedence_and_parentheses():
    cond = parse("带速 >= 90 or 炉温波动 > 15 and not (露点 < 60)", resolve)
    assert isinstance(cond.expr, Or)
    assert isinstance(cond.expr.items[1], And)
    assert isinstance(cond.expr.items[1].items[1], Not)


def test_chinese_keywords_and_symbols_without_spaces():
    cond = parse("DP>62且氢气比例≤20", resolve)
    assert cond.holds({"脱碳退火:露点": 63, "脱碳退火:氢气比例": 20})
    assert not cond.holds({"脱碳退火:露点": 61, "脱碳退火:氢气比例": 10})


@pytest.mark.parametrize("text,readings,expected", [
    ("露点 > 62", {"脱碳退火:露点": 62.5}, True),
    ("露点 > 62", {"脱碳退火:露点": 62}, False),
    ("露点 >= 62", {"脱碳退火:露点": 62}, True),
    ("露点 != 62", {"脱碳退火:露点": 62}, False),
    ("not 露点 > 62", {"脱碳退火:露点": 50}, True),
    ("露点 > 62 and 氢气比例 < 20", {"脱碳退火:露点": 65}, None),
    ("露点 > 62 or 氢气比例 < 20", {"脱碳退火:露点": 65}, True),
    ("露点 > 62 and 氢气比例 < 20", {"脱碳退火:露点": 50}, False),
])
def test_three_valued_evaluation(text, readings, expected):
    assert parse(text, resolve).evaluate(readings) is expected


def test_number_units_are_converted_to_the_parameters_unit():
    cond = parse("露点 > 335.15 K", resolve)
    compare = cond.expr
    assert isinstance(compare, Compare)
    assert math.isclose(compare.right.value, 62.0)
    assert parse("露点 > 62℃", resolve).holds({"脱碳退火:露点": 63})
    assert parse("露点 > 62 °C", resolve).holds({"脱碳退火:露点": 63})


@pytest.mark.parametrize("text,message,column", [
    ("露点 > ", "ends too early", 6),
    ("露点 and 3", "is a value, not a true/false test", 1),
    ("温度 > 5", "unknown name '温度'", 1),
    ("露点 > 5 %", "cannot convert % to ℃", 6),
    ("3 > 2", "compares two numbers", 3),
    ("露点 >> 5", "unexpected '>'", 5),
    ("露点 > 带速", "compares 露点 (℃) with 带速 (m/min)", 6),
    ("露点 > 5 $", "unexpected character '$'", 8),
    ("", "empty condition", 1),
])
def test_errors_carry_a_column(text, message, column):
    with pytest.raises(ConditionError) as info:
        parse(text, resolve)
    assert message in info.value.message
    assert info.value.column == column


def test_no_eval_of_python():
    with pytest.raises(ConditionError):
        parse("__import__('os').system('true')", resolve)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="露点氢气比例带速 ><=!()andornt0123456789.%℃且或", max_size=40))
def test_malformed_input_never_crashes(text):
    try:
        cond = parse(text, resolve)
    except ConditionError as exc:
        assert exc.column is None or 1 <= exc.column <= len(text) + 1
    else:
        cond.evaluate({})


readings = st.fixed_dictionaries({
    "脱碳退火:露点": st.one_of(st.none(), st.floats(40, 80)),
    "脱碳退火:氢气比例": st.one_of(st.none(), st.floats(0, 100)),
    "脱碳退火:带速": st.one_of(st.none(), st.floats(50, 120)),
})


@settings(max_examples=50, deadline=None)
@given(st.lists(readings, min_size=1, max_size=30), st.sampled_from([
    "露点 > 62 and 氢气比例 < 20",
    "露点 > 62 or not (带速 >= 90)",
    "not (露点 > 62 and 氢气比例 < 20) or 带速 < 60",
    "not (露点 > 62 or 氢气比例 < 20)",
]))
def test_columns_agree_with_single_readings(rows, text):
    cond = parse(text, resolve)
    keys = ["脱碳退火:露点", "脱碳退火:氢气比例", "脱碳退火:带速"]
    columns = {k: np.array([np.nan if r[k] is None else r[k] for r in rows]) for k in keys}
    expected = [cond.holds(r) for r in rows]
    assert list(cond.evaluate_columns(columns)) == expected


@pytest.mark.parametrize("text,readings,expected", [
    ("非 露点 > 62", {"脱碳退火:露点": 50}, True),  # 非 is documented as not
    ("非露点>62且氢气比例<20", {"脱碳退火:露点": 50, "脱碳退火:氢气比例": 10}, True),
    ("非(露点>62)", {"脱碳退火:露点": 63}, False),
    # What a Chinese input method types: full-width signs, digits, brackets and space.
    ("（露点＞６２）且　氢气比例＜２０", {"脱碳退火:露点": 63, "脱碳退火:氢气比例": 10}, True),
    ("露点＞＝62", {"脱碳退火:露点": 62}, True),
    ("ＤＰ ＝ 62", {"脱碳退火:露点": 62}, True),
    ("露点 = 62", {"脱碳退火:露点": 62}, True),
    # A dew point of minus forty, with the typographic minus sign.
    ("露点 < −40", {"脱碳退火:露点": -41}, True),
    ("露点 < -40℃", {"脱碳退火:露点": -39}, False),
])
def test_chinese_input_method_forms(text, readings, expected):
    cond = parse(text, resolve)
    assert cond.evaluate(readings) is expected
    assert cond.text == text


def test_a_chained_comparison_gets_a_hint():
    with pytest.raises(ConditionError) as caught:
        parse("55 < 露点 < 65", resolve)
    assert caught.value.column == 9
    assert "露点 > 55 and 露点 < 65" in caught.value.hint or "a > 1 and a < 3" in caught.value.hint
