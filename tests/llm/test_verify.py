"""The checker: what it keeps, what it drops, and why — on small hand-made sources."""

from __future__ import annotations

import pytest

from laoshifu.llm.numbers import NumberReader, Quantity, chinese_number, same_quantity
from laoshifu.llm.prompt import Source, render_unit
from laoshifu.llm.verify import Checker, is_unsure, split_reply
from laoshifu.text import normalize
from laoshifu.knowledge.units import Note, Parameter, Procedure, Rule
from laoshifu.knowledge.vocabulary import Vocabulary

DEW = Parameter(id="dc-dew-point", title="露点", process="脱碳退火", name="露点", symbol="DP", unit="℃",
                target=60, lower=55, upper=65, body="露点是脱碳炉的命根子。低了碳脱不下来、氧化膜太薄；高了氧化过重。")
H2 = Parameter(id="dc-h2-ratio", title="氢气比例", process="脱碳退火", name="氢气比例", symbol="H2", unit="%",
               target=60, lower=50, upper=70, body="氢少了气氛偏氧化。")
TEMP = Parameter(id="dc-soak-temp", title="炉温", process="脱碳退火", name="炉温", unit="℃", target=840,
                 lower=820, upper=860, body="均热段八百四十度上下脱碳最痛快。")
RULE = Rule(id="rule-dew-high", title="露点偏高", process="脱碳退火", condition="露点 > 65",
            diagnosis="加湿器水温失控，气氛氧化性过强。",
            actions=("先把加湿水温往下调一档，降低露点到65℃以下。", "严禁打开炉门取样。", "通知调度。"))
STEPS = Procedure(id="proc-h2", title="通氢", process="脱碳退火",
                  steps=("确认氮气吹扫完成。", "打开氢气总阀，先用小流量给氢。"))
NOTE = Note(id="note-tube", title="取样管", body="露点仪读数跳的时候先查取样管有没有积水。")
UNITS = [DEW, H2, TEMP, RULE, STEPS, NOTE]
VOCAB = Vocabulary.from_units(UNITS)


def checker(*units) -> Checker:
    return Checker([Source(n, u, render_unit(u, VOCAB)) for n, u in enumerate(units, 1)], VOCAB)


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


@pytest.mark.parametrize("sentence", [
    "露点控制在55～65℃，目标60℃[1]。",
    "露点控制在55到65度之间[1]。",
    "露点目标是333.15K[1]。",  # 60℃ converted
    "露点目标约333K[1]。",  # …written at the claim's precision
    "露点目标140°F[1]。",
    "露点是脱碳炉的命根子，低了碳脱不下来[1]。",
    "均热段炉温八百四十度上下脱碳最痛快[2]。",
    "炉温目标840℃[2]。",
    "露点超过65℃时，先把加湿水温往下调一档[3]。",
    "严禁打开炉门取样[3]。",
    "露点60℃，氢气比例60%[1][4]。",
])
def test_faithful_sentences_are_kept(sentence):
    result = checker(DEW, TEMP, RULE, H2).check(sentence)
    assert result.ok, result.findings


@pytest.mark.parametrize("sentence,code", [
    ("露点控制在62℃[1]。", "number_unsupported"),  # invented number
    ("露点目标60K[1]。", "number_unsupported"),  # ℃ → K without converting
    ("露点控制在55～65℃[2]。", "citation_unrelated"),  # wrong [n]: [2] is the furnace temperature
    ("露点控制在55～65℃[7]。", "unknown_citation"),
    ("露点控制在55～65℃。", "no_citation"),
    ("炉温控制在55～65℃[1][2]。", "number_other_parameter"),  # the dew point's numbers said of 炉温
    ("水氢比要在0.33左右[1]。", "number_unsupported"),
    ("露点偏高时要打开炉门取样[3]。", "action_unsupported"),  # 严禁 dropped: the don't became a do
    ("露点偏高就关闭氢气总阀[3]。", "action_unsupported"),  # an action the rule does not have
    ("露点高了会引起爆炸，要马上撤离所有人[1]。", "content_unsupported"),
    ("露点要六十二度[1]。", "number_unsupported"),  # Chinese numerals are numbers too
])
def test_fabrications_are_caught(sentence, code):
    result = checker(DEW, TEMP, RULE).check(sentence)
    assert code in codes(result), (sentence, result.findings)


def test_a_flipped_verb_is_caught_even_when_the_rest_is_copied():
    result = checker(DEW, TEMP, RULE).check("先把加湿水温往下调一档，提高露点到65℃以下[3]。")
    assert "action_unsupported" in codes(result)


def test_a_parameter_the_sources_never_name_is_caught():
    result = checker(DEW).check("露点和氢气比例要配着看[1]。")
    assert "name_unsupported" in codes(result)


def test_steps_are_checked_against_the_procedure():
    assert checker(STEPS).check("先确认氮气吹扫完成，再打开氢气总阀用小流量给氢[1]。").ok
    assert "action_unsupported" in codes(checker(STEPS).check("先关闭氢气总阀用小流量给氢[1]。"))


def test_markers_after_the_full_stop_stay_with_their_sentence():
    assert split_reply("露点60℃。[1]氢气比例60%。【2】") == ["露点60℃。[1]", "氢气比例60%。【2】"]
    assert split_reply("<think>用户问露点，资料[1]说60</think>露点60℃[1]。") == ["露点60℃[1]。"]
    assert split_reply("**露点**：60℃[1]；目标。\n- 氢气60%[2]") == ["露点：60℃[1]；目标。", "- 氢气60%[2]"]
    result = checker(DEW, H2).check("- 露点目标60℃【1，2】")
    assert result.citations == (1, 2) and result.text == "露点目标60℃[1][2]"


def test_unsure_replies_are_recognised():
    assert is_unsure("不确定。") and is_unsure("不确定，资料里没有。")
    assert not is_unsure("露点60℃[1]。")


def test_chinese_numbers_read_as_numbers():
    assert chinese_number("八百四十") == 840 and chinese_number("一千一百") == 1100
    assert chinese_number("零点二三") == 0.23 and chinese_number("两万") == 20000
    assert chinese_number("十二") == 12 and chinese_number("三四") is None
    reader = NumberReader()
    assert [(q.value, q.unit) for q in reader.read(normalize("百分之六十"))] == [(60, "%")]
    assert reader.read(normalize("千万不要放散，高一点也不行")) == []


def test_same_quantity_converts_and_respects_precision():
    def q(value, unit, decimals=0):
        return Quantity(value, unit, decimals, "")
    assert same_quantity(q(333, "K"), q(60, "℃"))
    assert same_quantity(q(333.15, "K", 2), q(60, "℃"))
    assert not same_quantity(q(60, "K"), q(60, "℃"))
    assert not same_quantity(q(334, "K"), q(60, "℃"))
    assert same_quantity(q(0.6, "", 1), q(0.6, "%"))  # a bare number equals the source's
    assert not same_quantity(q(60, "℃"), q(60, ""))  # a unit the source never gave
    assert same_quantity(q(600000, "ppm"), q(60, "%"))
    assert not same_quantity(q(60, "mm"), q(60, "℃"))  # no conversion between dimensions


@pytest.mark.parametrize("run, value", [
    ("七百五", 750.0),  # the next place down: seven hundred and fifty
    ("一千二", 1200.0),
    ("一百零五", 105.0),  # 零 keeps the digit in the units
    ("八百四十", 840.0),
    ("三十五", 35.0),
])
def test_chinese_numbers_as_the_shop_says_them(run, value):
    from laoshifu.llm.numbers import chinese_number

    assert chinese_number(run) == value


def test_neighbouring_numerals_read_as_a_range_with_the_unit_after_them():
    from laoshifu.llm.numbers import NumberReader

    reader = NumberReader()
    assert [(q.value, q.unit) for q in reader.read("一炉就是六七天")] == [(6.0, "天"), (7.0, "天")]
    assert [(q.value, q.unit) for q in reader.read("纯氢里保温二十到三十个钟头")] == [
        (20.0, "h"), (30.0, "h")]
    assert [q.value for q in reader.read("二三十个")] == [20.0, 30.0]
    assert reader.read("三五")[0].value != reader.read("三五")[0].value  # not neighbours: unread
