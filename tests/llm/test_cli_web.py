"""The commands and the ask page, with no model (nothing changes) and with the scripted one."""

from __future__ import annotations

import json
import re

import pytest

from ..conftest import EXAMPLE
from .openai_stub import Reply, StubModel, faithful, planted_script

VALUE_Q = "脱碳退火的露点一般控制在多少？"


def model_env(model: StubModel, **extra) -> dict:
    return {"LAOSHIFU_LLM_BASE_URL": model.base_url, "LAOSHIFU_LLM_MODEL": "stub-qwen",
            "LAOSHIFU_LLM_TIMEOUT": "10", **extra}


def test_model_check(kb, cli, stub):
    done = cli("model", "check")
    assert done.returncode == 0 and "no model configured" in done.stdout
    model = stub(Reply("好"))
    done = cli("model", "check", "--json", env=model_env(model))
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["ok"] and data["scope"] == "loopback" and data["reply"] == "好"
    done = cli("model", "check", env=model_env(stub(Reply(status=500))))
    assert done.returncode == 1 and "HTTP 500" in done.stdout


def test_without_a_model_ask_is_unchanged(kb, cli):
    plain = cli("ask", "--no-record", VALUE_Q)
    assert plain.returncode == 0 and plain.stdout.startswith("工艺窗口 (window):")
    refused = cli("ask", "--generate", VALUE_Q)
    assert refused.returncode == 2 and "no model configured" in refused.stderr


def test_ask_with_the_model_prints_the_checked_text_above_the_masters_words(kb, cli, stub):
    model = stub(Reply("露点控制在55～65℃，目标60℃[1]。露点要62℃[1]。露点是脱碳炉的命根子[1]。"))
    done = cli("ask", "--no-record", VALUE_Q, env=model_env(model))
    assert done.returncode == 0, done.stderr
    assert "stub-qwen 整理（逐句核对过）:\n  露点控制在55～65℃，目标60℃[1]。露点是脱碳炉的命根子[1]。" in done.stdout
    assert "62" not in done.stdout and "工艺窗口 (window):" in done.stdout
    data = json.loads(cli("ask", "--json", "--no-record", VALUE_Q, env=model_env(model)).stdout)
    assert data["rejected"][0]["findings"][0]["code"] == "number_unsupported"
    rejected = cli("model", "rejections", "--json")
    assert [r["sentence"] for r in json.loads(rejected.stdout)] == ["露点要62℃[1]。"] * 2
    off = cli("ask", "--no-generate", "--no-record", VALUE_Q, env=model_env(model))
    assert "stub-qwen" not in off.stdout


def test_export_training_command(kb, cli, tmp_path):
    done = cli("export-training", str(tmp_path / "out"), "--format", "sharegpt", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["train"] + report["heldout"] == 234
    assert report["card"]["by_kind"] == {"procedure": 16, "qa": 5, "rule_readings": 32,
                                         "rule_symptom": 32, "term": 70, "window": 79}
    again = cli("export-training", str(EXAMPLE))
    assert again.returncode == 2 and "other files" in again.stderr


def test_eval_generate_reports_faithfulness_and_fall_back(kb, cli, stub, tmp_path):
    holder: list = [None]
    model = stub(planted_script(holder))
    holder[0] = model
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "- {id: a1, question: 脱碳退火的露点一般控制在多少？, gold: [dc-dew-point]}\n"
        "- {id: a2, question: 露点高了怎么办？, gold: [rule-dc-dew-point-high]}\n"
        "- {id: a3, question: 脱碳炉通氢怎么操作？, gold: [proc-dc-h2-startup]}\n"
        "- {id: u1, question: 火星上的退火炉用什么颜色的油漆？, gold: []}\n", encoding="utf-8")
    done = cli("eval", "--generate", "--questions", str(questions), "--split", "all", "--json",
               env=model_env(model))
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert report["unsupported_shown_per_answer"] == 0
    assert report["sentences_written"] - report["sentences_kept"] == len(model.planted) >= 2
    assert 0 <= report["fall_back_rate"] <= 1 and report["generated"] == 3
    text = cli("eval", "--generate", "--questions", str(questions), "--split", "all",
               env=model_env(stub(faithful))).stdout
    assert "unsupported claims per answer shown 0.000" in text and "fall-back rate 0.000" in text


# -- the ask page ------------------------------------------------------------------------
@pytest.fixture
def page(kb, home):
    from fastapi.testclient import TestClient

    from laoshifu.web.app import create_app

    client = TestClient(create_app(kb))
    login = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    client.post("/login", data={"username": "xiao", "password": "password-123", "csrf": csrf,
                                "next": "/"}, follow_redirects=False)
    return client


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_without_a_model_the_page_is_as_before(page):
    html = page.post("/ask", data={"question": VALUE_Q, "base": "main",
                                   "csrf": csrf_of(page.get("/").text)}).text
    assert "工艺窗口" in html and "generate.js" not in html and "data-generate" not in html


def test_the_page_streams_checked_sentences_above_the_masters_words(page, stub, monkeypatch):
    model = stub(Reply("露点控制在55～65℃[1]。露点要62℃[1]。露点是脱碳炉的命根子[1]。"))
    for key, value in model_env(model).items():
        monkeypatch.setenv(key, value)
    html = page.post("/ask", data={"question": VALUE_Q, "base": "main",
                                   "csrf": csrf_of(page.get("/").text)}).text
    assert 'data-generate="/ask/generate"' in html and "stub-qwen" in html
    assert html.index("data-generate") < html.index("工艺窗口")  # generated text first
    csrf = csrf_of(html)
    with page.stream("POST", "/ask/generate", data={"question": VALUE_Q, "asked": VALUE_Q,
                                                     "base": "main", "csrf": csrf}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = [(m.group(1), json.loads(m.group(2)))
              for m in re.finditer(r"event: (\w+)\ndata: (.*)\n\n", body)]
    assert events == [
        ("sentence", {"text": "露点控制在55～65℃[1]。", "citations": [1]}),
        ("sentence", {"text": "露点是脱碳炉的命根子[1]。", "citations": [1]}),
        ("done", {"fell_back": False, "reason": "", "model": "stub-qwen"})]
    assert page.post("/ask/generate", data={"question": VALUE_Q, "base": "main",
                                            "csrf": "forged"}).status_code == 403
