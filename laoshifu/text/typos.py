"""Typing slips that sound right: 乳话液 for 乳化液, 渗蛋 for 渗氮, 高温退伙 for 高温退火.

A Chinese input method offers every character with the same sound, and an apprentice in a
hurry takes the wrong one. Such a word is nowhere in the knowledge base, so it finds
nothing. Here a stretch of the question that the knowledge base never writes is replaced by
the one domain word that sounds exactly the same (same pinyin, tones aside) and differs in
at most half its characters; when no word, or more than one, sounds like it, the text stays.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

_HAN = re.compile(r"[\u4e00-\u9fff]+")
MIN_LEN, MAX_LEN = 2, 6


@lru_cache(maxsize=1)
def _readings_table() -> dict[int, str]:
    """pypinyin's character table (code point → "huà,huā"), loaded on its own: importing the
    package loads its phrase dictionary too (~0.3 s), which single characters do not need."""
    spec = importlib.util.find_spec("pypinyin")
    path = Path(spec.origin).with_name("pinyin_dict.py")  # type: ignore[union-attr, arg-type]
    loader = importlib.util.spec_from_file_location("laoshifu_pinyin_chars", path)
    module = importlib.util.module_from_spec(loader)  # type: ignore[arg-type]
    loader.loader.exec_module(module)  # type: ignore[union-attr]
    return module.pinyin_dict


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    """Every reading of a character, tones aside (重: zhong, chong)."""
    marked = _readings_table().get(ord(char), char)
    return frozenset("".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
                     for r in marked.split(","))


@lru_cache(maxsize=8192)
def _first_reading(char: str) -> str:
    """A character's usual reading, tones aside (pypinyin lists it first)."""
    marked = _readings_table().get(ord(char), char).split(",")[0]
    return "".join(c for c in unicodedata.normalize("NFD", marked) if not unicodedata.combining(c))


def _sound_alike_chars(a: str, b: str) -> bool:
    return a == b or bool(_readings(a) & _readings(b))


class HomophoneFixer:
    """Domain words by their sound; ``fix`` puts them in place of same-sounding slips."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted({w for w in words if _HAN.fullmatch(w) and MIN_LEN <= len(w) <= MAX_LEN})
        self._by_sound: dict[tuple[int, str], list[str]] | None = None

    def _by_length_and_first_sound(self) -> dict[tuple[int, str], list[str]]:
        if self._by_sound is None:
            table: dict[tuple[int, str], list[str]] = {}
            for word in self.words:
                for reading in _readings(word[0]):
                    table.setdefault((len(word), reading), []).append(word)
            self._by_sound = table
        return self._by_sound

    @staticmethod
    def may_hold_slips(text: str, known: Callable[[str], bool]) -> bool:
        """Does ``text`` hold a two-character piece the knowledge base never writes? Only
        then can it hold a slip (and the fixer's word list is worth building)."""
        return any(not known(run.group()[i:i + 2])
                   for run in _HAN.finditer(text) for i in range(len(run.group()) - 1))

    def fix(self, text: str, known: Callable[[str], bool]) -> str:
        """``text`` with each slip replaced; ``known(piece)`` says whether the knowledge base
        writes a two-character piece (a slip holds at least one piece it never writes)."""
        out = []
        last = 0
        for run in _HAN.finditer(text):
            chars = run.group()
            if all(known(chars[i:i + 2]) for i in range(len(chars) - 1)):
                continue  # nothing here the knowledge base does not write
            fixed = self._fix_run(chars, known)
            out.append(text[last:run.start()] + fixed)
            last = run.end()
        return "".join(out) + text[last:] if out else text

    def _fix_run(self, chars: str, known: Callable[[str], bool]) -> str:
        i, out = 0, []
        while i < len(chars):
            for size in range(min(MAX_LEN, len(chars) - i), MIN_LEN - 1, -1):
                piece = chars[i:i + size]
                if all(known(piece[j:j + 2]) for j in range(size - 1)):
                    continue
                word = self._sound_alike(piece)
                if word is not None and all(
                        _unexplained(chars, i + j, known) for j in range(size) if word[j] != piece[j]):
                    out.append(word)
                    i += size
                    break
            else:
                out.append(chars[i])
                i += 1
        return "".join(out)

    def _sound_alike(self, piece: str) -> str | None:
        table = self._by_length_and_first_sound()
        seen = {w for reading in _readings(piece[0]) for w in table.get((len(piece), reading), ())}
        candidates = [w for w in seen if w != piece
                      and sum(a != b for a, b in zip(w, piece)) * 2 <= len(piece)
                      and all(_sound_alike_chars(a, b) for a, b in zip(w, piece))]
        if len(candidates) > 1:
            # 路晶: 露晶 and 裸晶 both sound like it; 路 is read lu first, as 露 is, and luo
            # only rarely: the word whose characters share their first readings wins
            candidates = [w for w in candidates
                          if all(a == b or _first_reading(a) == _first_reading(b) for a, b in zip(w, piece))]
        return candidates[0] if len(candidates) == 1 else None


def _unexplained(chars: str, at: int, known: Callable[[str], bool]) -> bool:
    """A character to be replaced must make no known pair with either neighbour: in
    "涂层两面" the 两 of 两面 is written as meant, though 涂层两 sounds like 涂层量."""
    return not (at > 0 and known(chars[at - 1:at + 1])) and \
        not (at + 1 < len(chars) and known(chars[at:at + 2]))
