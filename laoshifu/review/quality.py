"""Data problems in a day's series: disorder, duplicates, clock jumps, gaps, stuck sensors."""

from __future__ import annotations

import numpy as np

from .load import DataIssue
from .model import Finding, iso

# More backward steps than this is shuffled data, not a clock that was set back.
_CLOCK_JUMPS = 3


def order_issues(time_ms: np.ndarray, files: np.ndarray, rows: np.ndarray) -> list[DataIssue]:
    """Rows in file order: duplicated times, clocks set back, rows out of order."""
    issues: list[DataIssue] = []
    if time_ms.size < 2:
        return issues
    same_file = files[1:] == files[:-1]
    step = np.diff(time_ms)
    back = np.flatnonzero((step < 0) & same_file)
    if back.size:
        if back.size <= _CLOCK_JUMPS:
            for i in back:
                issues.append(DataIssue(
                    "clock_backwards", 1, f"{files[i + 1]} row {rows[i + 1]}",
                    f"time jumps back {(time_ms[i] - time_ms[i + 1]) / 1000:g} s, from "
                    f"{iso(time_ms[i])} to {iso(time_ms[i + 1])}; rows are sorted by time"))
        else:
            i = back[0]
            issues.append(DataIssue(
                "unsorted", int(back.size), f"{files[i + 1]} row {rows[i + 1]}",
                f"{back.size} rows are earlier than the row before them (first at "
                f"{iso(time_ms[i + 1])}); rows are sorted by time before review"))
    values, counts = np.unique(time_ms, return_counts=True)
    dup = counts > 1
    if dup.any():
        extra = int((counts[dup] - 1).sum())
        issues.append(DataIssue(
            "duplicate_time", extra, f"first at {iso(values[dup][0])}",
            f"{extra} rows repeat a time already seen; the first row of each time is used"))
    return issues


def sample_step_ms(time_ms: np.ndarray) -> int:
    if time_ms.size < 2:
        return 1000
    step = np.diff(time_ms)
    step = step[step > 0]
    return int(np.median(step)) if step.size else 1000


def gaps(time_ms: np.ndarray, step_ms: int, gap_ms: int) -> list[Finding]:
    """Stretches with no rows at all (the historian or the network was down)."""
    if time_ms.size < 2:
        return []
    step = np.diff(time_ms)
    at = np.flatnonzero(step > gap_ms)
    out = []
    for i in at:
        start, end = time_ms[i] + step_ms, time_ms[i + 1] - step_ms
        minutes = (end - start + step_ms) / 60000
        out.append(Finding("gap", None, iso(start), iso(end), category="equipment",
                           summary=f"no data for {minutes:.1f} min",
                           detail={"seconds": (end - start + step_ms) / 1000}))
    return out


def stuck_candidates(values: np.ndarray, min_rows: int) -> np.ndarray:
    """Parameters (rows of a chunk) with at least ``min_rows`` repeats of the previous value."""
    if values.shape[1] < 2:
        return np.zeros(values.shape[0], dtype=bool)
    same = values[:, 1:] == values[:, :-1]
    return same.sum(axis=1) >= min_rows


def stuck_runs(values: np.ndarray, time_ms: np.ndarray, min_ms: int) -> list[tuple[int, int]]:
    """Row spans where a live signal repeats one value for at least ``min_ms``."""
    finite = ~np.isnan(values)
    if finite.sum() < 3 or np.nanstd(values) == 0:
        return []  # a signal that never moves is a constant, not a stuck sensor
    same = np.zeros(values.size, dtype=bool)
    same[1:] = (values[1:] == values[:-1]) & finite[1:]
    padded = np.concatenate(([False], same, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)  # first repeated row
    ends = np.flatnonzero(edges == -1) - 1
    out = []
    for a, b in zip(starts, ends):
        a = a - 1  # the run includes the row whose value is repeated
        if time_ms[b] - time_ms[a] >= min_ms:
            out.append((int(a), int(b)))
    return out


def stuck_findings(name: str, key: str, values: np.ndarray, time_ms: np.ndarray,
                   min_ms: int) -> list[Finding]:
    out = []
    for a, b in stuck_runs(values, time_ms, min_ms):
        minutes = (time_ms[b] - time_ms[a]) / 60000
        out.append(Finding("stuck_sensor", name, iso(time_ms[a]), iso(time_ms[b]), key=key,
                           category="equipment",
                           summary=f"{name} stuck at {values[a]:g} for {minutes:.0f} min",
                           detail={"value": float(values[a]), "minutes": round(minutes, 1)}))
    return out


def missing_issue(name: str, column: str, values: np.ndarray, time_ms: np.ndarray) -> DataIssue | None:
    missing = np.isnan(values)
    count = int(missing.sum())
    if not count:
        return None
    first = int(np.argmax(missing))
    return DataIssue("missing_values", count, f"first at {iso(time_ms[first])}",
                     f"{count} rows without a value for {name}", column=column)
