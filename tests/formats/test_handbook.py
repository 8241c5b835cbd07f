import io

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laoshifu.formats.handbook import parse_handbook, render_handbook

MD = """---
title: 脱碳退火手册
process: 脱碳退火
tags: [手册]
---
这是前言。

# 脱碳退火 {#hb-dc}
总的说明。
## 露点控制 {#hb-dc-dp status=draft}
露点是最要紧的。

```
# 这不是标题
```
## 炉温
炉温看均热段。
"""


def test_markdown_sections_with_ids_paths_and_attrs():
    sections, problems = parse_handbook(MD, "handbook/03.md")
    assert problems == []
    intro, top, dp, temp = sections
    assert (intro.title, intro.level, intro.body) == ("脱碳退火手册", 0, "这是前言。")
    assert top.id == "hb-dc" and top.process == "脱碳退火" and top.tags == ("手册",)
    assert dp.path == ("脱碳退火",) and dp.status == "draft"
    assert "# 这不是标题" in dp.body
    assert temp.id.startswith("sec-03-") and temp.source_line == 16


def test_derived_ids_do_not_depend_on_position():
    sections, _ = parse_handbook(MD, "handbook/03.md")
    inserted = MD.replace("## 炉温", "## 新的一节\n新内容。\n## 炉温")
    again, _ = parse_handbook(inserted, "handbook/03.md")
    assert sections[-1].id == again[-1].id


def test_render_round_trip():
    sections, _ = parse_handbook(MD, "handbook/03.md")
    again, problems = parse_handbook(render_handbook(sections), "handbook/03.md")
    assert problems == []
    assert [s.content() for s in again] == [s.content() for s in sections]


def test_txt_headings():
    text = "设备点检总则。\n第一节 炉辊点检\n看炉辊有无结瘤。\n1.2 辐射管\n看颜色。\n1. 先关氢气。\n"
    sections, problems = parse_handbook(text, "handbook/09.txt")
    assert problems == []
    assert [(s.title, s.level) for s in sections] == [("09", 0), ("第一节 炉辊点检", 2), ("1.2 辐射管", 2)]
    assert sections[-1].body == "看颜色。\n1. 先关氢气。"


def test_docx_headings():
    document = docx.Document()
    document.add_heading("高温退火", level=1)
    document.add_paragraph("罩式炉里走十几天。")
    document.add_heading("升温", level=2)
    document.add_paragraph("升温要慢。")
    buffer = io.BytesIO()
    document.save(buffer)
    sections, problems = parse_handbook(buffer.getvalue(), "handbook/06.docx")
    assert problems == []
    assert [(s.title, s.level, s.body) for s in sections] == [
        ("高温退火", 1, "罩式炉里走十几天。"), ("升温", 2, "升温要慢。")]


def test_broken_docx_is_a_clear_error():
    sections, problems = parse_handbook(b"not a zip", "handbook/x.docx")
    assert sections == [] and "Word" in problems[0].message and problems[0].file == "handbook/x.docx"


def test_unknown_front_matter_field():
    _, problems = parse_handbook("---\nproces: x\n---\n# a\n", "handbook/a.md")
    assert problems[0].field == "proces" and problems[0].line == 2


def test_handbooks_with_the_same_name_in_two_folders_get_their_own_ids():
    a, _ = parse_handbook("# 总论\nA\n", "handbook/a/intro.md")
    b, _ = parse_handbook("# 总论\nB\n", "handbook/b/intro.md")
    top, _ = parse_handbook("# 总论\nC\n", "handbook/intro.md")
    assert len({a[0].id, b[0].id, top[0].id}) == 3
    assert a[0].id.startswith("sec-a-intro-")
    # A file directly in handbook/ keeps the ids it always had.
    assert top[0].id == "sec-intro-82e21444"


def test_a_section_attribute_with_a_space_survives_export():
    from laoshifu.knowledge.units import Section

    sections = [Section(id="s1", title="甲", body="一。", author="Wang Shifu", tags=("high temp", "露点"),
                        level=1, order=1, source_file="handbook/h.md"),
                Section(id="s2", title="乙", body="二。", level=1, order=2, source_file="handbook/h.md")]
    text = render_handbook(sections)
    again, problems = parse_handbook(text, "handbook/h.md")
    assert problems == []
    assert [(s.id, s.title, s.author, s.tags) for s in again] == [
        ("s1", "甲", "Wang Shifu", ("high temp", "露点")), ("s2", "乙", "", ())]


# -- a section's body, title and attributes cannot make sections of their own -------------

def _section(unit_id, title, body="", level=1, order=1, **fields):
    from laoshifu.knowledge.validate import Where, build_unit

    unit, problems = build_unit({"id": unit_id, "title": title, "level": level, "order": order,
                                 "body": body, **fields}, Where("handbook/h.md", order), kind="section")
    assert problems == [], problems
    return unit


SMUGGLING = "露点要稳。\n## 露点放开 {#evil status=approved author=王师傅}\n# 升温\n```\n## 代码里的井号\n```\n```\n# 没关上的代码块"


def test_heading_lines_in_a_body_stay_text_on_export():
    sections = [_section("s1", "甲", "一。", order=1),
                _section("s2", "乙", SMUGGLING, order=2, status="draft", author="li"),
                _section("s3", "丙", "三。", order=3)]
    text = render_handbook(sections)
    assert "\\## 露点放开" in text and "\n## 代码里的井号" in text and "\n\\```\n\\# 没关上" in text
    again, problems = parse_handbook(text, "handbook/h.md")
    assert problems == []
    assert [(s.id, s.status, s.author, s.body) for s in again] == [
        ("s1", "approved", "", "一。"), ("s2", "draft", "li", SMUGGLING), ("s3", "approved", "", "三。")]
    assert render_handbook(again) == text


def test_a_draft_preamble_keeps_its_status_and_author():
    preamble = _section("sec-h-34f99cea", "手册", "前言。", level=0, order=0, status="draft",
                        author="li")
    text = render_handbook([preamble, _section("s1", "甲", "一。", author="王师傅")])
    again, problems = parse_handbook(text, "handbook/h.md")
    assert problems == []
    assert [(s.id, s.level, s.status, s.author) for s in again] == [
        ("sec-h-34f99cea", 0, "draft", "li"), ("s1", 1, "approved", "王师傅")]
    # A section without an author would take the preamble's from the front matter: the
    # preamble gets a heading of its own instead.
    text = render_handbook([preamble, _section("s1", "甲", "一。")])
    again, problems = parse_handbook(text, "handbook/h.md")
    assert [(s.id, s.level, s.status, s.author) for s in again] == [
        ("sec-h-34f99cea", 1, "draft", "li"), ("s1", 1, "approved", "")]
    # So does one whose id is not the one its place in the file gives.
    text = render_handbook([preamble.with_changes(id="s0"), _section("s1", "甲", "一。", author="王师傅")])
    again, problems = parse_handbook(text, "handbook/h.md")
    assert [(s.id, s.level, s.status) for s in again] == [("s0", 1, "draft"), ("s1", 1, "approved")]


def test_text_before_the_first_heading_that_is_not_first_gets_its_own_heading():
    late = _section("s9", "后记", "后记正文。", level=0, order=9, status="draft")
    text = render_handbook([_section("s1", "甲", "一。"), late])
    again, problems = parse_handbook(text, "handbook/h.md")
    assert problems == []
    assert [(s.id, s.level, s.status, s.body) for s in again] == [
        ("s1", 1, "approved", "一。"), ("s9", 1, "draft", "后记正文。")]


def test_attribute_values_with_quotes_and_backslashes_round_trip():
    sections = [_section("s1", "甲", "一。", author='老"王" \\ }', status="draft"),
                _section("s2", "乙", "二。", order=2)]
    again, problems = parse_handbook(render_handbook(sections), "handbook/h.md")
    assert problems == []
    assert [(s.id, s.author, s.status) for s in again] == [
        ("s1", '老"王" \\ }', "draft"), ("s2", "", "approved")]


@pytest.mark.parametrize("field,value,message", [
    ("title", "甲\n## 乙 {#evil status=approved}", "one line"),
    ("author", "li\n# x", "one line"),
    ("title", "甲 {#evil}", "'{#'"),
])
def test_section_fields_written_on_the_heading_line_are_checked(field, value, message):
    from laoshifu.knowledge.validate import Where, build_unit

    data = {"id": "s1", "title": "甲", "level": 1, field: value}
    unit, problems = build_unit(data, Where("api"), kind="section")
    assert unit is None and problems[0].field == field and message in problems[0].message


def test_a_carriage_return_is_a_line_break_in_a_body():
    # Files are read with '\r' as a line break: a body must not hide a heading behind one.
    section = _section("s1", "甲", "一。\r## 乙 {#evil status=approved}")
    assert section.body == "一。\n## 乙 {#evil status=approved}"
    again, _ = parse_handbook(render_handbook([section]), "handbook/h.md")
    assert [s.id for s in again] == ["s1"]


def test_unknown_heading_attribute_is_an_error():
    _, problems = parse_handbook("# 甲 {#s1 body=x}\n一。\n", "handbook/h.md")
    assert (problems[0].line, problems[0].field) == (1, "body")


def test_a_long_heading_line_is_read_in_linear_time():
    import time

    # Each '{#' could start the attributes: tried one by one, this took 30 s (56 KB).
    started = time.perf_counter()
    _, problems = parse_handbook("## " + "{#a x=y" * 8000 + "\n正文\n", "handbook/h.md")
    sections, _ = parse_handbook("## T {#a" + " tags=\\" * 20000 + "}\n正文\n", "handbook/h.md")
    assert time.perf_counter() - started < 1.0
    assert (problems[0].line, problems[0].field) == (1, "title")
    assert (sections[0].id, sections[0].title, sections[0].level) == ("a", "T", 2)


_HB_LINES = st.sampled_from(["# h", "## h {#evil status=approved}", "\\# h", "\\\\## h", "```", "~~~",
                             "  ```py", "\\```", "#", "####### h", "---", "status: approved", "", "text"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_HB_LINES, max_size=8), min_size=1, max_size=3))
def test_any_bodies_round_trip_as_their_sections(bodies):
    sections = [_section(f"s{i}", f"节{i}", "\n".join(lines).strip("\n"), order=i + 1,
                         status="draft" if i % 2 else "approved") for i, lines in enumerate(bodies)]
    again, problems = parse_handbook(render_handbook(sections), "handbook/h.md")
    assert problems == []
    assert [(s.id, s.status, s.body) for s in again] == [(s.id, s.status, s.body) for s in sections]


def test_a_level_stored_before_levels_were_checked_is_exported_as_six():
    # level 1e20 was accepted once, and export then crashed for the whole base.
    section = _section("s1", "甲", "一。").with_changes(level=10**20)
    again, problems = parse_handbook(render_handbook([section]), "handbook/h.md")
    assert problems == [] and [(s.id, s.level) for s in again] == [("s1", 6)]
