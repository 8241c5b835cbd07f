"""A parameter table in a handbook (参数 | 下限 | 目标 | 上限 | 单位, or 参数 | 控制范围)
becomes parameter drafts, one a row, cited at the table's page and line."""

from __future__ import annotations

import re

from ..errors import Problem
from . import patterns as P
from .document import SourceLine, Table
from .extract import Sentence, parameter_proposal
from .lexicon import Lexicon
from .proposals import Proposal

# Header words → the column's meaning.
_COLUMNS = (
    ("name", re.compile(r"^(?:参数|参数名称?|名称|项目|控制项目|工艺参数)$")),
    ("lower", re.compile(r"^(?:下限|最小值?|最低|min)$", re.I)),
    ("upper", re.compile(r"^(?:上限|最大值?|最高|max)$", re.I)),
    ("target", re.compile(r"^(?:目标值?|标准值?|设定值?|中心值|target)$", re.I)),
    ("unit", re.compile(r"^(?:单位|unit)$", re.I)),
    ("range", re.compile(r"^(?:范围|控制范围|工艺范围|窗口|控制值|要求|标准)$")),
    ("process", re.compile(r"^(?:工序|工段)$")),
    ("rationale", re.compile(r"^(?:说明|备注|原因|依据)$")),
)


def table_proposals(table: Table, lexicon: Lexicon, process: str = "") -> tuple[list[Proposal], list[Problem]]:
    """Parameter drafts from a parameter table; ([], []) for any other table."""
    columns = _columns(table.rows[0])
    if "name" not in columns or not ({"lower", "upper", "target", "range"} & columns.keys()):
        return [], []
    proposals: list[Proposal] = []
    problems: list[Problem] = []
    for offset, row in enumerate(table.rows[1:], start=1):
        cells = {key: row[i].strip() if i < len(row) else "" for key, i in columns.items()}
        if not cells["name"]:
            continue
        text = " | ".join(c for c in row if c)
        source = SourceLine(text, table.file, table.line + offset)
        values, unit, error = _values(cells)
        if error:
            problems.append(Problem(error, file=table.file, line=table.line + offset, field=cells["name"],
                                    hint="write numbers such as 55 and 65, or a range 55～65"))
            continue
        row_process = (lexicon.process_in(cells.get("process", "")) or cells.get("process", "")
                       or process)
        proposal = parameter_proposal(cells["name"], row_process, values.get("lower"), values.get("upper"),
                                      values.get("target"), unit, Sentence(text, source), lexicon)
        if proposal is not None:
            proposal.by = "table"
            if cells.get("rationale") and not proposal.existing:
                proposal.fields["rationale"] = cells["rationale"]
            proposals.append(proposal)
    return proposals, problems


def _columns(header: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        label = re.sub(r"[\s（(].*$", "", cell.strip())
        for key, pattern in _COLUMNS:
            if key not in found and pattern.match(label):
                found[key] = i
                break
        unit = re.search(r"[（(]([^）)]+)[）)]", cell)
        if unit and "unit_of_header" not in found:
            found.setdefault("unit_of_header", i)
    return {k: v for k, v in found.items() if k != "unit_of_header"}


def _values(cells: dict[str, str]) -> tuple[dict[str, float], str, str]:
    values: dict[str, float] = {}
    unit = P.unit_of(cells.get("unit", ""))
    for key in ("lower", "upper", "target"):
        raw = cells.get(key, "").replace("—", "").replace("-", "-").strip()
        if raw in ("", "/", "－", "-"):
            continue
        match = re.fullmatch(rf"({P.NUMBER})\s*({P.UNIT})?", raw)
        if not match:
            return {}, "", f"{cells['name']}: {raw!r} is not a number"
        values[key] = P.number(match.group(1))
        unit = unit or P.unit_of(match.group(2))
    if cells.get("range"):
        found = P.RANGE.search(cells["range"])
        if found:
            values["lower"], values["upper"] = P.number(found.group("a")), P.number(found.group("b"))
            unit = unit or P.unit_of(found.group("ub") or found.group("ua"))
        else:
            return {}, "", f"{cells['name']}: cannot read the range {cells['range']!r}"
    return values, unit, ""
