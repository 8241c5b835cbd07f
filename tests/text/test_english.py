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
    assert gloss.gloss("Coiling tension of the strip?") == "卷取张力带钢"
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
