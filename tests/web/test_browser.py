"""End to end in Debian's Chromium: the apprentice, the engineer and the master."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(template_db, tmp_path):
    source, _tokens = template_db
    home = tmp_path / "srv"
    home.mkdir()
    shutil.copyfile(source, home / "laoshifu.db")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    env["LAOSHIFU_SEMANTIC"] = "off"  # the suite is lexical (conftest): no embedding at start
    env["LAOSHIFU_HOME"] = str(home)
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "laoshifu.web.app:create_app",
                             "--factory", "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/login", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("server did not start")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _login(browser, url, user, mobile=False):
    context = browser.new_context(viewport={"width": 390, "height": 844} if mobile else None,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_whole_loop(server, browser):
    url = server
    # The apprentice asks and opens a citation (on a phone-sized screen).
    apprentice = _login(browser, url, "xiao", mobile=True)
    apprentice.fill("textarea[name=question]", "脱碳退火露点控制在多少")
    apprentice.click("form.ask button")
    apprentice.wait_for_selector("#answer a.cite")
    _shot(apprentice, "ask-answer")
    apprentice.click("form.feedback button[value='1']")
    apprentice.wait_for_selector(".feedback-done:has-text('谢谢')")
    apprentice.click("#answer a.cite >> nth=0")
    apprentice.wait_for_selector("h1")
    assert "/units/" in apprentice.url
    _shot(apprentice, "unit")

    # The engineer edits a unit: it becomes a draft.
    engineer = _login(browser, url, "li")
    engineer.goto(url + "/units/note-dc-dew-meter-tube/edit")
    engineer.fill("textarea[name=body]", "取样管每班排一次积水，再看露点仪。")
    engineer.fill("input[name=comment]", "加了排水")
    engineer.click("form.unit-form button[type=submit]")
    engineer.wait_for_selector(".notice")
    assert "草稿" in engineer.inner_text(".notice")
    _shot(engineer, "unit-draft")

    # The master approves it.
    master = _login(browser, url, "wang")
    master.goto(url + "/review")
    _shot(master, "review")
    master.fill("#draft-note-dc-dew-meter-tube input[name=comment]", "同意")
    master.click("#draft-note-dc-dew-meter-tube button[value=approve]")
    master.wait_for_selector("text=没有待审核的草稿")

    # An unanswerable question goes to the master, who answers it in place.
    apprentice.goto(url + "/")
    question = "食堂的红烧肉今天几点开饭"
    apprentice.fill("textarea[name=question]", question)
    apprentice.click("form.ask button")
    apprentice.wait_for_selector(".unsure-text")
    master.goto(url + "/questions")
    _shot(master, "questions")
    master.fill("article.question textarea[name=text]", "十一点半开饭。")
    master.click("article.question button[type=submit]")
    master.wait_for_selector(".notice")
    apprentice.goto(url + "/")
    apprentice.fill("textarea[name=question]", question)
    apprentice.click("form.ask button")
    apprentice.wait_for_selector("#answer")
    assert "十一点半开饭" in apprentice.inner_text("#answer")

    master.goto(url + "/units?kind=parameter")
    _shot(master, "knowledge")
    admin = _login(browser, url, "admin")
    admin.goto(url + "/admin")
    _shot(admin, "admin")
