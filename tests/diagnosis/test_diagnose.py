"""diagnose: windows (with grade/thickness), rules by condition and by symptom, units."""

from __future__ import annotations

import json

import pytest

from laoshifu.diagnosis.diagnose import diagnose, parse_pairs, render_text
from laoshifu.errors import LaoshifuError
from laoshifu.review.material import Material
from laoshifu.knowledge.units import Parameter, Rule, Term

P = dict(process="脱碳退火", source_file="parameters.csv")


def _units():
    return [
        Parameter(id="dew", title="露点", name="露点", symbol="DP", unit="℃", target=60, lower=55,
                  upper=65, source_line=2, **P),
        Parameter(id="h2", title="氢气比例", name="氢气比例", symbol="H2", unit="%", target=60,
                  lower=50, upper=70, source_line=3, **P),
        Parameter(id="speed", title="带速", name="带速", symbol="V_DC", unit="m/min", target=90,
                  lower=70, upper=110, source_line=4, **P),
        Parameter(id="soak-thin", title="均热时间", name="均热时间", unit="s", target=150,
                  lower=120, upper=180, condition="厚度<=0.23", source_line=5, **P),
        Parameter(id="soak-thick", title="均热时间", name="均热时间", unit="s", target=170,
                  lower=140, upper=200, condition="厚度>0.23", source_line=6, **P),
        Parameter(id="soak-hib-thin", title="均热时间", name="均热时间", unit="s", target=140,
                  lower=110, upper=160, condition="牌号=HiB; 厚度<=0.23", source_line=7, **P),
        Parameter(id="dew-ha", title="露点", name="露点", unit="℃", target=-40, upper=-20,
                  process="高温退火", source_file="parameters.csv", source_line=8),
        Term(id="t-dew", title="露点", synonyms=("露点温度", "dew point")),
        Rule(id="r-dew-h2", title="露点高且氢少", process="脱碳退火", condition="露点 > 62 and 氢气比例 < 20",
             symptom="带钢发黑，氧化色深", diagnosis="气氛氧化性太强。", actions=("先加氢。", "再降露点。"),
             severity="critical", category="safety", source_file="rules/a.md", source_line=1),
        Rule(id="r-dew", title="露点偏高", process="脱碳退火", condition="露点 > 65",
             symptom="氧化膜偏厚", diagnosis="加湿水温高。", actions=("调低水温。",),
             severity="high", category="quality", source_file="rules/a.md", source_line=20),
        Rule(id="r-h2", title="氢气比例低", process="脱碳退火", condition="氢气比例 < 50",
             diagnosis="氢气流量不足。", actions=("加氢。",), severity="high", category="safety",
             source_file="rules/a.md", source_line=30),
        Rule(id="r-scale", title="涂辊结垢与浆料飞溅", process="脱碳退火", symptom="涂辊结垢，浆料飞溅",
             diagnosis="浆料放久了。", actions=("换浆料。",), severity="medium", category="equipment",
             source_file="rules/b.md", source_line=1),
    ]


def test_no_rule_matches_in_window_readings():
    result = diagnose(_units(), {"露点": "60", "氢气比例": "60", "带速": "95"})
    assert result.process == "脱碳退火"  # 带速 settles which 露点
    assert result.deviations == [] and result.matches == []
    assert "这些读数没有触发任何规则" in render_text(result)
    assert "No rule's condition holds" in render_text(result, "en")


def test_several_rules_ranked_by_severity_then_specificity():
    result = diagnose(_units(), {"露点": "66", "氢气比例": "15", "带速": "95"})
    assert [m.rule.id for m in result.certain] == ["r-dew-h2", "r-h2", "r-dew"]
    assert [m.citation.n for m in result.certain] == [1, 2, 3]
    assert result.certain[0].citation.source == "rules/a.md:1"
    sides = {d.reading.name: (d.side, d.by, d.window.id, d.window.source) for d in result.deviations}
    assert sides == {"露点": ("high", 1.0, "dew", "parameters.csv:2"),
                     "氢气比例": ("low", 35.0, "h2", "parameters.csv:3")}


def test_conditional_windows_follow_grade_and_thickness():
    units = _units()
    readings = {"均热时间": "170", "带速": "95"}
    unknown = diagnose(units, readings)
    assert unknown.deviations == [] and "厚度" in unknown.notes[0].text("zh")
    thin = diagnose(units, readings, material=Material(thickness=0.23))
    assert [d.window.id for d in thin.deviations] == []  # 120–180 for thin CGO-or-any
    hib = diagnose(units, readings, material=Material("Hi-B", 0.23))
    assert [(d.window.id, d.side, d.limit) for d in hib.deviations] == [("soak-hib-thin", "high", 160)]
    thick = diagnose(units, {"均热时间": "130", "带速": "95"}, material=Material("CGO", 0.27))
    assert [(d.window.id, d.side) for d in thick.deviations] == [("soak-thick", "low")]


def test_values_with_units_are_converted_or_refused():
    result = diagnose(_units(), {"露点": "338K", "氢气比例": "200000ppm", "带速": "95"})
    values = {r.name: (round(r.value, 2), r.converted_from) for r in result.readings}
    assert values == {"露点": (64.85, "K"), "氢气比例": (20.0, "ppm"), "带速": (95.0, "")}
    with pytest.raises(LaoshifuError) as err:
        diagnose(_units(), {"露点": "5 MPa", "带速": "95"})
    assert "cannot convert MPa to ℃" in err.value.render()


def test_unknown_names_get_did_you_mean_from_names_symbols_synonyms():
    with pytest.raises(LaoshifuError) as err:
        diagnose(_units(), {"露电": "65", "V_DX": "95"}, process="脱碳退火")
    text = err.value.render()
    assert "unknown parameter '露电'" in text and "did you mean 露点" in text
    assert "did you mean V_DC" in text


def test_synonyms_and_ambiguity():
    result = diagnose(_units(), {"露点温度": "66"}, process="脱碳退火")
    assert result.deviations[0].window.id == "dew"
    with pytest.raises(LaoshifuError, match="several processes"):
        diagnose(_units(), {"露点": "66"})


def test_symptom_only_rules_come_after_as_possible():
    result = diagnose(_units(), {"露点": "66", "带速": "95"}, symptom="涂辊结垢")
    assert [m.rule.id for m in result.certain] == ["r-dew"]
    assert [(m.rule.id, m.reason) for m in result.possible] == [("r-scale", "symptom")]
    both = diagnose(_units(), {"露点": "66", "带速": "95"}, symptom="氧化膜偏厚")
    assert both.certain[0].reason == "both"


def test_a_symptom_contradicted_by_readings_is_not_possible():
    result = diagnose(_units(), {"露点": "60", "氢气比例": "60", "带速": "95"}, symptom="带钢发黑")
    assert result.possible == []


def test_nothing_to_diagnose_is_a_user_error():
    with pytest.raises(LaoshifuError, match="nothing to diagnose"):
        diagnose(_units(), {})


def test_parse_pairs():
    assert parse_pairs(["露点=65", "带速：95m/min", "H2＝20"]) == {"露点": "65", "带速": "95m/min", "H2": "20"}
    with pytest.raises(LaoshifuError):
        parse_pairs(["露点65"])


def test_to_dict_is_json():
    result = diagnose(_units(), {"露点": "66", "氢气比例": "15", "带速": "95"}, symptom="带钢发黑")
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["rules"][0]["citation"]["unit_id"] == "r-dew-h2"
    assert data["rules"][0]["actions"] == ["先加氢。", "再降露点。"]
    assert data["out_of_window"][0]["source"] == "parameters.csv:2"


def test_the_same_reading_twice_is_refused_not_silently_overwritten():
    with pytest.raises(LaoshifuError, match="露点.*twice"):
        parse_pairs(["露点=65", "带速=95", "露点=70"])
    with pytest.raises(LaoshifuError) as err:  # two spellings of one parameter
        diagnose(_units(), {"DP": "65", "露点温度": "70", "带速": "95"})
    text = err.value.render()
    assert "given twice" in text and "DP=65" in text and "露点温度=70" in text


def test_an_unknown_process_is_refused_with_did_you_mean():
    with pytest.raises(LaoshifuError) as err:
        diagnose(_units(), {"露点": "66"}, process="脱碳退")
    text = err.value.render()
    assert "unknown process '脱碳退'" in text and "did you mean 脱碳退火" in text


def test_a_reading_not_in_the_chosen_process_says_so():
    # 带速 exists in 脱碳退火 only; the operator said 高温退火: do not ask for --process again.
    units = _units() + [Parameter(id="speed-n", title="带速", name="带速", unit="m/min", lower=1,
                                  upper=2, process="常化", source_file="parameters.csv")]
    with pytest.raises(LaoshifuError) as err:
        diagnose(units, {"露点": "-30", "带速": "95"}, process="高温退火")
    text = err.value.render()
    assert "'带速' is not a parameter of 高温退火" in text and "常化, 脱碳退火" in text
    assert "say which with --process" not in text


def test_minus_signs_typed_by_an_input_method_are_numbers():
    from laoshifu.diagnosis.diagnose import parse_value

    assert parse_value("−40") == (-40.0, "")
    assert parse_value("－30℃") == (-30.0, "℃")
