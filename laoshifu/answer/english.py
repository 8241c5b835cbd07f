"""A question in the knowledge base's own words: English glossed (the shipped table plus the
base's own English names), same-sounding typing slips put right."""

from __future__ import annotations

import re

from ..text import normalize
from ..text.english import EnglishGloss
from ..text.shoptalk import ShopTalk
from ..text.typos import HomophoneFixer
from ..knowledge.units import Parameter, Term
from .asker import KnowledgeIndex

# "line speed (DCL)": the line is named apart; the name is the quantity's.
_CUT_TERMS_UP_TO = 20_000
_LINE = re.compile(r"\s*\([^)]*\)\s*$")


def english_gloss(entry: KnowledgeIndex) -> EnglishGloss:
    """Built once per index: glossary terms' and parameters' English names → their Chinese."""
    gloss = entry.extras.get("english_gloss")
    if gloss is None:
        pairs = []
        for unit in entry.units.structured_units():
            if isinstance(unit, Term) and unit.english:
                pairs.append((unit.english, unit.title))
            elif isinstance(unit, Parameter) and unit.english:
                pairs.append((_LINE.sub("", unit.english), unit.name))
        gloss = entry.extras["english_gloss"] = EnglishGloss(pairs)
    return gloss


def respelled(question: str, entry: KnowledgeIndex) -> str:
    """The question in simplified script, the shop's words put as the base writes them
    (浆子 → 浆料) and same-sounding slips (乳话液) put right (乳化液)."""
    text = shop_talk(entry).rewrite(normalize(question))
    vocabulary = entry.index.vocab.ids
    if not HomophoneFixer.may_hold_slips(text, vocabulary.__contains__):
        return text  # every piece is one the knowledge base writes: no word list needed
    fixer = entry.extras.get("homophones")
    if fixer is None:
        analyzer = entry.index.analyzer
        # Whole terms, and the words inside them of three characters or more (乳化液 in
        # 乳化液温度): a two-character piece of a longer term is too easily a slip's neighbour.
        # Cutting every term takes seconds in a very large base: there, the inner words
        # are those that are terms themselves, which the terms already hold.
        words: set[str] = set()
        if len(analyzer.terms) <= _CUT_TERMS_UP_TO:
            words = {w for term in analyzer.terms for w in analyzer.words(term) if len(w) >= 3}
        words.update(analyzer.terms)
        words.update(entry.processes)
        fixer = entry.extras["homophones"] = HomophoneFixer(words)
    return fixer.fix(text, vocabulary.__contains__)


def shop_talk(entry: KnowledgeIndex) -> ShopTalk:
    """Built once per index: the shipped shop words whose standard term the base writes
    (every word of it is one of the base's)."""
    talk = entry.extras.get("shop_talk")
    if talk is None:
        vocabulary, analyzer = entry.index.vocab.ids, entry.index.analyzer

        def written(term: str) -> bool:
            words = analyzer.words(term)
            return term in vocabulary or (bool(words) and all(w in vocabulary for w in words))

        talk = entry.extras["shop_talk"] = ShopTalk(written)
    return talk
