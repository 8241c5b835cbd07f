"""Generated answers against a real HTTP server speaking the chat-completions protocol,
streamed and not: correct replies are kept; every planted fabrication is caught and the
answer falls back; refusals are decided before the model is asked."""

from __future__ import annotations

import re

import json

import pytest

from laoshifu.llm.generate import SentenceSplitter, generate_answer, prepare
from laoshifu.llm.rejections import list_rejections

from .conftest import model_client
from .openai_stub import PLANT_KINDS, Reply, StubModel, faithful, planted_script

VALUE_Q = "脱碳退火的露点一般控制在多少？"


@pytest.fixture(autouse=True)
def _saved_index(index_dir):
    # Load the example's index instead of building it for every test.
    _INDEX[0] = index_dir


_INDEX: list = [None]


def answer_for(kb, stub_model, question=VALUE_Q, **settings):
    return generate_answer(kb, question, "main", model_client(stub_model, **settings),
                           index_dir=_INDEX[0])


def prepared_for(kb, question, client, **options):
    return prepare(kb, question, "main", client, index_dir=_INDEX[0], **options)


def test_a_correct_streamed_reply_is_kept_sentence_by_sentence(kb, stub):
    model = stub(Reply("露点控制在55～65℃，目标60℃[1]。露点是脱碳炉的命根子[1]。"))
    result = answer_for(kb, model)
    assert not result.fell_back and result.reason == ""
    assert result.text == "露点控制在55～65℃，目标60℃[1]。露点是脱碳炉的命根子[1]。"
    assert [s.citations for s in result.sentences] == [(1,), (1,)]
    assert model.requests[0]["stream"] is True
    assert list_rejections(kb, "main") == []


def test_what_is_sent_is_the_question_and_the_cited_units_only(kb, stub):
    model = stub(faithful)
    result = answer_for(kb, model)
    messages = model.requests[0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    user = messages[1]["content"]
    assert user.endswith(f"问题：{VALUE_Q}")
    cited = [c.unit_id for c in result.answer.citations]
    for n, unit_id in enumerate(cited, 1):
        assert f"[{n}] " in user and unit_id in user
    # Nothing about who asked, and no unit the answer does not cite.
    assert "xiao" not in json.dumps(model.requests[0], ensure_ascii=False)
    assert user.count("\n\n[") == len(cited) - 1
    assert not result.fell_back


def test_an_invented_number_is_caught_logged_and_the_answer_falls_back(kb, stub):
    model = stub(Reply("露点控制在58～68℃[1]。"))
    result = answer_for(kb, model)
    assert result.fell_back and result.reason == "nothing_verified" and result.text == ""
    assert {f.code for f in result.rejected[0].findings} == {"number_unsupported"}
    logged = list_rejections(kb, "main")
    assert len(logged) == 1 and logged[0].sentence == "露点控制在58～68℃[1]。" and logged[0].fell_back
    assert logged[0].question == VALUE_Q and "dc-dew-point@1" in logged[0].units
    assert logged[0].findings[0]["code"] == "number_unsupported"


def test_celsius_written_as_kelvin_without_converting_is_caught(kb, stub):
    model = stub(Reply("露点控制在55～65K，目标60K[1]。"))
    result = answer_for(kb, model)
    assert result.fell_back
    assert {f.code for f in result.rejected[0].findings} == {"number_unsupported"}


def test_kelvin_converted_correctly_is_kept(kb, stub):
    model = stub(Reply("露点目标60℃，也就是333.15K[1]。"))
    assert not answer_for(kb, model).fell_back


def test_a_wrong_citation_is_caught(kb, stub):
    from laoshifu.answer import ask

    # a source of the extractive answer that gives no dew-point window (a handbook section)
    extractive = ask(kb, VALUE_Q, record=False, index_dir=_INDEX[0])
    other = next(c for c in extractive.citations if c.kind == "section")
    assert "55" not in kb.get_unit("main", other.unit_id).body
    model = stub(Reply(f"露点控制在55～65℃[{other.n}]。露点是脱碳炉的命根子[1]。"))
    result = answer_for(kb, model)
    assert "number_unsupported" in {f.code for f in result.rejected[0].findings}
    # What survives is prose without the window's number: the answer lost its substance.
    assert result.fell_back and result.reason == "window_number_lost"


def test_an_unanswerable_question_is_refused_before_the_model_is_asked(kb, stub):
    model = stub(Reply("火星上的退火炉露点控制在60℃[1]。"))
    result = answer_for(kb, model, "火星上的退火炉用什么颜色的油漆？", rewrite=False)
    assert result.answer.refused and result.reason == "refused" and result.text == ""
    assert model.requests == []  # never asked to answer
    assert result.answer.queued_question_id is not None  # the master gets the question


def test_rewriting_proposes_paraphrases_and_retrieval_decides(kb, stub):
    asked = "DCL炉子里H2配多少合适？就是那个比例"

    def script(body):
        if body["messages"][0]["content"].startswith("你帮忙检索"):
            return Reply('```json\n{"paraphrases": ["脱碳退火氢气比例控制在多少？"]}\n```')
        return faithful(body)

    model = stub(script)
    client = model_client(model)
    direct = prepared_for(kb, asked, None, record=False)
    prepared = prepared_for(kb, asked, client, record=False)
    if not direct.answer.refused:
        pytest.skip("retrieval answers this wording without help")
    assert prepared.rewritten_as == "脱碳退火氢气比例控制在多少？" and not prepared.answer.refused
    assert prepared.answer.windows[0].name == "氢气比例"
    # The rewrite request carries the question alone.
    assert model.requests[0]["messages"][1]["content"] == f"问题：{asked}"


@pytest.mark.parametrize("reply", [
    Reply("this is not json"),
    Reply('{"paraphrases": "not a list"}'),
    Reply('{"paraphrases": ["露点控制在多少？"]}'),  # drops the question's number: refused
    Reply(status=500),
])
def test_bad_rewrites_leave_the_refusal_standing_and_queue_the_question(kb, stub, reply):
    model = stub(reply)
    prepared = prepared_for(kb, "1号炉子那个东西调到70以后出问题咋整", model_client(model))
    assert prepared.answer.refused and prepared.rewritten_as == ""
    assert prepared.answer.queued_question_id is not None


def test_malformed_json_in_the_stream_falls_back(kb, stub):
    model = stub(Reply("露点控制在55～65℃[1]。", raw="{not json"))
    result = answer_for(kb, model)
    assert result.fell_back and result.reason.startswith("model_error")


def test_a_malformed_non_streamed_reply_is_a_model_error(kb, stub):
    from laoshifu.llm.client import ModelError

    model = stub(Reply(raw='{"choices": "nope"}'))
    with pytest.raises(ModelError, match="not a chat completion"):
        model_client(model).complete([{"role": "user", "content": "?"}])


def test_a_model_that_times_out_falls_back(kb, stub):
    model = stub(Reply("露点控制在55～65℃[1]。", delay_s=2.0))
    result = answer_for(kb, model, timeout_s=0.5)
    assert result.fell_back and result.reason.startswith("model_error") and "0.5 s" in result.reason


def test_a_stream_that_stalls_past_the_deadline_falls_back(kb, stub):
    model = stub(Reply("露点控制在55～65℃[1]。露点是脱碳炉的命根子[1]。", chunk_delay_s=0.15))
    result = answer_for(kb, model, timeout_s=1.0)
    assert result.fell_back and result.reason.startswith("model_error")


def test_an_http_error_and_a_dead_endpoint_fall_back(kb, stub):
    assert answer_for(kb, stub(Reply(status=503))).reason == "model_error: HTTP 503 from the model endpoint"
    dead = StubModel(faithful).start()
    dead.stop()
    assert answer_for(kb, dead).reason.startswith("model_error: cannot reach")


def test_a_model_that_says_it_is_unsure_falls_back_without_a_rejection_log(kb, stub):
    result = answer_for(kb, stub(Reply("不确定。")))
    assert result.fell_back and result.reason == "model_unsure"
    assert list_rejections(kb, "main") == []


def test_most_sentences_dropped_falls_back(kb, stub):
    model = stub(Reply("露点控制在55～65℃[1]。露点要62℃[1]。露点高了会爆炸[1]。"))
    result = answer_for(kb, model)
    assert len(result.sentences) == 1 and len(result.rejected) == 2
    assert result.fell_back and result.reason == "too_many_dropped"


def test_one_bad_sentence_is_dropped_and_the_rest_stands(kb, stub):
    model = stub(Reply("露点控制在55～65℃，目标60℃[1]。露点是脱碳炉的命根子[1]。露点要62℃[1]。"))
    result = answer_for(kb, model)
    assert not result.fell_back and "62" not in result.text and len(result.rejected) == 1
    assert len(list_rejections(kb, "main")) == 1 and not list_rejections(kb, "main")[0].fell_back


def test_reasoning_models_think_blocks_are_not_checked_or_shown(kb, stub):
    model = stub(Reply("<think>资料说露点62度？不对，是60</think>露点目标60℃，范围55～65℃[1]。"))
    result = answer_for(kb, model)
    assert not result.fell_back and result.text == "露点目标60℃，范围55～65℃[1]。"


def test_the_splitter_waits_for_markers_after_the_full_stop():
    splitter = SentenceSplitter()
    out = []
    for piece in ["露点60", "℃。", "[", "1]", "氢气", "60%。[2", "]"]:
        out += splitter.feed(piece)
    out += splitter.flush()
    assert out == ["露点60℃。[1]", "氢气60%。[2]"]


def test_every_planted_fabrication_on_the_question_set_is_caught(kb, stub):
    """Over dev questions retrieval answers, the planted model slips one fabrication of a
    known kind into each answer; not one reaches the text shown, and nothing the model
    copied faithfully is dropped."""
    from laoshifu.answer.evaluate import EXAMPLE_QUESTIONS, load_questions

    holder: list = [None]
    model = stub(planted_script(holder))
    holder[0] = model
    client = model_client(model, rewrite=False)
    shown, dropped, generated = [], [], 0
    for q in load_questions(EXAMPLE_QUESTIONS, "dev"):
        # threshold 0: every answer the slots allow is generated, so every kind of plant fits somewhere
        result = generate_answer(kb, q.question, "main", client, record=False, index_dir=_INDEX[0],
                                 threshold=0.0)
        if result.answer.refused:
            continue
        generated += 1
        # per question: another answer may show the same words under the same marker honestly
        shown += [(q.question, s.text) for s in result.sentences] if not result.fell_back else []
        dropped += [s.text for s in result.rejected]
    planted = [p["sentence"] for p in model.planted]
    assert {p["kind"] for p in model.planted} == set(PLANT_KINDS)
    assert generated >= 30 and len(planted) == generated
    # compared without [n] markers: a sentence may hold brackets of its own ([001] 晶向)
    unmarked = lambda text: re.sub(r"\[\d+\]", "", text.rstrip("。"))  # noqa: E731
    assert sorted(map(unmarked, dropped)) == sorted(map(unmarked, planted))
    leaked = [(p["question"], p["sentence"], p["kind"]) for p in model.planted
              if any(p["sentence"] in text for question, text in shown if question == p["question"])]
    assert not leaked
