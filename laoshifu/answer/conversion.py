"""The answer's numbers in the unit the question asks for, and in digits.

"常化第二段多少K？" is answered from a window in ℃ and a sentence saying "900到950℃":
the apprentice asked in kelvin, so the answer adds each figure converted (≈ 1173～1223 K),
beside the master's own figure and its citation — a worked conversion, never a new value.
The master often says a figure in words ("超过十五毫米就得纠"): it is added in digits
(十五 = 15 mm), so it reads at a glance and compares with a gauge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..quantities import UnitMismatch, convert, normalize_unit
from ..text import normalize
from .model import Answer

_SAY = r"(?:多少|几|换成|换算成|折成|折合|合多少|用|按|in|to)\s*(?:个)?"
# unit asked -> how a (normalised) question asks for it
_ASKED: tuple[tuple[str, re.Pattern], ...] = tuple((unit, re.compile(pattern)) for unit, pattern in (
    ("K", rf"开尔文|开氏|kelvin|{_SAY}k(?![a-z])"),
    ("°F", r"华氏|fahrenheit|℉|°f"),
    ("μm", rf"{_SAY}(?:μm|um(?![a-z])|微米|microns?)"),
    ("mm", rf"{_SAY}(?:mm(?![a-z])|毫米|millimet)"),
    ("kPa", rf"{_SAY}(?:kpa(?![a-z])|千帕)"),
    ("MPa", rf"{_SAY}(?:mpa(?![a-z])|兆帕)"),
    ("mbar", rf"{_SAY}(?:mbar|毫巴)"),
    ("Pa", rf"{_SAY}(?:pa(?![a-z])|帕(?!斯))"),
    ("ppm", rf"{_SAY}ppm"),
    ("%", rf"百分之几|{_SAY}(?:%|百分比)|percent"),
    ("h", rf"{_SAY}(?:小时|钟头|h(?![a-z])|hours?)"),
    ("min", rf"{_SAY}(?:分钟|min(?![a-z])|minutes?)"),
    ("s", rf"{_SAY}(?:秒(?!钟?[内以])|s(?![a-z])|seconds?)"),
    ("mg/m²", rf"{_SAY}毫克|mg/m"),
    ("m/s", r"m/s|米每秒|米/秒"),
))

_NUMBER = r"[-−]?\d+(?:\.\d+)?"
# A figure in a quoted sentence: a number or a range, then its unit ("900到950℃", "2.3 μm").
_FIGURE = re.compile(rf"({_NUMBER})(?:\s*(?:到|至|～|~|—|-)\s*({_NUMBER}))?\s*"
                     r"(℃|°c|k(?![a-z])|°f|℉|μm|um(?![a-z])|mm(?![a-z])|kpa|mpa|mbar|pa(?![a-z])|ppm|%|"
                     r"h(?![a-z/])|min(?![a-z])|s(?![a-z])|g/m²|g/m2|m/min|m/s)", re.IGNORECASE)


@dataclass(frozen=True)
class Conversion:
    """One figure of the answer in the unit asked: what it is, as the master gave it, and
    converted, with the citation of where he gave it."""

    what: str
    given: str
    converted: str
    citation: int

    def to_dict(self) -> dict:
        return {"what": self.what, "given": self.given, "converted": self.converted,
                "citation": self.citation}


def asked_unit(text: str) -> str:
    """The unit a (normalised) question asks its answer in, or ""."""
    return next((unit for unit, pattern in _ASKED if pattern.search(text)), "")


def conversions(question: str, answer: Answer) -> list[Conversion]:
    """Each window and quoted figure whose unit converts to the one asked, converted; and a
    figure the master said in words (超过十五毫米) also in digits, whatever was asked."""
    unit = asked_unit(normalize(question))
    out: list[Conversion] = _worded_figures(answer, unit)
    if not unit:
        return out
    for w in answer.windows:
        values = [v for v in (w.lower, w.upper) if v is not None] or \
            ([w.target] if w.target is not None else [])
        converted = _converted(values, w.unit, unit)
        if converted:
            given = "～".join(_fmt(v) for v in values) + f" {w.unit}"
            what = f"{w.name}（{w.process}{'，' + w.condition if w.condition else ''}）"
            out.append(Conversion(what, given, converted, w.citation))
    for sentence in answer.sentences:
        for match in _FIGURE.finditer(sentence.text):
            values = [float(x.replace("−", "-")) for x in match.groups()[:2] if x]
            converted = _converted(values, match.group(3), unit)
            if converted:
                out.append(Conversion("", match.group(0).strip(), converted,
                                      sentence.citations[0] if sentence.citations else 0))
    return list({(c.given, c.converted): c for c in out}.values())


def _worded_figures(answer: Answer, unit: str) -> list[Conversion]:
    """"十五毫米" → 15 mm (or in the unit asked): the master's figures in words, in digits."""
    reader = _reader()
    out = []
    for sentence in answer.sentences:
        worded: dict[tuple[str, str], list[float]] = {}  # 六七天 reads as two values
        for quantity in reader.read(normalize(sentence.text)):
            if re.search(r"\d", quantity.text) or not quantity.unit or quantity.value != quantity.value:
                continue
            worded.setdefault((quantity.text, quantity.unit), []).append(quantity.value)
        for (text, given_unit), values in worded.items():
            digits = "= " + "～".join(_fmt(v) for v in values) + f" {given_unit}"
            converted = _converted(values, given_unit, unit) if unit else ""
            out.append(Conversion("", text, converted or digits,
                                  sentence.citations[0] if sentence.citations else 0))
    return out


@lru_cache(maxsize=1)
def _reader():
    from ..llm.numbers import NumberReader

    return NumberReader()


def _converted(values: list[float], given_unit: str, unit: str) -> str:
    source = normalize_unit(given_unit)
    if not values or not source or source == unit:
        return ""
    try:
        numbers = [convert(v, source, unit) for v in values]
    except UnitMismatch:
        return ""
    return "≈ " + "～".join(_fmt(v) for v in numbers) + f" {unit}"


def _fmt(value: float) -> str:
    """Four significant figures, no trailing zeros: 1173.15 → 1173, 0.0023 → 0.0023."""
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"
