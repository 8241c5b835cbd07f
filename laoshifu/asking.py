"""Asking and answering on behalf of a user: permission and membership first."""

from __future__ import annotations

from . import permissions
from .errors import LaoshifuError, Problem
from .store import Store

MAX_ANSWER = 20000


def ask(store: Store, base: str, question: str, user, record: bool = True):
    """The Answer to ``question`` from the approved units of ``base`` the user belongs to."""
    permissions.check(user, "ask", base)
    from .answer import ask as _ask  # the answerer loads the index: only when asked
    return _ask(store, question, base, record=record, actor=user.name)


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
    from .answer import answer_question
    return answer_question(store, base, qid, text, user.name, replace=replace)


def queue(store: Store, base: str, user, status: str | None = "open"):
    permissions.check(user, "questions", base)
    return store.list_questions(base, status=status)
