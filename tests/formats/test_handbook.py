import io

import docx

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
    from laoshifu.units import Section

    sections = [Section(id="s1", title="甲", body="一。", author="Wang Shifu", tags=("high temp", "露点"),
                        level=1, order=1, source_file="handbook/h.md"),
                Section(id="s2", title="乙", body="二。", level=1, order=2, source_file="handbook/h.md")]
    text = render_handbook(sections)
    again, problems = parse_handbook(text, "handbook/h.md")
    assert problems == []
    assert [(s.id, s.title, s.author, s.tags) for s in again] == [
        ("s1", "甲", "Wang Shifu", ("high temp", "露点")), ("s2", "乙", "", ())]
