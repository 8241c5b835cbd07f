"""How much of the question the composed answer itself speaks to.

Retrieval can find a unit that shares the question's topic (脱碳炉, 露点) while the
sentences shown answer something else (the question asked for the rolls' diameter).
These measures look at the answer the apprentice would read, not at the units behind it.
"""

from __future__ import annotations

import math
import re

from ..search import Index
from .model import Answer

_NUMBER = re.compile(r"^[\d.]+$")


def answer_text(answer: Answer) -> str:
    """Everything the answer shows, as one text: windows, actions, steps, quotes."""
    parts: list[str] = []
    for w in answer.windows:
        parts += [w.process, w.name, w.condition, w.unit]
    for r in answer.rules:
        parts += [r.title, r.diagnosis, *r.actions]
    for p in answer.procedures:
        parts += [p.title, *p.steps]
    parts += [s.text for s in answer.sentences]
    return "\n".join(x for x in parts if x)


def _weights(index: Index, tokens: set[str]) -> dict[str, float]:
    idf = index.idf()
    unseen = math.log1p((index.n_passages() + 0.5) / 0.5)
    out = {}
    for token in tokens:
        if _NUMBER.match(token):
            continue  # a reading's number is the question's, not the topic
        column = index.vocab.ids.get(token)
        out[token] = unseen if column is None or column >= len(idf) else float(idf[column])
    return out


def answer_coverage(index: Index, question: str, answer: Answer) -> float:
    """IDF-weighted share of the question's tokens that the shown answer contains."""
    weights = _weights(index, set(index.analyzer.tokens(question)))
    total = sum(weights.values())
    if not total:
        return 0.0
    shown = set(index.analyzer.tokens(answer_text(answer)))
    return sum(w for t, w in weights.items() if t in shown) / total


def unseen_share(index: Index, question: str) -> float:
    """IDF share of the question's tokens the knowledge base has never seen."""
    weights = _weights(index, set(index.analyzer.tokens(question)))
    total = sum(weights.values())
    if not total:
        return 0.0
    vocab = index.vocab.ids
    return sum(w for t, w in weights.items() if t not in vocab) / total


def value_support(answer: Answer, wants_value: bool) -> float:
    """A question after a value is supported by a window or a quoted number; others are."""
    if not wants_value:
        return 1.0
    if answer.windows:
        return 1.0
    return float(any(re.search(r"\d", s.text) for s in answer.sentences))


def focused_number(index: Index, question: str, answer: Answer) -> float:
    """1 when a shown number sits in a sentence (or window) with the question's focus word."""
    word = focus_word(index, question)
    if word is None:
        return 0.0
    if answer.windows and any(word in index.analyzer.tokens(" ".join((w.process, w.name)))
                              for w in answer.windows):
        return 1.0
    return float(any(re.search(r"\d", s.text) and word in index.analyzer.tokens(s.text)
                     for s in answer.sentences))


def missing_focus(index: Index, question: str, answer: Answer, known_only: bool = False) -> float:
    """How important the most important question word the answer leaves out is (its IDF,
    scaled so a word the knowledge base never uses is 1): "炉辊直径" answered about 炉辊
    without 直径 leaves out the very thing asked."""
    words = [w for w in dict.fromkeys(index.analyzer.words(question)) if not _NUMBER.match(w)]
    if not words:
        return 0.0
    shown = set(index.analyzer.tokens(answer_text(answer)))
    idf = index.idf()
    unseen = math.log1p((index.n_passages() + 0.5) / 0.5)
    worst = 0.0
    for word in words:
        if word in shown:
            continue
        pieces = [word[i:i + 2] for i in range(len(word) - 1)]
        if len(word) > 2 and pieces and all(p in shown for p in pieces):
            continue  # segmented differently in the answer, every part is there
        column = index.vocab.ids.get(word)
        if known_only and (column is None or column >= len(idf)):
            continue
        weight = unseen if column is None or column >= len(idf) else float(idf[column])
        worst = max(worst, weight / unseen)
    return worst


def focus_word(index: Index, question: str) -> str | None:
    """The question word the knowledge base uses least (its IDF is highest): the thing asked."""
    idf = index.idf()
    best, best_idf = None, -1.0
    for word in dict.fromkeys(index.analyzer.words(question)):
        column = index.vocab.ids.get(word)
        if _NUMBER.match(word) or column is None or column >= len(idf):
            continue
        if float(idf[column]) > best_idf:
            best, best_idf = word, float(idf[column])
    return best


def words_covered(index: Index, question: str, text: str, known_only: bool = False) -> float:
    """Share of the question's content words (numbers aside) that ``text`` contains; with
    ``known_only``, of the words the knowledge base uses at all (非得, 为啥 aside)."""
    words = [w for w in dict.fromkeys(index.analyzer.words(question)) if not _NUMBER.match(w)
             and (not known_only or w in index.vocab.ids)]
    if not words:
        return 0.0
    shown = set(index.analyzer.tokens(text))
    return sum(w in shown for w in words) / len(words)


def sentence_coverage(index: Index, question: str, answer: Answer) -> float:
    """How much of the question one quoted sentence speaks to: the best sentence's IDF share
    of the question's words the knowledge base uses. A trap's answer spreads the question's
    words over several sentences about the topic; an answer has them in one."""
    idf = index.idf()
    weights = {}
    for word in dict.fromkeys(index.analyzer.words(question)):
        column = index.vocab.ids.get(word)
        if column is not None and column < len(idf) and not _NUMBER.match(word):
            weights[word] = float(idf[column])
    total = sum(weights.values())
    if not total or not answer.sentences:
        return 0.0
    best = 0.0
    for sentence in answer.sentences:
        shown = set(index.analyzer.tokens(sentence.text))
        best = max(best, sum(w for word, w in weights.items() if word in shown) / total)
    return best
