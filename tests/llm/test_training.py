"""Training export: valid JSONL in each format, every record traceable to a unit version,
held out by unit, approved knowledge only, all or nothing."""

from __future__ import annotations

import json

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.llm.training import export_training, readings_for
from laoshifu.knowledge.units import Note, Rule
from laoshifu.knowledge.vocabulary import Vocabulary


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["openai", "sharegpt", "alpaca"])
def test_each_format_is_valid_jsonl_traceable_to_unit_versions(kb, tmp_path, fmt):
    report = export_training(kb, tmp_path / "out", "main", fmt)
    train, held = lines(tmp_path / "out" / "train.jsonl"), lines(tmp_path / "out" / "heldout.jsonl")
    assert (len(train), len(held)) == (report.train, report.heldout) and report.heldout > 0
    for record in train + held:
        if fmt == "openai":
            assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
            assert all(m["content"] for m in record["messages"])
        elif fmt == "sharegpt":
            assert [t["from"] for t in record["conversations"]] == ["human", "gpt"] and record["system"]
        else:
            assert record["instruction"] and record["output"] and record["input"] == ""
        for ref in record["metadata"]["units"]:
            unit = kb.get_unit("main", ref["id"])
            assert unit is not None and unit.version == ref["version"] and unit.status == "approved"
            assert unit.kind == ref["kind"]


def test_records_say_what_the_units_say(kb, tmp_path):
    export_training(kb, tmp_path / "out", "main", "alpaca", heldout_percent=0)
    records = {r["metadata"]["record"]: r for r in lines(tmp_path / "out" / "train.jsonl")}
    window = records["dc-dew-point@1:window"]
    assert window["instruction"] == "脱碳退火露点控制在多少？"
    assert window["output"].startswith("脱碳退火露点：目标 60℃，范围 55～65℃。露点是脱碳炉的命根子")
    qa = next(r for r in records.values() if r["metadata"]["kind"] == "qa")
    unit = kb.get_unit("main", qa["metadata"]["units"][0]["id"])
    assert (qa["instruction"], qa["output"]) == (unit.question, unit.body)
    rule = next(r for r in records.values() if r["metadata"]["kind"] == "rule_readings")
    rule_unit = kb.get_unit("main", rule["metadata"]["units"][0]["id"])
    assert all(action in rule["output"] for action in rule_unit.actions)
    assert {r["metadata"]["kind"] for r in records.values()} == {
        "qa", "window", "rule_readings", "rule_symptom", "procedure", "term"}


def test_readings_for_a_rule_set_it_off():
    from laoshifu.knowledge.units import Parameter

    params = [Parameter(id="dp", title="露点", process="脱碳退火", name="露点", unit="℃"),
              Parameter(id="h2", title="氢气比例", process="脱碳退火", name="氢气比例", unit="%")]
    vocab = Vocabulary.from_units(params)

    def readings(condition):
        return readings_for(Rule(id="r", title="t", process="脱碳退火", condition=condition,
                                 actions=("降低水温",)), vocab)

    assert readings("露点 > 65 and 氢气比例 < 20") == "露点 68.2℃、氢气比例 19%"
    assert readings("露点 >= 65 and 露点 < 70") == "露点 67.5℃"
    assert readings("露点 > 65 or 氢气比例 < 20") == "露点 68.2℃"
    assert readings("not 露点 > 65") == ""  # nothing plain to say: the symptom question stands
    assert readings("露点 > 氢气比例") == ""


def test_held_out_by_unit_and_stable(kb, tmp_path):
    a = export_training(kb, tmp_path / "a", "main")
    b = export_training(kb, tmp_path / "b", "main")
    units = lambda path: {u["id"] for r in lines(path) for u in r["metadata"]["units"]}
    train, held = units(tmp_path / "a" / "train.jsonl"), units(tmp_path / "a" / "heldout.jsonl")
    assert train and held and not train & held
    assert a.card["heldout"]["units"] == b.card["heldout"]["units"]


def test_drafts_retired_and_unanswered_questions_stay_out(kb, tmp_path):
    note = kb.list_units("main", kinds=["term"])[0]
    kb.save_unit("main", note.with_changes(body="草稿：还没审。", status="draft"), "li")
    kb.save_unit("main", Note(id="note-gone", title="旧", body="作废。"), "wang")
    kb.set_status("main", "note-gone", "retired", "wang", "retire")
    kb.record_question("main", "火星上怎么退火？", "火星上怎么退火", [], actor="xiao")
    report = export_training(kb, tmp_path / "out", "main", heldout_percent=0)
    text = (tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8")
    assert "草稿：还没审" not in text and "火星" not in text and "note-gone" not in text
    excluded = report.card["excluded"]
    assert excluded["retired"] == 1 and excluded["open_questions"] == 1
    card = (tmp_path / "out" / "data_card.md").read_text(encoding="utf-8")
    assert "知识版本" in card and "按工序" in card and "脱碳退火" in card


def test_bad_requests_name_the_problem_and_write_nothing(kb, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("keep me")
    with pytest.raises(LaoshifuError, match="other files"):
        export_training(kb, tmp_path / "busy", "main")
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["mine.txt"]
    with pytest.raises(LaoshifuError, match="unknown format"):
        export_training(kb, tmp_path / "x", "main", "csv")
    with pytest.raises(LaoshifuError, match="between 0 and 50"):
        export_training(kb, tmp_path / "x", "main", heldout_percent=80)
    with pytest.raises(LaoshifuError):
        export_training(kb, tmp_path / "x", "no-such-base")
    assert not (tmp_path / "x").exists()
