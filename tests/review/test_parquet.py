"""Wide Parquet columns decoded by pyarrow are exactly the ones DuckDB gives."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laoshifu.review import daily, parquet
from laoshifu.review.daily import ReviewOptions, review_day
from laoshifu.review.load import fetch, fetch_material, open_data
from laoshifu.review.parquet import ParquetDay

DAY = ("2026-07-22", "2026-07-23")
START = datetime(2026, 7, 21, 23, 40)


def _table(seconds: np.ndarray, seed: int, **columns) -> pa.Table:
    rng = np.random.default_rng(seed)
    n = seconds.size
    dew = 60 + rng.normal(0, 1, n)
    dew[::17] = np.nan  # NaN in the file
    dew[(seconds >= 2000) & (seconds < 2100)] += 8  # out of its window 55–65 ℃
    base = {
        "time": pa.array([START + timedelta(seconds=int(s)) for s in seconds], pa.timestamp("ms")),
        "line": pa.array(["3"] * n), "coil": pa.array([f"C{s // 600}" for s in seconds]),
        "grade": pa.array(["HiB"] * n), "thickness": pa.array(np.full(n, 0.23)),
        # NULL in the file, besides NaN
        "露点": pa.array(dew, mask=np.arange(n) % 13 == 5),
        "氢气比例": pa.array(rng.integers(50, 70, n), pa.int64(), mask=np.arange(n) % 11 == 3),
        "炉温": pa.array((840 + rng.normal(0, 5, n)).astype(np.float32)),
    }
    base.update(columns)
    return pa.table({k: v for k, v in base.items() if v is not None})


@pytest.fixture
def two_files(tmp_path: Path) -> Path:
    """Two files across midnight: small row groups, the second shuffled, with a time twice,
    a row group of the day before between the day's, and without one column."""
    first = np.arange(0, 1800)
    pq.write_table(_table(first, 1), tmp_path / "d1.parquet", row_group_size=256)
    second = np.random.default_rng(2).permutation(np.arange(1800, 3000))
    second = np.concatenate([second[:40], [second[7]], np.arange(0, 1000), second[40:]])
    pq.write_table(_table(second, 2, 氢气比例=None), tmp_path / "d2.parquet", row_group_size=500)
    return tmp_path


def _arrays(folder: Path, units, dedupe: bool):
    data = open_data(folder, units)
    material = fetch_material(data, "3", *DAY, dedupe)
    return data, ParquetDay.of(data, material)


def test_columns_from_pyarrow_equal_duckdbs(two_files, tiny_units):
    data, rows = _arrays(two_files, tiny_units, dedupe=True)
    assert rows is not None and len(rows.parts) == 2
    assert rows.parts[1].groups == [0, 2, 3, 4]  # group 1 holds only the day before
    names = [c.sql for c in data.columns]
    assert rows.read(data.columns) is not None  # every column decoded by pyarrow
    fast = fetch(data, names, "3", *DAY, dedupe=True, rows=rows)
    slow = fetch(data, names, "3", *DAY, dedupe=True)
    assert fast["time"].size == 1800  # 00:00:00 … 00:29:59, once each
    for name in ["time", *names]:
        np.testing.assert_array_equal(fast[name], slow[name], err_msg=name)
        assert fast[name].dtype == slow[name].dtype


def test_one_file_holding_the_day_is_read_in_place(tmp_path, tiny_units):
    pq.write_table(_table(np.arange(600, 4800), 3), tmp_path / "d.parquet", row_group_size=1000)
    data, rows = _arrays(tmp_path, tiny_units, dedupe=False)
    assert not isinstance(rows.parts[0].rows, slice)  # the day starts mid-file
    names = [c.sql for c in data.columns]
    fast = fetch(data, names, "3", *DAY, dedupe=False, rows=rows)
    slow = fetch(data, names, "3", *DAY, dedupe=False)
    for name in names:
        np.testing.assert_array_equal(fast[name], slow[name], err_msg=name)
    pq.write_table(_table(np.arange(1200, 3000), 3), tmp_path / "d.parquet")
    data, rows = _arrays(tmp_path, tiny_units, dedupe=False)
    assert rows.parts[0].rows == slice(0, 1800)
    fast = fetch(data, names, "3", *DAY, dedupe=False, rows=rows)
    slow = fetch(data, names, "3", *DAY, dedupe=False)
    for name in names:
        np.testing.assert_array_equal(fast[name], slow[name], err_msg=name)


def test_a_converted_or_textual_column_is_left_to_duckdb(tmp_path, tiny_units):
    n = np.arange(1200, 1800)  # 00:00 … 00:09:59
    table = _table(n, 4).rename_columns(
        ["time", "line", "coil", "grade", "thickness", "露点(K)", "氢气比例", "炉温"])
    table = table.set_column(6, "氢气比例", pa.array([str(v) for v in range(600)]))
    pq.write_table(table, tmp_path / "d.parquet")
    data, rows = _arrays(tmp_path, tiny_units, dedupe=False)
    by_source = {c.source: c for c in data.columns}
    assert by_source["露点(K)"].converted_from == "K"
    for source in ("露点(K)", "氢气比例"):
        assert rows.read([by_source[source]]) is None
        column = by_source[source].sql
        fast = fetch(data, [column], None, *DAY, dedupe=False, rows=rows)
        np.testing.assert_array_equal(fast[column], fetch(data, [column], None, *DAY, False)[column])
    assert rows.read([by_source["炉温"]]) is not None


def test_csv_data_is_read_by_duckdb(tmp_path, tiny_units):
    (tmp_path / "d.csv").write_text("time,露点\n2026-07-22 00:00:00,60\n2026-07-22 00:00:01,61\n",
                                    encoding="utf-8")
    data = open_data(tmp_path, tiny_units)
    assert ParquetDay.of(data, fetch_material(data, None, *DAY)) is None


def test_the_review_is_the_same_without_pyarrow(two_files, tiny_units, monkeypatch):
    decoded: list[int] = []
    real = parquet._read_part
    monkeypatch.setattr(parquet, "_read_part", lambda part, columns: decoded.append(1)
                        or real(part, columns))
    fast = review_day(two_files, tiny_units, ReviewOptions(charts=3))
    assert decoded
    monkeypatch.setattr(daily.ParquetDay, "of", classmethod(lambda cls, data, material: None))
    slow = review_day(two_files, tiny_units, ReviewOptions(charts=3))
    assert fast.to_dict() == slow.to_dict()
    assert fast.findings and fast.issues  # something to compare: missing values at least
