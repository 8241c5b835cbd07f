"""What an operator is asked for in an emergency: each process with its parameters.

The 应急诊断 page and its API show, for the process picked, one field per parameter the
master gave a window for (its unit and window beside it), and grade and thickness when a
window depends on them. What is typed goes to ``diagnose.diagnose`` unchanged, so the page
judges exactly as ``laoshifu diagnose`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..errors import LaoshifuError, Problem
from ..review.material import fold_grade, material_field
from ..knowledge.units import Parameter, Rule, Unit
from ..knowledge.validate import material_condition


@dataclass(frozen=True)
class ReadingField:
    """One parameter to read off the panel."""

    name: str
    symbol: str
    unit: str
    windows: tuple[str, ...]  # "55 ~ 65 ℃", or "1100 ~ 1150 ℃ (牌号=HiB)" per material

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "symbol": self.symbol or None, "unit": self.unit,
                "windows": list(self.windows)}


@dataclass(frozen=True)
class ProcessForm:
    """A process's readings, and whether its windows need the grade or thickness."""

    process: str
    fields: tuple[ReadingField, ...]
    rules: int  # the master's emergency rules for this process
    grades: tuple[str, ...] = ()  # grades some window names
    thickness: bool = False  # some window depends on the thickness

    def to_dict(self) -> dict[str, Any]:
        return {"process": self.process, "fields": [f.to_dict() for f in self.fields],
                "rules": self.rules, "grades": list(self.grades), "thickness": self.thickness}


@dataclass
class _Building:
    names: dict[str, list[Parameter]] = field(default_factory=dict)
    grades: dict[str, str] = field(default_factory=dict)  # folded -> as first written
    thickness: bool = False


def process_forms(units: Sequence[Unit]) -> list[ProcessForm]:
    """Every process with a parameter window, in the order the line runs (the order the
    master's files list them), each with its parameters in that order."""
    params = sorted((u for u in units if isinstance(u, Parameter) and u.process),
                    key=lambda p: (not p.source_file, p.source_file, p.source_line, p.id))
    building: dict[str, _Building] = {}
    for param in params:
        entry = building.setdefault(param.process, _Building())
        entry.names.setdefault(param.name, []).append(param)
        for key, _op, value in material_condition(param.condition):
            kind = material_field(key)
            if kind == "grade":
                entry.grades.setdefault(fold_grade(value), value)
            elif kind == "thickness":
                entry.thickness = True
    rules: dict[str, int] = {}
    for unit in units:
        if isinstance(unit, Rule) and unit.process:
            rules[unit.process] = rules.get(unit.process, 0) + 1
    return [ProcessForm(process, tuple(_field(windows) for windows in entry.names.values()),
                        rules.get(process, 0), tuple(entry.grades.values()), entry.thickness)
            for process, entry in building.items()]


def process_form(units: Sequence[Unit], process: str) -> ProcessForm:
    """The form of one process; an unknown one is refused with the processes there are."""
    forms = process_forms(units)
    for form in forms:
        if form.process == process:
            return form
    known = ", ".join(f.process for f in forms)
    raise LaoshifuError(Problem(f"unknown process {process!r}", field="process",
                                hint=f"one of: {known}" if known else None))


def _field(windows: list[Parameter]) -> ReadingField:
    first = windows[0]
    texts = tuple(w.window_text() + (f" ({w.condition})" if w.condition else "") for w in windows)
    symbol = next((w.symbol for w in windows if w.symbol), "")
    return ReadingField(first.name, symbol, first.unit, texts)


def readings_from_form(form: ProcessForm, values: dict[str, str]) -> dict[str, str]:
    """The fields the operator filled in, by parameter name (empty ones are not read)."""
    out: dict[str, str] = {}
    for f in form.fields:
        text = (values.get(f.name) or "").strip()
        if text:
            out[f.name] = text
    return out
