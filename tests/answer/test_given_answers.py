"""Answers already given: the same answer again at once, never one the knowledge has left."""

from __future__ import annotations

import pytest

from laoshifu import answer as answering
from laoshifu.answer import asking, given_answers
from laoshifu.people.accounts import User

APPRENTICE = User("xiao", "apprentice", bases=("main",))
DEW_POINT = "脱碳退火的露点一般控制在多少？"
CANTEEN = "食堂几点开饭？"  # not in the knowledge base: refused and queued


@pytest.fixture
def worked_out(monkeypatch):
    """The questions ``answer.ask`` really worked out, in order."""
    calls: list[str] = []
    real = answering.ask

    def counting(store, question, *args, **kwargs):
        calls.append(question)
        return real(store, question, *args, **kwargs)

    monkeypatch.setattr(answering, "ask", counting)
    monkeypatch.delenv("LAOSHIFU_ANSWER_CACHE", raising=False)
    return calls


def _same(a, b) -> dict:
    left, right = a.to_dict(), b.to_dict()
    left.pop("elapsed_ms"), right.pop("elapsed_ms")
    assert left == right
    return left


def test_the_same_question_is_worked_out_once(example_store, worked_out):
    first = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    second = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert worked_out == [DEW_POINT]
    shown = _same(first, second)
    assert [(w["unit_id"], w["lower"], w["upper"]) for w in shown["windows"]] == [
        ("dc-dew-point", 55.0, 65.0)]


def test_a_knowledge_edit_gives_the_new_answer(example_store, worked_out):
    before = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert [(w.lower, w.upper) for w in before.windows] == [(55.0, 65.0)]
    unit = example_store.get_unit("main", "dc-dew-point")
    example_store.save_unit("main", unit.with_changes(lower=52.0, upper=62.0), actor="master")
    after = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert [(w.lower, w.upper) for w in after.windows] == [(52.0, 62.0)]
    assert worked_out == [DEW_POINT, DEW_POINT]
    again = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert [(w.lower, w.upper) for w in again.windows] == [(52.0, 62.0)]
    assert worked_out == [DEW_POINT, DEW_POINT]


def test_a_refusal_given_again_still_counts_each_asker(example_store, worked_out):
    first = asking.ask(example_store, "main", CANTEEN, APPRENTICE)
    second = asking.ask(example_store, "main", CANTEEN, APPRENTICE)
    unrecorded = asking.ask(example_store, "main", CANTEEN, APPRENTICE, record=False)
    assert worked_out == [CANTEEN]
    assert first.refused and second.refused and unrecorded.refused
    assert first.queued_question_id is not None
    assert second.queued_question_id == first.queued_question_id
    assert unrecorded.queued_question_id is None
    [queued] = example_store.list_questions("main")
    assert (queued.id, queued.text, queued.askers) == (first.queued_question_id, CANTEEN, 2)


def test_an_answer_given_is_a_copy(example_store, worked_out):
    first = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    first.windows.clear()
    first.citations.clear()
    second = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert len(second.windows) == 1 and second.citations
    assert worked_out == [DEW_POINT]


def test_off_works_every_answer_out(example_store, worked_out, monkeypatch):
    monkeypatch.setenv("LAOSHIFU_ANSWER_CACHE", "off")
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert worked_out == [DEW_POINT, DEW_POINT]


def test_the_least_recently_asked_answer_goes_first():
    kept = given_answers.GivenAnswers(size=2)
    kept.put(("a",), 1)
    kept.put(("b",), 2)
    assert kept.get(("a",)) == 1  # a is now the most recent
    kept.put(("c",), 3)
    assert (kept.get(("a",)), kept.get(("b",)), kept.get(("c",)), len(kept)) == (1, None, 3, 2)


def test_a_bad_question_is_refused_before_anything_is_kept(example_store, worked_out):
    with pytest.raises(answering.LaoshifuError, match="empty"):
        asking.ask(example_store, "main", "   ", APPRENTICE)
    assert worked_out == []


def test_an_unknown_base_is_refused_on_every_ask(example_store, worked_out):
    stranger = User("lu", "apprentice", bases=("mian",))
    asking.ask(example_store, "mian", CANTEEN, stranger, record=False)  # nothing is written
    for _ in range(2):
        with pytest.raises(answering.LaoshifuError, match="no knowledge base 'mian'"):
            asking.ask(example_store, "mian", CANTEEN, stranger)
    assert example_store.bases() == ["main"]


# -- given at once (the web server's event loop): never a store read, lock or write ------

def test_an_answer_given_is_given_again_at_once(example_store, worked_out):
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is None  # not yet given
    first = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    again = asking.given_again(example_store, "main", DEW_POINT, APPRENTICE)
    assert again is not first
    _same(first, again)
    assert worked_out == [DEW_POINT]


def test_at_once_checks_the_role_and_the_question_first(example_store, worked_out):
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    stranger = User("lu", "apprentice", bases=("other",))
    with pytest.raises(answering.LaoshifuError, match="main"):
        asking.given_again(example_store, "main", DEW_POINT, stranger)
    with pytest.raises(answering.LaoshifuError, match="empty"):
        asking.given_again(example_store, "main", "  ", APPRENTICE)


def test_a_write_by_this_process_ends_at_once_until_the_next_ask(example_store, worked_out):
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    unit = example_store.get_unit("main", "dc-dew-point")
    example_store.save_unit("main", unit.with_changes(lower=52.0, upper=62.0), actor="master")
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is None
    after = asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    assert [(w.lower, w.upper) for w in after.windows] == [(52.0, 62.0)]
    again = asking.given_again(example_store, "main", DEW_POINT, APPRENTICE)
    assert [(w.lower, w.upper) for w in again.windows] == [(52.0, 62.0)]


def test_another_process_change_is_seen_within_the_poll(example_store, worked_out, monkeypatch):
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    clock = [given_answers.time.monotonic()]
    monkeypatch.setattr(given_answers.time, "monotonic", lambda: clock[0])
    poll = answering.cache_for(example_store).poll_seconds
    clock[0] += poll * 0.9
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is not None
    clock[0] += poll * 0.2  # the store must be asked again: by ``ask``, in a thread
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is None


def test_a_refusal_to_queue_is_not_given_at_once(example_store, worked_out):
    first = asking.ask(example_store, "main", CANTEEN, APPRENTICE)
    assert asking.given_again(example_store, "main", CANTEEN, APPRENTICE) is None
    unrecorded = asking.given_again(example_store, "main", CANTEEN, APPRENTICE, record=False)
    assert unrecorded.refused and unrecorded.queued_question_id is None
    [queued] = example_store.list_questions("main")
    assert (queued.id, queued.askers) == (first.queued_question_id, 1)
    assert worked_out == [CANTEEN]


def test_off_gives_nothing_at_once(example_store, worked_out, monkeypatch):
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    monkeypatch.setenv("LAOSHIFU_ANSWER_CACHE", "off")
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is None


def test_a_write_that_changes_no_answer_leaves_them_given_at_once(example_store, worked_out):
    from laoshifu.answer import feedback

    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    # Written by other requests meanwhile: a thumbs-down (the question queued with it)
    # and another apprentice's question queued. Neither changes an answer.
    feedback.record(example_store, "main", DEW_POINT, False, APPRENTICE, "没看懂")
    example_store.record_question("main", CANTEEN, answering.question_key(CANTEEN), [])
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is not None
    assert worked_out == [DEW_POINT]


def test_at_once_asks_nothing_of_the_file_system(example_store, worked_out, monkeypatch):
    from laoshifu.answer import confidence

    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)

    def looked_up(mode="lexical"):
        raise AssertionError("the calibration file looked for on the event loop")

    monkeypatch.setattr(confidence, "calibration_path", looked_up)
    assert asking.given_again(example_store, "main", DEW_POINT, APPRENTICE) is not None


def test_an_answer_given_at_once_is_a_copy(example_store, worked_out):
    asking.ask(example_store, "main", DEW_POINT, APPRENTICE)
    first = asking.given_again(example_store, "main", DEW_POINT, APPRENTICE)
    first.windows.clear()
    first.question = "改掉的"
    again = asking.given_again(example_store, "main", DEW_POINT, APPRENTICE)
    assert again.question == DEW_POINT and len(again.windows) == 1


def _asking_in_threads(store, count: int) -> tuple[list, list]:
    """``count`` threads asking CANTEEN again while the write lock is held, until all wait."""
    import threading
    import time

    answers, errors = [], []

    def one(i: int) -> None:
        try:
            answers.append(asking.ask(store, "main", CANTEEN, User(f"xiao{i}", "apprentice",
                                                                   bases=("main",))))
        except Exception as exc:  # noqa: BLE001 - checked by the caller
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    with given_answers._WRITE_LOCK:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(given_answers._waiting) < count and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(10)
    return answers, errors


def test_refusals_waiting_for_the_writer_are_queued_together(example_store, worked_out,
                                                             monkeypatch):
    first = asking.ask(example_store, "main", CANTEEN, APPRENTICE)
    batches = []
    real = type(example_store).record_questions

    def counting(store, base, asks):
        batches.append([a.actor for a in asks])
        return real(store, base, asks)

    monkeypatch.setattr(type(example_store), "record_questions", counting)
    answers, errors = _asking_in_threads(example_store, 3)
    assert errors == [] and len(answers) == 3
    assert [sorted(b) for b in batches] == [["xiao0", "xiao1", "xiao2"]]  # one transaction
    assert {a.queued_question_id for a in answers} == {first.queued_question_id}
    [queued] = example_store.list_questions("main")
    assert queued.askers == 4
    assert worked_out == [CANTEEN]


def test_a_failed_write_is_the_error_of_each_refusal_in_it(example_store, worked_out,
                                                            monkeypatch):
    from laoshifu.errors import LaoshifuError, Problem

    asking.ask(example_store, "main", CANTEEN, APPRENTICE)

    def failing(store, base, asks):
        raise LaoshifuError(Problem("the store is read-only"))

    monkeypatch.setattr(type(example_store), "record_questions", failing)
    answers, errors = _asking_in_threads(example_store, 2)
    assert answers == [] and [str(e) for e in errors] == ["the store is read-only"] * 2
    assert given_answers._waiting == []
    [queued] = example_store.list_questions("main")
    assert queued.askers == 1
