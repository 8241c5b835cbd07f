"""laoshifu capture and laoshifu gaps, as a person runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go-silicon-steel"
LABELLED = Path(__file__).resolve().parents[1] / "capture" / "data" / "labelled.yaml"


@pytest.fixture
def imported(cli):
    assert cli("import", str(EXAMPLE)).returncode == 0
    return cli


def test_capture_stdin_saves_drafts_citing_lines(imported, home):
    text = "露点超过65℃、氢气低于20%时，先降加湿水温，再查蒸汽阀。\n出口密封氮气流量控制在30到50 m³/h。\n"
    done = imported("capture", "-", "--process", "脱碳退火", input=text)
    assert done.returncode == 0, done.stderr
    assert "露点 > 65℃ and 氢气比例 < 20% → 降加湿水温 / 查蒸汽阀" in done.stdout
    assert "← stdin.txt:2" in done.stdout and "saved 2 drafts" in done.stdout
    listed = imported("list", "--status", "draft", "--json")
    assert listed.stdout.count("cap-") == 2


def test_capture_dry_run_and_json(imported):
    done = imported("capture", "-", "--dry-run", "--json", input="花脸又叫色差底层。")
    assert done.returncode == 0
    import json
    data = json.loads(done.stdout)
    assert data["saved"] is None and data["proposals"][0]["id"] == "term-flower-face"


def test_capture_errors(imported, tmp_path):
    missing = imported("capture", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    unknown = imported("capture", "-", "--process", "炼钢", input="露点55～65℃")
    assert unknown.returncode == 2 and "unknown process '炼钢'" in unknown.stderr
    nothing = imported("capture")
    assert nothing.returncode == 2 and "say what to capture" in nothing.stderr


def test_capture_eval_and_gaps(imported):
    done = imported("capture", "--eval", str(LABELLED))
    assert done.returncode == 0 and done.stdout.startswith("127 sentences: precision")
    gaps = imported("gaps", "--kind", "no_rule", "--limit", "1")
    assert gaps.returncode == 0 and "还没有应急判断：出现时先做什么？" in gaps.stdout
