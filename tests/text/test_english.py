"""English questions glossed into the knowledge base's Chinese (phrases written for the test)."""

import pytest

from laoshifu.text.english import EnglishGloss, is_english


@pytest.mark.parametrize("text, english", [
    ("What is the dew point window?", True),
    ("露点多少", False),
    ("DCL露点", False),  # Chinese with an abbreviation is Chinese
    ("ok?", False),  # too short to tell
])
def test_is_english(text, english):
    assert is_english(text) is english


def test_longest_phrase_wins_and_stopwords_go():
    gloss = EnglishGloss()
    assert gloss.gloss("Coiling tension of the strip?") == "带钢卷取张力"  # owner first
    assert gloss.gloss("the coating weight") == "涂布量"


def test_question_words_become_the_chinese_that_asks_them():
    gloss = EnglishGloss()
    assert gloss.gloss("Why is the roof vented?").startswith("为什么")
    assert gloss.gloss("Dew point dropped to 50°C, what should I do?") == "露点降到50°c怎么办"
    assert gloss.gloss("What is pitting?") == "麻点是什么"  # a term: what it means
    assert gloss.gloss("What is the minimum purity?") == "最低纯度是多少"  # a value
    assert gloss.gloss("What is laser scribing for?") == "激光刻痕有什么用"
    # "what" + the thing asked is a value; "hold" a pressure keeps it, "hold the coils" soaks
    assert gloss.gloss("What furnace pressure do we hold?") == "炉压保持是多少"
    # the thing asked goes after what it is asked of, as Chinese says it
    assert gloss.gloss("What curing time does the insulation coating need?") == "绝缘涂层固化时间是多少"
    assert gloss.gloss("How long do we hold the coils?").startswith("多久保温")


def test_plurals_and_possessives_match_the_singular():
    gloss = EnglishGloss()
    assert gloss.gloss("thermocouples") == "热电偶"
    assert gloss.gloss("hydrogen's") == "氢气"
    # a stop word is no plural: "does" and "this" go, not "doe" and "thi"
    assert gloss.gloss("Why does this slurry have to be kept cold?") == "为什么浆料保持低温"


def test_knowledge_base_names_are_added_and_unknown_words_stay():
    gloss = EnglishGloss([("humidifier water temperature", "加湿水温")])
    assert gloss.gloss("humidifier water temperature") == "加湿水温"
    assert gloss.gloss("Vaisala probe") == "vaisala probe"


def test_articles_do_not_hide_a_knowledge_base_name():
    gloss = EnglishGloss([("temperature difference across coil", "卷内温差")])
    assert gloss.gloss("temperature difference across the coil") == "卷内温差"


def test_a_long_name_is_not_lost_to_a_short_phrase_that_starts_earlier():
    gloss = EnglishGloss([("temperature difference across coil", "卷内温差")])
    # "what temperature" (多少度) starts first, the base's name is longer: the fewest pieces win
    assert gloss.gloss("What temperature difference across coil is allowed?") == "卷内温差允许是多少"


def test_a_minus_sign_and_a_grade_stay_whole():
    gloss = EnglishGloss()
    assert "-15°c" in gloss.gloss("Dew point in the purification stage climbed to -15°C, what now?")
    assert gloss.gloss("What core loss must 27QG095 meet?") == "铁损27qg095是多少"


def test_a_hyphenated_compound_is_read_word_by_word_unless_the_table_has_it_whole():
    gloss = EnglishGloss([("pure hydrogen", "纯氢"), ("soak", "保温"), ("hi-b", "高磁感")])
    assert gloss.gloss("pure-hydrogen soak") == "纯氢保温"
    assert gloss.gloss("Hi-B steel") == "高磁感steel"
    assert "-40" in gloss.gloss("dew point at -40")


@pytest.mark.parametrize("text, glossed", [
    # zones, stages and holds in the knowledge base's 段 and 保温
    ("What temperature should the nitriding zone be held at?", "多少度渗氮段保持在"),
    ("How long is the dewatering hold in the low-temperature stage of the high-temperature anneal?",
     "多久脱水保温在高温退火低温段"),
    # function words go or say what they mean (never … go negative → 不能负压)
    ("Why must the decarburizing furnace pressure never be allowed to go negative?",
     "为什么脱碳炉炉压不能负压"),
    ("What is the flammable (explosive) range of hydrogen in air?", "可燃爆炸氢气范围在空气是多少"),
])
def test_the_knowledge_base_words_replace_english_ones(text, glossed):
    assert EnglishGloss().gloss(text) == glossed


@pytest.mark.parametrize("text, glossed", [
    # the table already asks (什么原因, 查什么, 什么意思): nothing is added after it
    ("What causes bare spots in the base coating?", "什么原因露晶在底层"),
    ("What has to be checked before introducing hydrogen?", "查什么通氢前"),
    ("What does an oxygen analyzer alarm mean?", "氧分析仪报警什么意思"),
    # a value is asked: of a quantity with its modifier, or "what should … be"
    ("What's the normal line speed on the APL?", "正常带速apl是多少"),
    ("What should the dew point be?", "露点是多少"),
    ("What is the alarm setpoint of the hydrogen detector?", "测氢仪报警值是多少"),
])
def test_what_is_asked_is_said_once(text, glossed):
    assert EnglishGloss().gloss(text) == glossed


def test_every_shipped_phrase_is_used():
    """A second line for the same words (after case, articles and plurals) would never be read."""
    from laoshifu.text.english import _shipped, _words

    seen: dict[tuple[str, ...], str] = {}
    for english, chinese in _shipped():
        words = tuple(_words(english))
        assert words and chinese, english
        assert words not in seen, f"{english!r} repeats {seen[words]!r}"
        seen[words] = english


def test_a_share_and_micrometres_are_read_as_the_base_writes_them():
    gloss = EnglishGloss()
    assert "比例" in gloss.gloss("What percentage of ammonia goes into the nitriding zone?")
    assert "μm" in gloss.gloss("How thick is the oxide layer, in micrometres?")
    assert "roughly" not in gloss.gloss("Roughly how thick is the oxide layer?")
