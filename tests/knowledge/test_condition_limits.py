"""Conditions nested too deep or with numbers too large are refused with their place."""

import pytest

from laoshifu.knowledge.conditions import MAX_NESTING, ConditionError, Quantity, parse
from laoshifu.errors import LaoshifuError
from laoshifu.knowledge.folders import import_folder

from .test_folders import RULES, make_kb

resolve = {"露点": Quantity("脱碳退火:露点", "℃"), "氢气比例": Quantity("脱碳退火:氢气比例", "%"),
           "含氧量": Quantity("脱碳退火:含氧量", "ppm")}.get


@pytest.mark.parametrize("text,column", [
    ("(" * 400 + "露点 > 1" + ")" * 400, 22),
    ("not " * 600 + "露点 > 1", 81),
    ("(" * 21 + "露点 > 1" + ")" * 21, 22),
    ("非" * 21 + "露点 > 1", 21),
    ("露点 > 1 and " + "(not " * 11 + "氢气比例 < 2" + ")" * 11, 63),
])
def test_nesting_deeper_than_the_limit_is_refused(text, column):
    with pytest.raises(ConditionError) as info:
        parse(text, resolve)
    assert info.value.message == f"condition nested more than {MAX_NESTING} deep"
    assert info.value.column == column


def test_nesting_up_to_the_limit_is_fine():
    parse("(" * 20 + "露点 > 1" + ")" * 20, resolve)
    parse("not " * 20 + "露点 > 1", resolve)
    cond = parse("露点 > 1 and (not (氢气比例 < 2 or not 露点 < 0))", resolve)
    assert cond.evaluate({"脱碳退火:露点": 5, "脱碳退火:氢气比例": 5}) is False


@pytest.mark.parametrize("text,column", [("露点 > 1e999", 6), ("露点 < -1e400 or 露点 > 1", 6),
                                         ("含氧量 < 1e306 %", 7)])  # 1e310 ppm
def test_numbers_that_are_not_finite_are_refused(text, column):
    with pytest.raises(ConditionError) as info:
        parse(text, resolve)
    assert (info.value.message, info.value.column) == ("number too large", column)


def test_a_rule_file_names_the_line_and_column(store, tmp_path):
    rule = RULES.replace("condition: 露点温度 > 65 and H2 < 65",
                         "condition: H2 < 65 and " + "not " * 30 + "露点温度 > 1e999")
    with pytest.raises(LaoshifuError) as info:
        import_folder(store, make_kb(tmp_path / "kb", **{"rules/r.md": rule}))
    assert info.value.render().startswith("rules/r.md:6:104: [condition] condition nested more than 20 deep")
