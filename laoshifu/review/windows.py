"""Window checks over a day of readings, many parameters at once (numpy, no row loops).

Each column is checked as one array: the common case, a parameter that stayed inside its
window all day, costs one comparison; only parameters that left their window are split
into excursions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..knowledge.units import Parameter, format_number
from .material import GradeCodes, row_windows
from .model import Finding, ParameterSummary, episodes, iso

MAX_EPISODES = 20  # excursions listed per parameter; the rest are counted


@dataclass
class Bounds:
    """Per-row lower/upper for one parameter (scalars when no window is conditional)."""

    lower: np.ndarray | float
    upper: np.ndarray | float
    index: np.ndarray | int  # which window applies (-1: none)
    missing: list[str]


def bounds_for(params: Sequence[Parameter], grades: np.ndarray | GradeCodes | None,
               thickness: np.ndarray | None, length: int) -> Bounds:
    if len(params) == 1 and not params[0].condition:
        p = params[0]
        return Bounds(-np.inf if p.lower is None else p.lower,
                      np.inf if p.upper is None else p.upper, 0, [])
    lower, upper, _, index, missing = row_windows(params, grades, thickness, length)
    lower = np.where(np.isnan(lower), -np.inf, lower)
    upper = np.where(np.isnan(upper), np.inf, upper)
    # Rows no window applies to are not checked at all.
    lower[index < 0] = -np.inf
    upper[index < 0] = np.inf
    return Bounds(lower, upper, index, missing)


def out_of_window(values: np.ndarray, bounds: Bounds) -> int:
    """Rows of one column outside their window (a missing value is never out)."""
    with np.errstate(invalid="ignore"):
        return int(np.count_nonzero((values < bounds.lower) | (values > bounds.upper)))


def excursions(summary: ParameterSummary, values: np.ndarray, time_ms: np.ndarray,
               bounds: Bounds, params: Sequence[Parameter], coils: np.ndarray | None,
               step_ms: int, merge_ms: int) -> list[Finding]:
    """Split one parameter's out-of-window rows into excursions; fill its summary."""
    with np.errstate(invalid="ignore"):
        high = values > bounds.upper
        low = values < bounds.lower
    mask = high | low
    over = np.where(high, values - bounds.upper, np.where(low, bounds.lower - values, 0.0))
    starts, ends = episodes(mask, time_ms, merge_ms)
    summary.out_rows = int(mask.sum())
    summary.out_seconds = summary.out_rows * step_ms / 1000
    summary.excursions = int(starts.size)
    if coils is not None:
        summary.coils = sorted(c for c in np.unique(coils[mask]).tolist() if c)
    worst_row = int(np.argmax(over))
    window = _window_at(params, bounds, worst_row)
    summary.worst = _describe(values, bounds, worst_row, high[worst_row], time_ms, window)
    findings = []
    order = np.argsort(-(ends - starts), kind="stable")[:MAX_EPISODES]
    for e in sorted(order.tolist()):
        a, b = int(starts[e]), int(ends[e])
        row = a + int(np.argmax(over[a:b + 1]))
        window = _window_at(params, bounds, row)
        detail = _describe(values, bounds, row, high[row], time_ms, window)
        detail["out_seconds"] = float(mask[a:b + 1].sum() * step_ms / 1000)
        if coils is not None:
            detail["coils"] = sorted(c for c in np.unique(coils[a:b + 1][mask[a:b + 1]]).tolist() if c)
        side = "above" if detail["side"] == "high" else "below"
        text = (f"{summary.name} {side} {format_number(detail['limit'])} {summary.unit} for "
                f"{_duration(detail['out_seconds'])}; worst {format_number(detail['value'])} at "
                f"{detail['at'][11:]}").replace("  ", " ")
        findings.append(Finding("excursion", summary.name, iso(time_ms[a]), iso(time_ms[b]),
                                key=summary.key, unit_id=window.id if window else None,
                                category="", summary=text, detail=detail))
    return findings


def _window_at(params: Sequence[Parameter], bounds: Bounds, row: int) -> Parameter | None:
    index = bounds.index if np.ndim(bounds.index) == 0 else int(bounds.index[row])
    return params[index] if 0 <= index < len(params) else None


def _describe(values, bounds: Bounds, row: int, is_high: bool, time_ms, window) -> dict:
    limit = float(np.broadcast_to(bounds.upper if is_high else bounds.lower, values.shape)[row])
    value = float(values[row])
    return {"side": "high" if is_high else "low", "limit": limit, "value": value,
            "by": round(abs(value - limit), 6), "at": iso(time_ms[row]),
            "window": window.window_text() if window else "",
            "condition": window.condition if window else "",
            "source": window.source if window else ""}


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"
