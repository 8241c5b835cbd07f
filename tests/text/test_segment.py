import pytest

from laoshifu.text.segment import Analyzer, lexicon_from_units
from laoshifu.knowledge.units import Parameter, Term


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(["脱碳退火", "氧化镁涂层"], [("露点", "DP", "dew point"), ("氢气", "H2")])


def test_question_words_are_dropped(analyzer):
    tokens = analyzer.tokens("脱碳退火的露点一般控制在多少？")
    assert "脱碳退火" in tokens and "露点" in tokens and "控制" in tokens
    assert not {"的", "一般", "多少", "在", "?"} & set(tokens)


@pytest.mark.parametrize("question", ["露点是啥意思？", "露点是咋回事", "露点是怎么回事"])
def test_asking_what_a_word_means_leaves_only_the_word(analyzer, question):
    # (啥意思, 回事 counted as words the knowledge base lacks made a definition look unsure;
    # 意思 and 指 alone stay words: open-domain text says "…的意思是…", "X指Y")
    assert analyzer.words(question) == ["露点"]


def test_the_shops_asking_words_are_asking_words(analyzer):
    # 为啥 is the shop's 为什么: counted as a word the base lacks, it made every why look unsure
    assert analyzer.words("露点为啥高") == ["露点", "高"]
    assert analyzer.words("露点咋个调") == ["露点", "调"]


def test_bigrams_do_not_cross_stopwords(analyzer):
    tokens = analyzer.tokens("露点一般控制")
    assert "控制" in tokens and "点一" not in tokens and "般控" not in tokens


def test_synonyms_map_to_the_canonical_token(analyzer):
    assert analyzer.tokens("DP") == ["露点"]
    assert "露点" in analyzer.tokens("dew point 太高")
    assert "氢气" in analyzer.tokens("H2比例")


def test_traditional_and_full_width_give_the_same_tokens(analyzer):
    assert analyzer.tokens("脫碳退火的露點") == analyzer.tokens("脱碳退火的露点")
    assert analyzer.tokens("ＤＰ") == analyzer.tokens("dp")


def test_domain_terms_stay_whole(analyzer):
    assert "氧化镁涂层" in analyzer.tokens("氧化镁涂层老是结垢怎么办")


def test_empty(analyzer):
    assert analyzer.tokens("") == []
    assert analyzer.tokens("怎么办？") == []


def test_spec_round_trip(analyzer):
    again = Analyzer.from_spec(analyzer.spec())
    assert again.tokens("DP 露点 dew point") == analyzer.tokens("DP 露点 dew point")


def test_lexicon_from_units():
    units = [
        Term(id="t1", title="露点", synonyms=("DP",), english="dew point"),
        Parameter(id="p1", title="脱碳退火露点", name="露点", symbol="DP"),
    ]
    terms, groups = lexicon_from_units(units)
    assert {"露点", "DP", "dew point", "脱碳退火露点"} <= set(terms)
    assert ("露点", "DP", "dew point") in groups
