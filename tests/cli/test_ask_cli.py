"""ask / questions / answer / eval through the real command."""

import json

import yaml


def test_ask_questions_answer_round_trip(cli, example_dir):
    assert cli("import", str(example_dir)).returncode == 0
    result = cli("ask", "脱碳退火的露点一般控制在多少？")
    assert result.returncode == 0, result.stderr
    assert "工艺窗口" in result.stdout and "dc-dew-point" in result.stdout and "[1]" in result.stdout

    data = json.loads(cli("ask", "--json", "足球比赛几点开始").stdout)
    assert data["refused"] is True and data["queued_question_id"] == 1

    listed = cli("questions").stdout
    assert "足球比赛几点开始" in listed
    assert cli("answer", "1", "这个不归我们管，问工会。").returncode == 0
    data = json.loads(cli("ask", "--json", "足球比赛几点开始").stdout)
    assert data["refused"] is False and data["citations"][0]["unit_id"] == "qa-q1"
    assert "no questions waiting" in cli("questions").stdout


def test_answering_an_answered_question_needs_replace(cli):
    assert json.loads(cli("ask", "--json", "足球比赛几点开始").stdout)["queued_question_id"] == 1
    assert cli("answer", "1", "问工会。").returncode == 0
    again = cli("answer", "1", "问车间主任。")
    assert again.returncode == 2
    assert "already answered" in again.stderr and "--replace" in again.stderr
    replaced = cli("answer", "1", "问车间主任。", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert "replaced the answer qa-q1: v1 → v2" in replaced.stdout
    history = cli("history", "qa-q1").stdout
    assert "v1" in history and "v2" in history


def test_ask_errors(cli, example_dir):
    cli("import", str(example_dir))
    result = cli("ask", "")
    assert result.returncode == 2 and "question is empty" in result.stderr
    result = cli("ask", "长" * 10_000)
    assert result.returncode == 2 and "at most" in result.stderr


def test_interactive_prompt_reads_until_eof(cli, example_dir):
    cli("import", str(example_dir))
    result = cli("ask", input="脱碳退火的露点控制在多少？\n")
    assert result.returncode == 0
    assert "Ctrl-D" in result.stdout and "dc-dew-point" in result.stdout


def test_eval_on_a_tiny_fixture_set(cli, example_dir, tmp_path):
    cli("import", str(example_dir))
    questions = tmp_path / "q.yaml"
    questions.write_text(yaml.safe_dump([
        {"id": "a1", "question": "脱碳退火的露点控制在多少？", "gold": ["dc-dew-point"], "split": "dev"},
        {"id": "a2", "question": "炉口密封着火了怎么办", "gold": ["rule-dc-seal-fire"], "split": "dev"},
        {"id": "u1", "question": "世界杯决赛谁赢了", "gold": [], "split": "dev"},
        {"id": "h1", "question": "高温退火的露点要多低", "gold": ["ha-dew-point"], "split": "held-out"},
    ], allow_unicode=True), encoding="utf-8")
    data = json.loads(cli("eval", "--questions", str(questions), "--json").stdout)
    assert data["answerable"] == 2 and data["unanswerable"] == 1
    assert data["recall_at_1"] == 1.0 and data["refusal_accuracy"] == 1.0
    assert {"recall_at_5", "mrr_at_10", "false_refusal_rate", "p50_ms", "p95_ms"} <= set(data)
    held = json.loads(cli("eval", "--questions", str(questions), "--split", "held-out", "--json").stdout)
    assert held["answerable"] == 1 and held["recall_at_1"] == 1.0
    result = cli("eval", "--questions", str(questions), "--split", "held-out", "--calibrate")
    assert result.returncode == 2 and "never on the held-out" in result.stderr
