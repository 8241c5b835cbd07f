"""A day's wide Parquet columns read by pyarrow, row for row as ``load.fetch`` gives them.

DuckDB decodes a Parquet row group on one thread, at twice pyarrow's CPU for the same
columns (0.7 against 0.3 s of user time for a day's 700 columns here). The day's rows — which ones,
in which order, one per time — are still chosen by DuckDB (``fetch_material`` gives each
row's file and row number); pyarrow only decodes the columns and they are placed by those
numbers. A column is read this way only when its values pass through the normalised
relation unchanged but for the cast to DOUBLE (a number type, no unit conversion): what
comes out is then exactly what DuckDB would give. Anything else is left to DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .load import DataColumn, ProductionData, arrow_numpy

# DuckDB types whose cast to DOUBLE is exact, or rounds as numpy's does (int64).
_NUMBER_TYPES = {"DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER",
                 "USMALLINT", "UTINYINT"}


@dataclass
class _FilePart:
    """The day's rows in one file: where they go in the day, where they lie in the file."""

    path: str
    names: dict[str, str]  # header → DuckDB type
    at: np.ndarray  # positions in the day's rows
    groups: list[int]  # row groups holding them
    rows: np.ndarray | slice  # their rows within those groups, read together


@dataclass
class ParquetDay:
    """Where one day's rows lie in its Parquet files, to read any column there."""

    parts: list[_FilePart]
    time_ms: np.ndarray

    @classmethod
    def of(cls, data: ProductionData, material: dict[str, np.ndarray]) -> ParquetDay | None:
        """For wide data all in Parquet files: the day's rows (``material``, with each
        row's file index and 0-based row) located in the files; otherwise None."""
        if data.shape != "wide" or "file_index" not in material \
                or any(f not in data.parquet_columns for f in data.files):
            return None
        import pyarrow.parquet as pq

        file_index, file_row = material["file_index"], material["file_row"]
        parts = []
        for i in np.unique(file_index).tolist():
            path = data.files[i]
            meta = pq.ParquetFile(path).metadata
            names = dict(data.parquet_columns[path])
            if meta.schema.to_arrow_schema().names != list(names):
                return None  # pyarrow and DuckDB do not see the same columns
            at = np.flatnonzero(file_index == i)
            parts.append(_locate(path, names, at, file_row[at], meta))
        return cls(parts, material["time"])

    def read(self, columns: Sequence[DataColumn]) -> dict[str, np.ndarray] | None:
        """The day's values of ``columns`` (float64, NaN where missing), ``time`` in ms;
        None when a column needs DuckDB (a unit conversion, a type to parse)."""
        if any(c.converted_from for c in columns):
            return None
        for part in self.parts:
            if any(part.names.get(c.source, "DOUBLE") not in _NUMBER_TYPES for c in columns):
                return None
        out = {"time": self.time_ms}
        if len(self.parts) == 1 and isinstance(self.parts[0].rows, slice) \
                and self.parts[0].at.size == self.time_ms.size:
            # One file holding the day in order: its columns are the day's, no copy.
            part = self.parts[0]
            values = _read_part(part, columns)
            for c in columns:
                out[c.sql] = values[c.source][part.rows] if c.source in values \
                    else np.full(self.time_ms.size, np.nan)
            return out
        for c in columns:
            out[c.sql] = np.full(self.time_ms.size, np.nan)
        for part in self.parts:
            values = _read_part(part, columns)
            for c in columns:
                if c.source in values:
                    out[c.sql][part.at] = values[c.source][part.rows]
        return out


def _locate(path: str, names: dict[str, str], at: np.ndarray, rows: np.ndarray, meta) -> _FilePart:
    """Which row groups hold ``rows`` of the file, and where the rows are once they are read."""
    sizes = np.array([meta.row_group(g).num_rows for g in range(meta.num_row_groups)], np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)))
    group_of = np.searchsorted(starts, rows, side="right") - 1
    groups = np.unique(group_of)
    # Row r of group g lies at (rows of the chosen groups before g) + (r - start of g).
    before = np.zeros(meta.num_row_groups, np.int64)
    before[groups] = np.concatenate(([0], np.cumsum(sizes[groups])[:-1]))
    placed = before[group_of] + rows - starts[group_of]
    contiguous = placed.size and placed[0] == 0 and np.array_equal(placed, np.arange(placed.size))
    return _FilePart(path, names, at, groups.tolist(),
                     slice(0, placed.size) if contiguous else placed)


def _read_part(part: _FilePart, columns: Sequence[DataColumn]) -> dict[str, np.ndarray]:
    """The columns present in the file, decoded from the row groups the day needs.

    On one thread: the next chunk is decoded while numpy checks the last on the other core.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    headers = list(dict.fromkeys(c.source for c in columns if c.source in part.names))
    if not headers:
        return {}
    # The C library's allocator, not pyarrow's mimalloc: fresh mimalloc memory for a day of
    # columns cost 2–3 s of system time here (the review's whole budget) against 0.2 s.
    default = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        table = pq.ParquetFile(part.path).read_row_groups(part.groups, columns=headers,
                                                          use_threads=False)
    finally:
        pa.set_memory_pool(default)
    return {h: arrow_numpy(table.column(h)).astype(np.float64, copy=False) for h in headers}
