"""Numbers with their units in Chinese technical text: 60℃, 55~65℃, 0.23mm, 八百四十度, 百分之六十.

Text is read after ``laoshifu.text.normalize`` (half-width, simplified, lower case, one
spelling per unit), so the model's words and the sources are read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..quantities import UnitMismatch, convert, normalize_unit

# Units as they read after normalize(); longest first so "m/min" wins over "min".
_BASE_UNITS = (
    "℃/h", "℃/min", "℃/s", "℃", "°c", "°f", "k", "%", "‰", "ppm", "mm", "μm", "um", "s", "秒",
    "min", "分钟", "h", "小时", "pa", "kpa", "mpa", "mbar", "m/min", "m/s", "g/m2", "g/m²",
    "n/mm²", "n/mm2", "kn", "nm³/h", "m³/h", "l/min", "kw", "rpm", "度", "毫米", "微米", "钟头", "天",
)
_CHINESE_UNITS = {"度": "℃", "毫米": "mm", "微米": "μm", "分钟": "min", "秒": "s", "小时": "h",
                  "钟头": "h"}
_RANGE = r"\s*(?:~|〜|-|–|—|到|至)\s*"
_DIGITS = "零〇一二两三四五六七八九"
_CN_RUN = re.compile(rf"[{_DIGITS}十百千万亿]+(?:点[{_DIGITS}]+)?")
# Words that hold numeral characters but state no number.
_IDIOMS = ("千万", "万一", "一一", "十分", "万万", "百分百", "一五一十", "十全十美", "三番五次")
_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


@dataclass(frozen=True)
class Quantity:
    """One number as written: its value, unit ("" for none), decimals shown, and text."""

    value: float
    unit: str
    decimals: int
    text: str
    plus_minus: bool = False


def unit_pattern(extra_units: Iterable[str] = ()) -> re.Pattern[str]:
    units = sorted({*_BASE_UNITS, *(u.lower() for u in extra_units if u)}, key=len, reverse=True)
    alternatives = "|".join(re.escape(u) for u in units)
    # A Latin unit must not run on into a word (60 kg is not 60 k, 5 min is not 5 m).
    return re.compile(rf"(?:{alternatives})(?![a-z])")


class NumberReader:
    """Reads the quantities of normalized text, knowing the knowledge base's own units."""

    def __init__(self, extra_units: Iterable[str] = ()):
        unit = unit_pattern(extra_units).pattern
        number = r"(?<![a-z_\d.])([-+±]?)(\d+(?:\.\d+)?)"
        self._arabic = re.compile(rf"{number}(?:{_RANGE}(\d+(?:\.\d+)?))?\s*({unit})?")
        self._unit_after = re.compile(rf"\s*[多来余]?\s*个?\s*({unit})")  # 二十个钟头

    def read(self, text: str, *, all_chinese: bool = False) -> list[Quantity]:
        """Every number in ``text``. Chinese numerals count when they are clearly a quantity
        (two characters or more, or followed by a unit) unless ``all_chinese``."""
        found: list[Quantity] = []
        for match in self._arabic.finditer(text):
            sign, first, second, unit = match.groups()
            unit = _canonical(unit or "")
            plus_minus = sign == "±"
            value = float(first) * (-1 if sign == "-" else 1)
            found.append(Quantity(value, unit, _decimals(first), match.group(0).strip(), plus_minus))
            if second is not None:
                found.append(Quantity(float(second), unit, _decimals(second), match.group(0).strip()))
        found += self._chinese(text, all_chinese)
        return found

    def _chinese(self, text: str, all_chinese: bool) -> list[Quantity]:
        out = []
        for match in _CN_RUN.finditer(text):
            run = match.group(0)
            if any(idiom in text[max(0, match.start() - 3):match.end() + 3] and run in idiom
                   for idiom in _IDIOMS):
                continue
            unit_match = self._unit_after.match(text, match.end()) or self._range_unit(text, match.end())
            unit = _canonical(unit_match.group(1)) if unit_match else ""
            if text[max(0, match.start() - 3):match.start()] == "百分之":
                unit = "%"
            if not (all_chinese or len(run) >= 2 or unit):
                continue
            value = chinese_number(run)
            decimals = len(run.split("点", 1)[1]) if "点" in run else 0
            if value is None and (pair := chinese_pair(run)):
                # 六七天, 二三十个: "six or seven", read as the range it says
                out += [Quantity(v, unit, 0, run) for v in pair]
                continue
            # An unreadable run (一两百, 三五) is kept as text: it must then appear as written.
            out.append(Quantity(value if value is not None else float("nan"), unit, decimals, run))
        return out


    def _range_unit(self, text: str, end: int) -> re.Match[str] | None:
        """二十到三十个钟头: the first number of a range has the unit said after the second."""
        second = _CN_RANGE_END.match(text, end)
        return self._unit_after.match(text, second.end()) if second else None


_CN_RANGE_END = re.compile(rf"{_RANGE}[{_DIGITS}十百千万]+")


def _canonical(unit: str) -> str:
    return normalize_unit(_CHINESE_UNITS.get(unit, unit))


def _decimals(digits: str) -> int:
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def chinese_number(run: str) -> float | None:
    """八百四十 → 840, 一千一百 → 1100, 零点二三 → 0.23, 两万 → 20000; None if unreadable."""
    whole, _, fraction = run.partition("点")
    value = _chinese_integer(whole)
    if value is None:
        return None
    if fraction:
        digits = [_CN_VALUES.get(c) for c in fraction]
        if None in digits:
            return None
        return float(f"{value}.{''.join(str(d) for d in digits)}")
    return float(value)


def chinese_pair(run: str) -> tuple[float, float] | None:
    """Two neighbouring numerals, "this or the next": 六七 → (6, 7), 两三 → (2, 3), 二三十 →
    (20, 30), 七八百 → (700, 800); None for anything else."""
    match = re.fullmatch(r"([一二两三四五六七八])([二三四五六七八九])([十百千万]?)", run)
    if not match:
        return None
    low, high = _CN_VALUES[match.group(1)], _CN_VALUES[match.group(2)]
    if high != low + 1:
        return None
    scale = _CN_SCALES.get(match.group(3), 1)
    return float(low * scale), float(high * scale)


def _chinese_integer(text: str) -> int | None:
    if not text:
        return None
    total, section, digit, last_scale, zero = 0, 0, None, None, False
    for char in text:
        if char in "零〇" and last_scale is not None:
            zero = True  # 一百零五: the digit after it is units, not tens
        elif char in _CN_VALUES:
            if digit is not None:
                return None  # 三四: two digits in a row is a guess, not a number
            digit = _CN_VALUES[char]
        elif char in _CN_SCALES:
            scale = _CN_SCALES[char]
            if scale >= 10_000:
                section = (section + (digit or 0)) * scale
                total += section
                section = 0
            else:
                if last_scale is not None and scale >= last_scale and total == 0 and section:
                    return None  # 百十: scales out of order
                section += (1 if digit is None else digit) * scale
            last_scale, zero = scale, False
            digit = None
        else:
            return None
    if digit is not None and last_scale is not None and last_scale >= 100 and not zero:
        digit *= last_scale // 10  # 七百五 is 750, 一千二 is 1200: the next place down
    return total + section + (digit or 0)


def same_quantity(claim: Quantity, source: Quantity) -> bool:
    """Does the claimed number say what the source's number says?

    Units convert (60℃ is 333.15 K; written as 333 K it is the same at the claim's
    precision). A claim without a unit must equal a source number; a claim with a unit
    needs a source number with a unit it converts from.
    """
    if claim.value != claim.value or source.value != source.value:  # NaN: unreadable
        return claim.text == source.text
    values = {source.value, -source.value} if claim.plus_minus else {source.value}
    if not claim.unit:
        return any(_close(claim.value, v) for v in values)
    if not source.unit:
        return False
    for value in values:
        try:
            converted = convert(value, source.unit, claim.unit)
        except UnitMismatch:
            return False
        if _close(claim.value, converted):
            return True
        # The converted value written at the claim's precision (333.15 K as 333 K).
        if converted and round(converted, claim.decimals) == claim.value \
                and abs(claim.value - converted) <= 0.01 * abs(converted):
            return True
    return False


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
