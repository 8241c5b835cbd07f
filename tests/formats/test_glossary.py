from laoshifu.formats.glossary import parse_glossary, render_glossary

TEXT = """- id: term-dp
  term: 露点
  english: dew point
  synonyms: [DP, 露点温度]
  definition: 水汽开始凝结的温度。
- id: term-h2
  term: 氢气
  synonyms: [H2]
"""


def test_terms_and_round_trip():
    terms, problems = parse_glossary(TEXT, "glossary.yaml")
    assert problems == []
    assert terms[0].title == "露点" and terms[0].synonyms == ("DP", "露点温度")
    assert terms[1].source == "glossary.yaml:6"
    again, _ = parse_glossary(render_glossary(terms), "glossary.yaml")
    assert [t.content() for t in again] == [t.content() for t in terms]


def test_errors_name_the_item_line():
    terms, problems = parse_glossary("- id: a\n  term: x\n- term: y\n", "glossary.yaml")
    assert problems[0].line == 3 and problems[0].field == "id"


def test_not_a_list():
    _, problems = parse_glossary("term: x\n", "glossary.yaml")
    assert "list" in problems[0].message
