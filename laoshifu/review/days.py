"""Which day to review: the bulk of the data decides, never a stray row.

A clock set to 2099 or to 1970 writes a row or two on a day of its own; the newest day in
the data is then a day with almost nothing on it, and "nothing out of window" on it says
nothing. Rows are counted per day in DuckDB; implausible days (before 2000, or a few rows
in the future or far after the rest) are set aside and reported; the review defaults to
the latest day that holds a substantial share of the rows; a reviewed day with far fewer
rows than expected is itself a finding (数据不足).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from .load import DataIssue, ProductionData, line_filter
from .model import Finding

EARLIEST = date(2000, 1, 1)  # plant historians hold nothing older; 1970 is an unset clock
LATEST = date(2200, 1, 1)  # and nothing this far ahead (9999-12-31 is a placeholder)
SUBSTANTIAL = 0.5  # a day with at least this share of the busiest day's rows is a full day
MIN_DAY_ROWS = 60  # fewer rows than this never make a day, whatever the other days hold
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class DayChoice:
    """The day reviewed, how it was chosen, and what the rest of the data looked like."""

    day: str
    given: bool  # named with --day (else chosen from the data)
    reason: str
    rows: int  # rows on the day
    busiest: int  # rows on the busiest plausible day
    days: dict[str, int] = field(default_factory=dict)  # plausible day -> rows
    skipped: list[str] = field(default_factory=list)  # later days passed over: too few rows
    set_aside: int = 0  # rows at implausible times

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DayCounts:
    """Rows per day, split into plausible days and implausible ones."""

    plausible: dict[str, int]
    implausible: dict[str, int]


def count_days(data: ProductionData, line: str | None, today: date) -> DayCounts:
    """Rows per day (one DuckDB aggregate), implausible days set apart.

    Implausible: before 2000 or after 2200; after tomorrow, when the data also holds days
    up to tomorrow (if it holds none, the computer's clock is the one that is wrong); and a
    day with under half the busiest day's rows more than a day after the last full day.
    """
    where, params = line_filter(data, line)
    rows = data.con.execute(
        f"SELECT CAST(time AS DATE) AS day, count(*) FROM {data.relation} "
        f"WHERE time IS NOT NULL{where} GROUP BY 1 ORDER BY 1", params).fetchall()
    counts = {d: int(n) for d, n in rows}
    inside = {d: n for d, n in counts.items() if EARLIEST <= d < LATEST}
    horizon = today.toordinal() + 1
    if any(d.toordinal() <= horizon for d in inside):
        inside = {d: n for d, n in inside.items() if d.toordinal() <= horizon}
    busiest = max(inside.values(), default=0)
    full = [d.toordinal() for d, n in inside.items() if n >= SUBSTANTIAL * busiest]
    last_full = max(full, default=0)
    plausible = {d.isoformat(): n for d, n in inside.items()
                 if n >= SUBSTANTIAL * busiest or d.toordinal() <= last_full + 1}
    implausible = {d.isoformat(): n for d, n in counts.items() if d.isoformat() not in plausible}
    return DayCounts(plausible, implausible)


def implausible_issue(data: ProductionData, line: str | None, counts: DayCounts) -> DataIssue | None:
    """The rows set aside, with the first one's file and row."""
    if not counts.implausible:
        return None
    where, params = line_filter(data, line)
    days = sorted(counts.implausible)
    file, row, at = data.con.execute(
        f"SELECT file, row, time FROM {data.relation} WHERE CAST(time AS DATE) IN "
        f"(SELECT unnest(?::DATE[])){where} ORDER BY file, row LIMIT 1", [days, *params]).fetchone()
    total = sum(counts.implausible.values())
    shown = ", ".join(f"{d} ({counts.implausible[d]:,})" for d in days[:4])
    shown += " …" if len(days) > 4 else ""
    return DataIssue("implausible_time", total, f"{file} row {row}",
                     f"{total:,} 行时间不可信（早于 2000 年、在未来、或远离其余数据），未参与日报："
                     f"{shown}，例如 {at}。{total:,} rows at implausible times set aside (before "
                     "2000, in the future or far after the rest of the data); check the logger's clock")


def choose_day(counts: DayCounts, given: str | None) -> DayChoice:
    """The day named with ``given``, or the latest day holding a substantial share of rows
    (``counts`` has at least one plausible day)."""
    days = counts.plausible
    busiest = max(days.values())
    set_aside = sum(counts.implausible.values())
    aside = f"；{set_aside:,} 行时间不可信，未计入 ({set_aside:,} rows at implausible times set aside)" \
        if set_aside else ""
    if given:
        return DayChoice(given, True, f"按 --day 指定 (given with --day){aside}", days.get(given, 0),
                         busiest, dict(days), set_aside=set_aside)
    full = [d for d, n in days.items() if n >= SUBSTANTIAL * busiest]
    day = full[-1]
    skipped = [d for d in days if d > day]
    reason = (f"自动选择：行数够多的最后一天（{days[day]:,} 行；最多的一天 {busiest:,} 行）"
              "(chosen from the data: the latest day with at least half the busiest day's rows)")
    if skipped:
        listed = ", ".join(f"{d} ({days[d]:,})" for d in skipped)
        reason += f"；跳过之后行数太少的 {listed} (later days with too few rows skipped)"
    return DayChoice(day, False, reason + aside, days[day], busiest, dict(days), skipped, set_aside)


def insufficient(choice: DayChoice, rows: int, step_seconds: float) -> Finding | None:
    """数据不足: the day holds under half the rows expected, so silence proves nothing.

    Expected: the busiest day's rows when the data holds other days (the line's own shift
    length and cadence), else a full day at the day's sampling step.
    """
    others = len(choice.days) > 1
    full_day = int(DAY_SECONDS / max(step_seconds, 1e-3))
    expected = choice.busiest if others else full_day
    # The floor keeps a few stray rows from passing as a day when every day is that thin.
    if rows >= max(min(MIN_DAY_ROWS, full_day), SUBSTANTIAL * expected):
        return None
    basis = "最多的一天 the busiest day" if others else \
        f"每 {step_seconds:g} 秒一行的一整天 a full day at one row every {step_seconds:g} s"
    return Finding("insufficient_data", None, f"{choice.day}T00:00:00", f"{choice.day}T23:59:59",
                   severity="high", category="safety",
                   summary=f"数据不足：{rows:,} 行，应有约 {expected:,} 行（{basis}）；这一天无法判断是否正常 "
                           f"(only {rows:,} rows of about {expected:,} expected: the day cannot be "
                           "called clear)",
                   detail={"rows": rows, "expected": expected, "basis": "busiest_day" if others
                           else "full_day"})


def today() -> date:
    return datetime.now().date()
