"""An engineer's English questions about the example knowledge base (english_questions.tsv,
written from its files) gloss into the knowledge base's own words."""

from pathlib import Path

import pytest

from laoshifu.text.english import EnglishGloss

_FIXTURE = Path(__file__).with_name("english_questions.tsv")


def _questions() -> list[tuple[str, str]]:
    rows = []
    for line in _FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            question, word = line.split("\t")
            rows.append((question, word))
    return rows


def test_the_fixture_holds_forty_two_questions():
    assert len(_questions()) == 42


@pytest.mark.parametrize("question, word", _questions())
def test_gloss_holds_the_knowledge_base_word(question, word):
    # the shipped table alone: a question must not need the base's names to be understood
    assert word in EnglishGloss().gloss(question)
