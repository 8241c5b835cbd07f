"""English questions, put into the Chinese the knowledge base is written in.

The master writes in Chinese; an engineer may ask "Dew point on the DCL dropped to 50°C,
what should I check first?". Retrieval and the question's slots work on the knowledge
base's own words, so an English question is glossed phrase by phrase (longest phrase first)
into those words — "露点 dcl 降到 50°c 先查什么怎么办" — from a shipped table of shop-floor
English and the knowledge base's own English names (a parameter's ``english``, a glossary
term's ``english``). Nothing is translated that the tables do not hold: unknown words stay
as they are and still match the knowledge base's English text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable

_WORD = re.compile(r"[a-z][a-z0-9'\-/]*|\d+(?:\.\d+)?\s*(?:°c|°f|℃|℉|%|ppm|mpa|kpa|pa|mm|μm|m/min|s|h|min|k)?(?![a-z])|[^\sa-z\d]+")
# Words that carry no content once the rest is glossed.
_STOP = frozenset("""
a an the of on in at to for from by with and or is are was were be been being do does did
we our us i my me you your it its this that these those there here should must can could
would will shall run use used using give gives get got have has had any some into than as
about what's whats what how they them their goes
""".split())
_VALUE_WORDS = re.compile(r"多少|窗口|范围|目标|最低|最高|上限|下限|限值|多久|多高|温度|压力|浓度|纯度|含量|"
                          r"\d")
_ASKS_FOR = re.compile(r"^\s*what\b.*\bfor\s*\??\s*$")
# "What furnace pressure do we hold…": what + the thing asked, a value.
_ASKS_WHICH_VALUE = re.compile(r"^\s*what\s+(?!is\b|are\b|does\b|do\b|did\b|was\b|were\b|should\b|can\b|"
                               r"happen|if\b|for\b|kind\b|type\b)[a-z]")
_ASKS_WHAT = re.compile(r"^\s*(?:what\s+is|what's|whats|what\s+are|what\s+does|what\s+do\s+they\s+mean\s+by)\b")


def is_english(text: str) -> bool:
    """Mostly Latin letters and no Chinese: an English question."""
    letters = sum(c.isascii() and c.isalpha() for c in text)
    han = sum("\u4e00" <= c <= "\u9fff" for c in text)
    return han == 0 and letters >= 6


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, str], ...]:
    pairs = []
    table = resources.files(__package__).joinpath("data/english_zh.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, _, chinese = line.partition("\t")
        pairs.append((english.strip().lower(), chinese.strip()))
    return tuple(pairs)


class EnglishGloss:
    """Glosses English text with the shipped table and a knowledge base's English names."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        phrases: dict[tuple[str, ...], str] = {}
        for english, chinese in (*_shipped(), *pairs):
            words = tuple(_words(english))
            if words and chinese:
                phrases.setdefault(words, chinese)  # the shipped table first, then the KB's
        self.phrases = phrases
        self.longest = max((len(w) for w in phrases), default=1)

    def gloss(self, text: str) -> str:
        words = _words(text)
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                chinese = self.phrases.get(tuple(words[i:i + n]))
                if chinese is not None:
                    out.append(chinese)
                    i += n
                    break
            else:
                if words[i] not in _STOP and re.search(r"\w", words[i]):
                    out.append(words[i])
                i += 1
        glossed = _join(out)
        if _ASKS_FOR.search(text.lower()):
            glossed += "有什么用"  # "What is laser scribing for?"
        elif _ASKS_WHAT.match(text.lower()) and not _VALUE_WORDS.search(glossed):
            glossed += "是什么"  # "What is coil sticking?" asks what a term means
        elif (_ASKS_WHAT.match(text.lower()) or _ASKS_WHICH_VALUE.match(text.lower())) \
                and "多少" not in glossed:
            glossed += "是多少"  # "What is the target line speed on the FCL?"
        return glossed


def _words(text: str) -> list[str]:
    # (a stop word stays as it is: "does" is no plural of "doe")
    return [w if w in _STOP else _singular(w)
            for w in (w.strip() for w in _WORD.findall(text.lower().replace("’", "'"))) if w]


def _singular(word: str) -> str:
    """hydrogen's → hydrogen, lines → line: both the tables and the question go through it."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha():
        word = word[:-1]
    return word


def _join(parts: list[str]) -> str:
    """Chinese runs together, Latin words apart (as a person would write it)."""
    text = ""
    for part in parts:
        if text and (text[-1].isascii() and text[-1].isalnum()) and part[:1].isascii() and part[:1].isalnum():
            text += " "
        text += part
    return text
