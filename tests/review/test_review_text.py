"""What the review says: dates on tomorrow's times, honest data-quality lines, parameter lists."""

from __future__ import annotations

from laoshifu.review.daily import DayReview
from laoshifu.review.model import Finding
from laoshifu.review.plan import make_plan
from laoshifu.review.report_html import render_html
from laoshifu.review.report_md import render_markdown
from laoshifu.knowledge.vocabulary import Vocabulary


def _drift(crosses_at: str) -> Finding:
    return Finding("drift", "炉温", "2026-07-22T20:00:00", "2026-07-22T23:59:59",
                   key="脱碳退火:炉温", unit_id="t-temp",
                   detail={"side": "high", "limit": 860.0, "from": 840.0, "to": 852.0,
                           "share_of_window": 0.6, "per_hour": 0.1, "crosses_at": crosses_at})


def _plan_evidence(tiny_units, crosses_at: str) -> str:
    review = DayReview("2026-07-22", "3", "脱碳退火", "d.csv", ["d.csv"], "wide",
                       findings=[_drift(crosses_at)])
    return make_plan(review, tiny_units, Vocabulary.from_units(tiny_units)).items[0].evidence


def test_a_drift_crossing_tomorrow_gives_the_date(tiny_units):
    assert _plan_evidence(tiny_units, "2026-07-23T10:01:00").endswith(
        "at this rate crosses ~2026-07-23 10:01")
    assert _plan_evidence(tiny_units, "2026-07-22T23:10:00").endswith("at this rate crosses ~23:10")


def test_data_quality_does_not_say_no_problems_beside_gaps_and_stuck_sensors(example_review):
    assert not example_review.issues
    for text in (render_markdown(example_review), render_html(example_review)):
        assert "No problems found in the data" not in text
        assert "数据断档 gap、仪表卡死 stuck sensor见上面的发现" in text


def test_a_rule_over_several_parameters_lists_them(example_review):
    rules = [f.to_dict() for f in example_review.findings if f.kind == "rule"]
    several = [f for f in rules if len(f["parameters"]) > 1]
    assert several
    for f in several:
        assert f["parameter"] == f["parameters"][0] and ", " not in f["parameter"]
    excursion = next(f.to_dict() for f in example_review.findings if f.kind == "excursion")
    assert excursion["parameters"] == [excursion["parameter"]]
    gap = next(f.to_dict() for f in example_review.findings if f.kind == "gap")
    assert gap["parameters"] == [] and gap["parameter"] is None
