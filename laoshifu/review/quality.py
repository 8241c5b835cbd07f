"""Data problems in a day's series: disorder, duplicates, clock jumps, gaps, stuck sensors."""

from __future__ import annotations

import numpy as np

from .load import DataIssue, ProductionData, line_filter
from .model import Finding, iso

# More backward steps than this is shuffled data, not a clock that was set back.
_CLOCK_JUMPS = 3


def order_issues(data: ProductionData, line: str | None, start: str, end: str) -> list[DataIssue]:
    """Rows in file order: duplicated times, clocks set back, rows out of order.

    Counted in DuckDB: a day can hold millions of rows, and reading each one's file name
    into Python costs gigabytes.
    """
    where, params = line_filter(data, line)
    day = (f"SELECT epoch_ms(time) AS t, file, row FROM {data.relation} "
           f"WHERE time >= ?::TIMESTAMP AND time < ?::TIMESTAMP{where}")
    # A step back is a row earlier than the row before it in the same file.
    back = f"SELECT *, lag(t) OVER (PARTITION BY file ORDER BY row) AS prev FROM ({day})"
    con = data.con
    # The first few steps back, each with the total count (the window runs before LIMIT).
    jumps = con.execute(
        f"SELECT count(*) OVER (), file, row, prev, t FROM ({back}) WHERE t < prev "
        f"ORDER BY file, row LIMIT {_CLOCK_JUMPS + 1}", [start, end, *params]).fetchall()
    extra, first_dup = con.execute(
        f"SELECT sum(n - 1), min(t) FROM (SELECT t, count(*) AS n FROM ({day}) GROUP BY t "
        f"HAVING count(*) > 1)", [start, end, *params]).fetchone()
    issues: list[DataIssue] = []
    backs = jumps[0][0] if jumps else 0
    if 0 < backs <= _CLOCK_JUMPS:
        for _, file, row, before, after in jumps:
            issues.append(DataIssue(
                "clock_backwards", 1, f"{file} row {row}",
                f"time jumps back {(before - after) / 1000:g} s, from "
                f"{iso(before)} to {iso(after)}; rows are sorted by time"))
    elif backs:
        _, file, row, _, after = jumps[0]
        issues.append(DataIssue(
            "unsorted", int(backs), f"{file} row {row}",
            f"{backs} rows are earlier than the row before them (first at "
            f"{iso(after)}); rows are sorted by time before review"))
    if extra:
        issues.append(DataIssue(
            "duplicate_time", int(extra), f"first at {iso(first_dup)}",
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


def repeats(values: np.ndarray) -> int:
    """How many rows repeat the previous row's value (a stuck sensor needs many)."""
    return int(np.count_nonzero(values[1:] == values[:-1])) if values.size > 1 else 0


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
