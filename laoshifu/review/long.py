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

from .load import (
    DataColumn, DataIssue, ProductionData, _literal, line_filter, linear_conversion, numeric_arrays,
)
from .windows import Bounds

MINUTE_MS = 60_000


@dataclass
class MinuteStats:
    """Per (parameter, minute) of one day, sorted by parameter then minute."""

    column: np.ndarray  # index into data.columns; len(data.columns) and up: other tags
    minute: np.ndarray  # epoch minutes
    readings: np.ndarray  # rows, values or not
    count: np.ndarray  # numeric, non-NaN values
    total: np.ndarray
    low: np.ndarray
    high: np.ndarray
    first: np.ndarray
    last: np.ndarray
    seconds: np.ndarray  # bit s set: a reading in second s of the minute (s < 60)

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
            a, b = linear_conversion(c)
            cases.append(f"WHEN {_literal(c.source)} THEN value * {a!r} + {b!r}")
    return f"CASE parameter {' '.join(cases)} ELSE value END" if cases else "value"


def _day_where(data: ProductionData, line: str | None) -> tuple[str, list]:
    where, params = line_filter(data, line)
    return f"time >= ?::TIMESTAMP AND time < ?::TIMESTAMP{where}", params


def _tags_table(data: ProductionData) -> None:
    """``long_tags``: every tag and its number (recognised columns first, in order)."""
    sources = [c.source for c in data.columns]
    known = set(sources)
    tags = sources + [t for t in data.tags if t not in known]
    data.con.execute("CREATE OR REPLACE TEMP TABLE long_tags AS SELECT unnest(?::VARCHAR[]) AS "
                     "parameter, unnest(range(?::INTEGER))::INTEGER AS i", [tags, len(tags)])


def _in_list(tags: Sequence[str]) -> str:
    return ", ".join(_literal(t) for t in tags)


def day_stats(data: ProductionData, line: str | None, start: str, end: str) -> MinuteStats:
    """One pass over the day's readings: the (parameter, minute) aggregate."""
    _tags_table(data)
    where, params = _day_where(data, line)
    # The minute and the second as date_trunc and second() of the time: DuckDB computes
    # them from the time column's few distinct values, where epoch_ms(time) arithmetic
    # was done for each of 60 million readings (a third of this pass).
    sql = f"""
        SELECT t.i AS column, epoch_ms(a.minute) // {MINUTE_MS} AS minute,
               a.* EXCLUDE (parameter, minute) FROM (
            SELECT parameter, date_trunc('minute', time) AS minute, count(*) AS readings,
                   count(v) AS count, coalesce(sum(v), 0) AS total, min(v) AS low, max(v) AS high,
                   arg_min(v, time) AS first, arg_max(v, time) AS last,
                   bit_or(1::BIGINT << second(time)) AS seconds
            FROM (SELECT time, parameter, nullif({value_sql(data)}, 'NaN'::DOUBLE) AS v
                  FROM {data.readings} WHERE {where} AND parameter IS NOT NULL)
            GROUP BY ALL) a
        JOIN long_tags t USING (parameter)
        ORDER BY 1, 2"""
    out = data.con.execute(sql, [start, end, *params]).fetchnumpy()

    def get(key: str, dtype=float) -> np.ndarray:
        if dtype is float:
            return np.ma.filled(np.ma.asarray(out[key], dtype=float), np.nan)
        return np.asarray(out[key], dtype=dtype)

    return MinuteStats(get("column", np.int64), get("minute", np.int64), get("readings", np.int64),
                       get("count", np.int64), get("total"), get("low"), get("high"),
                       get("first"), get("last"), get("seconds", np.int64))


def value_ranges(data: ProductionData, line: str | None, start: str, end: str
                 ) -> dict[str, tuple[float, float]]:
    """Per recognised parameter (its ``sql`` name): the day's smallest and largest reading,
    every row counted (a repeated time too), in the parameter's unit. One light pass (a
    group per tag, not per minute) screens a windows-only review."""
    where, params = _day_where(data, line)
    rows = data.con.execute(f"""
        SELECT parameter, min(v), max(v) FROM (
            SELECT parameter, nullif({value_sql(data)}, 'NaN'::DOUBLE) AS v FROM {data.readings}
            WHERE {where}) GROUP BY parameter""", [start, end, *params]).fetchall()
    found = {tag: (low, high) for tag, low, high in rows}
    # A parameter without a value on the day has nothing to leave its window with.
    return {c.sql: found[c.source] if found.get(c.source, (None,))[0] is not None
            else (np.inf, -np.inf) for c in data.columns}


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
    con.execute("CREATE OR REPLACE TEMP TABLE long_suspects AS SELECT t.parameter, s.minute FROM "
                "(SELECT unnest(?::INTEGER[]) AS i, unnest(?::BIGINT[]) AS minute) s "
                "JOIN long_tags t USING (i)",
                [stats.column[suspect].tolist(), stats.minute[suspect].tolist()])
    # Literal bounds: the view outlives this call and cannot keep bound parameters.
    where = f"time >= {_literal(start)}::TIMESTAMP AND time < {_literal(end)}::TIMESTAMP"
    if line is not None and "line" in data.roles:
        where += f" AND line = {_literal(str(line))}"
    keyed = f"(SELECT *, epoch_ms(time) // {MINUTE_MS} AS minute FROM long_raw WHERE {where})"
    count, first = con.execute(f"""
        SELECT count(*), min(time) FROM (
            SELECT time, line, parameter FROM {keyed} r SEMI JOIN long_suspects k
            USING (parameter, minute) GROUP BY ALL HAVING count(*) > 1)""").fetchone()
    if not count:
        return None
    # Readings of suspect minutes are reduced to the first numeric value by row (as the
    # wide path keeps the first row of a repeated time); all others pass through.
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW long_day AS
        SELECT time, line, parameter, value FROM {keyed} r
            ANTI JOIN long_suspects k USING (parameter, minute)
        UNION ALL
        SELECT time, line, parameter, arg_min(value, row) AS value FROM {keyed} r
            SEMI JOIN long_suspects k USING (parameter, minute) GROUP BY time, line, parameter""")
    data.readings = "long_day"
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
               end: str, first_row: bool = False) -> dict[str, np.ndarray]:
    """Like ``load.fetch``: time (one per row of ``data``) and the columns asked for.

    Columns are read in one pass over the readings and kept, so the day's checks, rules
    and charts read each parameter once. ``first_row``: a parameter repeated at one time
    counts its first row (as ``deduplicate`` makes it), for readings not de-duplicated.
    """
    where, params = line_filter(data, line)
    time_ms = np.asarray(data.con.execute(
        f"SELECT epoch_ms(time) AS time FROM {data.relation} WHERE time >= ?::TIMESTAMP "
        f"AND time < ?::TIMESTAMP{where} ORDER BY time", [start, end, *params]).fetchnumpy()["time"])
    out = {"time": time_ms}
    by_sql = {c.sql: c for c in data.columns}
    span = (line, start, end, data.readings, first_row)
    wanted = [by_sql[s] for s in dict.fromkeys(sql_columns) if (s, *span) not in data.fetched]
    if wanted:
        day_where, day_params = _day_where(data, line)
        # In the files' order: grouped by column here (each reading is placed by its time),
        # at a tenth of DuckDB's ORDER BY; when the first row of a repeated time counts,
        # that order picks it.
        got = numeric_arrays(data.con, f"""
            SELECT list_position(?::VARCHAR[], parameter) AS column, epoch_ms(time) AS time,
                   {value_sql(data)}::DOUBLE AS v FROM {data.readings}
            WHERE {day_where} AND parameter IN ({_in_list([c.source for c in wanted])})""",
            [[c.source for c in wanted], start, end, *day_params])
        column = np.asarray(got["column"], dtype=np.int64)
        at_ms = np.asarray(got["time"], dtype=np.int64)
        values = np.asarray(got["v"], dtype=float)
        if first_row:
            column, at_ms, values = _first_readings(column, at_ms, values)
        else:
            order = np.argsort(column.astype(np.int32), kind="stable")
            column, at_ms, values = column[order], at_ms[order], values[order]
        for k, c in enumerate(wanted, start=1):
            a, b = np.searchsorted(column, [k, k + 1])
            series = np.full(time_ms.size, np.nan)
            series[np.searchsorted(time_ms, at_ms[a:b])] = values[a:b]
            data.fetched[(c.sql, *span)] = series
    for s in sql_columns:
        out[s] = data.fetched[(s, *span)]
    return out


def _first_readings(column: np.ndarray, at_ms: np.ndarray, values: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Readings in file order → sorted by column and time, one per (column, time): the
    first with a value (as ``deduplicate`` keeps them)."""
    order = np.lexsort((np.isnan(values), at_ms, column))  # stable: file order breaks ties
    column, at_ms, values = column[order], at_ms[order], values[order]
    first = np.ones(column.size, dtype=bool)
    first[1:] = (column[1:] != column[:-1]) | (at_ms[1:] != at_ms[:-1])
    return column[first], at_ms[first], values[first]


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
            SELECT t.i AS column, epoch_ms(minute) // {MINUTE_MS} AS minute, total, count FROM (
                SELECT parameter, date_trunc('minute', time) AS minute,
                       coalesce(sum(v), 0) AS total, count(v) AS count
                FROM (SELECT time, parameter, nullif({value_sql(data)}, 'NaN'::DOUBLE) AS v
                      FROM long_raw WHERE {day_where}) GROUP BY ALL)
            JOIN long_tags t USING (parameter) WHERE t.i < ?""",
            [first, day_start, *day_params, len(data.columns)]).fetchnumpy()
        parts.append(tuple(np.asarray(before[k]) for k in ("column", "minute", "total", "count")))
    column = np.concatenate([p[0] for p in parts]).astype(np.int64)
    order = np.argsort(column, kind="stable")
    column = column[order]
    minute = np.concatenate([p[1] for p in parts]).astype(np.int64)[order]
    total = np.concatenate([p[2] for p in parts]).astype(float)[order]
    count = np.concatenate([p[3] for p in parts]).astype(np.int64)[order]
    index = {c.sql: i for i, c in enumerate(data.columns)}
    for c in columns:
        a, b = np.searchsorted(column, [index[c.sql], index[c.sql] + 1])
        series = np.full(minutes.size, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            series[np.searchsorted(minutes, minute[a:b])] = np.where(
                count[a:b] > 0, total[a:b] / count[a:b], np.nan)
        out[c.sql] = series
    return out
