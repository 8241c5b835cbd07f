"""Which day is reviewed: the bulk of the data decides; stray and implausible times do not."""

from __future__ import annotations

import json
from datetime import date

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.review.daily import ReviewOptions, review_day
from laoshifu.review.report_md import render_markdown
from tests.conftest import run_cli

from .conftest import TINY_KB
from .test_bad_data import _rows, _write


def _day(day: str, n: int, dew: float = 60.0) -> list[str]:
    return [r.replace("2026-07-22", day) for r in _rows(n, dew=dew)]


def _excursion_day() -> list[str]:
    """600 rows on 2026-07-22 with the dew point above 65 for five minutes."""
    rows = _rows(600)
    rows[100:400] = _rows(300, start_s=100, dew=70.0)
    return rows


def _kinds(review) -> list[str]:
    return [f.kind for f in review.findings]


def test_one_future_row_does_not_become_the_reviewed_day(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", _excursion_day() + ["2099-01-01 00:00:00,3,C1,HiB,0.23,60,60,840\n"])
    chosen = review_day(path, tiny_units, ReviewOptions())
    given = review_day(path, tiny_units, ReviewOptions(day="2026-07-22"))
    assert chosen.day == "2026-07-22" and chosen.rows == 600
    assert _kinds(chosen) == _kinds(given) and "excursion" in _kinds(chosen)
    assert not chosen.plan.all_clear
    aside = next(i for i in chosen.issues if i.kind == "implausible_time")
    assert aside.count == 1 and aside.where == "d.csv row 601" and "2099-01-01" in aside.detail
    assert not chosen.choice.given and chosen.choice.set_aside == 1
    text = render_markdown(chosen)
    assert "- 日期 Day: 2026-07-22 — 自动选择" in text and "1 rows at implausible times" in text
    assert "昨天没有参数超窗" not in text
    assert chosen.to_dict()["day_choice"]["day"] == "2026-07-22"
    assert given.choice.given and "--day" in given.choice.reason


def test_whole_days_in_the_future_are_set_aside(tmp_path, tiny_units):
    """A logger with the wrong year writes full days; the present days are still reviewed."""
    path = _write(tmp_path / "d.csv", _day("2026-07-21", 600) + _day("2026-07-22", 600)
                  + _day("2099-07-22", 600))
    review = review_day(path, tiny_units, ReviewOptions(today=date(2026, 7, 23)))
    assert review.day == "2026-07-22" and review.previous_days == ["2026-07-21"]
    assert next(i for i in review.issues if i.kind == "implausible_time").count == 600
    # Only future days: the computer's clock is the one that is wrong.
    alone = review_day(path, tiny_units, ReviewOptions(today=date(2020, 1, 1)))
    assert alone.day == "2099-07-22" and alone.previous_days == ["2026-07-21", "2026-07-22"]


def test_the_largest_timestamp_is_a_bad_time_not_a_crash(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", _rows(600) + ["9999-12-31 23:59:59,3,C1,HiB,0.23,60,60,840\n"])
    review = review_day(path, tiny_units, ReviewOptions())
    assert review.day == "2026-07-22"
    assert [(i.kind, i.count) for i in review.issues] == [("implausible_time", 1)]
    with pytest.raises(LaoshifuError, match="no data for 9999-12-31; 1 rows on it are at implausible"):
        review_day(path, tiny_units, ReviewOptions(day="9999-12-31"))


def test_an_unset_clock_before_2000_is_set_aside(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", ["1970-01-01 00:00:05,3,C1,HiB,0.23,60,60,840\n"] + _rows(600))
    review = review_day(path, tiny_units, ReviewOptions())
    assert review.previous_days == [] and review.choice.days == {"2026-07-22": 600}
    assert next(i for i in review.issues if i.kind == "implausible_time").where == "d.csv row 1"


def test_a_later_day_with_few_rows_is_skipped_and_said(tmp_path, tiny_units):
    """At 05:30 today's file holds a few hours: yesterday, the last full day, is reviewed."""
    path = _write(tmp_path / "d.csv", _day("2026-07-21", 600) + _day("2026-07-22", 600)
                  + _day("2026-07-23", 100))
    review = review_day(path, tiny_units, ReviewOptions())
    assert review.day == "2026-07-22" and review.choice.skipped == ["2026-07-23"]
    assert "跳过之后行数太少的 2026-07-23 (100)" in review.choice.reason
    assert "insufficient_data" not in _kinds(review)
    assert not [i for i in review.issues if i.kind == "implausible_time"]  # the day after: real


def test_a_near_empty_day_is_never_all_clear(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", _day("2026-07-21", 600) + _day("2026-07-22", 5))
    review = review_day(path, tiny_units, ReviewOptions(day="2026-07-22"))
    thin = review.findings[0]
    assert thin.kind == "insufficient_data" and thin.detail == {
        "rows": 5, "expected": 600, "basis": "busiest_day"}
    assert not review.plan.all_clear and review.plan.items[0].kind == "insufficient_data"
    text = render_markdown(review)
    assert "数据不足" in text and "昨天没有参数超窗" not in text


def test_a_file_of_one_row_is_not_a_day(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", _rows(1))
    review = review_day(path, tiny_units, ReviewOptions())
    assert _kinds(review) == ["insufficient_data"]
    assert review.findings[0].detail["expected"] == 86_400  # a full day at one a second
    assert not review.plan.all_clear and not review.plan.routine


def test_a_day_with_more_rows_than_the_limit_is_refused(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", _rows(600))
    with pytest.raises(LaoshifuError) as caught:
        review_day(path, tiny_units, ReviewOptions(max_rows=500))
    problem = caught.value.problems[0]
    assert problem.message.startswith("2026-07-22 has 600 rows, more than the 500")
    assert "--max-rows" in problem.hint


def test_cli_says_which_day_and_why(tmp_path):
    path = _write(tmp_path / "d.csv", _excursion_day() + ["2099-01-01 00:00:00,3,C1,HiB,0.23,60,60,840\n"])
    home = tmp_path / "home"
    done = run_cli("review", str(path), "--kb", str(TINY_KB), home=home)
    assert done.returncode == 0, done.stderr
    assert "- 日期 Day: 2026-07-22 — 自动选择" in done.stdout
    done = run_cli("review", str(path), "--kb", str(TINY_KB), "--json", home=home)
    choice = json.loads(done.stdout)["day_choice"]
    assert choice["day"] == "2026-07-22" and not choice["given"] and choice["set_aside"] == 1
    done = run_cli("review", str(path), "--kb", str(TINY_KB), "--max-rows", "100", home=home)
    assert done.returncode == 2 and "600 rows, more than the 100" in done.stderr


def test_data_with_only_implausible_times_is_a_clear_error(tmp_path, tiny_units):
    path = _write(tmp_path / "d.csv", [r.replace("2026-07-22", "1970-01-01") for r in _rows(60)])
    with pytest.raises(LaoshifuError) as caught:
        review_day(path, tiny_units, ReviewOptions())
    problem = caught.value.problems[0]
    assert problem.message == ("no rows at a plausible time for line 3: 60 rows on 1970-01-01 "
                               "(before 2000 or after 2200), first in d.csv row 1")
    assert problem.hint == "check the data logger's clock"
