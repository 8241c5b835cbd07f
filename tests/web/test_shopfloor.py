"""应急诊断 and 日报 on the web and under /api/v1 (issue 9, item 16): the same diagnosis as
the CLI, reviews run by engineers and masters and read by every member of the base."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tests.conftest import run_cli

from .conftest import EXAMPLE, csrf_of

READINGS = {"露点": "68", "氢气比例": "45", "带速": "95"}
DAY = "2026-07-22"


@pytest.fixture(scope="module")
def day_file(tmp_path_factory):
    """One day of the example line (1 Hz, 24 h) with its injected faults."""
    from laoshifu.formats.folder import read_folder
    from laoshifu.review.example_data import ExampleSpec, generate

    out = tmp_path_factory.mktemp("line-data")
    generate(read_folder(EXAMPLE).units, ExampleSpec(out, days=1, last_day=date(2026, 7, 22)))
    return out / f"dcl-line3-{DAY}.parquet"


# -- 应急诊断 ------------------------------------------------------------------------------

def test_the_process_list_and_its_form(world):
    client = world.login("xiao")  # an apprentice may diagnose
    page = client.get("/diagnose")
    assert page.status_code == 200
    processes = re.findall(r'href="/diagnose\?process=([^&"]+)', page.text)
    assert processes[:3] == ["%E5%B8%B8%E5%8C%96", "%E5%86%B7%E8%BD%A7", "%E8%84%B1%E7%A2%B3%E9%80%80%E7%81%AB"]
    form = client.get("/diagnose", params={"process": "脱碳退火"})
    assert 'name="r:露点"' in form.text and 'inputmode="decimal"' in form.text
    assert "窗口 55 ~ 65 ℃" in form.text and 'name="thickness"' in form.text
    assert client.get("/diagnose", params={"process": "炼钢"}).status_code == 400


def test_the_page_says_what_the_cli_says(world, home):
    client = world.login("xiao")
    page = client.get("/diagnose", params={"process": "脱碳退火"})
    form = {"csrf": csrf_of(page.text), "base": "main", "process": "脱碳退火",
            **{f"r:{k}": v for k, v in READINGS.items()}}
    shown = client.post("/diagnose", data=form)
    assert shown.status_code == 200
    cli = run_cli("diagnose", *(f"{k}={v}" for k, v in READINGS.items()), "--process", "脱碳退火",
                  "--output-json", home=home)
    expected = json.loads(cli.stdout)
    assert [r["rule_id"] for r in expected["rules"]] == ["rule-dc-dew-point-high", "rule-dc-over-oxidizing"]
    # Every line of the CLI's text result is on the page, in the same order.
    text = run_cli("diagnose", *(f"{k}={v}" for k, v in READINGS.items()), "--process", "脱碳退火",
                   home=home).stdout
    assert "露点 = 68 ℃，高于上限 65，超出 3（窗口 55 ~ 65 ℃）" in text
    assert "露点 = 68 ℃，高于上限 65，超出 3（窗口 55 ~ 65 ℃）" in shown.text
    positions = [shown.text.index(r["title"]) for r in expected["rules"] + expected["possible"]]
    assert positions == sorted(positions)
    for action in expected["rules"][0]["actions"]:
        assert action.replace('"', "&#34;") in shown.text
    # The API gives the CLI's JSON object itself.
    api = world.api("xiao").post("/api/v1/diagnose", json={"readings": READINGS, "process": "脱碳退火"})
    assert api.status_code == 200 and api.json() == expected


def test_bad_readings_are_shown_beside_their_fields_in_chinese(world):
    client = world.login("xiao")
    page = client.get("/diagnose", params={"process": "脱碳退火"})
    shown = client.post("/diagnose", data={"csrf": csrf_of(page.text), "base": "main",
                                           "process": "脱碳退火", "r:露点": "六十四",
                                           "r:带速": "5MPa", "thickness": "薄"})
    assert shown.status_code == 400
    errors = re.findall(r'class="field-error">([^<]*)<', shown.text)
    assert "「六十四」 不是数字 — 写一个数字，例如 62" in errors
    assert any("MPa 换算不成 m/min" in e for e in errors)
    assert 'value="六十四"' in shown.text  # what was typed stays
    nothing = client.post("/diagnose", data={"csrf": csrf_of(page.text), "base": "main",
                                             "process": "脱碳退火"})
    assert nothing.status_code == 400 and "没有可以诊断的内容" in nothing.text


def test_diagnose_api_and_its_permissions(world):
    processes = world.api("xiao").get("/api/v1/diagnose/processes").json()["processes"]
    dc = next(p for p in processes if p["process"] == "脱碳退火")
    assert dc["fields"][0] == {"name": "露点", "symbol": "DP", "unit": "℃", "windows": ["55 ~ 65 ℃"]}
    assert dc["thickness"] is True and dc["rules"] == 18
    assert world.client().post("/api/v1/diagnose", json={"readings": READINGS}).status_code == 401
    other = world.api("zhao").post("/api/v1/diagnose", json={"readings": READINGS})
    assert other.status_code == 403  # an apprentice of another base
    bad = world.api("xiao").post("/api/v1/diagnose", json={"readings": {"露电": 65}})
    assert bad.status_code == 400 and "did you mean 露点" in bad.json()["error"]["problems"][0]["hint"]


# -- 日报 -------------------------------------------------------------------------------

@pytest.fixture
def world(world):
    """The web world with room for a day's file (3 MB) in an upload."""
    from laoshifu.web.app import create_app

    world.app = create_app(world.store, max_upload_bytes=8 * 1024 * 1024)
    return world


def test_an_engineer_reviews_a_day_everyone_reads_it(world, day_file):
    engineer = world.login("li")
    page = engineer.get("/daily")
    assert 'name="file"' in page.text and "还没有日报" in page.text
    sent = engineer.post("/daily", data={"csrf": csrf_of(page.text), "base": "main", "source": "upload"},
                         files={"file": (day_file.name, day_file.read_bytes())}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/daily/{DAY}-line-3?base=main"
    report = engineer.get(sent.headers["location"])
    assert report.status_code == 200
    assert "今日操作计划" in report.text and "脱碳段露点偏高：复查原因，按规则处置" in report.text
    assert "仪表卡死" in report.text and "数据断档" in report.text
    # The apprentice reads the list and the report, and has no upload form.
    apprentice = world.login("xiao")
    listing = apprentice.get("/daily")
    assert f"/daily/{DAY}-line-3" in listing.text and 'name="file"' not in listing.text
    assert "li · " in listing.text and "7 项发现" in listing.text
    assert apprentice.get(f"/daily/{DAY}-line-3").status_code == 200
    full = apprentice.get(f"/daily/{DAY}-line-3/report.html")
    assert full.status_code == 200 and "<img" in full.text and "script-src" not in full.headers[
        "content-security-policy"] and "'unsafe-inline'" in full.headers["content-security-policy"]
    refused = apprentice.post("/daily", data={"csrf": csrf_of(listing.text), "source": "upload"},
                              files={"file": (day_file.name, b"x")}, follow_redirects=False)
    assert refused.status_code == 403
    # Another base's member sees none of it.
    other = world.login("zhao")
    assert other.get(f"/daily/{DAY}-line-3", params={"base": "main"}).status_code == 403


def test_upload_errors_are_shown_on_the_page(world):
    engineer = world.login("li")
    page = engineer.get("/daily")
    wrong = engineer.post("/daily", data={"csrf": csrf_of(page.text), "source": "upload"},
                          files={"file": ("notes.txt", b"hello")})
    assert wrong.status_code == 400 and "「notes.txt」 不是日报能读的数据文件" in wrong.text
    empty = engineer.post("/daily", data={"csrf": csrf_of(page.text), "source": "upload",
                                          "day": "22/07/2026"}, files={"file": ("a.csv", b"")})
    assert empty.status_code == 400 and "「a.csv」 是空的" in empty.text
    nothing = engineer.post("/daily", data={"csrf": csrf_of(page.text), "source": "upload"})
    assert nothing.status_code == 400 and "没有选文件" in nothing.text
    folder = engineer.post("/daily", data={"csrf": csrf_of(page.text), "source": "folder"})
    assert folder.status_code == 400 and "知识库 「main」 没有配置数据文件夹" in folder.text


def test_an_upload_over_the_limit_is_refused(world, day_file):
    from laoshifu.web.app import create_app

    world.app = create_app(world.store, max_upload_bytes=512 * 1024)
    engineer = world.login("li")
    page = engineer.get("/daily")
    sent = engineer.post("/daily", data={"csrf": csrf_of(page.text), "source": "upload"},
                         files={"file": (day_file.name, day_file.read_bytes())})
    assert sent.status_code == 413 and "上限" in sent.text


def test_reviews_api(world, day_file, monkeypatch):
    monkeypatch.setenv("LAOSHIFU_REVIEW_DATA", str(day_file.parent))
    # An apprentice may not run a review: refused before the file is read.
    refused = world.api("xiao").post("/api/v1/reviews", data={"source": "upload"},
                                     files={"file": (day_file.name, b"x" * 10)})
    assert refused.status_code == 403
    made = world.api("wang").post("/api/v1/reviews", data={"source": "folder", "day": DAY})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["id"] == f"{DAY}-line-3" and body["reviewed_by"] == "wang" and body["findings"] == 7
    assert body["review"]["plan"]["items"][0]["unit_id"] == "rule-dc-dew-point-high"
    listed = world.api("xiao").get("/api/v1/reviews").json()["reviews"]
    assert [r["id"] for r in listed] == [f"{DAY}-line-3"]
    one = world.api("xiao").get(f"/api/v1/reviews/{DAY}-line-3")
    assert one.status_code == 200 and one.json()["review"]["day"] == DAY
    assert world.api("xiao").get("/api/v1/reviews/2026-07-01").status_code == 404
    assert world.api("xiao").get("/api/v1/reviews/..%2F..%2Fetc").status_code == 404
    assert world.api("zhao").get("/api/v1/reviews", params={"base": "main"}).status_code == 403
    bad_day = world.api("li").post("/api/v1/reviews", data={"source": "folder", "day": "2026-13-01"})
    assert bad_day.status_code == 400 and bad_day.json()["error"]["problems"][0]["field"] == "day"
    audit = world.store.audit_log("main", 5)
    assert audit[0]["action"] == "review.run" and audit[0]["actor"] == "wang"
