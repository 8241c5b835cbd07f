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
