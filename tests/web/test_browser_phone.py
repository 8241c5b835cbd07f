"""On a phone: a unit's version history reads across, one header a line (issue 9, item 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import test_browser
from .test_browser import CHROMIUM, _login, _shot

# The end-to-end tests' fixtures: a served copy of the web world, and Chromium.
server, browser = test_browser.server, test_browser.browser

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")]


def test_history_headers_on_one_line(server, browser):
    page = _login(browser, server, "xiao", mobile=True)
    page.goto(server + "/units/dc-dew-point")
    heights = page.eval_on_selector_all(
        "table.history th", "ths => ths.filter(th => th.textContent.trim()).map(th => "
        "[th.textContent.trim(), th.getBoundingClientRect().height, "
        "parseFloat(getComputedStyle(th).lineHeight)])")
    assert [name for name, _, _ in heights] == ["版本", "时间", "操作", "修改人", "状态"]
    for name, height, line in heights:
        assert height < 1.8 * line, (name, height, line)  # one line, not one character a line
    when = page.inner_text("table.history tbody td:nth-child(2)")
    assert len(when) == 16 and "T" not in when  # 2026-07-22 14:05, plant time
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "history-phone")
