"""One language per page, plant time, a paged knowledge list, read-only labels and the
answer's confidence in words (issue 9, items 12 and 13)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from .conftest import csrf_of

ENGLISH_WORD = re.compile(r"\b(?:is|not|may|no|the|already|exists|unknown|limit|above|below)\b")


def _problems(html: str) -> str:
    found = re.findall(r'<ul class="problems" role="alert">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", " ".join(found))


def test_form_errors_in_the_chinese_interface(world):
    client = world.login("wang")
    form = client.get("/units/new?kind=parameter")
    sent = {"csrf": csrf_of(form.text), "kind": "parameter", "id": "p-form", "title": "表单参数",
            "process": "常化", "name": "温度", "lower": "六十四", "upper": "900", "target": "950"}
    zh = client.post("/units/new", data=sent)
    assert zh.status_code == 400
    assert re.search(r'data-field="lower">「六十四」 不是数字 — 写一个数字，例如 62 或 0.23<', zh.text)
    en = client.post("/units/new?lang=en", data=sent)
    assert re.search(r"data-field=\"lower\">&#39;六十四&#39; is not a number — write a plain number", en.text)


def test_refusals_and_missing_pages_in_chinese_without_terminal_hints(world):
    apprentice = world.login("xiao")
    refused = apprentice.get("/review")
    assert refused.status_code == 403
    text = _problems(refused.text)
    assert "徒弟不能查看草稿" in text and "请管理员调整你的角色" in text
    assert not ENGLISH_WORD.search(text)
    english = apprentice.get("/review?lang=en")
    assert "an apprentice may not see drafts" in _problems(english.text)
    missing = apprentice.get("/units/no-such-unit?lang=zh")  # the switch back to Chinese
    assert missing.status_code == 404
    text = _problems(missing.text)
    assert "知识库 「main」 里没有 「no-such-unit」 这条知识" in text
    assert "laoshifu" not in missing.text.split("<main>")[1]  # no command to type on a web page
    nowhere = apprentice.get("/no/such/page")
    assert nowhere.status_code == 404 and "找不到这个页面" in _problems(nowhere.text)


def test_admin_errors_in_chinese(world):
    admin = world.login("admin")
    csrf = csrf_of(admin.get("/admin").text)
    again = admin.post("/admin/users", data={"csrf": csrf, "name": "xiao", "role": "apprentice"})
    assert again.status_code == 400
    text = _problems(again.text)
    assert "用户 「xiao」 已经存在" in text and "laoshifu" not in text
    bad = admin.post("/admin/users", data={"csrf": csrf, "name": "x y", "role": "apprentice"})
    assert "用户名 「x y」 不合用" in _problems(bad.text)


def test_the_audit_log_in_words(world):
    admin = world.login("admin")
    csrf = csrf_of(admin.get("/admin").text)
    admin.post("/admin/users", data={"csrf": csrf, "name": "newbie", "role": "engineer", "bases": "main"})
    page = admin.get("/admin").text
    rows = re.findall(r"<tr><td class=\"small\">.*?</tr>", page, re.S)
    newbie = next(r for r in rows if "newbie" in r)
    assert "添加用户" in newbie and "角色：工程师；知识库：main" in newbie
    assert "user.add" not in page and '{"role"' not in page and "&#34;role&#34;" not in page
    assert "导入知识" in world.login("wang").get("/admin/audit").text
    english = admin.get("/admin?lang=en").text
    assert "user added" in english and "role: engineer; bases: main" in english


def test_times_in_plant_time(world, monkeypatch):
    from laoshifu.web.app import create_app

    monkeypatch.setenv("LAOSHIFU_TIMEZONE", "Asia/Shanghai")
    world.app = create_app(world.store)
    stored = world.store.history("main", "dc-dew-point")[-1][1]["changed_at"]
    local = datetime.fromisoformat(stored).astimezone(timezone(timedelta(hours=8)))
    page = world.login("xiao").get("/units/dc-dew-point").text
    assert f'<td class="small">{local:%Y-%m-%d %H:%M}</td>' in page
    assert "+00:00" not in page and not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)


def test_a_bad_time_zone_is_named(monkeypatch, home):
    from laoshifu.config import load_settings
    from laoshifu.errors import LaoshifuError

    monkeypatch.setenv("LAOSHIFU_TIMEZONE", "Asia/Beijing")
    with pytest.raises(LaoshifuError) as caught:
        load_settings()
    problem = caught.value.problems[0]
    assert problem.field == "timezone" and "Asia/Beijing" in problem.message


def test_the_knowledge_list_is_paged(world):
    client = world.login("xiao")
    first = client.get("/units")
    listed = re.findall(r'<li><a href="/units/([^?"]+)', first.text)
    assert len(listed) == 50
    total = int(re.search(r"共 (\d+) 条", first.text).group(1))
    assert total > 300 and "第 1/" in first.text
    pages = -(-total // 50)
    last = client.get("/units", params={"page": pages})
    assert len(re.findall(r'<li><a href="/units/', last.text)) == total - 50 * (pages - 1)
    second = client.get("/units", params={"page": 2})
    assert not set(listed) & set(re.findall(r'<li><a href="/units/([^?"]+)', second.text))
    # Filters stay on the page links.
    rules = client.get("/units", params={"kind": "note"}).text
    assert "下一页" not in rules or "kind=note" in rules
    dc = client.get("/units", params={"process": "脱碳退火"}).text
    assert re.search(r'href="/units\?process=%E8%84%B1%E7%A2%B3%E9%80%80%E7%81%AB&amp;base=main&amp;page=2"', dc)


def test_read_only_unit_pages_show_names_not_form_instructions(world):
    page = world.login("xiao").get("/units/proc-dc-n2-purge-before-h2").text
    assert "<dt>步骤</dt>" in page and "<dt>相关参数</dt>" in page and "<dt>标签</dt>" in page
    assert "每行一步" not in page and "每行一个" not in page and "用 ; 分隔" not in page


def test_confidence_in_words_with_the_number_at_hand(world):
    client = world.login("xiao")
    page = client.get("/")
    answer = client.post("/ask", data={"csrf": csrf_of(page.text), "question": "脱碳退火露点控制在多少"})
    shown = re.search(r'<p class="muted small confidence">(.*?)</p>', answer.text, re.S).group(1)
    assert re.match(r"把握：[高中低] <span title=\"校准后的把握（答对的概率）\">\(0\.\d\d\)</span>", shown)


def test_confidence_bands():
    from laoshifu.messages import confidence_level

    assert [confidence_level(p) for p in (0.97, 0.85, 0.84, 0.6, 0.59, 0.0)] == \
        ["high", "high", "medium", "medium", "low", "low"]
