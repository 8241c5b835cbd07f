"""Read text files whatever their encoding: UTF-8 (±BOM), GBK/GB18030, UTF-16."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import LaoshifuError, Problem

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def max_file_bytes() -> int:
    """LAOSHIFU_MAX_FILE_MB, or max_file_mb in LAOSHIFU_HOME/config.yaml (default 64)."""
    from ..config import load_settings

    return int(load_settings().max_file_mb * 1024 * 1024)


def check_size(path: Path, shown: str, limit: int | None = None) -> None:
    """Refuse a file over ``limit`` bytes (``max_file_bytes()`` unless given: a folder's
    reader reads the setting once, not once a file)."""
    limit = max_file_bytes() if limit is None else limit
    size = path.stat().st_size
    if size > limit:
        raise LaoshifuError(Problem(
            f"file is {size / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit",
            file=shown, hint="split it into smaller files or raise LAOSHIFU_MAX_FILE_MB"))


def decode(data: bytes, shown: str) -> str:
    """Decode bytes, trying BOMs, strict UTF-8, GB18030, then detection."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(codec))
            except UnicodeDecodeError:
                break
    try:
        return _clean(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # GB18030 (a superset of GBK and GB2312) is the usual encoding of Chinese Windows
    # files; UTF-16 without a BOM also decodes as "something", so keep the candidate
    # whose text looks most like writing.
    best_text, best_score = None, 0.0
    codecs_to_try = ["gb18030"] + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    for codec in codecs_to_try:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if score > best_score:
            best_text, best_score = text, score
    if best_text is not None and best_score >= 0.9:
        return _clean(best_text)
    best = from_bytes(data).best()
    if best is not None and not _looks_binary(str(best)):
        return _clean(str(best))
    raise LaoshifuError(Problem(
        "cannot read this file's text encoding", file=shown,
        hint="save it as UTF-8 (or GBK/GB18030, UTF-16)"))


def read_text(path: Path, shown: str | None = None, limit: int | None = None) -> str:
    shown = shown or str(path)
    check_size(path, shown, limit)
    return decode(path.read_bytes(), shown)


def _clean(text: str) -> str:
    # One line-ending convention, so line numbers and round trips agree.
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls > max(2, len(text[:4096]) // 100)


def _plausibility(text: str) -> float:
    """Share of characters that are common CJK, ASCII text or punctuation."""
    sample = text[:8192]
    if not sample:
        return 1.0
    good = sum(1 for ch in sample if ("\u4e00" <= ch <= "\u9fff") or (" " <= ch <= "~")
               or ch in "\n\t\r" or ("\u3000" <= ch <= "\u303f") or ("\uff00" <= ch <= "\uffef")
               or ch in "℃°±×÷·—…“”‘’")
    return good / len(sample)
