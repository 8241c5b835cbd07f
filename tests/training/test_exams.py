"""Exams: N cards of one process, a pass mark, a time limit, the versions covered."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from laoshifu.errors import LaoshifuError, NotFound, PermissionDenied
from laoshifu.training import exams, tracks

from .conftest import T0, right_response


def _start(store, user, **kw):
    return exams.start_exam(store, "main", user, "脱碳退火", at=T0, rng=random.Random(1), **kw)


def test_an_exam_draws_objective_cards_of_its_process(tstore, users):
    exam = _start(tstore, users["xiao"])
    assert exam.total == 10 and len({q.unit_id for q in exam.questions}) == 10
    assert all(q.process == "脱碳退火" and q.objective for q in exam.questions)
    assert exam.versions == {q.unit_id: 1 for q in exam.questions}
    assert exam.deadline == "2026-07-01T08:20:00+00:00" and exam.pass_mark == 0.8
    assert "correct" not in exam.to_dict()["questions"][0]  # no answers while it runs


def test_a_track_sets_size_pass_mark_and_time(tstore, users):
    tracks.save_track(tstore, tracks.Track(base="main", name="脱碳岗", processes=("脱碳退火",),
                                           exam_size=5, pass_mark=0.6, time_limit_min=5), users["wang"])
    exam = _start(tstore, users["xiao"])
    assert (exam.total, exam.pass_mark, exam.deadline) == (5, 0.6, "2026-07-01T08:05:00+00:00")


def test_passing_gives_a_certificate_with_the_versions_covered(tstore, users):
    exam = _start(tstore, users["xiao"])
    answers = {i: right_response(q) for i, q in enumerate(exam.questions)}
    answers[0] = "乱写"  # an unreadable answer is just wrong
    answers.pop(1)  # and so is none
    done = exams.submit_exam(tstore, exam.id, users["xiao"], answers, at=T0 + timedelta(minutes=9))
    assert (done.correct, done.score, done.passed) == (8, 0.8, True)
    assert [r["correct"] for r in done.results][:3] == [False, False, True]
    cert = exams.certificate(tstore, exam.id, users["wang"])  # his master may see it
    assert (cert.user, cert.process, cert.versions) == ("xiao", "脱碳退火", exam.versions)
    with pytest.raises(LaoshifuError):
        exams.submit_exam(tstore, exam.id, users["xiao"], answers)  # handed in once


def test_a_late_exam_fails(tstore, users):
    exam = _start(tstore, users["xiao"])
    answers = {i: right_response(q) for i, q in enumerate(exam.questions)}
    done = exams.submit_exam(tstore, exam.id, users["xiao"], answers, at=T0 + timedelta(minutes=21))
    assert (done.passed, done.correct, done.results[0]["message"]) == (False, 0, "超时")
    with pytest.raises(LaoshifuError):
        exams.certificate(tstore, exam.id, users["xiao"])


def test_exams_are_private(tstore, users):
    exam = _start(tstore, users["xiao"])
    with pytest.raises(NotFound):
        exams.get_exam(tstore, exam.id, users["liu"])  # another apprentice
    with pytest.raises(NotFound):
        exams.get_exam(tstore, exam.id, users["chen"])  # the master of another base
    with pytest.raises(PermissionDenied):
        exams.submit_exam(tstore, exam.id, users["wang"], {})  # his master may look, not answer
    with pytest.raises(PermissionDenied):
        exams.start_exam(tstore, "main", users["zhao"], "脱碳退火")


def test_a_process_without_questions(tstore, users):
    with pytest.raises(NotFound) as err:
        exams.start_exam(tstore, "main", users["xiao"], "无此工序", at=T0)
    assert err.value.problems[0].field == "process"
    assert "脱碳退火" in exams.exam_processes(tstore, "main")
