"""The plain shape of front matter read without the YAML machinery.

Nearly every unit's front matter is ``key: text`` lines, ``[a, b]`` lists and ``- item``
lists. Building YAML nodes and values for them was a third of an import's time; this
reads exactly that shape in one pass and gives up (``None``) on anything else, which then
goes to the YAML parser: quotes, block scalars, comments, tabs, text over several lines,
nested values, repeated keys, and any text that YAML would read as a number, a boolean,
a date or null. What it returns equals what the parser would (``tests/formats``
compares the two).
"""

from __future__ import annotations

import re
from typing import Any, Callable

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,127}):(?: +(.*))?\Z")
_ITEM = re.compile(r"( *)- +(.*)\Z")
# What YAML would read differently from its plain text, or at all: characters it refuses or
# reads as line breaks, tabs, BOM, carriage returns.
_UNSAFE_TEXT = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# A plain value may not start with an indicator, nor hold ': ' or ' #' (a mapping, a comment).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}:#")


def read_plain(text: str, first_line: int, is_text: Callable[[str], bool]
               ) -> tuple[dict[str, Any], dict[str, int], dict[str, tuple[int, int]]] | None:
    """``(data, key lines, one-line value positions)`` of a mapping of plain text, plain
    lists and empty values, or None when ``text`` is anything more.

    ``is_text(plain)`` says whether YAML resolves a plain scalar to a string.
    """
    if _UNSAFE_TEXT.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    values: dict[str, tuple[int, int]] = {}
    rows = text.split("\n")
    i, n = 0, len(rows)
    while i < n:
        row = rows[i]
        match = _KEY.match(row)
        if match is None:
            if row.strip(" "):
                return None
            i += 1  # a blank line
            continue
        key, raw = match.groups()
        if key in data or not is_text(key):
            return None
        line = first_line + i
        lines[key] = line
        value = raw.rstrip(" ") if raw else ""
        i += 1
        if not value:
            items, i = _block_items(rows, i, is_text)
            if items is None:
                return None
            if items:
                data[key] = items
            else:
                data[key] = None
                values[key] = (line, len(key) + 2)  # where YAML marks an empty value
        elif value[0] == "[":
            items = _flow_items(value, is_text)
            if items is None:
                return None
            data[key] = items
        else:
            if (value[0] in _INDICATORS or ": " in value or " #" in value
                    or value[-1] == ":" or not is_text(value)):
                return None  # more than plain text (as ``_plain``, written out: most values)
            data[key] = value
            values[key] = (line, match.start(2) + 1)
    return (data, lines, values) if data else None


def _plain(value: str, is_text: Callable[[str], bool]) -> bool:
    return (value[0] not in _INDICATORS and ": " not in value and " #" not in value
            and not value.endswith(":") and is_text(value))


def _block_items(rows: list[str], i: int, is_text: Callable[[str], bool]
                 ) -> tuple[list[str] | None, int]:
    """The ``- item`` lines from ``i`` on (all at one indent), and the line after them."""
    items: list[str] = []
    indent = None
    while i < len(rows):
        row = rows[i]
        if not row.strip(" "):
            i += 1
            continue
        match = _ITEM.match(row)
        if match is None:
            # The next key, at the margin, ends the list; anything else is more than plain.
            return (items, i) if row[0] != " " else (None, i)
        if indent is None:
            indent = match.group(1)
        item = match.group(2).rstrip(" ")
        if match.group(1) != indent or not item or not _plain(item, is_text):
            return None, i
        items.append(item)
        i += 1
    return items, i


def _flow_items(value: str, is_text: Callable[[str], bool]) -> list[str] | None:
    """``[a, b]`` on one line, each item plain text; None for anything else."""
    if not value.endswith("]"):
        return None
    inner = value[1:-1]
    if not inner.strip(" "):
        return []
    items = [item.strip(" ") for item in inner.split(",")]
    for item in items:
        if not item or item[0] in _INDICATORS or _FLOW_INDICATORS.intersection(item) \
                or not is_text(item):
            return None
    return items
