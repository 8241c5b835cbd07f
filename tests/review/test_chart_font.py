"""Charts keep their Chinese labels on a machine without a system CJK font (issue 9, item 14)."""

from __future__ import annotations

import io
import warnings

from laoshifu.review import report_html


def test_a_cjk_font_without_system_fonts(monkeypatch):
    # A fresh machine: none of the Debian font files exist.
    monkeypatch.setattr(report_html, "CJK_FONTS", ("/nonexistent/wqy-microhei.ttc",))
    name = report_html.cjk_font()
    assert name == "Noto Sans CJK SC"


def test_chinese_labels_are_drawn_with_it(monkeypatch):
    from matplotlib.figure import Figure

    monkeypatch.setattr(report_html, "CJK_FONTS", ())
    assert report_html.cjk_font() is not None
    fig = Figure(figsize=(4, 2), dpi=50)
    ax = fig.subplots()
    ax.plot([0, 1], [60, 66])
    ax.set_title("露点 (℃) 氢气比例 窗口", loc="left")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []


def test_charts_prepared_on_another_thread_get_the_same_font(monkeypatch):
    report_html._chart_font()  # one a review before left ready is taken first
    monkeypatch.setattr(report_html, "CJK_FONTS", ("/nonexistent/wqy-microhei.ttc",))
    report_html.prepare_charts()
    report_html.prepare_charts()  # once is enough: the second call finds it started
    assert report_html._chart_font() == "Noto Sans CJK SC"
    assert report_html._warm_up == {}  # taken: the next review prepares again


def test_a_failed_preparation_is_raised_when_the_charts_are_drawn(monkeypatch):
    def broken():
        raise OSError("font file unreadable")
    report_html._chart_font()
    monkeypatch.setattr(report_html, "cjk_font", broken)
    report_html.prepare_charts()
    try:
        report_html._chart_font()
    except OSError as exc:
        assert str(exc) == "font file unreadable"
    else:
        raise AssertionError("the failure was lost")
