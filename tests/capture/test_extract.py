"""The rule-based extractor on pasted text: windows, rules, procedures, terms, names."""

from __future__ import annotations

from pathlib import Path

import pytest

from laoshifu.capture.document import text_document
from laoshifu.capture.evaluate import evaluate, load_labelled
from laoshifu.capture.extract import extract
from laoshifu.capture.proposals import validate

DATA = Path(__file__).parent / "data"


def proposals(text, lexicon, process=""):
    return extract(text_document(text, "note.txt").lines, lexicon, process).proposals


def test_a_window_with_target_is_read_and_matched_to_the_stored_parameter(lexicon):
    [p] = proposals("脱碳段露点控制在55～65℃，一般放在60℃。", lexicon)
    assert p.kind == "parameter"
    assert p.said == {"name": "露点", "process": "脱碳退火", "unit": "℃", "lower": 55.0, "upper": 65.0,
                      "target": 60.0}
    assert p.existing == "dc-dew-point"
    assert p.source.citation == "note.txt:1"


@pytest.mark.parametrize("text, said", [
    ("残碳要降到30 ppm以下才算脱干净。", {"upper": 30.0}),
    ("氮气压力至少0.4 MPa，不然吹扫压不住。", {"lower": 0.4}),
    ("常化一段炉温1120±20℃。", {"target": 1120.0, "lower": 1100.0, "upper": 1140.0}),
    ("炉内张力8 MPa上下，不低于5 MPa。", {"target": 8.0, "lower": 5.0}),
    ("加湿器水温放64℃，冬天最高也别超过68℃。", {"target": 64.0, "upper": 68.0}),
])
def test_limits_words(lexicon, text, said):
    [p] = proposals(text, lexicon, "脱碳退火" if "常化" not in text else "")
    assert {k: v for k, v in p.said.items() if k in ("lower", "upper", "target")} == said


def test_a_new_parameter_gets_did_you_mean_and_its_own_id(lexicon):
    [p] = proposals("开卷张力2到4 kN就够了。", lexicon, "脱碳退火")
    # 张力 is in MPa: a force in kN is another quantity, not the furnace tension.
    assert p.fields["name"] == "开卷张力" and p.fields["unit"] == "kN" and not p.existing
    assert p.id.startswith("cap-parameter-")
    assert any("新参数名" in note and "张力" in note for note in p.notes)


def test_a_rule_in_the_condition_language_with_ordered_actions(lexicon):
    [p] = proposals("露点超过65℃、氢气低于20%时，先降加湿水温，再查蒸汽阀。", lexicon, "脱碳退火")
    assert p.kind == "rule"
    assert p.fields["condition"] == "露点 > 65℃ and 氢气比例 < 20%"
    assert p.fields["actions"] == ["降加湿水温", "查蒸汽阀"]
    assert p.fields["title"] == "露点偏高、氢气比例偏低"
    assert "「氢气」按知识库的「氢气比例」理解" in p.notes


def test_or_and_symptom_rules(lexicon):
    [p] = proposals("氧含量超过20 ppm或者炉压低于20 Pa，立即切断氢气，转全氮气吹扫。", lexicon, "脱碳退火")
    assert p.fields["condition"] == "氧含量 > 20ppm or 炉压 < 20Pa"
    assert p.fields["category"] == "safety"
    [s] = proposals("炉辊结瘤的话，先降带速，再安排停炉清辊。", lexicon, "脱碳退火")
    assert s.kind == "rule" and s.fields["symptom"] == "炉辊结瘤" and not s.fields["condition"]


def test_procedures_numbered_and_ordered(lexicon):
    [p] = proposals("露点仪校准这么做：\n1. 把便携露点仪接到取样口。\n2. 稳定十分钟后读数。\n"
                    "3. 和在线露点仪对比。", lexicon, "脱碳退火")
    assert p.kind == "procedure" and p.fields["title"] == "露点仪校准"
    assert p.fields["steps"] == ["把便携露点仪接到取样口", "稳定十分钟后读数", "和在线露点仪对比"]
    [q] = proposals("换规格的时候，先查生产计划确认厚度，再调带速，最后取样测残碳。", lexicon, "脱碳退火")
    assert q.kind == "procedure" and len(q.fields["steps"]) == 3
    assert "dc-strip-speed" in q.fields["parameters"]


def test_terms(lexicon):
    [a] = proposals("花脸又叫色差底层。", lexicon)
    assert a.kind == "term" and a.fields["term"] == "花脸" and "色差底层" in a.fields["synonyms"]
    assert a.fields["id"] == "term-flower-face"  # the stored term gets a draft, not a twin
    [b] = proposals("活套指的是机组里存带钢的地方。", lexicon)
    assert b.fields["definition"] == "机组里存带钢的地方"


def test_stories_and_questions_give_nothing(lexicon):
    for text in ("我在脱碳炉上干了三十年。", "露点多少合适？", "那卷子是2019年轧的，放了三年还那样。",
                 "老张那年把炉温提到880，结果一整批都脱碳不足。"):
        assert proposals(text, lexicon) == [], text


def test_proposals_are_validated_as_the_importer_does(lexicon, example_units):
    found = proposals("露点超过65℃时，先降水温。\n乱码参数超过5时，先停机。", lexicon, "脱碳退火")
    validate(found, example_units)
    good, symptom = found
    assert good.valid and good.unit.status == "draft"
    assert symptom.fields["symptom"]  # an unknown name is a symptom, not a broken condition
    bad = proposals("露点控制在70～60℃。", lexicon, "脱碳退火")
    bad[0].fields.update(lower=70, upper=60)
    validate(bad, example_units)
    assert not bad[0].valid and "lower limit 70 is above upper limit 60" in bad[0].problems[0].message
    assert bad[0].problems[0].file == "note.txt" and bad[0].problems[0].line == 1


def test_labelled_sets_precision_and_recall(lexicon):
    """The figures in the README: a regression guard on the held-out sets."""
    labelled = evaluate(load_labelled(DATA / "labelled.yaml"), lexicon)
    fresh = evaluate(load_labelled(DATA / "fresh.yaml"), lexicon)
    assert labelled.sentences == 127 and fresh.sentences == 58
    assert labelled.overall.precision >= 0.95 and labelled.overall.recall >= 0.95
    assert fresh.overall.precision >= 0.85 and fresh.overall.recall >= 0.75
