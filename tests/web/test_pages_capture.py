"""录入 and 缺口 pages: paste → proposals beside the source → drafts for 审核; roles, CSRF."""

from __future__ import annotations

import re

from .conftest import csrf_of


def test_paste_propose_edit_and_save_as_drafts(world):
    client = world.login("li")
    page = client.get("/capture?base=main")
    assert page.status_code == 200 and "录入师傅的知识" in page.text
    shown = client.post("/capture", data={"csrf": csrf_of(page.text), "base": "main", "process": "脱碳退火",
                                          "text": "露点超过65℃、氢气低于20%时，先降加湿水温，再查蒸汽阀。"})
    assert shown.status_code == 200
    assert "录入.txt:1" in shown.text and "露点 &gt; 65℃ and 氢气比例 &lt; 20%" in shown.text
    form = {name: value for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', shown.text)}
    rule_id = form["p0-id"]
    form.update({"p0-save": "1", "p0-title": "露点高氢气低（师傅改过）", "p0-diagnosis": "气氛氧化性太强",
                 "p0-actions": "降加湿水温\n查蒸汽阀", "p0-severity": "high", "p0-category": "quality",
                 "p0-condition": "露点 > 65℃ and 氢气比例 < 20%"})
    import html
    form = {k: html.unescape(v) for k, v in form.items()}
    saved = client.post("/capture/save", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/review?base=main&captured=1"
    unit = world.store.get_unit("main", rule_id)
    assert unit.status == "draft" and unit.title == "露点高氢气低（师傅改过）"
    assert unit.source == "录入.txt:1" and unit.actions == ("降加湿水温", "查蒸汽阀")
    assert "已存 1 条草稿" in client.get("/review?base=main&captured=1").text


def test_an_invalid_edit_is_shown_and_nothing_saved(world):
    client = world.login("li")
    page = client.get("/capture?base=main")
    shown = client.post("/capture", data={"csrf": csrf_of(page.text), "base": "main", "process": "脱碳退火",
                                          "text": "露点超过65℃时，先降加湿水温。"})
    form = {n: v for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', shown.text)}
    import html
    form = {k: html.unescape(v) for k, v in form.items()}
    form.update({"p0-save": "1", "p0-condition": "露珠 > 65", "p0-actions": "降水温", "p0-diagnosis": "x",
                 "p0-title": "t", "p0-severity": "high", "p0-category": "quality"})
    before = len(world.store.list_units("main", statuses=None))
    refused = client.post("/capture/save", data=form)
    assert refused.status_code == 400 and "unknown name" in refused.text and "露点" in refused.text
    assert len(world.store.list_units("main", statuses=None)) == before


def test_roles_and_csrf(world):
    apprentice = world.login("xiao")
    assert apprentice.get("/capture?base=main").status_code == 403
    assert apprentice.get("/gaps?base=main").status_code == 403
    refused = apprentice.post("/capture", data={"csrf": "x", "text": "露点55～65℃"})
    assert refused.status_code == 403
    engineer = world.login("li")
    bad = engineer.post("/capture", data={"csrf": "wrong", "base": "main", "text": "露点55～65℃"})
    assert bad.status_code == 403


def test_gaps_page_links_to_capture(world):
    client = world.login("wang")
    page = client.get("/gaps?base=main")
    assert page.status_code == 200 and "还没有应急判断：出现时先做什么？" in page.text
    assert "/capture?base=main&amp;process=" in page.text


def test_image_names_cannot_leave_the_captures_folder(world):
    client = world.login("li")
    assert client.get("/capture/images/..%2Flaoshifu.db?base=main").status_code in (400, 404)
    assert client.get("/capture/images/nothing-0123abcd.png?base=main").status_code == 404
