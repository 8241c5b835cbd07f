"""Readings and symptoms → readings out of window → matching rules → ordered actions.

The master's rules are checked against what the operator reads off the panel
(``露点=65 氢气比例=15``); a symptom in words (``涂层结垢``) finds rules by their
symptom text. Every result cites the unit it comes from.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..knowledge import conditions
from ..knowledge.conditions import half_width
from ..errors import LaoshifuError, Problem
from ..messages import DEFAULT_LANG, Message, say, word
from ..quantities import UnitMismatch, convert, normalize_unit
from ..review.material import Material, select_window
from ..knowledge.units import SEVERITIES, Citation, Parameter, Rule, Unit, format_number
from ..knowledge.vocabulary import Vocabulary

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}
CATEGORY_RANK = {"safety": 0, "quality": 1, "equipment": 2, "cost": 3}
SYMPTOM_THRESHOLD = 0.34  # share of the symptom's character pairs found in a rule


@dataclass(frozen=True)
class Reading:
    """One reading as given, and as understood (quantity key, value in its unit)."""

    given_name: str
    given_value: str
    key: str
    name: str
    value: float
    unit: str
    converted_from: str = ""  # the unit the operator wrote, when it was converted

    def to_dict(self) -> dict[str, Any]:
        return {"given": f"{self.given_name}={self.given_value}", "parameter": self.name,
                "key": self.key, "value": self.value, "unit": self.unit,
                "converted_from": self.converted_from or None}


@dataclass(frozen=True)
class Deviation:
    """A reading outside its window: which side, by how much, and whose window."""

    reading: Reading
    side: str  # "high" or "low"
    limit: float
    by: float
    window: Parameter

    def to_dict(self) -> dict[str, Any]:
        w = self.window
        return {"parameter": self.reading.name, "key": self.reading.key,
                "value": self.reading.value, "unit": self.reading.unit, "side": self.side,
                "limit": self.limit, "by": round(self.by, 6), "window": w.window_text(),
                "condition": w.condition or None, "unit_id": w.id, "version": w.version,
                "source": w.source}

    def describe(self, lang: str = "en") -> str:
        return say(f"diagnose.{self.side}", lang, name=self.reading.name,
                   value=format_number(self.reading.value), unit=self.reading.unit,
                   by=format_number(round(self.by, 6)), limit=format_number(self.limit),
                   window=self.window.window_text()).replace("  ", " ").replace(" ，", "，")


@dataclass(frozen=True)
class RuleMatch:
    """A rule that applies: by its condition ("condition", "both") or only its symptom."""

    rule: Rule
    reason: str  # "condition", "both", "symptom"
    symptom_score: float = 0.0
    citation: Citation | None = None

    @property
    def possible(self) -> bool:
        return self.reason == "symptom"

    def to_dict(self) -> dict[str, Any]:
        r = self.rule
        return {"rule_id": r.id, "title": r.title, "reason": self.reason,
                "possible": self.possible, "severity": r.severity, "category": r.category,
                "condition": r.condition or None, "symptom": r.symptom or None,
                "symptom_score": round(self.symptom_score, 3), "diagnosis": r.diagnosis,
                "actions": list(r.actions),
                "citation": self.citation.to_dict() if self.citation else None}


@dataclass
class Diagnosis:
    readings: list[Reading] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    in_window: list[Reading] = field(default_factory=list)
    matches: list[RuleMatch] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    process: str | None = None
    material: Material = field(default_factory=Material)
    symptom: str = ""

    @property
    def certain(self) -> list[RuleMatch]:
        return [m for m in self.matches if not m.possible]

    @property
    def possible(self) -> list[RuleMatch]:
        return [m for m in self.matches if m.possible]

    def to_dict(self) -> dict[str, Any]:
        return {"process": self.process, "material": self.material.to_dict(),
                "symptom": self.symptom or None,
                "readings": [r.to_dict() for r in self.readings],
                "out_of_window": [d.to_dict() for d in self.deviations],
                "in_window": [r.name for r in self.in_window],
                "rules": [m.to_dict() for m in self.certain],
                "possible": [m.to_dict() for m in self.possible],
                "notes": [note.text("en") for note in self.notes]}


def parse_value(text: str | float | int) -> tuple[float, str]:
    """``65``, ``338K``, ``200000 ppm`` → (value, unit as written)."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, (int, float)):
        return float(text), ""
    match = _NUMBER.match(half_width(str(text)))  # "−40", "６５" as typed by an IME
    if not match:
        raise ValueError(f"{text!r} is not a number")
    value = float(match.group(1))
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value, match.group(2)


def parse_pairs(items: Iterable[str]) -> dict[str, str]:
    """``["露点=65", "带速=95m/min"]`` → {"露点": "65", ...}; ``:`` and ``＝`` work too."""
    out: dict[str, str] = {}
    for item in items:
        text = item.replace("＝", "=").replace("：", ":")
        sep = "=" if "=" in text else (":" if ":" in text else None)
        if sep is None:
            raise LaoshifuError(Problem(f"cannot read {item!r}", field="readings",
                                        hint="write name=value, e.g. 露点=65"))
        name, value = text.split(sep, 1)
        if not name.strip():
            raise LaoshifuError(Problem(f"cannot read {item!r}", field="readings",
                                        hint="write name=value, e.g. 露点=65"))
        if name.strip() in out:
            raise LaoshifuError(Problem(
                f"{name.strip()} is given twice ({name.strip()}={out[name.strip()]} and {item})",
                field=name.strip(), hint="give each reading once"))
        out[name.strip()] = value.strip()
    return out


def infer_process(vocab: Vocabulary, spellings: Iterable[str]) -> str | None:
    """The one process every known spelling can belong to (露点 + 带速 → 脱碳退火)."""
    common: set[str] | None = None
    for spelling in spellings:
        processes = {vocab.processes.get(k, "") for k in vocab.candidates(spelling)}
        if not processes:
            continue
        common = processes if common is None else common & processes
    if common and len(common) == 1:
        return next(iter(common))
    return None


def resolve_readings(vocab: Vocabulary, raw: Mapping[str, Any], process: str | None
                     ) -> tuple[list[Reading], str | None]:
    """Understand every reading or raise one error listing all that were not understood."""
    process = process or infer_process(vocab, raw)
    problems: list[Problem] = []
    readings: list[Reading] = []
    seen: dict[str, str] = {}  # quantity key -> the reading that gave it
    for name, given in raw.items():
        quantity = vocab.resolve(name, process)
        if quantity is None:
            where = sorted({vocab.processes[k] for k in vocab.candidates(name)})
            if process and where and process not in where:
                # The process was named, and this parameter is not one of its own.
                problems.append(Problem(f"{name!r} is not a parameter of {process}; it belongs "
                                        f"to {', '.join(where)}", field=name,
                                        hint="check --process, or leave this reading out"))
            elif vocab.is_ambiguous(name, process):
                problems.append(Problem(f"{name!r} is a parameter of several processes: "
                                        f"{', '.join(where)}", field=name,
                                        hint="say which with --process"))
            else:
                suggestions = vocab.suggest(name)
                hint = f"did you mean {' / '.join(suggestions)}?" if suggestions else \
                    "use a parameter name, symbol or glossary synonym"
                problems.append(Problem(f"unknown parameter {name!r}", field=name, hint=hint))
            continue
        if quantity.key in seen:
            problems.append(Problem(
                f"{vocab.names[quantity.key]} is given twice ({seen[quantity.key]} and {name}={given})",
                field=name, hint="give each reading once"))
            continue
        seen[quantity.key] = f"{name}={given}"
        try:
            value, written_unit = parse_value(given)
        except ValueError as exc:
            problems.append(Problem(str(exc), field=name, hint="write a number, e.g. 露点=62"))
            continue
        unit = normalize_unit(quantity.unit)
        converted_from = ""
        if written_unit and normalize_unit(written_unit) != unit:
            try:
                value = convert(value, written_unit, unit)
            except UnitMismatch:
                problems.append(Problem(
                    f"{name}={given}: cannot convert {normalize_unit(written_unit)} to "
                    f"{unit or 'a plain number'}", field=name,
                    hint=f"{vocab.names[quantity.key]} is measured in {unit or 'no unit'}"))
                continue
            converted_from = normalize_unit(written_unit)
        readings.append(Reading(name, str(given), quantity.key, vocab.names[quantity.key],
                                round(value, 9), unit, converted_from))
    if problems:
        raise LaoshifuError(problems)
    return readings, process


def char_bigrams(text: str) -> set[str]:
    chars = [ch for ch in text.casefold() if ch.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def symptom_score(symptom: str, rule: Rule) -> float:
    """Share of the symptom's character pairs that the rule's symptom or title contains."""
    wanted = char_bigrams(symptom)
    if not wanted:
        return 0.0
    have = char_bigrams(f"{rule.symptom} {rule.title}")
    shared = len(wanted & have)
    if shared < min(2, len(wanted)):  # one common pair such as 涂层 is not a match
        return 0.0
    return shared / len(wanted)


def cite(unit: Unit, n: int = 1) -> Citation:
    return Citation(n, unit.id, unit.kind, unit.title, unit.version, unit.source)


def rule_sort_key(rule: Rule) -> tuple:
    return (SEVERITY_RANK.get(rule.severity, 9), CATEGORY_RANK.get(rule.category, 9))


def parsed_rules(rules: Sequence[Rule], vocab: Vocabulary
                 ) -> list[tuple[Rule, conditions.Condition | None]]:
    """Each rule with its parsed condition (None: no condition or one that no longer parses)."""
    out = []
    for rule in rules:
        condition = None
        if rule.condition:
            try:
                condition = conditions.parse(rule.condition, vocab.resolver(rule.process))
            except conditions.ConditionError:
                condition = None  # import rejects these; a stale store should not crash us
        out.append((rule, condition))
    return out


def diagnose(units: Sequence[Unit], readings: Mapping[str, Any], *, symptom: str = "",
             material: Material | None = None, process: str | None = None) -> Diagnosis:
    """Judge readings and a symptom against the knowledge base's windows and rules."""
    material = material or Material()
    if not readings and not symptom.strip():
        raise LaoshifuError(Problem("nothing to diagnose", field="readings",
                                    hint="give readings (露点=65 带速=95) and/or --symptom"))
    vocab = Vocabulary.from_units(units)
    if process:
        _check_process(process, units)
    resolved, process = resolve_readings(vocab, readings, process)
    result = Diagnosis(readings=resolved, process=process, material=material,
                       symptom=symptom.strip())
    values = {r.key: r.value for r in resolved}

    for reading in resolved:
        window, missing = select_window(vocab.parameters.get(reading.key, []), material)
        if window is None:
            if missing:
                result.notes.append(Message("diagnose.note.material", {
                    "name": reading.name, "missing": "/".join(missing)}))
            continue
        deviation = _deviation(reading, window)
        if deviation:
            result.deviations.append(deviation)
        else:
            result.in_window.append(reading)

    rules = [u for u in units if isinstance(u, Rule)
             and (process is None or not u.process or u.process == process)]
    certain: list[tuple[tuple, RuleMatch]] = []
    possible: list[tuple[tuple, RuleMatch]] = []
    for rule, condition in parsed_rules(rules, vocab):
        score = symptom_score(symptom, rule) if symptom.strip() else 0.0
        by_symptom = score >= SYMPTOM_THRESHOLD
        holds = condition is not None and condition.holds(values)
        if holds:
            match = RuleMatch(rule, "both" if by_symptom else "condition", score)
            certain.append(((*rule_sort_key(rule), -condition.specificity(), -score, rule.id),
                            match))
        elif by_symptom and not (condition is not None and condition.evaluate(values) is False):
            # A symptom match whose condition the readings contradict is not even possible.
            possible.append(((-score, *rule_sort_key(rule), rule.id), RuleMatch(rule, "symptom", score)))
    ordered = [m for _, m in sorted(certain, key=lambda x: x[0])] + \
              [m for _, m in sorted(possible, key=lambda x: x[0])]
    result.matches = [RuleMatch(m.rule, m.reason, m.symptom_score, cite(m.rule, i + 1))
                      for i, m in enumerate(ordered)]
    if not resolved and not result.matches:
        result.notes.append(Message("diagnose.note.no_match"))
    return result


def _check_process(process: str, units: Sequence[Unit]) -> None:
    known = sorted({u.process for u in units if u.process})
    if process not in known:
        close = difflib.get_close_matches(process, known, n=3, cutoff=0.4)
        hint = f"did you mean {' / '.join(close)}?" if close else f"one of: {', '.join(known)}"
        raise LaoshifuError(Problem(f"unknown process {process!r}", field="--process", hint=hint))


def _deviation(reading: Reading, window: Parameter) -> Deviation | None:
    if window.upper is not None and reading.value > window.upper:
        return Deviation(reading, "high", window.upper, reading.value - window.upper, window)
    if window.lower is not None and reading.value < window.lower:
        return Deviation(reading, "low", window.lower, window.lower - reading.value, window)
    return None


def render_text(result: Diagnosis, lang: str = DEFAULT_LANG) -> str:
    """The diagnosis as an operator reads it on a terminal, in Chinese or English."""
    lines: list[str] = []
    head = say("diagnose.head", lang)
    if result.process:
        head += f" — {result.process}"
    if result.material.grade or result.material.thickness is not None:
        head += f" ({result.material.grade or '?'} {format_number(result.material.thickness) or '?'} mm)"
    lines.append(head)
    for r in result.readings:
        conv = "  " + say("diagnose.converted", lang, given=r.given_value) if r.converted_from else ""
        lines.append(f"  {r.name} = {format_number(r.value)} {r.unit}{conv}".rstrip())
    if result.readings:
        lines.append("")
    if result.deviations:
        lines.append(say("diagnose.out_of_window", lang))
        for d in result.deviations:
            lines.append(f"  ! {d.describe(lang)}  [{d.window.id} v{d.window.version} {d.window.source}]")
    elif result.in_window:
        lines.append(say("diagnose.all_in_window", lang))
    for note in result.notes:
        lines.append(f"  {say('diagnose.note', lang)}{note.text(lang)}")
    lines.append("")
    if result.certain:
        lines.append(say("diagnose.rules", lang))
        for m in result.certain:
            lines += _render_match(m, lang)
    elif result.readings:
        lines.append(say("diagnose.no_rule", lang))
    if result.possible:
        lines.append("")
        lines.append(say("diagnose.possible", lang))
        for m in result.possible:
            lines += _render_match(m, lang)
    return "\n".join(lines).rstrip() + "\n"


def _render_match(m: RuleMatch, lang: str) -> list[str]:
    r = m.rule
    c = m.citation
    sep = "，" if lang != "en" else ", "
    lines = [f"  [{c.n if c else '-'}] {r.title}  ({word('severity', r.severity, lang)}{sep}"
             f"{word('category', r.category, lang)}{sep}{word('reason', m.reason, lang)})"]
    if r.condition:
        lines.append(f"      {say('diagnose.condition', lang)}{r.condition}")
    lines.append(f"      {say('diagnose.diagnosis', lang)}{r.diagnosis}")
    for i, action in enumerate(r.actions, 1):
        lines.append(f"      {i}. {action}")
    if c:
        lines.append(f"      {say('diagnose.source', lang)}{c.unit_id} v{c.version} {c.source}")
    return lines
