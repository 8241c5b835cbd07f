"""A question that asks for a time, a length, a pressure… is not answered with a number of
another kind (questions written for these tests)."""

import pytest

from laoshifu.answer import ask
from laoshifu.answer.dimensions import (asked_dimensions, left_to_plant_rules, missing_difference,
                                         missing_dimension,
                                         missing_property, shown_dimensions, stated_dimensions,
                                         unanswered_choice, unfocused_dimension, unfocused_reading,
                                         unheld_reading)
from laoshifu.answer.model import Answer, ProcedureSteps, QuotedSentence, WindowRow
from laoshifu.knowledge.units import Citation
from laoshifu.text import normalize


@pytest.mark.parametrize("question, dimensions", [
    ("涂完的卷子烘多少秒？", {"time"}),
    ("保温要多久", {"time"}),
    ("均热时间给多长", {"time"}),  # 时间…多长 is a time, not a length
    ("辊子直径多少毫米", {"length"}),
    ("沟槽有几个丝深", {"length"}),
    ("炉压保持多少KPa", {"pressure"}),
    ("出炉温度多少度", {"temperature"}),
    ("冷却每秒降多少度", {"rate"}),  # a rate, not a temperature
    ("快冷一分钟得降多少度", {"rate"}),  # (a verb between the time and the degrees)
    ("残氧多少ppm算合格", {"fraction"}),
    ("感应器功率多少千瓦", {"power"}),
    ("保护气流量多少立方", {"flow"}),
    ("一吨要多少钱", {"money"}),
    ("氨气接触限值多少mg/m³", {"density"}),  # mass per volume: no window is
    ("均热段每个区装几支热电偶", {"count"}),
    ("How many thermocouples per zone?", {"count"}),  # glossed 多少个
    ("保温多少个钟头", {"time"}),
    ("带钢每分钟走多少米", {"speed"}),  # a line speed, not a length  # 几个/多少个 before a unit ask that unit, no count
    ("差了几个点", {"fraction"}),
    ("How long is the soak?", {"time"}),
    ("露点到72度了怎么办", set()),  # a reading, not a question about a number
    ("同样厚度的铁损差多少", set()),  # 厚度 is mentioned, not asked for
    ("读数突然掉了好几度，为啥", set()),  # several degrees, not a question about them
    ("差了十几度要紧吗", set()),
])
def test_asked_dimensions(question, dimensions):
    from laoshifu.text.english import EnglishGloss, is_english

    text = EnglishGloss().gloss(question) if is_english(question) else question
    assert asked_dimensions(normalize(text)) == dimensions


def _answer(sentences=(), windows=()):
    return Answer(question="q", refused=False, confidence=1.0,
                  sentences=[QuotedSentence(s, (1,)) for s in sentences], windows=list(windows))


def test_shown_dimensions_read_windows_and_sentences():
    window = WindowRow("p", "带温", "脱碳退火", 300.0, 250.0, 400.0, "℃", "", 1)
    assert shown_dimensions(_answer(windows=[window])) == {"temperature"}
    assert shown_dimensions(_answer(["观察十五分钟压力下降不超过规定值"])) == {"time"}
    assert shown_dimensions(_answer(["保温20到30 h左右", "加到3 min左右"])) == {"time"}
    assert shown_dimensions(_answer(["压力升到5 kPa"])) == {"pressure"}


def test_missing_dimension():
    temperature = _answer(["干燥炉带温常见在250到400℃左右。"])
    assert missing_dimension(normalize("干燥炉里带钢要烘多少秒"), temperature) == "time"
    assert missing_dimension(normalize("干燥炉带温多少度"), temperature) == ""
    assert missing_dimension(normalize("干燥炉干什么用"), temperature) == ""


def test_a_question_for_a_time_the_kb_lacks_is_refused_with_what_it_has(kb):
    store, index_dir = kb
    # The example knowledge base gives the dryer's strip temperature, never a drying time.
    answer = ask(store, "带钢在干燥炉里烘几分钟？", record=False, index_dir=index_dir, threshold=0.0)
    assert answer.refused
    assert "时间" in answer.note


def test_a_question_for_a_time_the_kb_has_is_answered(kb):
    store, index_dir = kb
    answer = ask(store, "0.23的薄料脱碳均热时间要多少秒？", record=False, index_dir=index_dir, threshold=0.0)
    assert not answer.refused
    assert any(w.unit == "s" for w in answer.windows)


def test_missing_property():
    rolls = _answer(["炉辊要定期检查有没有结瘤。"])
    assert missing_property(normalize("炉辊是啥材质的"), rolls) == "材质"
    assert missing_property(normalize("浆料搅拌转速多少"), _answer(["边搅拌边慢慢加入。"])) == "转速"
    assert missing_property(normalize("炉辊多久检查一次"), rolls) == ""
    assert missing_property(normalize("炉辊的材质"), _answer(["炉辊材质是耐热钢。"])) == ""


def test_a_property_the_kb_never_names_is_refused(kb):
    store, index_dir = kb
    answer = ask(store, "加湿器是哪个厂家的？", record=False, index_dir=index_dir, threshold=0.0)
    assert answer.refused and "厂家" in answer.note


def test_an_english_question_for_a_property_the_kb_never_names_is_refused(kb):
    store, index_dir = kb
    answer = ask(store, "Which brand of humidifier do we use?", record=False, index_dir=index_dir,
                 threshold=0.0)
    assert answer.refused and "品牌" in answer.note


def test_a_question_for_a_person_needs_a_name_in_the_answer():
    roles = _answer(["这些情况要报告调度和值班工程师。"])
    assert missing_dimension(normalize("今天的值班工程师是谁"), roles) == "person"
    assert missing_dimension(normalize("资料是哪位师傅整理的"), _answer(["这本手册是王师傅整理的。"])) == ""


def test_a_property_whose_value_is_asked_needs_a_number_beside_it():
    alkali = _answer(["入口清洗温度低、碱液浓度不够，带进炉里压出麻点。", "先把碱洗液温度升回80℃左右，查碱液浓度。"])
    assert missing_property(normalize("碱液浓度控多少"), alkali, wants_value=True) == "浓度"
    assert missing_property(normalize("碱液浓度不够会怎样"), alkali, wants_value=False) == ""
    slurry = _answer(["浆料浓度一般在10%到15%左右。"])
    assert missing_property(normalize("浆料浓度多少"), slurry, wants_value=True) == ""


@pytest.mark.parametrize("question, dimensions", [
    ("炉辊轴承温度到了85℃，要紧吗", {"temperature"}),
    ("露点表到七十二度了", {"temperature"}),
    ("报警仪显示0.3%", {"fraction"}),
    ("DCL开到130米了", {"speed"}),  # a line speed, not a length
    ("边裂有4mm深", {"length"}),
    ("升温给到30℃/h行不行", {"rate"}),  # a rate, not a temperature
    ("0.27mm的料张力给多少", set()),  # the material's thickness is no reading
    ("0.23的料", set()),
    ("冷速得多少度一秒", set()),  # how a rate is asked, not a time stated
    ("露点多少", set()),
    ("清洗段漂洗水电导率测着有150 μS/cm", {"conductivity"}),
    ("碱液pH 12.5了还行吗", {"acidity"}),
    ("涂液比重读出来1.32", {"gravity"}),
    ("氮气总管才2 bar", {"pressure"}),
    ("PH2O/PH2到0.5了", set()),  # the oxidation potential, not a pH
])
def test_stated_dimensions(question, dimensions):
    assert stated_dimensions(normalize(question)) == dimensions


def test_unheld_reading():
    pressure_rule = _answer(["先把冷却水压力恢复到0.3 MPa以上。"])
    assert unheld_reading(normalize("冷却水进水温度35℃超不超"), pressure_rule) == "temperature"
    assert unheld_reading(normalize("冷却水压力0.2 MPa了"), pressure_rule) == ""
    # the figure the question says, shown back, is held however it is measured
    assert unheld_reading(normalize("降到0.3 MPa那次咋办"), pressure_rule) == ""
    assert unheld_reading(normalize("冷却水压力咋看"), pressure_rule) == ""


def test_a_reading_nothing_in_the_kb_judges_is_refused_with_its_kind(kb):
    store, index_dir = kb
    # The example knowledge base has the cooling-water pressure and no bearing temperature.
    answer = ask(store, "炉辊轴承温度到了85℃，要紧吗？", record=False, index_dir=index_dir,
                 threshold=0.0)
    assert answer.refused and "温度读数" in answer.note
    speed = ask(store, "DCL带速开到130米了怎么办", record=False, index_dir=index_dir, threshold=0.0)
    assert not speed.refused and speed.rules


_CYCLE = ("先升温到600到700℃排水；进入900到1100℃的二次再结晶区慢慢升温；"
          "升到1200℃后换纯氢做净化；冷却时降到较低温度后换成氮气。")

# A number of the kind asked must be said of the question's topic: (question, the topic's
# words, the sentences shown, the kind found unanswered or "", why).
UNFOCUSED = [
    ("辐射管排烟温度多少度", ("辐射管", "排烟"), ["脱碳段带温常见在800到870℃之间。", "烟气从辐射管里排出。"],
     "temperature", "a temperature of something else"),
    ("辐射管排烟温度多少度", ("辐射管", "排烟"), ["辐射管排烟温度一般在500℃上下。"], "", "said of the topic"),
    ("低温段升温每小时多少度", ("升温",), ["二次再结晶段按每小时15℃升温。"], "rate",
     "said of the other side of a pair the question names"),
    ("二次再结晶段升温每小时多少度", ("升温",), ["二次再结晶段按每小时15℃升温。"], "", "said of this side"),
    ("冷却时降到多少度换氮气", ("氮气", "纯氢"), [_CYCLE], "temperature",
     "every figure of a cycle is of another stage than the cooling"),
    ("净化时升到多少度", ("氮气", "纯氢"), [_CYCLE], "", "a cycle read clause by clause"),
    ("氢气总管压力正常多少MPa", ("氢气",), ["确认氮气压力不低于0.4 MPa，然后关闭氢气调节阀和氢气总阀。"],
     "pressure", "the pressure is the nitrogen's: the hydrogen comes after it"),
    ("氢气总管压力正常多少MPa", ("氢气",), ["氢气总管减压后，压力保持在0.2 MPa左右。"], "",
     "said of what comes before it"),
    ("入口清洗水温度控多少", ("清洗水",), ["先把碱洗液温度升回80℃左右。"], "temperature",
     "an attribute asked in words implies its kind"),
    ("入口清洗水温度控多少", ("清洗水",), ["清洗水温度保持在60℃上下。"], "", "the rinse water's own"),
    ("冷却段出口带温降到多少", ("带温",), ["工业上脱碳段带温常见在800到870℃之间。"], "temperature",
     "the decarburising line's sections are each other's other side"),
    ("脱碳段带温控多少", ("带温",), ["工业上脱碳段带温常见在800到870℃之间。"], "", "this section's"),
    ("涂液里铬酐加多少", ("铬酐",), ["传统涂层里铬酐CrO3帮涂层成膜。"], "amount", "a formula's 3 is no amount"),
    ("涂液里铬酐加多少", ("铬酐",), ["铬酐每100份磷酸盐加5份。"], "", "an ingredient's amount"),
]


@pytest.mark.parametrize("question, words, sentences, expected",
                         [pytest.param(q, w, s, e, id=why) for q, w, s, e, why in UNFOCUSED])
def test_a_number_of_the_kind_asked_must_be_said_of_the_topic(question, words, sentences, expected):
    topic = lambda sentence: any(w in sentence for w in words)  # noqa: E731
    assert unfocused_dimension(normalize(question), topic, _answer(sentences)) == expected


def test_a_window_is_judged_by_the_window_checks_not_by_the_topic_check():
    # a window is the parameter's own number
    window = WindowRow("p", "带温", "脱碳退火", 840.0, 800.0, 870.0, "℃", "", 1)
    topic = lambda sentence: "辐射管" in sentence  # noqa: E731
    assert unfocused_dimension(normalize("辐射管排烟温度多少度"), topic, _answer(windows=[window])) == ""


def test_a_temperature_of_something_else_is_not_an_answer(kb):
    store, index_dir = kb
    # The example knowledge base has furnace and strip temperatures, not the flue gas's.
    answer = ask(store, "辐射管的排烟温度一般是多少度？", record=False, index_dir=index_dir,
                 threshold=0.0)
    assert answer.refused and "温度" in answer.note, answer.sentences


def test_a_difference_asked_needs_a_difference_said():
    levels = _answer(["每面涂布量4～6 g/m²。"])
    assert missing_difference(normalize("上下两面涂布量最多允许差几克"), levels)
    assert missing_difference(normalize("0.27的比0.23的铁损高多少"), levels)
    gap = _answer(["两面涂布量差不超过0.5 g/m²。"])
    assert not missing_difference(normalize("上下两面涂布量最多允许差几克"), gap)
    times = _answer(["喷氮渗进去的氮是不喷的2.5倍。"])
    assert not missing_difference(normalize("喷氮比不喷，氮多几倍"), times)  # a ratio, said
    assert not missing_difference(normalize("每面涂多少克"), levels)  # no difference asked
    # a window of a spread is a difference
    spread = _answer(windows=[WindowRow("p", "卷内温差", "高温退火", None, None, 50.0, "℃", "", 1)])
    assert not missing_difference(normalize("外圈和中心最多差几度"), spread)


def test_a_reading_is_not_what_a_question_compares_with(kb):
    # "比0.23的低多少": 0.23 is the thickness compared with, not a B8 reading of 0.23 T
    store, index_dir = kb
    answer = ask(store, "0.18 mm Hi-B成品B8一般比0.23的低多少？", record=False,
                 index_dir=index_dir, threshold=0.0)
    assert not answer.readings and not answer.signals.fired


def test_a_number_left_to_the_plants_rules_is_no_number():
    shown = _answer(["内罩压力升到5 kPa后关阀，观察一刻钟压力下降不超过规定值。"])
    assert left_to_plant_rules(normalize("保压时压力最多允许掉多少"), shown)
    # the rise is given: 5 kPa
    assert not left_to_plant_rules(normalize("保压时压力升到多少"), shown)
    assert not left_to_plant_rules(normalize("保压看多久"), shown)  # no attribute of it asked


def test_a_reading_of_an_instruments_own_unit_needs_a_number_of_it(kb):
    store, index_dir = kb
    # the example knowledge base lists the rinse water's conductivity as a check, with no
    # limit; and gives a specific gravity for the insulating coating, not the MgO slurry
    for question in ("酸洗后漂洗水电导率到了180 μS/cm，要不要停？",
                     "氧化镁浆子比重量出来1.08，能上涂辊吗？"):
        answer = ask(store, question, record=False, index_dir=index_dir, threshold=0.0)
        assert answer.refused, (question, answer.sentences, answer.rules)
    coating = ask(store, "绝缘涂液比重测出来1.26，行不行？", record=False, index_dir=index_dir,
                  threshold=0.0)
    assert not coating.refused


def test_a_reading_must_be_judged_by_something_said_of_it():
    topic = lambda sentence: "升温" in sentence  # noqa: E731
    other_stage = Answer("q", False, 1.0, sentences=[QuotedSentence("先把升温速率降回15℃/h。", (1,))],
                         citations=[Citation(1, "r", "rule", "二次再结晶段升温过快", 1, "rules.md:3")])
    # the sentence's own title says which stage its rate is of
    assert unfocused_reading(normalize("低温段升温给到40℃/h行吗"), topic, other_stage) == "rate"
    assert unfocused_reading(normalize("二次再结晶段升温给到40℃/h行吗"), topic, other_stage) == ""
    # a sentence of another process than the question's judges nothing of it
    hydrogen = lambda sentence: "氢" in sentence  # noqa: E731
    decarb = _answer(["脱碳炉的氢气比例一般在50%到70%。"])
    elsewhere = lambda said: "脱碳" in said  # noqa: E731
    assert unfocused_reading(normalize("平整炉含氢5%正常吗"), hydrogen, decarb, elsewhere) == "fraction"
    assert unfocused_reading(normalize("平整炉含氢5%正常吗"), hydrogen, decarb) == ""


def test_a_drop_left_to_the_plants_rules_judges_no_reading():
    shown = _answer(["内罩压力升到5 kPa后关阀，观察一刻钟压力下降不超过规定值。"])
    assert left_to_plant_rules(normalize("检漏时十分钟掉了0.6 kPa，过不过关"), shown)
    assert not left_to_plant_rules(normalize("检漏时升到5 kPa对不对"), _answer(
        ["内罩压力升到5 kPa后关阀。"]))


def test_a_property_word_used_as_an_adjective_is_not_asked():
    answer = _answer(["碱洗槽温度低了，板面清洗不净。"])
    assert missing_property(normalize("碱洗槽才60℃，板面有周期性的印子咋办"), answer,
                            wants_value=True) == ""
    assert missing_property(normalize("换辊周期多长"), answer, wants_value=True) == "周期"


def test_parts_of_a_recipe_are_a_kind_of_number():
    assert asked_dimensions(normalize("磷酸盐涂液里胶体二氧化硅加几份")) == {"parts"}
    recipe = _answer(["每100份MgO加5份TiO2。"])
    assert missing_dimension(normalize("TiO2加几份"), recipe) == ""
    tension = _answer(windows=[WindowRow("p", "张力", "热拉伸平整退火", 8.0, 5.0, 12.0, "MPa", "", 1)])
    assert missing_dimension(normalize("涂液里铬酐加几份"), tension) == "parts"


def test_a_spread_of_its_own_is_no_difference_between_two_things():
    rule = _answer(["让卷内温差缩小到50℃以内再升。"])
    assert missing_difference(normalize("0.20的料升温要比0.27的慢多少"), rule)
    assert not missing_difference(normalize("外圈和中心温差差多少算正常"), rule)


def test_how_deep_asks_a_depth_not_a_spacing(kb):
    store, index_dir = kb
    answer = ask(store, "激光刻痕的槽刻多深？", record=False, index_dir=index_dir, threshold=0.0)
    assert not any(w.name == "刻痕间距" for w in answer.windows), answer.windows
    crack = ask(store, "冷轧边裂有多深就得切边？", record=False, index_dir=index_dir, threshold=0.0)
    assert [w.name for w in crack.windows] == ["边裂深度"]


def test_a_sentence_naming_only_the_process_does_not_speak_of_the_topic(kb):
    from laoshifu.answer import cache_for
    from laoshifu.answer.topic import speaks_of

    store, index_dir = kb
    entry = cache_for(store, index_dir).get("main")
    speaks = speaks_of(entry, normalize("高温退火冷却的时候降到几度把氢气换掉？"))
    assert not speaks("高温退火整个周期大约6到7天，最高温度一般在1200℃左右。")
    assert speaks("冷却时前段仍保持氢气。")
    # one word besides the process: the process is part of what is asked
    short = speaks_of(entry, normalize("钢带在渗氮段里待多久？"))
    assert short("按带速核算渗氮时间在60～120 s之间。")


def test_degrees_per_hour_in_words_is_a_rate():
    assert "rate" in shown_dimensions(_answer(["升温按15度每小时走。"]))
    assert "rate" not in shown_dimensions(_answer(["保温15小时。"]))


def test_mass_per_area_and_a_plant_by_name_are_kinds_of_number_or_name():
    assert asked_dimensions(normalize("板面残油允许多少mg/m²")) == {"areal"}
    coating = _answer(windows=[WindowRow("p", "涂布量", "MgO涂层", 5.0, 4.0, 6.0, "g/m²", "", 1)])
    assert missing_dimension(normalize("每面涂多少g/m²"), coating) == ""
    assert missing_dimension(normalize("板面残油允许多少mg/m²"), _answer(["板面残油要吹干净。"])) == "areal"
    lesson = _answer(["有厂子的成品表面出现白条。"])
    assert missing_dimension(normalize("白条是哪家钢厂出的"), lesson) == "organization"
    assert missing_dimension(normalize("白条是哪家钢厂出的"), _answer(["新日铁早年出过白条。"])) == ""
    assert missing_dimension(normalize("氧化镁是哪家供应商的"), _answer(["供应商资料要求水化率低于4%。"])) == "organization"


def test_a_choice_needs_one_of_its_sides_named():
    said = _answer(["先加氮、后关氢，顺序一次也不能错。"])
    assert unanswered_choice(normalize("停炉时先加氮还是先关氢？"), said) == ""
    thermocouples = _answer(["控温热电偶和监测热电偶都要接好。"])
    assert unanswered_choice(normalize("控温热电偶用S型还是B型？"), thermocouples) == "s型还是b型"
    # an amount or a yes-or-no is no choice between things
    assert unanswered_choice(normalize("待几十秒还是几分钟？"), thermocouples) == ""
    assert unanswered_choice(normalize("这卷能装还是不能装？"), thermocouples) == ""
    assert unanswered_choice(normalize("秒数大了是活性高还是低？"), thermocouples) == ""  # a way
    # which comes first, asked in other words: a procedure's steps say it
    steps = _answer()
    steps.procedures.append(ProcedureSteps("p", "通氢", ("先用小流量给氢。", "再投加湿器。"), 1))
    assert unanswered_choice(normalize("开炉先加水汽还是先进还原气？"), steps) == ""
    assert unanswered_choice(normalize("开炉先加水汽还是先进还原气？"), thermocouples) != ""


def test_an_attribute_asked_in_words_implies_its_kind_for_quoted_sentences():
    from laoshifu.answer.dimensions import implied_dimensions

    assert implied_dimensions(normalize("入口清洗水温度控多少")) == {"temperature"}
    assert implied_dimensions(normalize("保护气里氢气占多少")) == {"fraction"}
    assert implied_dimensions(normalize("升温速度多少合适")) == set()  # a rate, not a line speed


def test_a_thing_asked_for_by_its_kind_must_be_named():
    annealing = _answer(["测之前要做消除应力退火，800℃保温2 h随炉冷。"])
    assert missing_property(normalize("消除应力退火用什么保护气？"), annealing) == "保护气"
    nitrogen = _answer(["退火在氮气保护气里做。"])
    assert missing_property(normalize("消除应力退火用什么保护气？"), nitrogen) == ""
    # a kind too wide to be named as such: 露点仪 answers "用什么仪器"
    assert missing_property(normalize("测露点用什么仪器？"), _answer(["用露点仪测。"])) == ""
    # a list goes on after the thing asked ("用什么焊条、怎么焊"); viscosity is a property
    welding = _answer(["内罩送修检漏合格后再用。"])
    assert missing_property(normalize("补焊用什么焊条、怎么焊？"), welding) == "焊条"
    assert missing_property(normalize("涂液黏度控多少？"), _answer(["涂液比重1.25。"]), wants_value=True) == "黏度"
    rolls = _answer(["停炉时逐根测量辊面粗糙度和直径。"])
    assert missing_property(normalize("辊面粗糙度超过多少要换？"), rolls, wants_value=True) == "粗糙度"


def test_hours_in_words_with_a_measure_word_are_a_time():
    assert "time" in shown_dimensions(_answer(["配好的浆子四个钟头用不完就倒掉。"]))


def test_how_much_of_an_ingredient_asks_an_amount():
    from laoshifu.answer.dimensions import implied_dimensions

    assert implied_dimensions(normalize("涂液里铬酐加多少")) == {"amount"}


def test_an_instrument_asked_about_by_name_must_be_named_in_the_answer():
    # questions written for this test
    from laoshifu.answer.dimensions import unnamed_instrument

    carbon = _answer(["残碳高会造成磁时效。"])
    assert unnamed_instrument(normalize("残碳是用红外碳硫仪测的吗？"), carbon) == "红外碳硫仪"
    assert unnamed_instrument(normalize("总氮化验用的是氧氮分析仪吗"), carbon) == "氧氮分析仪"
    dew = _answer(["露点仪应定期与便携式仪器比对。"])
    assert unnamed_instrument(normalize("露点是用露点仪测的吗"), dew) == ""
    assert unnamed_instrument(normalize("露点多少"), carbon) == ""


def test_a_ratio_asked_by_its_own_word_needs_a_number_beside_it():
    roll = _answer(["调整涂辊压下和辊速差，看飞溅是否消失。"])
    assert missing_property(normalize("涂辊的辊速差一般设多少"), roll, wants_value=True) == "辊速差"
    assert missing_property(normalize("涂辊的辊速差怎么调"), roll, wants_value=False) == ""
    assert missing_property(normalize("外圈跟芯子温度最多能差多少"), roll, wants_value=True) == ""  # how far apart
    said = _answer(["上下辊的速差一般给5%左右。"])  # its last two characters are all it is called
    assert missing_property(normalize("涂辊的辊速差一般设多少"), said, wants_value=True) == ""


def test_a_figure_said_for_other_thicknesses_does_not_answer_the_one_named():
    from laoshifu.answer.dimensions import thickness_not_covered

    thin = _answer(["厚度0.20 mm及以下的磁畴细化产品，单片测值要乘0.925折算。"])
    assert thickness_not_covered(0.27, thin) == "知识库里这个数是给0.20 mm及以下的，没有0.27 mm的。"
    assert thickness_not_covered(0.18, thin) == ""
    assert thickness_not_covered(0.27, _answer(["单片测值要乘0.925折算。"])) == ""  # no bound said


def test_care_of_a_person_needs_an_answer_about_it():
    from laoshifu.answer.dimensions import unanswered_care

    leak = _answer(["先戴好防毒面具，再去关闭氨气总阀。"])
    assert unanswered_care(normalize("氨气中毒了怎么急救"), leak) == "急救"
    assert unanswered_care(normalize("碱水溅到胳膊上了咋处理"), leak) == "胳膊上的处理"
    assert unanswered_care(normalize("氨气漏了怎么办"), leak) == ""
    rescue = _answer(["中毒的人抬到上风向，马上急救并送医。"])
    assert unanswered_care(normalize("氨气中毒了怎么急救"), rescue) == ""


def test_an_attribute_asked_in_words_implies_a_time_too():
    from laoshifu.answer.dimensions import implied_dimensions

    assert implied_dimensions(normalize("绝缘涂层固化时间是多少")) == {"time"}
    assert implied_dimensions(normalize("保温时长要几个钟头")) == {"time"}  # asked in so many words
    assert implied_dimensions(normalize("时间久了温度多少度")) == {"temperature"}
