"""How a question asks (steps said as 咋个洗法, a thing asked as 是个啥玩意, power lost said in
English) and what the knowledge base must hold to answer it, on questions written for these
tests."""

import pytest

from .test_trust import _ask


@pytest.mark.parametrize("question, title", [
    ("涂辊该怎么个洗法", "MgO涂辊清洗与换辊"),
    ("内罩扣好了怎么查漏", "罩式炉内罩检漏与保护气切换"),
])
def test_steps_asked_in_shop_words_get_the_procedure(kb, question, title):
    answer = _ask(kb, question)
    assert not answer.refused, answer.note
    assert answer.procedures[0].title == title


def test_steps_the_knowledge_base_does_not_hold_are_not_made_of_sentences(kb):
    answer = _ask(kb, "常化炉换辊具体怎么操作")
    assert answer.refused
    assert answer.note == "知识库里没有这件事的操作规程或步骤。"


@pytest.mark.parametrize("question, thing", [
    ("镁铝尖晶石到底是个啥玩意", "镁铝尖晶石"),
    ("半工艺取向钢到底是啥样的钢", "半工艺取向钢"),  # only named, in a patent's flattening
])
def test_a_thing_only_named_is_not_explained_by_its_mention(kb, question, thing):
    answer = _ask(kb, question)
    assert answer.refused
    assert f"“{thing}”" in answer.note


def test_power_lost_said_in_english_is_the_power_failure_rule(kb):
    answer = _ask(kb, "The decarb line has no power, what do I do first?")
    assert not answer.refused
    assert answer.rules[0].title == "脱碳线全线停电"


def test_how_fast_a_named_line_runs_is_its_one_speed_window(kb):
    answer = _ask(kb, "常化那条连续线平时跑多快")
    assert not answer.refused, answer.note
    assert (answer.windows[0].process, answer.windows[0].name) == ("常化", "带速")


@pytest.mark.parametrize("question", ["渗氮那条线平时跑多快", "冷轧那条线平时跑多快"])
def test_a_line_with_no_speed_window_gets_no_other_line_s(kb, question):
    assert _ask(kb, question).refused


def test_a_strip_gone_crooked_is_running_off(kb):
    answer = _ask(kb, "脱碳炉里带钢跑歪了，先干啥")
    assert not answer.refused, answer.note
    assert answer.rules[0].title == "脱碳炉内带钢跑偏"


def test_a_de_inside_a_parameter_s_name_still_names_it(entry):
    from laoshifu.answer.intent import read_intent

    assert read_intent("浆料的浓度多少", entry).quantities == ("MgO涂层:浆料浓度",)
    assert read_intent("浆料的颜色", entry).quantities == ()


@pytest.mark.parametrize("question", ["车间老师傅天天念叨的“花脸”，到底指的是啥？", "HiB是指哪类料？"])
def test_a_term_asked_amid_other_words_is_defined_by_its_entry(kb, question):
    answer = _ask(kb, question)
    assert not answer.refused, answer.note
    assert answer.citations[0].kind == "term"


def test_the_thing_named_before_this_word_is_what_is_asked(kb):
    answer = _ask(kb, "氧势这个说法是什么意思")  # 说法 says what kind of thing 氧势 is
    assert not answer.refused, answer.note
    assert answer.citations[0].unit_id == "term-ph2o-ph2"


def test_what_to_do_first_is_not_refused_for_want_of_a_procedure(kb):
    # 第一步干啥 asks an action as much as a step: the leak sentences answer it
    answer = _ask(kb, "测轻仪响个不停，第一步该干啥", threshold=-1.0)
    assert not answer.refused, answer.note


def test_a_procedure_named_by_its_title_is_given_whatever_process_comes_before(kb):
    answer = _ask(kb, "从罩式炉出来的卷子到平整线上，穿带和建张力的步骤")
    assert not answer.refused, answer.note
    assert answer.procedures[0].title == "热拉伸平整线穿带与张力建立"


def test_what_a_designation_stands_for_is_a_what_is_question(kb):
    answer = _ask(kb, "What does CGO stand for?", threshold=-1.0)
    assert not answer.refused, answer.note
    assert answer.citations[0].kind == "term"


def test_a_grade_whose_designation_is_asked_needs_no_window_of_its_own(entry):
    from laoshifu.answer import _uncovered
    from laoshifu.answer.intent import read_intent
    from laoshifu.answer.slots import read_slots

    ranked = [entry.units.get("qc-loss-23qg085")]
    for question, gap in (("30Q133这种牌号，几个数字各代表啥", False), ("30Q133的铁损是多少", True)):
        intent = read_intent(question, entry)
        slots = read_slots(intent.text, list(intent.mentions), entry, intent.processes)
        assert bool(_uncovered(intent, slots, entry, ranked)) is gap, question


def test_a_gas_pointed_at_by_its_story_gets_the_dew_point(kb):
    answer = _ask(kb, "脱碳炉里那股湿乎乎的气，一冷就开始结水珠的温度，控在多少", threshold=-1.0)
    assert (answer.windows[0].process, answer.windows[0].name) == ("脱碳退火", "露点")


def test_what_a_defect_looks_like_is_its_glossary_entry(kb):
    answer = _ask(kb, "花脸是什么样的缺陷")
    assert not answer.refused, answer.note


def test_a_share_asked_as_baifenzhiji_is_a_value_question(entry):
    from laoshifu.answer.intent import read_intent

    assert read_intent("渗氮段炉气里那股刺鼻的气占百分之几", entry).wants_value
    assert read_intent("MgO涂层烧掉的分量占几个点", entry).wants_value


def test_pingsha_asks_why_and_which_to_change_asks_steps(kb, entry):
    from laoshifu.answer.intent import read_intent

    assert read_intent("绝缘涂层凭啥能给钢板加上拉力", entry).wants_reason
    answer = _ask(kb, "脱碳线换成0.27的料，要改哪些，哪些不能动？")
    assert not answer.refused, answer.note
    assert answer.procedures[0].title == "脱碳线换规格（0.23与0.27互换）"


@pytest.mark.parametrize("question, refused", [
    ("什么叫半工艺取向钢？", True),  # only named, in a patent's flattening
    ("什么叫花脸？", False),
])
def test_what_is_asked_before_the_thing_is_checked_as_after_it(kb, question, refused):
    answer = _ask(kb, question, threshold=-1.0)
    assert answer.refused is refused, answer.note
