"""Asking and answering on behalf of a user: permission and membership first."""

from __future__ import annotations

from ..people import permissions
from ..errors import LaoshifuError, Problem
from ..store import Store

MAX_ANSWER = 20000
MAX_REASON = 500


def ask(store: Store, base: str, question: str, user, record: bool = True):
    """The Answer to ``question`` from the approved units of ``base`` the user belongs to."""
    permissions.check(user, "ask", base)
    from . import given_answers

    return given_answers.ask(store, question, base, record=record, actor=user.name)


def given_again(store: Store, base: str, question: str, user, record: bool = True):
    """``ask``'s answer when it was given before and can be given again without waiting
    (no store read, no write: given_answers.given_at_once); None when ``ask`` must give it."""
    permissions.check(user, "ask", base)
    from . import given_answers

    return given_answers.given_at_once(store, question, base, record=record)


def answer(store: Store, base: str, qid: int, text: str, user, replace: bool = False):
    """The master answers a queued question: an approved qa unit, live at once. An answer
    already live is replaced only with ``replace`` (its old version stays in the history)."""
    permissions.check(user, "answer", base)
    text = (text or "").strip()
    if not text:
        raise LaoshifuError(Problem("write the answer first", field="text"))
    if len(text) > MAX_ANSWER:
        raise LaoshifuError(Problem(f"an answer of at most {MAX_ANSWER} characters", field="text"))
    store.get_question(base, qid)  # NotFound for another base's question
    from . import answer_question
    return answer_question(store, base, qid, text, user.name, replace=replace)


def queue(store: Store, base: str, user, status: str | None = "open"):
    permissions.check(user, "questions", base)
    return store.list_questions(base, status=status)


def dismiss(store: Store, base: str, qid: int, reason: str, user):
    """The master closes a question that is not for him (食堂几点开饭), saying why; it
    leaves the queue, and asking it again does not bring it back."""
    permissions.check(user, "answer", base)
    return store.dismiss_question(base, qid, dismissal_reason(reason), user.name)


def dismissal_reason(reason: str) -> str:
    """The reason a question is dismissed, required: it is kept and shown with it."""
    reason = (reason or "").strip()
    if not reason:
        raise LaoshifuError(Problem("say why the question is dismissed", field="reason",
                                    hint="e.g. 与工艺无关 (not about the process)"))
    if len(reason) > MAX_REASON:
        raise LaoshifuError(Problem(f"a reason of at most {MAX_REASON} characters", field="reason"))
    return reason


def merge(store: Store, base: str, qid: int, into: int, user):
    """The master merges a duplicate into the question it repeats; returns that one."""
    permissions.check(user, "answer", base)
    return store.merge_questions(base, qid, into, user.name)


def unit_titles(store: Store, base: str, questions) -> dict[str, str]:
    """The titles of the units related to ``questions``, by id (units since removed are
    left out: the page shows their id)."""
    wanted = {unit_id for question in questions for unit_id in question.related}
    titles = {}
    for unit_id in sorted(wanted):
        unit = store.get_unit(base, unit_id)
        if unit is not None:
            titles[unit_id] = unit.title
    return titles
