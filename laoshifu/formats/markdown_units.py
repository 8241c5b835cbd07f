"""Units in Markdown files: ``---`` YAML front matter ``---`` then the body, repeated."""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..errors import Problem
from ..knowledge.units import Unit, format_number
from ..knowledge.validate import KIND_FIELDS, Where, build_unit
from . import yamlio

_FENCE = "---"
_STARTS_UNIT = re.compile(r"^id\s*:")


def parse_units(text: str, file: str, defaults: Mapping[str, Any] | None = None
                ) -> tuple[list[Unit], list[Problem]]:
    """Every unit in one Markdown file, or the problems that stop them."""
    lines = text.split("\n")
    units: list[Unit] = []
    problems: list[Problem] = []
    i = _skip_blank(lines, 0)
    if i >= len(lines):
        return [], []
    if lines[i].rstrip() != _FENCE:
        return [], [Problem("expected front matter starting with a '---' line", file=file,
                            line=i + 1, hint="see docs/authoring.md")]
    while i < len(lines):
        start = i
        end = _find_closing(lines, start + 1)
        if end is None:
            problems.append(Problem("front matter is not closed by a '---' line", file=file,
                                    line=start + 1))
            break
        body_end = _find_next_unit(lines, end + 1)
        data, field_lines, errors = yamlio.load_with_lines(
            "\n".join(lines[start + 1:end]), file, first_line=start + 2)
        body = "\n".join(lines[end + 1:body_end])
        if _FENCE in body:  # only then can a line be an escaped fence
            body = "\n".join(_unescape(line) for line in lines[end + 1:body_end])
        body = body.strip("\n")
        if errors:
            problems += errors
        elif not isinstance(data, dict):
            problems.append(Problem("front matter must be a set of 'field: value' lines",
                                    file=file, line=start + 2))
        else:
            where = Where(file, start + 1, field_lines)
            unit, errors = build_unit(data, where, body=body, defaults=defaults)
            problems += errors
            if unit is not None:
                units.append(unit)
        i = body_end
    return units, problems


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _find_closing(lines: list[str], i: int) -> int | None:
    for j in range(i, len(lines)):
        if lines[j].rstrip() == _FENCE:
            return j
    return None


def _find_next_unit(lines: list[str], i: int) -> int:
    # A '---' begins the next unit only if the next non-empty line is "id: …", so
    # horizontal rules inside a body stay text.
    for j in range(i, len(lines)):
        if lines[j].rstrip() == _FENCE:
            k = _skip_blank(lines, j + 1)
            if k < len(lines) and _STARTS_UNIT.match(lines[k]):
                return j
    return len(lines)


# A body line that is a '---' fence, with or without leading backslashes, is written with
# one backslash more and read with one less: on export → import a body cannot open front
# matter of its own (a unit with another id, status and author).
def _fence_like(line: str) -> bool:
    return line.rstrip().lstrip("\\") == _FENCE


def _escape(line: str) -> str:
    return "\\" + line if _fence_like(line) else line


def _unescape(line: str) -> str:
    return line[1:] if line.startswith("\\") and _fence_like(line) else line


def unit_fields(unit: Unit) -> dict[str, Any]:
    """The front matter that writes ``unit`` back exactly (body excluded)."""
    data: dict[str, Any] = {"id": unit.id, "kind": unit.kind, "title": unit.title}
    for name in ("process", "author", "status"):
        value = getattr(unit, name)
        if value:
            data[name] = value
    if unit.tags:
        data["tags"] = list(unit.tags)
    for name in KIND_FIELDS[unit.kind]:
        if not hasattr(unit, name):
            continue
        value = getattr(unit, name)
        if isinstance(value, tuple):
            value = list(value)
        if value in ("", [], None):
            continue
        if isinstance(value, float):
            value = float(format_number(value))
        data[name] = value
    return data


def render_units(units: list[Unit]) -> str:
    blocks = []
    for unit in units:
        block = "---\n" + yamlio.dump(unit_fields(unit)) + "---\n"
        if unit.body:
            block += "\n".join(_escape(line) for line in unit.body.split("\n")) + "\n"
        blocks.append(block)
    return "\n".join(blocks)
