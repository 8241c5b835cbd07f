"""Long data (one row per reading) is reviewed without a pivot and agrees with wide data."""

from __future__ import annotations

import numpy as np
import pytest

from laoshifu.review import long as longdata
from laoshifu.review.daily import ReviewOptions, review_day
from laoshifu.review.report_md import render_markdown

from .conftest import make_day


def _findings(review, drift_detail: bool = True):
    out = []
    for f in review.findings:
        d = f.to_dict()
        if f.kind == "drift" and not drift_detail:  # minute means: summation order may differ
            d = {k: d[k] for k in ("kind", "parameter", "start", "end")}
        out.append(d)
    return out


def _parameters(review):  # wide keeps the header order, long the tags' sorted order
    return sorted((p.to_dict() for p in review.parameters), key=lambda p: p["key"])


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_wide_and_long_inputs_of_the_same_day_give_the_same_review(tmp_path, example_units, fmt):
    """Same generated day (grade- and thickness-dependent windows included), both shapes."""
    make_day(example_units, tmp_path / "wide", fmt=fmt)
    make_day(example_units, tmp_path / "long", fmt=fmt, shape="long")
    wide = review_day(tmp_path / "wide", example_units, ReviewOptions())
    long = review_day(tmp_path / "long", example_units, ReviewOptions())
    assert long.shape == "long" and wide.shape == "wide"
    assert {f.kind for f in long.findings} == {"excursion", "rule", "stuck_sensor", "drift", "gap"}
    assert _findings(long, drift_detail=False) == _findings(wide, drift_detail=False)
    assert _parameters(long) == _parameters(wide)
    assert sorted(str(i.to_dict()) for i in long.issues) == sorted(str(i.to_dict()) for i in wide.issues)
    assert long.rows == wide.rows and long.first == wide.first and long.last == wide.last
    assert set(long.series) == set(wide.series)
    for key, entry in wide.series.items():
        np.testing.assert_array_equal(long.series[key]["min"], entry["min"])
        np.testing.assert_array_equal(long.series[key]["upper"], entry["upper"])


def test_conditional_windows_in_long_data_follow_each_coils_material(tmp_path, tiny_units):
    make_day(tiny_units, tmp_path, shape="long", faults=False)
    review = review_day(tmp_path, tiny_units, ReviewOptions())
    soak = next(p for p in review.parameters if p.name == "均热时间")
    assert soak.checked_rows == review.rows and soak.out_rows == 0 and not soak.note


# A small day written both ways by hand: every reading the same, only the layout differs.
TAGS = ("露点", "H2", "炉温", "张力")


def _frame(n: int = 1800, gap: tuple[int, int] = (900, 1140)):
    """n seconds at 1 Hz with a 4-minute hole; tension stuck across the hole."""
    rng = np.random.default_rng(5)
    seconds = np.array([s for s in range(n) if not gap[0] <= s < gap[1]])
    values = {
        "露点": np.round(60 + rng.normal(0, 0.4, seconds.size), 2),
        "H2": np.round(60 + rng.normal(0, 0.5, seconds.size), 1),
        "炉温": np.round(840 + rng.normal(0, 0.8, seconds.size), 1),
        "张力": np.round(8 + rng.normal(0, 0.2, seconds.size), 2),
    }
    values["露点"][(seconds >= 300) & (seconds < 420)] += 8  # an excursion
    stuck = (seconds >= 600) & (seconds < 1200)  # 5 + 4 (no data) + 1 minutes
    if stuck.any():
        values["张力"][stuck] = values["张力"][stuck][0]
    return seconds, values


def _time(s: int) -> str:
    return f"2026-07-22 {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _write_both(tmp_path, seconds, values, edit_long=None):
    wide = ["time,line,coil,grade,thickness," + ",".join(TAGS)]
    long = ["time,line,coil,grade,thickness,parameter,value"]
    for i, s in enumerate(seconds):
        cells = [("" if np.isnan(values[t][i]) else f"{values[t][i]:g}") for t in TAGS]
        wide.append(f"{_time(s)},3,C{s // 600},HiB,0.23," + ",".join(cells))
        for t, cell in zip(TAGS, cells):
            long.append(f"{_time(s)},3,C{s // 600},HiB,0.23,{t},{cell}")
    if edit_long:
        long = edit_long(long)
    (tmp_path / "wide").mkdir()
    (tmp_path / "long").mkdir()
    (tmp_path / "wide" / "d.csv").write_text("\n".join(wide) + "\n", encoding="utf-8")
    (tmp_path / "long" / "d.csv").write_text("\n".join(long) + "\n", encoding="utf-8")


def test_stuck_sensor_across_a_hole_in_the_data_is_found_in_both_shapes(tmp_path, tiny_units):
    seconds, values = _frame()
    _write_both(tmp_path, seconds, values)
    wide = review_day(tmp_path / "wide", tiny_units, ReviewOptions(stuck_seconds=300))
    long = review_day(tmp_path / "long", tiny_units, ReviewOptions(stuck_seconds=300))
    stuck = [(f.parameter, f.start, f.end) for f in wide.findings if f.kind == "stuck_sensor"]
    assert stuck == [("张力", "2026-07-22T00:10:00", "2026-07-22T00:19:59")]
    assert _findings(long, drift_detail=False) == _findings(wide, drift_detail=False)
    assert _parameters(long) == _parameters(wide)


def test_missing_and_nan_readings_count_the_same_in_both_shapes(tmp_path, tiny_units):
    seconds, values = _frame()
    values["炉温"][[10, 11, 500]] = np.nan
    values["露点"][350] = np.nan  # inside the excursion

    def drop_a_reading(lines):  # long data may simply lack a row
        return [l for l in lines if not (l.startswith(_time(700)) and ",H2," in l)]

    _write_both(tmp_path, seconds, values, drop_a_reading)
    wide_values = dict(values)
    h2 = wide_values["H2"].copy()
    h2[np.flatnonzero(seconds == 700)] = np.nan
    wide = review_day(tmp_path / "wide", tiny_units, ReviewOptions())
    long = review_day(tmp_path / "long", tiny_units, ReviewOptions())
    missing = {p.name: p.missing for p in long.parameters}
    assert missing == {"露点": 1, "氢气比例": 1, "炉温": 3, "张力": 0}
    assert {p.name: p.missing for p in wide.parameters} == {**missing, "氢气比例": 0}
    assert _findings(long, drift_detail=False) == _findings(wide, drift_detail=False)
    issues = [i for i in long.issues if i.kind == "missing_values"]
    assert sorted((i.column, i.count, i.where) for i in issues) == [
        ("H2", 1, "first at 2026-07-22T00:11:40"), ("炉温", 3, "first at 2026-07-22T00:00:10"),
        ("露点", 1, "first at 2026-07-22T00:05:50")]


def test_duplicated_readings_are_counted_and_the_first_is_used(tmp_path, tiny_units):
    seconds, values = _frame()

    def repeat(lines):
        out = []
        for line in lines:
            out.append(line)
            if line.startswith(_time(100)) and ",露点," in line:
                out.append(line.rsplit(",", 1)[0] + ",99")  # later and out of window: ignored
            if line.startswith(_time(350)) and ",露点," in line:
                out.append(line)
        return out

    _write_both(tmp_path, seconds, values, repeat)
    wide = review_day(tmp_path / "wide", tiny_units, ReviewOptions())
    long = review_day(tmp_path / "long", tiny_units, ReviewOptions())
    dup = next(i for i in long.issues if i.kind == "duplicate_time")
    assert dup.count == 2 and dup.where == "first at 2026-07-22 00:01:40"
    assert _findings(long, drift_detail=False) == _findings(wide, drift_detail=False)
    assert _parameters(long) == _parameters(wide)
    assert "duplicate_time" in render_markdown(long)


def test_non_numeric_long_values_are_reported_and_read_as_missing(tmp_path, tiny_units):
    seconds, values = _frame(600, gap=(0, 0))

    def garble(lines):
        return [l.rsplit(",", 1)[0] + ",ERR" if l.startswith(_time(42)) and ",炉温," in l else l
                for l in lines]

    _write_both(tmp_path, seconds, values, garble)
    long = review_day(tmp_path / "long", tiny_units, ReviewOptions())
    bad = next(i for i in long.issues if i.kind == "non_numeric")
    assert bad.count == 1 and bad.column == "炉温"
    assert next(p for p in long.parameters if p.name == "炉温").missing == 1


def test_screen_never_misses_a_stuck_run():
    """The cheap minute test is a necessary condition: brute force agrees on random series."""
    from laoshifu.review.quality import stuck_runs

    rng = np.random.default_rng(11)
    for trial in range(200):
        n = 1200
        keep = rng.random(n) > rng.choice([0, 0.2])
        if trial % 3 == 0:  # a hole of a few minutes
            a = int(rng.integers(0, n - 300))
            keep[a:a + int(rng.integers(60, 300))] = False
        t = np.flatnonzero(keep).astype(np.int64) * 1000
        v = np.round(rng.normal(0, 1, t.size), int(rng.integers(0, 2)))
        a = int(rng.integers(0, t.size - 1))
        v[a:a + int(rng.integers(1, 500))] = v[a]
        minute = t // 60000
        m, idx = np.unique(minute, return_index=True)
        low = np.minimum.reduceat(v, idx)
        high = np.maximum.reduceat(v, idx)
        first, last = v[idx], v[np.r_[idx[1:], t.size] - 1]
        count = np.diff(np.r_[idx, t.size])
        for stuck_ms in (180_000, 300_000, 600_000):
            if stuck_runs(v, t, stuck_ms):
                assert longdata._may_be_stuck(m, count, low, high, first, last, stuck_ms)


def test_long_data_of_two_lines_keeps_them_apart(tmp_path, tiny_units):
    # One line's data is grouped by time alone; two lines at the same times stay two rows.
    seconds, values = _frame()
    _write_both(tmp_path, seconds, values)
    one = (tmp_path / "long" / "d.csv").read_text(encoding="utf-8").splitlines()
    calm = [l.replace(",3,", ",4,", 1).rsplit(",", 1)[0] + ",60" if ",露点," in l else
            l.replace(",3,", ",4,", 1) for l in one[1:]]  # line 4: the dew point stays in
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "d.csv").write_text("\n".join(one + calm) + "\n", encoding="utf-8")
    alone = review_day(tmp_path / "long", tiny_units, ReviewOptions())
    three = review_day(tmp_path / "two", tiny_units, ReviewOptions(line="3"))
    four = review_day(tmp_path / "two", tiny_units, ReviewOptions(line="4"))
    assert three.rows == four.rows == alone.rows == seconds.size
    assert _findings(three) == _findings(alone)
    assert "露点" not in {f.parameter for f in four.findings if f.kind == "excursion"}
