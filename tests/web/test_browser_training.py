"""End to end in Chromium on a phone-sized window: an apprentice learns ten cards and
passes a 脱碳退火 exam; the master sees it on the 徒弟 page."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import CHROMIUM, _login, _shot, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")]


def _store_of(url_home):
    from laoshifu.store import Store
    return Store.open(f"sqlite:///{url_home / 'laoshifu.db'}")


def _answer(page, card, prefix=""):
    """Answer ``card`` right, the way a thumb would."""
    if card.answer_kind == "choice":
        if prefix:
            page.check(f"input[name='{prefix}choice'][value='{card.correct}']")
        else:
            page.click(f"#card button[name=choice][value='{card.correct}']")
    elif card.answer_kind == "number":
        page.fill(f"input[name='{prefix}answer']", f"{card.value:g}")
        if not prefix:
            page.click("#card button[type=submit]")
    elif card.answer_kind == "order":
        for shown in range(len(card.order)):
            page.select_option(f"select[name='{prefix}pos_{shown}']", str(card.order.index(shown) + 1))
        if not prefix:
            page.click("#card button[type=submit]")
    else:
        page.click("#card a.button.big")
        page.click("#card button[name=rating][value='3']")


def test_an_apprentice_learns_and_qualifies_on_a_phone(server, browser, tmp_path):  # noqa: F811
    from laoshifu.training import study

    url, home = server, tmp_path / "srv"
    store = _store_of(home)
    apprentice = _login(browser, url, "xiao", mobile=True)
    for n in range(10):
        apprentice.goto(url + "/learn")
        key = apprentice.get_attribute("#card", "data-key")
        card = study.card_of(store, "main", *key.split("#"))
        if n == 0:
            _shot(apprentice, "learn-card")
        _answer(apprentice, card)
        apprentice.wait_for_selector("#result")
        assert "答错了" not in apprentice.inner_text("#result")
        if n == 0:
            _shot(apprentice, "learn-result")
    # The buttons fit a thumb on a 390-pixel screen.
    apprentice.goto(url + "/learn")
    box = apprentice.locator("#card .big").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300

    apprentice.goto(url + "/exam")
    apprentice.click("form.exam-start:has(input[value='脱碳退火']) button")
    apprentice.wait_for_selector("form.exam-form")
    exam_id = int(apprentice.url.split("/exam/")[1].split("?")[0])
    from laoshifu.people import accounts
    from laoshifu.training import exams
    exam = exams.get_exam(store, exam_id, accounts.get_user(store, "xiao"))
    for i, q in enumerate(exam.questions):
        _answer(apprentice, q, prefix=f"q{i}_")
    _shot(apprentice, "exam")
    apprentice.click("form.exam-form > button[type=submit]")
    apprentice.wait_for_selector("#exam-result.pass")
    _shot(apprentice, "exam-passed")
    apprentice.click("#exam-result a.button")
    apprentice.wait_for_selector("#certificate")
    assert "上岗合格证" in apprentice.inner_text("#certificate")
    _shot(apprentice, "certificate")

    master = _login(browser, url, "wang")
    master.goto(url + "/apprentices")
    row = master.inner_text("#apprentice-xiao")
    assert "10/" in row and "脱碳退火" in row
    _shot(master, "apprentices")
    store.close()
