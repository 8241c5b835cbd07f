"""One canonical form for questions and knowledge: width, script, case and unit spellings."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Questions longer than this are pasted documents, not questions; cutting them keeps
# segmentation and scoring time bounded.
MAX_QUERY_CHARS = 2000

# (pattern, replacement) applied after NFKC + lowercase, so "℃" already reads "°c" and
# full-width letters are ASCII. A unit only counts right after a number: "温度" stays.
_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d)\s*(?:°\s*c|摄氏度|度)(?![电数])"), r"\1℃"),
    (re.compile(r"(\d)\s*(?:m/min|米/分钟|米/分|米每分钟|米每分|mpm)(?![a-z])"), r"\1m/min"),
    (re.compile(r"(\d)\s*(?:μm|um|微米)(?![a-z])"), r"\1μm"),
    (re.compile(r"(\d)\s*(?:mm|毫米)(?![a-z/])"), r"\1mm"),
    (re.compile(r"(\d)\s*(?:ppm|百万分之一)(?![a-z])"), r"\1ppm"),
    (re.compile(r"(\d)\s*(?:小时)"), r"\1h"),
)
_SPACES = re.compile(r"[^\S\n]+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # Building the converter loads its dictionaries (~tens of ms): do it once, on first use.
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Half-width, simplified, lower-case text with one spelling per unit (℃, ppm, m/min…)."""
    if not text:
        return ""
    if len(text) <= _CACHED_CHARS:
        # an answer's sentences are read again by several checks, and again next question
        return _normalized(text)
    return _normalize(text)


# Sentences and names, not documents: those are normalised once, at import.
_CACHED_CHARS = 400


@lru_cache(maxsize=8192)  # a few MB at most
def _normalized(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    # NFKC folds full-width forms (Ａ１，？) and compatibility symbols (℃ → °C, ㎜ → mm);
    # CJK 。、「」 are untouched, and ？！； become ?!; which the splitter also knows.
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    text = text.lower()
    for pattern, replacement in _UNITS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


def normalize_query(text: str) -> str:
    """``normalize`` for a question, cut to a sane length first."""
    return normalize(text[:MAX_QUERY_CHARS])
