"""Shop words put as the knowledge base writes them (pairs written for these tests)."""

import re

from laoshifu.text.shoptalk import ShopTalk, shipped_pairs

PAIRS = (("浆子", "浆料"), ("浆子温度", "浆料温度"), ("烘箱", "干燥炉"), ("车速", "带速"))


def test_a_shop_word_becomes_the_standard_term_longest_first():
    talk = ShopTalk(lambda term: True, PAIRS)
    assert talk.rewrite("浆子温度多少") == "浆料温度多少"
    assert talk.rewrite("刷完浆子进烘箱") == "刷完浆料进干燥炉"
    assert talk.rewrite("露点多少") == "露点多少"


def test_a_pair_applies_only_when_the_base_writes_its_standard_term():
    written = {"浆料", "浆料温度"}
    talk = ShopTalk(written.__contains__, PAIRS)
    assert talk.rewrite("烘箱里车速多少") == "烘箱里车速多少"
    assert talk.rewrite("浆子稀了") == "浆料稀了"


def test_the_shipped_table_holds_words_not_questions():
    pairs = shipped_pairs()
    assert len(pairs) > 300
    said = [s for s, _ in pairs]
    assert len(said) == len(set(said))
    # an asking word rewritten away would lose what is asked (涂多少 is not a name)
    assert not [s for s in said if re.search(r"多|几|咋|啥", s)]
    assert all(s != t for s, t in pairs)
