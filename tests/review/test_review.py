"""A day's review finds every injected fault, and nothing on a clean day."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from laoshifu.review.daily import ReviewOptions, review_day
from laoshifu.review.report_html import render_html, write_reports
from laoshifu.review.report_md import render_markdown

from .conftest import GOLDEN, make_day

# Edges of excursions, rules, gaps and stuck sensors are sharp; a drift's start is a fit.
TOLERANCE_S = {"drift": 600}
DEFAULT_TOLERANCE_S = 3


def _seconds(a: str, b: str) -> float:
    return abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).total_seconds())


def _matches(fault: dict, finding) -> bool:
    if finding.kind != fault["kind"]:
        return False
    if fault["kind"] == "rule" and finding.rule_id != fault["rule_id"]:
        return False
    if fault["kind"] not in ("rule", "gap") and finding.parameter != fault["parameter"]:
        return False
    start_tol = TOLERANCE_S.get(fault["kind"], DEFAULT_TOLERANCE_S)
    end_tol = DEFAULT_TOLERANCE_S if fault["kind"] != "drift" else 60
    return _seconds(fault["start"], finding.start) <= start_tol and \
        _seconds(fault["end"], finding.end) <= end_tol


def test_every_injected_fault_is_found_with_its_span(example_day, example_review):
    _, faults = example_day
    kinds = {f["kind"] for f in faults}
    assert kinds == {"excursion", "rule", "stuck_sensor", "drift", "gap"}
    for fault in faults:
        assert any(_matches(fault, f) for f in example_review.findings), fault


def test_nothing_is_found_on_a_clean_day(tmp_path, example_units):
    make_day(example_units, tmp_path, faults=False)
    review = review_day(tmp_path, example_units, ReviewOptions())
    assert review.findings == []
    assert [i.kind for i in review.issues] == []
    assert review.plan.all_clear
    assert review.plan.items == []
    assert review.plan.routine  # routine checks from the procedures
    assert all(item.unit_id.startswith("proc-") for item in review.plan.routine)
    assert "昨天没有参数超窗" in render_markdown(review)


def test_unmatched_columns_are_listed_not_dropped(example_review):
    assert example_review.unmatched == ["备用AI_07"]
    assert "备用AI_07" in render_markdown(example_review)


def test_excursion_summary_has_worst_when_and_coils(example_review):
    dew = next(p for p in example_review.parameters if p.name == "露点")
    assert dew.excursions == 1
    assert dew.worst["side"] == "high" and dew.worst["limit"] == 65
    assert dew.coils and all(c.startswith("D260722") for c in dew.coils)
    assert 8 * 60 <= dew.out_seconds <= 9 * 60


def test_plan_puts_safety_first_and_cites_the_masters_words(tmp_path, tiny_units):
    make_day(tiny_units, tmp_path)
    review = review_day(tmp_path, tiny_units, ReviewOptions())
    items = review.plan.items
    assert items[0].category == "safety" and items[0].unit_id == "t-rule-h2-low"
    categories = [i.category for i in items]
    order = {"safety": 0, "quality": 1, "equipment": 2, "cost": 3}
    assert categories == sorted(categories, key=order.__getitem__)
    assert items[0].reason == "氢气一少，气氛就乱，先保气氛再保产量。"
    assert "氢气比例" in items[0].evidence and "5.0 min" in items[0].evidence


def test_golden_markdown_summary(tmp_path, tiny_units):
    """Fixed seed, fixed KB → the exact summary (LAOSHIFU_UPDATE_GOLDEN=1 rewrites it)."""
    import os

    make_day(tiny_units, tmp_path)
    text = render_markdown(review_day(tmp_path, tiny_units, ReviewOptions()))
    golden = GOLDEN / "tiny-2026-07-22.md"
    if os.environ.get("LAOSHIFU_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_html_report_is_self_contained_and_escaped(tmp_path, example_review):
    html = render_html(example_review)
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert html.count("data:image/png;base64,") >= 4
    paths = write_reports(example_review, tmp_path / "out")
    assert paths["html"].exists() and paths["markdown"].exists()
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert {f["kind"] for f in data["findings"]} >= {"excursion", "rule", "drift", "stuck_sensor", "gap"}


def test_html_escapes_names_from_the_data(tmp_path, example_review):
    from dataclasses import replace

    from laoshifu.review.model import Finding

    evil = replace(example_review, findings=[Finding("gap", "<b>x</b>", "2026-07-22T00:00:00",
                                                     "2026-07-22T00:01:00", summary="<script>")],
                   series={})
    html = render_html(evil)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;x" in html


def test_conditional_windows_follow_each_coils_thickness(tmp_path, tiny_units):
    """均热时间 depends on thickness: each coil is judged by its own window."""
    make_day(tiny_units, tmp_path, faults=False)
    review = review_day(tmp_path, tiny_units, ReviewOptions())
    soak = next(p for p in review.parameters if p.name == "均热时间")
    assert soak.out_rows == 0 and soak.checked_rows == review.rows
    assert {w["condition"] for w in soak.windows} == {"厚度<=0.23", "厚度>0.23"}


def test_long_csv_data_gives_the_same_findings(tmp_path, tiny_units):
    make_day(tiny_units, tmp_path / "wide")
    make_day(tiny_units, tmp_path / "long", shape="long", fmt="csv")
    wide = review_day(tmp_path / "wide", tiny_units, ReviewOptions())
    long = review_day(tmp_path / "long", tiny_units, ReviewOptions())
    key = lambda r: [(f.kind, f.parameter, f.start, f.end, f.rule_id) for f in r.findings
                     if f.kind != "drift"]
    assert key(long) == key(wide)
    assert long.shape == "long"


@pytest.mark.parametrize("day", ["2026-07-21"])
def test_an_earlier_day_can_be_reviewed(example_day, example_units, day):
    review = review_day(example_day[0], example_units, ReviewOptions(day=day))
    assert review.day == day and review.findings == []
    assert review.previous_days == []
