"""A windows-only review: the same excursions as the full review, reading only the Parquet
columns whose statistics could leave their window."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laoshifu.review import daily, screen
from laoshifu.review.daily import ReviewOptions, review_day
from laoshifu.review.load import open_data

from .conftest import make_day


def _excursions(review):
    return {p.key: (p.excursions, p.out_rows, p.worst) for p in review.parameters}


def test_same_excursions_as_the_full_review_reading_fewer_columns(example_day, example_units,
                                                                  example_review, monkeypatch):
    read: list[str] = []
    real_fetch = daily.fetch

    def fetch(data, columns, *args, **kwargs):
        read.extend(columns)
        return real_fetch(data, columns, *args, **kwargs)

    monkeypatch.setattr(daily, "fetch", fetch)
    quick = review_day(example_day[0], example_units, ReviewOptions(windows_only=True, charts=0))
    assert _excursions(quick) == _excursions(example_review)
    assert [f for f in quick.findings if f.kind != "insufficient_data"] == \
        [f for f in example_review.findings if f.kind == "excursion"]
    out = {p.column for p in example_review.parameters if p.excursions}
    by_name = {c.source: c.sql for c in open_data(example_day[0], example_units).columns}
    assert out and {by_name[c] for c in out} <= set(read)
    assert len(set(read)) < len(example_review.parameters)  # in-window columns never read


def test_a_value_out_of_window_on_another_day_does_not_clear_nor_flag(tmp_path, tiny_units):
    """The files' statistics cover every day they hold: an excursion on the day before
    makes the column be read, and the reviewed day is judged on its own values."""
    make_day(tiny_units, tmp_path, faults=True)
    full = review_day(tmp_path, tiny_units, ReviewOptions(day="2026-07-21"))
    quick = review_day(tmp_path, tiny_units, ReviewOptions(day="2026-07-21", windows_only=True))
    assert _excursions(quick) == _excursions(full)


def _write(path, table):
    pq.write_table(table, path)
    return path


def test_value_ranges_trust_only_what_the_statistics_vouch_for(tmp_path, tiny_units):
    nan = float("nan")
    times = pa.array([f"2026-07-22 00:00:0{i}" for i in range(3)]).cast(pa.timestamp("s"))
    table = pa.table({"time": times, "露点": [61.0, nan, 63.0], "氢气比例": [None, nan, nan],
                      "带速": pa.array([90, 95, 100], pa.int64())})
    _write(tmp_path / "day.parquet", table)
    data = open_data(tmp_path, tiny_units)
    by_source = {c.source: c.sql for c in data.columns}
    ranges = screen.value_ranges(data)
    assert ranges[by_source["露点"]] == (61.0, 63.0)  # NaN is left out, as it is never out
    assert by_source["氢气比例"] not in ranges  # no statistics: read it
    assert by_source["带速"] not in ranges  # integers may be scaled: read it


@pytest.mark.parametrize("low, high, cleared", [(56.0, 64.0, True), (54.0, 60.0, False),
                                                (60.0, 66.0, False)])
def test_may_leave(low, high, cleared):
    bounds = screen.Bounds(55.0, 65.0, 0, [])
    assert screen.may_leave((low, high), bounds) is not cleared
    assert screen.may_leave(None, bounds)


def test_csv_files_are_always_read(tmp_path, tiny_units):
    make_day(tiny_units, tmp_path, fmt="csv", hours=0.1, days=1)
    assert screen.value_ranges(open_data(tmp_path, tiny_units)) == {}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_long_data_same_excursions_as_the_full_review(tmp_path, example_units, fmt):
    make_day(example_units, tmp_path, shape="long", fmt=fmt, hours=1)
    full = review_day(tmp_path, example_units, ReviewOptions(charts=0))
    quick = review_day(tmp_path, example_units, ReviewOptions(windows_only=True, charts=0))
    assert any(p.excursions for p in full.parameters)
    assert _excursions(quick) == _excursions(full)
    assert {f.kind for f in quick.findings} <= {"excursion", "insufficient_data"}
