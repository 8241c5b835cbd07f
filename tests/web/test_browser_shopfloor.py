"""应急诊断 and 日报 in Debian's Chromium on a phone-sized window (issue 9, item 16)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from .conftest import EXAMPLE
from . import test_browser
from .test_browser import CHROMIUM, _login, _shot

# The end-to-end tests' fixtures: a served copy of the web world, and Chromium.
server, browser = test_browser.server, test_browser.browser

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")]
PHONE_WIDTH = 390


def _fits_the_phone(page) -> None:
    """Nothing wider than the screen: no sideways scrolling on the shop floor."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, width


def test_diagnose_on_a_phone(server, browser):
    page = _login(browser, server, "xiao", mobile=True)
    page.click("header nav >> text=应急诊断")
    page.click(".process-pick >> text=脱碳退火")
    field = page.locator("input[name='r:露点']")
    box = field.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 140  # thumb-sized
    font = field.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 18  # and no zoom-in on focus (phones zoom below 16 px)
    _fits_the_phone(page)
    field.fill("68")
    page.fill("input[name='r:氢气比例']", "45")
    page.fill("input[name='r:带速']", "95")
    page.click("form.diag-form button[type=submit]")
    page.wait_for_selector("#result")
    result = page.inner_text("#result")
    assert "露点 = 68 ℃，高于上限 65，超出 3（窗口 55 ~ 65 ℃）" in result
    assert "[1] 脱碳段露点偏高" in result and "[2] 脱碳气氛氧化性过强" in result
    # The result comes first, above the form, so the phone shows it without scrolling.
    assert page.locator("#result").bounding_box()["y"] < page.locator("form.diag-form").bounding_box()["y"]
    assert page.input_value("input[name='r:露点']") == "68"  # ready to change one reading
    _fits_the_phone(page)
    _shot(page, "diagnose-phone")


def test_daily_review_on_a_phone(server, browser, tmp_path):
    from laoshifu.formats.folder import read_folder
    from laoshifu.review.example_data import ExampleSpec, generate

    generate(read_folder(EXAMPLE).units, ExampleSpec(tmp_path, days=1, last_day=date(2026, 7, 22)))
    engineer = _login(browser, server, "li", mobile=True)
    engineer.click("header nav >> text=日报")
    engineer.set_input_files("input[name=file]", str(tmp_path / "dcl-line3-2026-07-22.parquet"))
    engineer.click("form.daily-run button[type=submit]")
    engineer.wait_for_selector("section.plan", timeout=120_000)
    plan = engineer.inner_text("section.plan")
    assert plan.index("脱碳段露点偏高") < plan.index("校验张力仪表")  # quality before equipment
    _fits_the_phone(engineer)
    _shot(engineer, "daily-phone")

    # The apprentice finds it in the list and reads today's plan; he cannot run one.
    apprentice = _login(browser, server, "xiao", mobile=True)
    apprentice.goto(server + "/daily")
    assert apprentice.locator("input[name=file]").count() == 0
    apprentice.click(".report-list >> text=2026-07-22")
    apprentice.wait_for_selector("section.plan")
    assert "今日操作计划" in apprentice.inner_text("section.plan")
    _fits_the_phone(apprentice)
