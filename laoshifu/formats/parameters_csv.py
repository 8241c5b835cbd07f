"""The parameter registry as CSV: one operating window per row."""

from __future__ import annotations

import csv
import io
from typing import Any, Mapping

from ..errors import Problem
from ..knowledge.units import Parameter, format_number
from ..knowledge.validate import KIND_FIELDS, Where, build_unit

COLUMNS = ("id", "process", "name", "symbol", "english", "unit", "target", "lower", "upper",
           "condition", "rationale", "title", "tags", "author", "status")
REQUIRED = ("id", "process", "name")


def parse_parameters(text: str, file: str, defaults: Mapping[str, Any] | None = None
                     ) -> tuple[list[Parameter], list[Problem]]:
    problems: list[Problem] = []
    try:
        dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else "excel"
        reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect, strict=True)
        rows = list(_rows_with_lines(reader))
    except csv.Error as exc:
        return [], [Problem(f"CSV syntax error: {exc}", file=file, line=reader.line_num or 1,
                            hint="check quotes: a field with a comma or newline must be quoted")]
    if not rows:
        return [], [Problem("empty parameter registry", file=file, line=1,
                            hint=f"the first line names the columns: {','.join(COLUMNS[:9])}")]
    header_line, header = rows[0]
    header = [h.strip().lstrip("\ufeff") for h in header]
    for missing in [c for c in REQUIRED if c not in header]:
        problems.append(Problem("missing required column", file=file, line=header_line,
                                field=missing, hint=f"the header must name {', '.join(REQUIRED)}"))
    for index, name in enumerate(header):
        if name not in COLUMNS:
            problems.append(Problem(f"unknown column {name!r}", file=file, line=header_line,
                                    column=index + 1, field=name,
                                    hint=f"known columns: {', '.join(COLUMNS)}"))
    if len(set(header)) != len(header):
        problems.append(Problem("a column is named twice", file=file, line=header_line))
    if problems:
        return [], problems
    units: list[Parameter] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))  # trailing empty cells left out
        if len(row) != len(header):
            problems.append(Problem(f"row has {len(row)} fields, the header has {len(header)}",
                                    file=file, line=line, hint="check for a missing or extra comma"))
            continue
        data = {name: cell for name, cell in zip(header, row) if cell.strip() != ""}
        unit, errors = build_unit(data, Where(file, line, {n: line for n in header},
                                                 {n: i + 1 for i, n in enumerate(header)}),
                                  defaults=defaults, kind="parameter")
        problems += errors
        if unit is not None:
            units.append(unit)  # type: ignore[arg-type]
    return units, problems


def _rows_with_lines(reader):
    # reader.line_num is the line a record *ends* on; a record starts after the previous one.
    previous_end = 0
    for row in reader:
        yield previous_end + 1, row
        previous_end = reader.line_num


def render_parameters(params: list[Parameter]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in params:
        writer.writerow([
            p.id, p.process, p.name, p.symbol, p.english, p.unit, format_number(p.target),
            format_number(p.lower), format_number(p.upper), p.condition, p.body,
            "" if p.title == p.name else p.title, ";".join(p.tags), p.author,
            p.status,
        ])
    return out.getvalue()


assert set(KIND_FIELDS["parameter"]) <= set(COLUMNS)
