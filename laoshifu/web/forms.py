"""Unit forms: which fields each kind shows, and form data to/from ``build_unit``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import Problem
from ..problem_text import for_web
from ..knowledge.units import CATEGORIES, SEVERITIES, STATUSES, Unit, format_number
from ..knowledge.validate import Where, build_unit

FORM_FILE = "web form"


@dataclass(frozen=True)
class FormField:
    name: str
    widget: str = "text"  # text | textarea | lines | select | number
    choices: tuple[str, ...] = ()
    required: bool = False


_COMMON_HEAD = (FormField("id", required=True), FormField("title", required=True),
                FormField("process"), FormField("tags"))
KIND_FORM: dict[str, tuple[FormField, ...]] = {
    "parameter": (FormField("name", required=True), FormField("symbol"), FormField("english"),
                  FormField("unit"), FormField("target", "number"), FormField("lower", "number"),
                  FormField("upper", "number"), FormField("condition")),
    "procedure": (FormField("steps", "lines", required=True), FormField("parameters", "lines")),
    "rule": (FormField("symptom"), FormField("condition"), FormField("diagnosis", "textarea", required=True),
             FormField("actions", "lines", required=True),
             FormField("severity", "select", SEVERITIES), FormField("category", "select", CATEGORIES)),
    "note": (FormField("context"),),
    "qa": (FormField("question", required=True),),
    "term": (FormField("synonyms", "lines"), FormField("english")),
    "section": (FormField("level", "number"), FormField("path", "lines"), FormField("order", "number")),
}
_LINES = {"steps", "parameters", "actions", "synonyms", "path"}


def fields_for(kind: str, can_publish: bool) -> list[FormField]:
    out = [*_COMMON_HEAD, *KIND_FORM[kind], FormField("body", "textarea")]
    if can_publish:
        out.append(FormField("status", "select", STATUSES))
    return out


def unit_values(unit: Unit) -> dict[str, str]:
    """A stored unit as the strings its form shows."""
    data = unit.to_dict()
    out: dict[str, str] = {}
    for name, value in data.items():
        if isinstance(value, list):
            out[name] = ("; " if name == "tags" else "\n").join(str(v) for v in value)
        elif isinstance(value, float):
            out[name] = format_number(value)
        elif value is None:
            out[name] = ""
        else:
            out[name] = str(value)
    return out


def build_from_form(kind: str, form: Mapping[str, Any], can_publish: bool,
                    unit_id: str | None = None) -> tuple[Unit | None, list[Problem], dict[str, str]]:
    """Form strings → a checked unit (the same checks as import), problems, and the values."""
    values = {f.name: str(form.get(f.name, "") or "") for f in fields_for(kind, can_publish)}
    if unit_id is not None:
        values["id"] = unit_id  # the id of an existing unit never changes
    data: dict[str, Any] = {}
    for name, raw in values.items():
        if name in _LINES:
            data[name] = [line.strip() for line in raw.replace("\r", "").split("\n") if line.strip()]
        elif name in ("level", "order"):
            data[name] = raw.strip() or "0"
        else:
            data[name] = raw.replace("\r\n", "\n")
    if not can_publish:
        data["status"] = "draft"
    problems: list[Problem] = []
    for name in ("level", "order"):
        if name in data and not data[name].lstrip("-").isdigit():
            problems.append(Problem(f"{data[name]!r} is not a whole number", file=FORM_FILE, field=name))
    if problems:
        return None, problems, values
    unit, problems = build_unit(data, Where(FORM_FILE), kind=kind)
    if unit is not None:
        unit = unit.with_changes(source_file="", source_line=0)
    return unit, problems, values


def problems_by_field(problems: list[Problem], lang: str = "en"
                      ) -> tuple[dict[str, list[str]], list[Problem]]:
    """Problems keyed by the form field they belong to (as text in ``lang``), and those
    that fit no field."""
    by_field: dict[str, list[str]] = {}
    general: list[Problem] = []
    for p in problems:
        name = {"rationale": "body", "definition": "body", "term": "title"}.get(p.field or "", p.field)
        if name:
            shown = for_web(p, lang)
            text = shown.message + (f" — {shown.hint}" if shown.hint else "")
            by_field.setdefault(name, []).append(text)
        else:
            general.append(p)
    return by_field, general
