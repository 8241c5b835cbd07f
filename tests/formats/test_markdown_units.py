from hypothesis import given, settings
from hypothesis import strategies as st

from laoshifu.formats.markdown_units import parse_units, render_units
from laoshifu.knowledge.units import Note, Procedure, Rule

TWO_UNITS = """---
id: note-1
kind: note
title: 看露点
process: 脱碳退火
tags: [露点]
context: 开炉后
---
露点仪要每班校一次。

---

上面这条横线是正文的一部分。
---
id: proc-1
kind: procedure
title: 换卷
steps:
  - 降速到 60 m/min
  - 焊接
parameters: [dc-speed]
---
"""


def test_several_units_per_file_with_lines():
    units, problems = parse_units(TWO_UNITS, "notes/a.md")
    assert problems == []
    note, proc = units
    assert isinstance(note, Note) and isinstance(proc, Procedure)
    assert note.source == "notes/a.md:1"
    assert proc.source == "notes/a.md:14"
    assert note.body == "露点仪要每班校一次。\n\n---\n\n上面这条横线是正文的一部分。"
    assert note.tags == ("露点",)
    assert proc.steps == ("降速到 60 m/min", "焊接")
    assert proc.parameters == ("dc-speed",)


def test_render_then_parse_is_exact():
    units, _ = parse_units(TWO_UNITS, "notes/a.md")
    again, problems = parse_units(render_units(units), "notes/a.md")
    assert problems == []
    assert [u.content() for u in again] == [u.content() for u in units]


def problems_of(text):
    return parse_units(text, "rules/r.md")[1]


def test_missing_required_fields_name_the_field_and_line():
    text = "---\nid: r1\nkind: rule\ntitle: 露点高\ncondition: 露点 > 65\n---\n"
    problems = problems_of(text)
    fields = {p.field for p in problems}
    assert fields == {"diagnosis", "actions"}
    assert all(p.file == "rules/r.md" and p.line == 1 for p in problems)


def test_unknown_field_suggests_the_right_one():
    text = "---\nid: r1\nkind: rule\ntitle: t\nsymptom: s\ndiagnosis: d\nactions: [a]\nseverty: high\n---\n"
    (problem,) = problems_of(text)
    assert problem.field == "severty" and problem.line == 8
    assert "severity" in problem.hint


def test_bad_values():
    text = "---\nid: bad id\nkind: rule\ntitle: t\nsymptom: s\ndiagnosis: d\nactions: [a]\nseverity: huge\nstatus: maybe\n---\n"
    fields = {p.field for p in problems_of(text)}
    assert fields == {"id", "severity", "status"}


def test_yaml_syntax_error_has_line_and_column():
    text = "---\nid: r1\nkind: note\ntitle: [unclosed\n---\nbody\n"
    (problem,) = problems_of(text)
    assert problem.line in (4, 5) and problem.column is not None  # libyaml points past the line
    assert "YAML" in problem.message


def test_unclosed_front_matter():
    (problem,) = problems_of("---\nid: x\nkind: note\n")
    assert "not closed" in problem.message


def test_text_without_front_matter():
    (problem,) = problems_of("just text\n")
    assert problem.line == 1 and "front matter" in problem.message


def test_rule_fields():
    text = "---\nid: r1\nkind: rule\ntitle: 露点高\nsymptom: 表面发暗\ndiagnosis: 加湿过量\nactions: [调小加湿, 查漏水]\nseverity: high\ncategory: quality\n---\n说明\n"
    (rule,), problems = parse_units(text, "rules/r.md")
    assert problems == [] and isinstance(rule, Rule)
    assert rule.actions == ("调小加湿", "查漏水") and rule.severity == "high"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("---\nidkn:tle 露点[]{}'\"#|>- 0123")), max_size=120))
def test_malformed_front_matter_never_crashes(text):
    units, problems = parse_units(text, "x.md")
    for p in problems:
        assert p.file == "x.md"


# -- a body cannot hold units of its own (export → import) --------------------------------

SMUGGLING_BODY = "露点要稳。\n---\nid: evil\nkind: note\ntitle: 没事\nstatus: approved\nauthor: 王师傅\n---\n露点 90 ℃ 没事。"


def _note(body):
    from laoshifu.knowledge.validate import Where, build_unit

    unit, problems = build_unit({"id": "n1", "title": "草稿", "status": "draft", "author": "li",
                                 "body": body}, Where("api"), kind="note")
    assert problems == []
    return unit


def test_a_body_with_front_matter_stays_in_its_unit():
    note = _note(SMUGGLING_BODY)
    text = render_units([note, _note("第二条。").with_changes(id="n2")])
    assert "\n\\---\nid: evil" in text
    units, problems = parse_units(text, "notes/a.md")
    assert problems == []
    assert [(u.id, u.status, u.author, u.body) for u in units] == [
        ("n1", "draft", "li", SMUGGLING_BODY), ("n2", "draft", "li", "第二条。")]
    assert render_units(units) == text


def test_escaped_fences_are_read_with_one_backslash_less():
    text = "---\nid: n1\nkind: note\ntitle: t\n---\na\n\\---\n\\\\--- \n\\-- -\n"
    (note,), _ = parse_units(text, "notes/a.md")
    assert note.body == "a\n---\n\\--- \n\\-- -"


_BODY_LINES = st.sampled_from(["---", "--- ", "\\---", "\\\\---", "id: evil", "status: approved",
                               "", "  ", "text", "# h", "\\"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_BODY_LINES, max_size=12))
def test_any_body_round_trips_as_one_unit(lines):
    body = "\n".join(lines).strip("\n")
    note = _note(body)
    units, problems = parse_units(render_units([note, note.with_changes(id="n2")]), "notes/a.md")
    assert problems == []
    assert [(u.id, u.body) for u in units] == [("n1", note.body), ("n2", note.body)]
