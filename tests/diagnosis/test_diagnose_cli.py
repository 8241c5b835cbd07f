"""The diagnose command over the example knowledge base."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLE, run_cli


@pytest.fixture(scope="module")
def kb_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    done = run_cli("import", str(EXAMPLE), home=home)
    assert done.returncode == 0, done.stderr
    return home


def test_readings_as_arguments(kb_home):
    done = run_cli("diagnose", "露点=67", "氢气比例=45", "带速=95", home=kb_home)
    assert done.returncode == 0, done.stderr
    assert "超窗：" in done.stdout and "露点 = 67 ℃，高于上限 65，超出 2（窗口 55 ~ 65 ℃）" in done.stdout
    assert "出处：rule-" in done.stdout


def test_english_on_request(kb_home):
    """Chinese by default; --lang en or LAOSHIFU_LANG=en for English (issue 9, item 12)."""
    english = run_cli("diagnose", "露点=35", "带速=95", "--lang", "en", home=kb_home)
    assert "露点 = 35 ℃ is 20 below lower limit 55 (window 55 ~ 65 ℃)" in english.stdout
    assert "Rules that hold (most severe first):" in english.stdout
    assert "source: rule-dc-dew-point-low" in english.stdout
    by_env = run_cli("diagnose", "露点=35", "带速=95", home=kb_home, env={"LAOSHIFU_LANG": "en"})
    assert by_env.stdout == english.stdout
    chinese = run_cli("diagnose", "露点=35", "带速=95", home=kb_home)
    assert "露点 = 35 ℃，低于下限 55，差 20（窗口 55 ~ 65 ℃）" in chinese.stdout
    assert "(严重，质量，读数符合条件)" in chinese.stdout
    assert not any(w in chinese.stdout for w in ("below", "lower limit", "source:", "condition:"))


def test_json_in_and_out(kb_home):
    done = run_cli("diagnose", "--json", '{"露点": "338K", "带速": 95}', "--output-json",
                   home=kb_home)
    data = json.loads(done.stdout)
    assert data["process"] == "脱碳退火"
    assert data["readings"][0]["converted_from"] == "K"
    alone = run_cli("diagnose", "露点=60", "带速=95", "--json", home=kb_home)
    assert json.loads(alone.stdout)["out_of_window"] == []


def test_csv_row(kb_home, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("time,牌号,厚度,露点,带速,均热时间\n2026-07-22 10:00:00,HiB,0.23,60,95,150\n"
                    "2026-07-22 10:00:01,HiB,0.23,66,95,190\n", encoding="utf-8")
    done = run_cli("diagnose", "--csv", str(path), "--row", "2", "--json", home=kb_home)
    data = json.loads(done.stdout)
    assert {d["parameter"] for d in data["out_of_window"]} == {"露点", "均热时间"}
    assert data["material"] == {"grade": "HiB", "thickness": 0.23}


def test_user_errors_exit_2_without_traceback(kb_home):
    done = run_cli("diagnose", "露电=65", "带速=95", home=kb_home)
    assert done.returncode == 2 and "没有参数 「露电」" in done.stderr and "是不是 露点？" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("diagnose", "露点=5MPa", "带速=95", home=kb_home)
    assert done.returncode == 2 and "MPa 换算不成 ℃" in done.stderr
    done = run_cli("diagnose", "露点=5MPa", "带速=95", "--lang", "en", home=kb_home)
    assert done.returncode == 2 and "cannot convert MPa" in done.stderr


def test_csv_row_with_a_thickness_that_is_not_a_number(kb_home, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("牌号,厚度,露点,带速\nHiB,abc,60,95\n", encoding="utf-8")
    done = run_cli("diagnose", "--csv", str(path), home=kb_home)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "厚度 「abc」 不是数字" in done.stderr and str(path) in done.stderr
    assert "以毫米为单位，例如 0.23" in done.stderr
