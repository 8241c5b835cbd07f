"""Field checks of ``build_unit`` that every way in (files, forms, API) shares."""

import pytest

from laoshifu.formats.markdown_units import parse_units
from laoshifu.knowledge.validate import Where, build_unit


def _section(**fields):
    return build_unit({"id": "s1", "title": "甲", **fields}, Where("api"), kind="section")


@pytest.mark.parametrize("field,value,message", [
    ("level", "abc", "'abc' is not a whole number"),
    ("level", float("inf"), "inf is not a whole number"),
    ("level", [1, 2], "level must be a plain value, not a list"),
    ("level", 1e20, "1e+20 is not between 0 and 6"),
    ("level", 7, "7 is not between 0 and 6"),
    ("level", True, "True is not a whole number"),
    ("level", 2.5, "2.5 is not a whole number"),
    ("order", -1, "-1 is not between 0 and 1000000"),
    ("order", 10**30, "is not between 0 and 1000000"),
    ("order", {"a": 1}, "order must be a plain value, not a mapping"),
    ("order", "1" * 400, "'111111111111111111111111111111111111..."),
])
def test_bad_level_or_order_is_a_field_error(field, value, message):
    unit, problems = _section(**{field: value})
    assert unit is None
    assert [p.field for p in problems] == [field] and message in problems[0].message


@pytest.mark.parametrize("level,order,expected", [
    (3, 7, (3, 7)), ("2", "12", (2, 12)), (1.0, 4.0, (1, 4)), ("", None, (0, 0)), ("３", "０", (3, 0)),
])
def test_good_level_and_order(level, order, expected):
    unit, problems = _section(level=level, order=order)
    assert problems == [] and (unit.level, unit.order) == expected


def test_a_file_names_the_line_of_a_bad_level():
    text = "---\nid: s1\nkind: section\ntitle: 甲\nlevel: 1.0e400\norder: [1]\n---\n正文\n"
    _, problems = parse_units(text, "notes/s.md")
    assert sorted((p.file, p.line, p.field) for p in problems) == [
        ("notes/s.md", 5, "level"), ("notes/s.md", 6, "order")]


def test_a_field_name_that_is_not_text_is_an_unknown_field():
    _, problems = parse_units("---\nid: a\nkind: note\ntitle: t\n1: x\n---\n", "notes/a.md")
    assert [(p.line, p.field, p.message) for p in problems] == [(5, "1", "unknown field '1' for a note")]


@pytest.mark.parametrize("field,value,message", [
    ("tags", [["a", "b"], "c"], "each item of tags must be a plain value"),
    ("tags", [{"a": 1}], "each item of tags must be a plain value"),
    ("title", ["a", "b"], "title must be a plain value, not a list"),
    ("process", {"a": 1}, "process must be a plain value, not a mapping"),
    ("body", ["a"], "body must be a plain value, not a list"),
])
def test_lists_and_mappings_are_not_made_text(field, value, message):
    unit, problems = build_unit({"id": "n1", "title": "t", field: value}, Where("api"), kind="note")
    assert unit is None and {p.field for p in problems} == {field}
    assert message in problems[0].message
