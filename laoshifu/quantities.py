"""Units of measure: one spelling per unit, and conversion where it is defined."""

from __future__ import annotations

_ALIASES = {
    "°c": "℃", "℃": "℃", "度": "℃", "摄氏度": "℃", "degc": "℃", "c": "℃",
    "k": "K", "°f": "°F", "℉": "°F",
    "%": "%", "％": "%", "ppm": "ppm", "‰": "‰",
    "mm": "mm", "μm": "μm", "um": "μm", "µm": "μm",
    "s": "s", "秒": "s", "min": "min", "分钟": "min", "h": "h", "小时": "h",
    "pa": "Pa", "kpa": "kPa", "mpa": "MPa", "mbar": "mbar",
    "m/min": "m/min", "米/分": "m/min", "m/s": "m/s",
    "g/m2": "g/m²", "g/m²": "g/m²", "mg/m2": "mg/m²", "mg/m²": "mg/m²",
    "℃/h": "℃/h", "°c/h": "℃/h", "℃/min": "℃/min", "℃/s": "℃/s",
    "n/mm²": "N/mm²", "n/mm2": "N/mm²",
}

# unit -> (dimension, factor to the dimension's base unit, offset)
_LINEAR = {
    "℃": ("temperature", 1.0, 0.0),
    "K": ("temperature", 1.0, -273.15),
    "°F": ("temperature", 5 / 9, -32 * 5 / 9),
    "%": ("fraction", 1e4, 0.0),
    "‰": ("fraction", 1e3, 0.0),
    "ppm": ("fraction", 1.0, 0.0),
    "mm": ("length", 1000.0, 0.0),
    "μm": ("length", 1.0, 0.0),
    "s": ("time", 1.0, 0.0),
    "min": ("time", 60.0, 0.0),
    "h": ("time", 3600.0, 0.0),
    "Pa": ("pressure", 1.0, 0.0),
    "kPa": ("pressure", 1e3, 0.0),
    "MPa": ("pressure", 1e6, 0.0),
    "N/mm²": ("pressure", 1e6, 0.0),
    "mbar": ("pressure", 100.0, 0.0),
    "m/min": ("speed", 1 / 60, 0.0),
    "m/s": ("speed", 1.0, 0.0),
    "g/m²": ("coating weight", 1.0, 0.0),
    "mg/m²": ("coating weight", 1e-3, 0.0),
}


class UnitMismatch(ValueError):
    """Two units that cannot be converted into each other."""


def normalize_unit(unit: str) -> str:
    text = (unit or "").strip()
    return _ALIASES.get(text.lower(), text)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``; an empty side means 'as is'."""
    source, target = normalize_unit(from_unit), normalize_unit(to_unit)
    if not source or not target or source == target:
        return value
    a, b = _LINEAR.get(source), _LINEAR.get(target)
    if a is None or b is None or a[0] != b[0]:
        raise UnitMismatch(f"cannot convert {source} to {target}")
    base = value * a[1] + a[2]
    return (base - b[2]) / b[1]
