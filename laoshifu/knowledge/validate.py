"""Turn authored fields into typed units, and check a whole knowledge base.

Import, the web forms and the API all go through ``build_unit`` and ``check_units``, so
a unit is judged the same way wherever it is written.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from . import conditions
from ..errors import Problem
from .units import CATEGORIES, ID_PATTERN, KINDS, SEVERITIES, STATUSES, Procedure, Rule, Unit, UNIT_CLASSES, make_unit
from .vocabulary import Vocabulary

COMMON_FIELDS = ("id", "kind", "title", "process", "tags", "author", "status")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "parameter": ("name", "symbol", "english", "unit", "target", "lower", "upper", "condition",
                  "rationale"),
    "procedure": ("steps", "parameters"),
    "rule": ("symptom", "condition", "diagnosis", "actions", "severity", "category"),
    "note": ("context",),
    "qa": ("question",),
    "term": ("term", "synonyms", "english", "definition"),
    "section": ("level", "path", "order"),
}
_LIST_FIELDS = {"tags", "steps", "parameters", "actions", "synonyms", "path"}
_NUMBER_FIELDS = {"target", "lower", "upper"}
# Whole-number fields: lowest, highest, hint. A heading's level becomes that many '#'
# on export, so it must stay a heading level.
MAX_ORDER = 1_000_000
_WHOLE_FIELDS = {
    "level": (0, 6, "1 to 6 for a heading # to ######, 0 for the text before the first heading"),
    "order": (0, MAX_ORDER, f"a whole number from 0 to {MAX_ORDER}"),
}
# The field that supplies the title when ``title`` is left out.
_TITLE_FROM = {"parameter": "name", "term": "term", "qa": "question"}
_BODY_FROM = {"parameter": "rationale", "term": "definition"}

# Per kind, computed once (an import builds 100,000 units): the fields a unit may have,
# the ones filled in (in a fixed order, so problems come in one order), each field's value
# when it is left out.
_ALLOWED = {kind: frozenset(COMMON_FIELDS + fields + ("body",)) for kind, fields in KIND_FIELDS.items()}
_FILLED = {kind: tuple(sorted(allowed - {"kind"})) for kind, allowed in _ALLOWED.items()}
_TEXT_FIELDS = frozenset(name for allowed in _ALLOWED.values() for name in allowed
                         if name not in _LIST_FIELDS | _NUMBER_FIELDS | set(_WHOLE_FIELDS))
_LEFT_OUT: dict[str, Any] = {**{name: None for name in _NUMBER_FIELDS}, **{name: 0 for name in _WHOLE_FIELDS}}
_LISTS = {kind: tuple(sorted(_LIST_FIELDS & set(filled))) for kind, filled in _FILLED.items()}

_MATERIAL_CONDITION = re.compile(r"^\s*([^=<>!\s][^=<>!]*?)\s*(<=|>=|==|!=|=|<|>)\s*(\S.*?)\s*$")


@dataclass
class Where:
    """Where fields came from: a file, the unit's first line, and each field's line."""

    file: str
    line: int = 0
    field_lines: Mapping[str, int] = field(default_factory=dict)
    field_columns: Mapping[str, int] = field(default_factory=dict)  # a CSV cell's column

    def problem(self, message: str, field_name: str | None = None, hint: str | None = None,
                column: int | None = None, line: int | None = None) -> Problem:
        at = line if line is not None else self.field_lines.get(field_name or "", self.line)
        if column is None:
            column = self.field_columns.get(field_name or "")
        return Problem(message, file=self.file, line=at or None, column=column,
                       field=field_name, hint=hint)

    def inside(self, field_name: str, column: int | None) -> tuple[int | None, int | None]:
        """File line and column of ``column`` within a field's one-line value."""
        values = getattr(self.field_lines, "values", {})
        if field_name in values and column is not None:
            line, start = values[field_name]
            return line, start + column - 1
        # A value over several lines: its key's line; a column there would mislead.
        return self.field_lines.get(field_name, self.line) or None, None


def build_unit(data: Mapping[str, Any], where: Where, body: str = "",
               defaults: Mapping[str, Any] | None = None,
               kind: str | None = None) -> tuple[Unit | None, list[Problem]]:
    """Check one unit's fields; return the unit, or None and every problem found."""
    problems: list[Problem] = []
    if defaults:
        values = dict(defaults)
        values.update({k: v for k, v in data.items() if v is not None})
    else:
        values = data  # only read: an empty value (None) counts as left out below too
    kind = kind or _text(values.get("kind"))
    if not kind:
        return None, [where.problem("missing required field", "kind",
                                    f"one of: {', '.join(KINDS)}")]
    if kind not in UNIT_CLASSES:
        return None, [where.problem(f"unknown kind {kind!r}", "kind", _did_you_mean(kind, KINDS))]
    allowed = _ALLOWED[kind]
    for name in () if allowed.issuperset(data) else data:
        if name not in allowed:
            shown = str(name)  # YAML keys may be numbers, dates or null
            problems.append(where.problem(f"unknown field {shown!r} for a {kind}", shown,
                                          _did_you_mean(shown, sorted(allowed))))

    out: dict[str, Any] = {}
    for name in _FILLED[kind]:
        raw = values.get(name)
        if raw is None:
            out[name] = [] if name in _LIST_FIELDS else _LEFT_OUT.get(name, "")
            continue
        if type(raw) is str and name in _TEXT_FIELDS:  # the common case, made short
            out[name] = raw.strip("\n") if "\r" not in raw else _text(raw)
            continue
        shape_error = _shape_error(name, raw)
        if shape_error:
            problems.append(where.problem(*shape_error))
            raw = None
        if name in _LIST_FIELDS:
            out[name] = _as_list(raw)
        elif name in _NUMBER_FIELDS:
            number, error = _as_number(raw)
            if error:
                problems.append(where.problem(error, name, "write a plain number such as 62 or 0.23"))
            out[name] = number
        elif name in _WHOLE_FIELDS:
            number, error = _as_whole(raw, *_WHOLE_FIELDS[name][:2])
            if error:
                problems.append(where.problem(error, name, _WHOLE_FIELDS[name][2]))
            out[name] = number
        else:
            out[name] = _text(raw)

    body_field = _BODY_FROM.get(kind)
    text_body = out.pop("body", "") or body
    if body_field:
        text_body = out.pop(body_field) or text_body
    out["body"] = text_body
    if not out.get("title") and kind in _TITLE_FROM:
        out["title"] = out.get(_TITLE_FROM[kind], "")
    if kind == "term":
        out["title"] = out.pop("term") or out["title"]

    _require(out, "id", where, problems)
    if out.get("id") and not ID_PATTERN.match(out["id"]):
        problems.append(where.problem(f"bad id {out['id']!r}", "id",
                                      "letters, digits, '-', '_' and '.', at most 128 characters"))
    if not out.get("title"):
        _require(out, "title", where, problems, hint=f"or {_TITLE_FROM[kind]}" if kind in _TITLE_FROM else None)
    if not out.get("status"):
        out["status"] = "approved"
    if out["status"] not in STATUSES:
        problems.append(where.problem(f"unknown status {out['status']!r}", "status",
                                      f"one of: {', '.join(STATUSES)}"))
    problems += _check_kind(kind, out, where)
    if problems:
        return None, problems
    for name in _LISTS[kind]:
        out[name] = tuple(out[name])
    out["source_file"], out["source_line"] = where.file, where.line
    # ``out`` holds exactly the fields the kind's class takes: each allowed one, filled.
    unit = make_unit(UNIT_CLASSES[kind], out)
    # Where each field was written, for checks across units (not a field: no content).
    object.__setattr__(unit, "_where", where)
    return unit, []


def _check_kind(kind: str, out: dict[str, Any], where: Where) -> list[Problem]:
    problems: list[Problem] = []
    if kind == "parameter":
        _require(out, "name", where, problems)
        _require(out, "process", where, problems)
        lower, upper, target = out["lower"], out["upper"], out["target"]
        if lower is not None and upper is not None and lower > upper:
            problems.append(where.problem(
                f"lower limit {lower:g} is above upper limit {upper:g}", "lower",
                "swap them, or leave one empty for an open window"))
        elif target is not None and ((lower is not None and target < lower)
                                     or (upper is not None and target > upper)):
            problems.append(where.problem(
                f"target {target:g} is outside its window", "target",
                "the target must lie between lower and upper"))
        for part in filter(None, (p.strip() for p in out["condition"].split(";"))):
            if not _MATERIAL_CONDITION.match(part):
                problems.append(where.problem(f"cannot read condition {part!r}", "condition",
                                              "write key=value or key<=number, separated by ';'"))
    elif kind == "procedure":
        if not out["steps"]:
            problems.append(where.problem("a procedure needs its ordered steps", "steps",
                                          "a YAML list under steps:"))
    elif kind == "rule":
        if not out["symptom"] and not out["condition"]:
            problems.append(where.problem("a rule needs a symptom or a condition", "condition"))
        _require(out, "diagnosis", where, problems)
        if not out["actions"]:
            problems.append(where.problem("a rule needs its ordered actions", "actions",
                                          "a YAML list under actions:"))
        out["severity"] = out["severity"] or "medium"
        out["category"] = out["category"] or "quality"
        if out["severity"] not in SEVERITIES:
            problems.append(where.problem(f"unknown severity {out['severity']!r}", "severity",
                                          f"one of: {', '.join(SEVERITIES)}"))
        if out["category"] not in CATEGORIES:
            problems.append(where.problem(f"unknown category {out['category']!r}", "category",
                                          f"one of: {', '.join(CATEGORIES)}"))
    elif kind == "qa":
        _require(out, "question", where, problems)
    elif kind == "section":
        # A section's title and attributes are written on its heading line on export:
        # a line break there would start a heading of the author's choosing.
        out["title"] = out["title"].strip()
        if not out["title"] and not problems:
            _require(out, "title", where, problems)
        for name in ("title", "process", "author", "tags"):
            values = out[name] if name == "tags" else [out[name]]
            if any("\n" in value for value in values):
                problems.append(where.problem(f"a section's {name} must be one line", name,
                                              "it is written on the heading's line"))
        if "{#" in out["title"]:
            problems.append(where.problem("a section's title cannot hold '{#'", "title",
                                          "write {#id attribute=value} once, at the end of the heading"))
    return problems


def material_condition(text: str) -> list[tuple[str, str, str]]:
    """``牌号=HiB; 厚度<=0.23`` as [(key, op, value)]."""
    parts = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        match = _MATERIAL_CONDITION.match(part)
        if match:
            key, op, value = match.groups()
            parts.append((key.strip(), "==" if op == "=" else op, value.strip()))
    return parts


def check_units(units: Iterable[Unit], known_ids: Iterable[str] = (),
                context: Iterable[Unit] = ()) -> list[Problem]:
    """Checks across units: duplicate ids, references, rule conditions, unit agreement.

    ``context`` holds stored parameters and terms that conditions may also name.
    """
    units = list(units)
    problems: list[Problem] = []
    first: dict[str, Unit] = {}
    for unit in units:
        if unit.id in first:
            other = first[unit.id]
            problems.append(Problem(
                f"duplicate id {unit.id!r} (also at {other.source})",
                file=unit.source_file, line=unit.source_line or None, field="id",
                hint="every unit needs its own id"))
        else:
            first[unit.id] = unit
    ids = set(first) | set(known_ids)
    vocabulary = Vocabulary.from_units([*context, *units])
    for key, params in vocabulary.parameters.items():
        spellings = {p.unit for p in params}
        if len(spellings) > 1:
            p = params[-1]
            problems.append(Problem(
                f"{p.name} has windows in different units: {', '.join(sorted(spellings))}",
                file=p.source_file, line=p.source_line or None, field="unit",
                hint="use one unit for one quantity"))
    problems += _spelling_clashes(vocabulary)
    for unit in units:
        if isinstance(unit, Procedure):
            for ref in unit.parameters:
                if ref not in ids:
                    problems.append(Problem(
                        f"refers to missing unit {ref!r}", file=unit.source_file,
                        line=_at(unit, "parameters")[0], field="parameters",
                        hint=_did_you_mean(ref, sorted(ids)) or "use the id of a parameter"))
        elif isinstance(unit, Rule) and unit.condition:
            problems += _check_condition(unit, vocabulary)
    return problems


def _spelling_clashes(vocabulary: Vocabulary) -> list[Problem]:
    """Two quantities of one process spelled alike (DP and dp, t_DC and T_DC): readings,
    data columns and rule conditions could not tell them apart."""
    problems = []
    for spelling, keys in vocabulary.spellings.items():
        by_process: dict[str, list[str]] = {}
        for key in keys:
            by_process.setdefault(vocabulary.processes.get(key, ""), []).append(key)
        for process, clashing in by_process.items():
            if len(clashing) < 2:
                continue
            params = sorted((p for k in clashing for p in vocabulary.parameters.get(k, [])),
                            key=lambda p: (p.source_file, p.source_line))
            named = [p for p in params if spelling in {_fold_name(x) for x in (p.name, p.symbol, p.english)}]
            if not named:
                continue  # only a glossary synonym joins them: synonyms may be shared
            p = named[-1]
            problems.append(Problem(
                f"{spelling!r} names more than one parameter in {process or 'the same process'}: "
                + ", ".join(sorted({x.name for x in params})),
                file=p.source_file, line=p.source_line or None, field="symbol",
                hint="names and symbols are matched ignoring case and spaces: make them distinct"))
    return problems


def _fold_name(text: str) -> str:
    return "".join(text.split()).casefold()


def _at(unit: Unit, field_name: str, column: int | None = None) -> tuple[int | None, int | None]:
    where = getattr(unit, "_where", None)
    if where is None or where.file != unit.source_file:
        return unit.source_line or None, column
    return where.inside(field_name, column)


def _check_condition(rule: Rule, vocabulary: Vocabulary) -> list[Problem]:
    line = rule.source_line or None
    try:
        conditions.parse(rule.condition, vocabulary.resolver(rule.process))
    except conditions.ConditionError as exc:
        hint = exc.hint
        if exc.message.startswith("unknown name"):
            name = exc.message.split("'")[1] if "'" in exc.message else ""
            if vocabulary.is_ambiguous(name, rule.process):
                line, column = _at(rule, "condition", exc.column)
                return [Problem(f"name {name!r} is in several processes", file=rule.source_file,
                                line=line, column=column, field="condition",
                                hint="use the parameter's symbol")]
            suggestions = vocabulary.suggest(name)
            if suggestions:
                hint = f"did you mean {' / '.join(suggestions)}?"
        line, column = _at(rule, "condition", exc.column)
        return [Problem(exc.message, file=rule.source_file, line=line, column=column,
                        field="condition", hint=hint)]
    return []


def _require(out: dict[str, Any], name: str, where: Where, problems: list[Problem],
             hint: str | None = None) -> None:
    if not out.get(name):
        problems.append(where.problem("missing required field", name, hint))


def _text(value: Any) -> str:
    if type(value) is str and "\r" not in value:
        return value.strip("\n")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if not isinstance(value, str):
        return str(value)
    # One line-ending convention, as files are read: a lone '\r' is a line break there.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _shape_error(name: str, value: Any) -> tuple[str, str, str] | None:
    """A list where a value belongs, or a list or mapping inside a list: refused rather
    than made text of with str() (a YAML alias bomb, or nonsense such as "['a', 'b']")."""
    if name in _LIST_FIELDS and isinstance(value, (list, tuple)):
        if any(isinstance(item, (dict, list, tuple, set)) for item in value):
            return (f"each item of {name} must be a plain value, not a list or a mapping", name,
                    "write [a, b], or one '- item' a line")
        return None
    if isinstance(value, (dict, list, tuple, set)):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        return (f"{name} must be a plain value, not {kind}", name,
                "a list belongs only in tags, steps, actions, parameters, synonyms and path")
    return None


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value if _text(v)]
    return [p.strip() for p in re.split(r"[;；]", _text(value)) if p.strip()]


def _as_number(value: Any) -> tuple[float | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    try:
        number = float(conditions.half_width(str(value)).strip())
    except ValueError:
        return None, f"{value!r} is not a number"
    if math.isnan(number) or math.isinf(number):
        return None, f"{value!r} is not a finite number"
    return number, None


def _as_whole(value: Any, lowest: int, highest: int) -> tuple[int, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,12}", conditions.half_width(value).strip()):
        number = int(conditions.half_width(value).strip())
    if number is None:
        return 0, f"{_shown(value)} is not a whole number"
    if not lowest <= number <= highest:
        return 0, f"{_shown(value)} is not between {lowest} and {highest}"
    return number, None


def _shown(value: Any) -> str:
    """A value in a message, cut short: a bad field may hold a long list."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
