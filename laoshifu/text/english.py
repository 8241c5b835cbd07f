"""English questions, put into the Chinese the knowledge base is written in.

The master writes in Chinese; an engineer may ask "Dew point on the DCL dropped to 50°C,
what should I check first?". Retrieval and the question's slots work on the knowledge
base's own words, so an English question is glossed phrase by phrase (cut into the fewest
known phrases, so the longest wins) into those words — "露点 dcl 降到 50°c 先查什么怎么办" —
from a shipped table of shop-floor English and the knowledge base's own English names (a
parameter's ``english``, a glossary term's ``english``). Nothing is translated that the tables do not hold: unknown words stay
as they are and still match the knowledge base's English text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable

# A word, a grade (27QG095, 30Q120: one word), a number with its unit (a minus sign before it is
# the number's: "-20°C" is below zero, "0.23-0.27" a range), or punctuation.
_WORD = re.compile(r"[a-z][a-z0-9'\-/]*|\d+[a-z]+\d[a-z0-9]*|"
                   r"(?:(?<![\w.])-)?\d+(?:\.\d+)?\s*(?:°c|°f|℃|℉|%|ppm|mpa|kpa|pa|mm|μm|m/min|s|h|min|k)?(?![a-z])|"
                   r"[^\sa-z\d]+")
# Articles are no part of a name: "temperature difference across the coil" is the knowledge
# base's "temperature difference across coil".
_ARTICLES = frozenset(("a", "an", "the"))
# Words that carry no content once the rest is glossed.
_STOP = frozenset("""
a an the of on in at to for from by with and or is are was were be been being do does did
we our us i my me you your it its this that these those there here should must can could
would will shall run use used using give gives get got have has had any some into than as
about what's whats what how they them their goes
go going gone went come comes coming came just ever very really so also then if when while
during out up down off onto one ones need needs needed want let put take since more meet last
someone anyone somebody anybody supposed cause caused causing after right back
may might roughly usually typically normally approximately
""".split())
_VALUE_WORDS = re.compile(r"多少|窗口|范围|目标|最低|最高|上限|下限|限值|多久|多高|温度|压力|浓度|纯度|含量|"
                          r"允许|要求|报警值|定值|设定|涂布量|加入量|渗氮量|氧量|每面|正常|一般|带速|速度|速率|"
                          r"时间|张力|比例|比重|\d")
_ASKS_FOR = re.compile(r"^\s*what\b.*\bfor\s*\??\s*$")
# "What furnace pressure do we hold…": what + the thing asked, a value.
# ("What has to be checked…", "What causes…" ask no value: a verb follows, not a thing.)
_ASKS_WHICH_VALUE = re.compile(r"^\s*what\s+(?!is\b|are\b|does\b|do\b|did\b|was\b|were\b|should\b|can\b|"
                               r"happen|if\b|for\b|kind\b|type\b|has\b|have\b|had\b|must\b|would\b|"
                               r"will\b|could\b|may\b|might\b|needs?\b|causes?\b|caused\b|makes?\b|goes\b|"
                               r"comes?\b|else\b)[a-z]")
# Chinese that already asks something (为什么, 怎么办, 会怎样, 什么原因…): nothing to add.
_ASKING = re.compile(r"什么|怎么|为什么|会怎样|多久|哪个|多少|多厚|多宽|多深")
# "What should the dew point be (at)?": what + should + … + be asks a value.
_ASKS_SHOULD_BE = re.compile(r"^\s*what\s+(?:should|must|would|will)\b.*\bbe(?:\s+(?:at|kept\s+at|held\s+at|"
                             r"set\s+to|run\s+at))?\s*\??\s*$")
# "What <thing> does/do/should <owner> …": a value of the thing asked before its owner.
_THING_FIRST = re.compile(r"^\s*what\s+((?:[a-z-]+\s+){0,2}(?:time|pressure|speed|rate|ratio|"
                          r"percentage|concentration|tension|thickness|weight|flow|purity|level))\s+"
                          r"(does|do|did|should|must|will|would|can)\s+(.*?)[\s?]*$")
_PERSON = re.compile(r"(?:we|you|i|they|he|she|people)\b")
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
        # "What curing time does the coating need?" is 涂层固化时间是多少 in Chinese: the thing
        # asked goes after what it is asked of
        reordered = bool((asked := _THING_FIRST.match(text.lower())) and asked.group(3).strip()
                         and not _PERSON.match(asked.group(3)))  # (what pressure do we hold: as said)
        if reordered:
            text = f"{asked.group(3)} {asked.group(1)}"
        # a hyphenated compound the table lacks is read word by word ("pure-hydrogen soak"),
        # one it has as it is (hi-b)
        words = [part for word in _words(text) for part in _compound_parts(word, self.phrases)]
        out = [chinese if chinese is not None else word
               for chinese, word in _owner_first(self._segments(words))
               if chinese is not None or (word not in _STOP and re.search(r"\w", word))]
        glossed = _join(out)
        lowered = text.lower()
        if _ASKS_FOR.search(lowered):
            glossed += "有什么用"  # "What is laser scribing for?"
        elif _ASKING.search(glossed):
            pass  # the table already said what is asked (什么原因, 查什么, 会怎样)
        elif reordered:
            glossed += "是多少"
        elif _ASKS_WHAT.match(lowered) and not _VALUE_WORDS.search(glossed):
            glossed += "是什么"  # "What is coil sticking?" asks what a term means
        elif any(asks.match(lowered) for asks in (_ASKS_WHAT, _ASKS_WHICH_VALUE, _ASKS_SHOULD_BE)):
            glossed += "是多少"  # "What is the target line speed on the FCL?"
        return glossed

    def _segments(self, words: list[str]) -> list[tuple[str | None, str]]:
        """The words cut into the fewest pieces, each a known phrase (its Chinese) or a word
        left as it is (None): a long name is not lost to a short phrase that starts earlier
        ("what temperature | difference across coil" → "what | temperature difference across
        coil"). Of equally few pieces, the one whose first piece is longest."""
        n = len(words)
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (pieces from i to the end, next i)
        for i in range(n - 1, -1, -1):
            options = [(best[i + 1][0] + 1, i + 1)]
            for j in range(min(n, i + self.longest), i + 1, -1):
                if tuple(words[i:j]) in self.phrases:
                    options.append((best[j][0] + 1, j))
            best[i] = min(options, key=lambda o: (o[0], -o[1]))
        pieces = []
        i = 0
        while i < n:
            j = best[i][1]
            pieces.append((self.phrases.get(tuple(words[i:j])), words[i]))
            i = j
        return pieces


_RELATIONS = frozenset("in at on with during after before to from by when if into under over".split())


def _owner_first(pieces: list[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """"the purity spec of the hydrogen" is 氢气纯度要求 in Chinese: the words before "of"
    or "for" and the words after it trade places (owner first, as the knowledge base names
    what belongs to what) when both sides hold a glossed word."""
    def content(piece: tuple[str | None, str]) -> bool:
        if piece[1] in _RELATIONS:  # "hydrogen in air": the phrase ends at "in"
            return False
        return piece[0] is not None or (piece[1] not in _STOP and bool(re.search(r"[a-z]", piece[1])))

    out = list(pieces)
    k = 1
    while k < len(out) - 1:
        if out[k][0] is None and out[k][1] in ("of", "for"):
            start = k
            while start > 0 and content(out[start - 1]):
                start -= 1
            end = k + 1
            while end < len(out) and content(out[end]):
                end += 1
            before, after = out[start:k], out[k + 1:end]
            if any(p[0] for p in before) and any(p[0] for p in after):
                out[start:end] = [*after, out[k], *before]
                k = end
                continue
        k += 1
    return out


def _compound_parts(word: str, phrases) -> list[str]:
    """A hyphenated compound of words ("pure-hydrogen") as its words, unless the table has
    it whole; a grade (hi-b) or a signed number (-40) stays as it is."""
    parts = word.split("-")
    if len(parts) < 2 or (word,) in phrases or not all(len(p) >= 3 and p.isalpha() for p in parts):
        return [word]
    return parts


def _words(text: str) -> list[str]:
    # (a stop word stays as it is: "does" is no plural of "doe")
    return [w if w in _STOP else _singular(w)
            for w in (w.strip() for w in _WORD.findall(text.lower().replace("’", "'")))
            if w and w not in _ARTICLES]


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
