"""Jobs in a child process: results and user errors come back whole, a crash is a crash,
and a job past its budget is killed."""

from __future__ import annotations

import os
import time

import pytest

from laoshifu.knowledge import isolated
from laoshifu.errors import Conflict, Problem


def _add(a, b):
    return a + b


def _conflict():
    raise Conflict(Problem("changed by someone else", file="kb/x.md", line=3, field="version"))


def _bug():
    raise ValueError("a bug")


def _die():
    os._exit(3)


def _sleep():
    time.sleep(30)


def test_the_result_comes_back():
    assert isolated.run(_add, 2, 3, seconds=60) == 5


def test_a_user_error_comes_back_with_its_type_and_problems():
    with pytest.raises(Conflict) as caught:
        isolated.run(_conflict, seconds=60)
    assert caught.value.problems == [Problem("changed by someone else", file="kb/x.md", line=3,
                                             field="version")]


def test_a_bug_or_a_death_is_a_crash_not_a_user_error():
    with pytest.raises(isolated.JobCrashed, match="ValueError: a bug"):
        isolated.run(_bug, seconds=60)
    with pytest.raises(isolated.JobCrashed, match=r"died \(exit code 3\)"):
        isolated.run(_die, seconds=60)


def test_past_the_budget_the_job_is_killed():
    started = time.monotonic()
    with pytest.raises(isolated.OverBudget, match="the nap took longer than 0.5 s and was stopped"):
        isolated.run(_sleep, seconds=0.5, what="the nap")
    assert time.monotonic() - started < 10
