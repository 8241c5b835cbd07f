"""Parquet's own statistics as a screen for a windows-only review.

A column whose smallest and largest value in the files lie inside the strictest window of
the day cannot have left its window, so a review of the windows alone reads only the other
columns. The screen is a necessary condition, never an approximation: the files' min/max
cover every row of every day they hold, and a missing value (NULL or NaN, which Parquet
leaves out of its statistics) is never out of window. A file that cannot vouch for a column
(CSV, no statistics, not a floating-point column) leaves it to be read.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from .load import DataColumn, ProductionData, _literal, linear_conversion
from .windows import Bounds

_FLOATS = ("DOUBLE", "FLOAT")


def value_ranges(data: ProductionData) -> dict[str, tuple[float, float]]:
    """Per parameter column (its ``sql`` name): the (min, max) its files' statistics vouch
    for, in the parameter's unit; columns no statistics cover are absent."""
    if data.shape != "wide" or not data.files or \
            not all(f.lower().endswith((".parquet", ".pq")) for f in data.files):
        return {}
    by_source = {c.source: c for c in data.columns}
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    unknown: set[str] = set()
    for file in data.files:
        rows = data.con.execute(
            "SELECT path_in_schema, type, stats_min_value, stats_max_value, num_values, "
            f"stats_null_count FROM parquet_metadata({_literal(file)})").fetchall()
        for name, physical, smallest, largest, values, nulls in rows:
            column = by_source.get(name)
            if column is None or column.sql in unknown:
                continue
            if nulls is not None and values is not None and nulls >= values:
                continue  # only NULLs in this row group
            lo, hi = _number(smallest), _number(largest)
            # Floating point only: integers may carry a decimal or time type's scale.
            if physical not in _FLOATS or lo is None or hi is None:
                unknown.add(column.sql)
                continue
            lo, hi = _in_unit(column, lo, hi)
            low[column.sql] = min(lo, low.get(column.sql, math.inf))
            high[column.sql] = max(hi, high.get(column.sql, -math.inf))
    return {sql: (low[sql], high[sql]) for sql in low if sql not in unknown}


def may_leave(value_range: tuple[float, float] | None, bounds: Bounds) -> bool:
    """Could some value in ``value_range`` lie outside its row's window? (True when the
    range is unknown.)"""
    if value_range is None:
        return True
    strictest_lower = float(np.max(bounds.lower))
    strictest_upper = float(np.min(bounds.upper))
    return value_range[0] < strictest_lower or value_range[1] > strictest_upper


def unread(columns: list[DataColumn], ranges: Mapping[str, tuple[float, float]],
           bounds) -> list[DataColumn]:
    """The columns the screen clears: no value of theirs can be out of window."""
    return [c for c in columns if not may_leave(ranges.get(c.sql), bounds(c))]


def _number(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _in_unit(column: DataColumn, lo: float, hi: float) -> tuple[float, float]:
    if not column.converted_from:
        return lo, hi
    a, b = linear_conversion(column)
    ends = sorted((a * lo + b, a * hi + b))
    return ends[0], ends[1]
