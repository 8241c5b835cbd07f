"""Long data (one row per reading) reviewed in DuckDB without pivoting it.

A line-day of 700 parameters at 1 Hz is 60 million readings. One aggregate per
(parameter, minute) over the day — count, sum, min, max, first and last value — is enough
to tell which parameters *may* have left their window, *may* be stuck or *do* have
missing values. Only those, and the few that rules and charts need, are fetched as numpy
columns and then checked by exactly the code that checks wide data, so both shapes give
the same findings. The same aggregate gives drift its minute means.

The screens are necessary conditions, never approximations: a parameter that is not
fetched cannot have an excursion (every minute's min and max lie inside the strictest
window of that minute), a stuck run, or a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .load import DataColumn, DataIssue, ProductionData, _literal, line_filter
from .convert import linear
from .model import iso
from .windows import Bounds

MINUTE_MS = 60_000


@dataclass
class MinuteStats:
    """Per (parameter, minute) of one day, sorted by parameter then minute."""

    column: np.ndarray  # index into data.columns; -1 for tags the knowledge base lacks
    minute: np.ndarray  # epoch minutes
    readings: np.ndarray  # rows, values or not
    count: np.ndarray  # numeric, non-NaN values
    total: np.ndarray
    low: np.ndarray
    high: np.ndarray
    first: np.ndarray
    last: np.ndarray
    seconds: np.ndarray  # bit s set: a reading in second s of the minute

    def of(self, i: int) -> slice:
        a, b = np.searchsorted(self.column, [i, i + 1])
        return slice(int(a), int(b))


@dataclass
class Screen:
    """Which parameters need their values fetched, and why."""

    flagged: np.ndarray  # may have left the window
    stuck: np.ndarray  # may hold one value for the stuck time
    missing: np.ndarray  # rows without a value


def value_sql(data: ProductionData) -> str:
    """The reading in the parameter's unit (headers with another unit are converted)."""
    cases = []
    for c in data.columns:
        if c.converted_from:
            a, b = linear(c.converted_from, c.unit)
            cases.append(f"WHEN {_literal(c.source)} THEN value * {a!r} + {b!r}")
    return f"CASE parameter {' '.join(cases)} ELSE value END" if cases else "value"


def _day_where(data: ProductionData, line: str | None) -> tuple[str, list]:
    where, params = line_filter(data, line)
    return f"time >= ?::TIMESTAMP AND time < ?::TIMESTAMP{where}", params


def _tags_table(data: ProductionData) -> None:
    data.con.execute("CREATE OR REPLACE TEMP TABLE long_tags (parameter VARCHAR, i INTEGER)")
    if data.columns:
        data.con.executemany("INSERT INTO long_tags VALUES (?, ?)",
                             [(c.source, i) for i, c in enumerate(data.columns)])


def day_stats(data: ProductionData, line: str | None, start: str, end: str) -> MinuteStats:
    """One pass over the day's readings: the (parameter, minute) aggregate."""
    _tags_table(data)
    where, params = _day_where(data, line)
    sql = f"""
        SELECT coalesce(t.i, -1) AS column, a.* EXCLUDE (parameter) FROM (
            SELECT parameter, epoch_ms(time) // {MINUTE_MS} AS minute, count(*) AS readings,
                   count(v) AS count, coalesce(sum(v), 0) AS total, min(v) AS low, max(v) AS high,
                   arg_min(v, time) AS first, arg_max(v, time) AS last,
                   bit_or(1::UBIGINT << ((epoch_ms(time) % {MINUTE_MS}) // 1000)::INTEGER) AS seconds
            FROM (SELECT time, parameter, nullif({value_sql(data)}, 'NaN'::DOUBLE) AS v
                  FROM {data.readings} WHERE {where} AND parameter IS NOT NULL)
            GROUP BY ALL) a
        LEFT JOIN long_tags t USING (parameter)
        ORDER BY 1, 2"""
    out = data.con.execute(sql, [start, end, *params]).fetchnumpy()
    get = lambda k, dtype=float: np.ma.filled(np.ma.asarray(out[k], dtype=dtype), np.nan) \
        if dtype is float else np.asarray(out[k], dtype=dtype)
    return MinuteStats(get("column", np.int64), get("minute", np.int64), get("readings", np.int64),
                       get("count", np.int64), get("total"), get("low"), get("high"),
                       get("first"), get("last"), get("seconds", np.uint64))


def deduplicate(data: ProductionData, stats: MinuteStats, line: str | None, start: str,
                end: str) -> DataIssue | None:
    """Find the same parameter twice at one time; if any, read the first row of each.

    A minute whose readings outnumber the distinct seconds they fall in is a suspect;
    only suspects are checked exactly, so clean data costs nothing more.
    """
    suspect = stats.readings > np.bitwise_count(stats.seconds)
    if not suspect.any():
        return None
    con = data.con
    where, params = _day_where(data, line)
    con.execute("CREATE OR REPLACE TEMP TABLE long_suspects (column INTEGER, minute BIGINT)")
    con.executemany("INSERT INTO long_suspects VALUES (?, ?)",
                    list(zip(stats.column[suspect].tolist(), stats.minute[suspect].tolist())))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE long_suspect_keys AS
        SELECT DISTINCT s.minute, coalesce(t.parameter, u.parameter) AS parameter
        FROM long_suspects s LEFT JOIN long_tags t ON s.column = t.i
        LEFT JOIN (SELECT DISTINCT parameter FROM long_raw WHERE parameter NOT IN
                   (SELECT parameter FROM long_tags)) u ON s.column = -1""")
    keyed = f"(SELECT *, epoch_ms(time) // {MINUTE_MS} AS minute FROM long_raw WHERE {where})"
    count, first = con.execute(f"""
        SELECT count(*), min(time) FROM (
            SELECT time, line, parameter FROM {keyed} r SEMI JOIN long_suspect_keys k
            USING (minute, parameter) GROUP BY ALL HAVING count(*) > 1)""",
                               [start, end, *params]).fetchone()
    if not count:
        return None
    # Readings of suspect minutes are reduced to the first numeric value by row, as the
    # files say it first; every other reading passes through untouched.
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW long_day AS
        SELECT time, line, parameter, value FROM {keyed} r
            ANTI JOIN long_suspect_keys k USING (minute, parameter)
        UNION ALL
        SELECT time, line, parameter, arg_min(value, row) AS value FROM {keyed} r
            SEMI JOIN long_suspect_keys k USING (minute, parameter) GROUP BY time, line, parameter""")
    data.con.execute("PREPARE long_day_params AS SELECT 1")  # keeps the view's parameters bound
    data.readings = "long_day"
    data.readings_params = [start, end, *params]  # type: ignore[attr-defined]
    return DataIssue("duplicate_time", int(count), f"first at {first}",
                     "the same parameter twice at one time; the first row is used")


def screen(stats: MinuteStats, columns: Sequence[DataColumn], bounds: Sequence[Bounds],
           time_ms: np.ndarray, stuck_ms: int) -> Screen:
    """Parameters whose values must be fetched to be judged exactly."""
    n = len(columns)
    flagged = np.zeros(n, dtype=bool)
    stuck = np.zeros(n, dtype=bool)
    missing = np.zeros(n, dtype=np.int64)
    row_minute = time_ms // MINUTE_MS
    minutes, edges = np.unique(row_minute, return_index=True)
    for i in range(n):
        part = stats.of(i)
        minute, count = stats.minute[part], stats.count[part]
        low, high = stats.low[part], stats.high[part]
        missing[i] = time_ms.size - int(count.sum())
        b = bounds[i]
        with np.errstate(invalid="ignore"):
            if np.ndim(b.lower) == 0:
                flagged[i] = bool(((low < b.lower) | (high > b.upper)).any())
            else:
                # The strictest window of each minute: a minute whose extremes stay inside
                # it had no reading outside its own row's window.
                at = np.searchsorted(minutes, minute)
                lower = np.maximum.reduceat(b.lower, edges)[at]
                upper = np.minimum.reduceat(b.upper, edges)[at]
                flagged[i] = bool(((low < lower) | (high > upper)).any())
        stuck[i] = _may_be_stuck(minute, count, low, high, stats.first[part], stats.last[part],
                                 stuck_ms)
    return Screen(flagged, stuck, missing)


def _may_be_stuck(minute, count, low, high, first, last, stuck_ms: int) -> bool:
    """Could one value repeat for ``stuck_ms``? (A necessary condition, cheap to test.)

    A run that long covers at least two whole minutes (when ``stuck_ms`` ≥ 3 minutes):
    either one of them has readings, all equal, or both are empty and the readings on
    either side of the hole are equal.
    """
    present = count > 0
    if count.sum() < 3:
        return False
    with np.errstate(invalid="ignore"):
        if np.nanmin(low[present]) == np.nanmax(high[present]):
            return False  # a constant is not a stuck sensor
        if stuck_ms < 3 * MINUTE_MS:
            return True
        if (low[present] == high[present]).any():
            return True
        m, f, la = minute[present], first[present], last[present]
        hole = (np.diff(m) >= 3) & (la[:-1] == f[1:])
    return bool(hole.any())


def fetch_long(data: ProductionData, sql_columns: Sequence[str], line: str | None, start: str,
               end: str) -> dict[str, np.ndarray]:
    """Like ``load.fetch``: time (one per row of ``data``) and the columns asked for."""
    where, params = line_filter(data, line)
    time_ms = np.asarray(data.con.execute(
        f"SELECT epoch_ms(time) AS time FROM {data.relation} WHERE time >= ?::TIMESTAMP "
        f"AND time < ?::TIMESTAMP{where} ORDER BY time", [start, end, *params]).fetchnumpy()["time"])
    out = {"time": time_ms}
    by_sql = {c.sql: c for c in data.columns}
    wanted = [by_sql[s] for s in sql_columns]
    if not wanted:
        return out
    _tags_table(data)
    index = {c.sql: i for i, c in enumerate(data.columns)}
    data.con.execute("CREATE OR REPLACE TEMP TABLE long_wanted (i INTEGER)")
    data.con.executemany("INSERT INTO long_wanted VALUES (?)", [(index[c.sql],) for c in wanted])
    day_where, day_params = _day_where(data, line)
    got = data.con.execute(f"""
        SELECT t.i AS column, epoch_ms(r.time) AS time, r.v FROM (
            SELECT time, parameter, {value_sql(data)} AS v FROM {data.readings}
            WHERE {day_where} AND parameter IN (SELECT parameter FROM long_tags
                                                WHERE i IN (SELECT i FROM long_wanted))) r
        JOIN long_tags t USING (parameter) ORDER BY 1, 2""", [start, end, *day_params]).fetchnumpy()
    column = np.asarray(got["column"], dtype=np.int64)
    at_ms = np.asarray(got["time"], dtype=np.int64)
    values = np.ma.filled(np.ma.asarray(got["v"], dtype=float), np.nan)
    for c in wanted:
        a, b = np.searchsorted(column, [index[c.sql], index[c.sql] + 1])
        series = np.full(time_ms.size, np.nan)
        series[np.searchsorted(time_ms, at_ms[a:b])] = values[a:b]
        out[c.sql] = series
    return out


def minute_means(data: ProductionData, columns: Sequence[DataColumn], line: str | None,
                 first: str, day_start: str, end: str, stats: MinuteStats) -> dict[str, np.ndarray]:
    """Drift's input: minute, grade, thickness and each column's minute mean, days ``first`` … ``end``."""
    where, params = line_filter(data, line)
    head = data.con.execute(
        f"SELECT epoch_ms(time) // {MINUTE_MS} AS minute, coalesce(any_value(grade), '') AS grade, "
        f"coalesce(median(thickness), 'NaN'::DOUBLE) AS thickness FROM {data.relation} "
        f"WHERE time >= ?::TIMESTAMP AND time < ?::TIMESTAMP{where} GROUP BY 1 ORDER BY 1",
        [first, end, *params]).fetchnumpy()
    minutes = np.asarray(head["minute"], dtype=np.int64)
    out: dict[str, np.ndarray] = {"minute": minutes * MINUTE_MS, "grade": np.asarray(head["grade"]),
                                  "thickness": np.asarray(head["thickness"], dtype=float)}
    parts = [(stats.column, stats.minute, stats.total, stats.count)]
    if first < day_start:  # the days before: counts and sums only
        _tags_table(data)
        day_where, day_params = _day_where(data, line)
        before = data.con.execute(f"""
            SELECT t.i AS column, epoch_ms(time) // {MINUTE_MS} AS minute,
                   coalesce(sum(v), 0) AS total, count(v) AS count
            FROM (SELECT time, parameter, nullif({value_sql(data)}, 'NaN'::DOUBLE) AS v
                  FROM long_raw WHERE {day_where}) JOIN long_tags t USING (parameter)
            GROUP BY ALL""", [first, day_start, *day_params]).fetchnumpy()
        parts.append(tuple(np.asarray(before[k]) for k in ("column", "minute", "total", "count")))
    column = np.concatenate([p[0] for p in parts]).astype(np.int64)
    minute = np.concatenate([p[1] for p in parts]).astype(np.int64)
    total = np.concatenate([p[2] for p in parts]).astype(float)
    count = np.concatenate([p[3] for p in parts]).astype(np.int64)
    index = {c.sql: i for i, c in enumerate(data.columns)}
    for c in columns:
        pick = column == index[c.sql]
        series = np.full(minutes.size, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            series[np.searchsorted(minutes, minute[pick])] = np.where(
                count[pick] > 0, total[pick] / count[pick], np.nan)
        out[c.sql] = series
    return out


__all__ = ["MinuteStats", "Screen", "day_stats", "deduplicate", "screen", "fetch_long",
           "minute_means", "value_sql", "iso"]
