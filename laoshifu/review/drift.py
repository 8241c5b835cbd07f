"""Drift: a sustained trend toward a limit, found before the limit is crossed.

Works on minute means (the previous days' computed in DuckDB, the review day's gathered
while its columns are checked, so each is read once) expressed in window units: 0 at the target,
+1 at the upper limit, -1 at the lower one, so grade-dependent windows compare alike.
The day's last level is compared with the previous days (or the day's first quarter);
a hinge fit (flat, then a straight ramp) dates when the trend began.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..knowledge.units import Parameter, format_number
from .material import row_windows
from .model import Finding, iso

MIN_SHIFT = 0.3  # share of the way from target to limit
MIN_Z = 5.0  # shift in baseline standard deviations
MIN_RAMP_MINUTES = 20


@dataclass(frozen=True)
class MinuteSeries:
    """Minute means for one parameter over the previous days and the review day."""

    minute_ms: np.ndarray
    values: np.ndarray
    grades: np.ndarray
    thickness: np.ndarray


@dataclass
class DayMinutes:
    """Minute means of the review day's columns (rows sorted by time), with each minute's
    grade (its first row's) and thickness (the median), as DuckDB's minute aggregate gives."""

    minute_ms: np.ndarray
    edges: np.ndarray  # first row of each minute
    grades: np.ndarray
    thickness: np.ndarray
    means: dict[str, np.ndarray]

    @classmethod
    def of(cls, time_ms: np.ndarray, grades: np.ndarray | None,
           thickness: np.ndarray | None) -> "DayMinutes":
        minute = time_ms // 60_000
        edges = np.flatnonzero(np.concatenate(([True], minute[1:] != minute[:-1]))) \
            if time_ms.size else np.zeros(0, np.int64)
        first = grades[edges] if grades is not None else np.full(edges.size, "", dtype=object)
        if thickness is None:
            medians = np.full(edges.size, np.nan)
        else:
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a minute without thickness
                medians = np.array([np.nanmedian(part) for part in np.split(thickness, edges[1:])])
        return cls(minute[edges] * 60_000, edges, first, medians, {})

    def add(self, column: str, values: np.ndarray, missing: np.ndarray | None = None) -> None:
        """Record one column's minute means (``missing``: its NaN rows, when any)."""
        if missing is None:
            sums = np.add.reduceat(values, self.edges) if self.edges.size else values[:0]
            counts = np.diff(np.append(self.edges, values.size))
        else:
            present = ~missing
            sums = np.add.reduceat(np.where(present, values, 0.0), self.edges)
            counts = np.add.reduceat(present, self.edges)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.means[column] = np.where(counts > 0, sums / counts, np.nan)


def normalise(values: np.ndarray, params: Sequence[Parameter], grades: np.ndarray,
              thickness: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values in window units, with each row's lower and upper limits."""
    lower, upper, center, _, _ = row_windows(params, grades, thickness, values.size)
    up = upper - center
    down = center - lower
    # An open side is scaled like the closed one, so the scale stays monotonic.
    up = np.where(np.isnan(up) | (up <= 0), down, up)
    down = np.where(np.isnan(down) | (down <= 0), up, down)
    delta = values - center
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(delta >= 0, delta / up, delta / down)
    return u, lower, upper


def find_drift(name: str, key: str, unit: str, params: Sequence[Parameter], series: MinuteSeries,
               day_start_ms: int) -> Finding | None:
    u, lower, upper = normalise(series.values, params, series.grades, series.thickness)
    today = series.minute_ms >= day_start_ms
    day_u = u[today]
    day_t = series.minute_ms[today]
    finite = ~np.isnan(day_u)
    if finite.sum() < 2 * MIN_RAMP_MINUTES:
        return None
    before = u[~today]
    before = before[~np.isnan(before)]
    if before.size < 60:  # no previous days: the day's first quarter is the baseline
        before = day_u[finite][: max(30, finite.sum() // 4)]
    base = float(np.median(before))
    spread = max(1.4826 * float(np.median(np.abs(before - base))), 0.02)
    tail = day_u[finite][-max(10, finite.sum() // 10):]
    level = float(np.median(tail))
    shift = level - base
    if abs(shift) < MIN_SHIFT or abs(shift) / spread < MIN_Z or abs(level) >= 1:
        return None
    side = "high" if shift > 0 else "low"
    limits = upper[today] if side == "high" else lower[today]
    if np.all(np.isnan(limits)):
        return None
    k, slope = _hinge(day_u[finite], base)
    times = day_t[finite]
    ramp_minutes = (times[-1] - times[k]) / 60000
    if ramp_minutes < MIN_RAMP_MINUTES or slope * (1 if side == "high" else -1) <= 0:
        return None
    fitted_end = base + slope * (finite.sum() - 1 - k)
    remaining = (1 - fitted_end) / slope if side == "high" else (-1 - fitted_end) / slope
    limit = float(np.nanmedian(limits))
    values_today = series.values[today][finite]
    start_value = float(np.median(values_today[max(0, k - 10):k + 1]))
    end_value = float(np.median(values_today[-10:]))
    eta = iso(times[-1] + remaining * 60000) if remaining > 0 else None
    toward = "upper" if side == "high" else "lower"
    summary = (f"{name} drifting toward its {toward} limit {format_number(limit)} {unit}: "
               f"{start_value:.4g} → {end_value:.4g} since {iso(times[k])[11:16]}"
               + (f"; at this rate it crosses about {eta.replace('T', ' ')[:16]}" if eta else ""))
    return Finding("drift", name, iso(times[k]), iso(times[-1] + 59000), key=key,
                   unit_id=params[0].id, summary=summary.replace("  ", " "),
                   detail={"side": side, "limit": limit, "from": round(start_value, 6),
                           "to": round(end_value, 6), "share_of_window": round(abs(shift), 3),
                           "per_hour": round(float(slope) * 60, 4), "crosses_at": eta})


def _hinge(y: np.ndarray, base: float) -> tuple[int, float]:
    """Best breakpoint k and slope for y = base (t < k), base + b (t - k) (t ≥ k)."""
    n = y.size
    t = np.arange(n, dtype=float)
    ks = np.arange(0, n - MIN_RAMP_MINUTES // 2)
    x = np.maximum(0.0, t[None, :] - ks[:, None])  # (K, n)
    d = y - base
    b = (x * d).sum(axis=1) / np.maximum((x ** 2).sum(axis=1), 1e-12)
    sse = ((d[None, :] - b[:, None] * x) ** 2).sum(axis=1)
    best = int(np.argmin(sse))
    return int(ks[best]), float(b[best])
