"""Bad production data is reported with counts and places, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.review.daily import ReviewOptions, review_day

HEADER = "time,line,coil,grade,thickness,露点,H2,炉温\n"


def _rows(n: int, start_s: int = 0, dew: float = 60.0) -> list[str]:
    out = []
    for i in range(start_s, start_s + n):
        h, m, s = i // 3600, i % 3600 // 60, i % 60
        # A little movement, so that nothing looks stuck.
        out.append(f"2026-07-22 {h:02d}:{m:02d}:{s:02d},3,C1,HiB,0.23,{dew + (i % 7) * 0.01:.2f},"
                   f"{60 + (i % 5) * 0.1:.1f},{840 + (i % 3) * 0.1:.1f}\n")
    return out


def _write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def _kinds(review) -> dict[str, object]:
    return {i.kind: i for i in review.issues}


def test_non_numeric_values_are_counted_and_read_as_missing(tmp_path, tiny_units):
    rows = _rows(600)
    rows[100] = "2026-07-22 00:01:40,3,C1,HiB,0.23,ERR,60.0,840.0\n"
    rows[200] = "2026-07-22 00:03:20,3,C1,HiB,0.23,--,60.0,840.0\n"
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    issue = _kinds(review)["non_numeric"]
    assert issue.count == 2 and issue.column == "露点" and "row 101" in issue.where
    assert _kinds(review)["missing_values"].count == 2


def test_gap_is_a_finding_with_its_span(tmp_path, tiny_units):
    rows = _rows(300) + _rows(300, start_s=900)
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    gaps = [f for f in review.findings if f.kind == "gap"]
    assert [(g.start, g.end) for g in gaps] == [("2026-07-22T00:05:00", "2026-07-22T00:14:59")]


def test_duplicated_timestamps_are_counted_and_the_first_kept(tmp_path, tiny_units):
    rows = _rows(600)
    rows.insert(51, rows[50].replace(",60.", ",99."))  # same time, another value
    rows.insert(301, rows[300])
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    assert _kinds(review)["duplicate_time"].count == 2
    assert review.rows == 600
    assert not [f for f in review.findings if f.kind == "excursion"]  # the 99 was not used


def test_clock_jumping_backwards_is_reported_where_it_happens(tmp_path, tiny_units):
    rows = _rows(300) + _rows(300, start_s=240)  # the clock was set back a minute
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    issue = _kinds(review)["clock_backwards"]
    assert "row 301" in issue.where and "jumps back 59 s" in issue.detail
    assert _kinds(review)["duplicate_time"].count == 60


def test_unsorted_rows_are_reported_and_sorted(tmp_path, tiny_units):
    import random

    rows = _rows(600)
    random.Random(1).shuffle(rows)
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    assert _kinds(review)["unsorted"].count > 100
    assert review.first == "2026-07-22T00:00:00" and review.last == "2026-07-22T00:09:59"
    assert [f.kind for f in review.findings] == ["insufficient_data"]  # ten minutes of a day


def test_truncated_csv_is_reported(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", _rows(600))
    path.write_bytes(path.read_bytes() + b"2026-07-22 00:10:00,3,C1,Hi")  # cut mid-row
    review = review_day(path, tiny_units, ReviewOptions())
    issue = _kinds(review)["truncated"]
    assert issue.where == "d.csv:602" and review.rows in (600, 601)


def test_malformed_rows_are_skipped_and_counted(tmp_path, tiny_units):
    rows = _rows(600)
    rows[10] = "2026-07-22 00:00:10,3,C1\n"
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    assert _kinds(review)["malformed_rows"].where == "d.csv:12"


def test_truncated_parquet_among_daily_files(tmp_path, tiny_units):
    from tests.review.conftest import make_day

    make_day(tiny_units, tmp_path, faults=False)
    bad = tmp_path / "dcl-line3-2026-07-23.parquet"
    good = sorted(tmp_path.glob("*.parquet"))[0].read_bytes()
    bad.write_bytes(good[: len(good) // 2])
    review = review_day(tmp_path, tiny_units, ReviewOptions())
    issue = _kinds(review)["truncated"]
    assert issue.where == bad.name and review.day == "2026-07-22"


def test_unmatched_and_unit_columns(tmp_path, tiny_units):
    header = "time,line,露点(K),氢气比例[ppm],温度计X\n"
    rows = [f"2026-07-22 00:00:{s:02d},3,{333.15 + s * 0.01:.2f},{600000 + s},1\n" for s in range(60)]
    review = review_day(_write(tmp_path / "d.csv", rows, header), tiny_units, ReviewOptions())
    assert review.unmatched == ["温度计X"]
    assert review.matched == {"露点(K)": "露点", "氢气比例[ppm]": "氢气比例"}
    assert all(p.out_rows == 0 for p in review.parameters)  # 333.15 K is 60 ℃; 60 % in ppm


def test_a_file_that_is_not_data_is_a_user_error(tmp_path, tiny_units):
    (tmp_path / "x.csv").write_text("hello\n", encoding="utf-8")
    with pytest.raises(LaoshifuError, match="no time column"):
        review_day(tmp_path / "x.csv", tiny_units, ReviewOptions())


def test_several_lines_need_a_choice(tmp_path, tiny_units):
    rows = _rows(60) + [r.replace(",3,", ",4,") for r in _rows(60)]
    path = _write(tmp_path / "d.csv", rows)
    with pytest.raises(LaoshifuError, match="--line"):
        review_day(path, tiny_units, ReviewOptions())
    assert review_day(path, tiny_units, ReviewOptions(line="4")).rows == 60


def test_one_huge_cell_skips_its_row_and_names_the_line(tmp_path, tiny_units):
    rows = _rows(600)
    rows[1] = "2026-07-22 00:00:01,3,C1,HiB,0.23," + "9" * 10_000_000 + ",60.0,840.0\n"
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    issue = _kinds(review)["oversized_row"]
    assert (issue.count, issue.where) == (1, "d.csv:3")
    assert review.rows == 599 and review.first == "2026-07-22T00:00:00"


def test_a_row_missing_several_fields_is_counted_once(tmp_path, tiny_units):
    rows = _rows(600)
    rows[10] = "2026-07-22 00:00:10,3,C1\n"  # five fields short
    review = review_day(_write(tmp_path / "d.csv", rows), tiny_units, ReviewOptions())
    assert _kinds(review)["malformed_rows"].count == 1


def test_markdown_summary_carries_no_html_from_the_data(tmp_path, tiny_units):
    from laoshifu.review.report_md import no_raw_html, render_markdown

    header = "time,line,coil,grade,thickness,露点,<script>alert(1)</script>,炉温\n"
    rows = _rows(600)
    rows[5] = "2026-07-22 00:00:05,3,C1,HiB,0.23,<img src=x onerror=alert(1)>,1,840.0\n"
    text = render_markdown(review_day(_write(tmp_path / "d.csv", rows, header), tiny_units,
                                      ReviewOptions()))
    assert "&lt;script>alert(1)&lt;/script>" in text and "&lt;img src=x" in text
    assert "<script" not in text and "<img" not in text and "</" not in text
    # Comparisons stay readable; only what could open a tag or an entity is escaped.
    assert no_raw_html("氢气比例 < 45 and 露点 >65 & <b>&amp;") == \
        "氢气比例 < 45 and 露点 >65 & &lt;b>&amp;amp;"
