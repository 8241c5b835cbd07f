"""Answers already worked out, given again at once while the knowledge stays the same.

An answer is a function of the base's search index, the question as typed and the
confidence model (the threshold of the mode). The index is a new object whenever the
store's change counter moves (any unit imported, edited, approved, retired or answered
by the master), and the answers are kept inside it (``KnowledgeIndex.extras``): the first
ask after a change works everything out afresh. A web server asked the same questions by
many apprentices works each one out once. A refusal is still queued for the master at
every ask, as ``answer.ask`` does, so each asker is counted.

A web server gives a kept answer on its event loop (``given_at_once``): no worker thread,
no store read, no lock, for as long as the index cache itself would not look at the store
again (its ``poll_seconds`` since this process last found the index current, and no change
by this process since: ``Store.local_writes``). Anything else (an answer to work out, a
refusal to queue, the change counter to ask) goes through ``ask``, in a worker thread.

LAOSHIFU_ANSWER_CACHE=off works every answer out (the load benchmark's uncached figure).
"""

from __future__ import annotations

import os
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..store import Store

MAX_KEPT = 2000  # answers per base index: a few kB each
_EXTRAS_KEY = "given_answers"
_CREATE_LOCK = threading.Lock()
# One writer of refusals at a time per process: the store takes one writer at a time
# anyway, and 50 worker threads contending for SQLite's write lock cost ~3 ms of CPU a
# write. Those that wait meanwhile are written together next (``_queue``).
_WRITE_LOCK = threading.Lock()


class GivenAnswers:
    """The answers of one index, least recently asked dropped first."""

    def __init__(self, size: int = MAX_KEPT):
        self.size = size
        self._kept: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        # The base was found in the store once: bases are never removed, so a refusal
        # queued again need not look for it again.
        self.base_known = False

    def get(self, key: tuple):
        with self._lock:
            answer = self._kept.get(key)
            if answer is not None:
                self._kept.move_to_end(key)
        return answer

    def put(self, key: tuple, answer) -> None:
        with self._lock:
            self._kept[key] = answer
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


@dataclass(frozen=True)
class _Kept:
    """An answer kept, pickled: each ask gets its own copy to change (``pickle.loads`` takes
    a quarter of ``copy.deepcopy``'s time). Only bytes this process pickled itself, from
    its own answer, are ever loaded: never a file's, the store's or a request's."""

    refused: bool
    pickled: bytes

    @classmethod
    def of(cls, answer) -> _Kept:
        return cls(answer.refused, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))

    def copy(self):
        return pickle.loads(self.pickled)  # our own bytes (above)


@dataclass(frozen=True)
class _Current:
    """A base's index as this process last found it current."""

    entry: object  # the KnowledgeIndex
    writes: int  # the store's local_writes then: a change by this process since ends it
    until: float  # time.monotonic() when the index cache would ask the store again
    # The confidence model then: looked up once per poll, not per ask (finding it asks the
    # file system, and the event loop must not hand the interpreter to a worker thread).
    calibration: object


# Per index cache (one per store object and index folder), per base.
_current: "weakref.WeakKeyDictionary[object, dict[str, _Current]]" = weakref.WeakKeyDictionary()


def enabled() -> bool:
    return os.environ.get("LAOSHIFU_ANSWER_CACHE", "on").strip().lower() not in ("off", "0", "no")


def given_for(entry) -> GivenAnswers:
    """The answers kept in ``entry`` (a ``KnowledgeIndex``), made on first use."""
    kept = entry.extras.get(_EXTRAS_KEY)
    if kept is None:
        with _CREATE_LOCK:
            kept = entry.extras.setdefault(_EXTRAS_KEY, GivenAnswers())
    return kept


def given_at_once(store: Store, question: str, base: str, *, record: bool = True,
                  index_dir: Path | None = None):
    """The answer ``ask`` would give, when it was given before and can be given again
    without waiting for anything: None when ``ask`` must give it (work it out, queue a
    refusal, or find the index current first)."""
    from . import cache_for, check_question

    if not enabled():
        return None
    started = time.perf_counter()
    asked = check_question(question)
    current = _current.get(cache_for(store, index_dir), {}).get(base)
    if current is None or current.writes != store.local_writes or time.monotonic() >= current.until:
        return None
    found = given_for(current.entry).get((asked, current.calibration))
    if found is None or (found.refused and record):  # a refusal is queued at every ask
        return None
    answer = found.copy()
    answer.elapsed_ms = (time.perf_counter() - started) * 1000
    return answer


def _key(asked: str, entry) -> tuple:
    return (asked, _calibration(entry))


def _calibration(entry):
    """The confidence model answers on ``entry`` are judged by (its mode's)."""
    from .confidence import entry_mode, load_calibration

    return load_calibration(mode=entry_mode(entry))


def _found_current(store: Store, cache, base: str, entry) -> None:
    """Note ``entry`` as the index of the store as it is now, if it is (one read of the
    change counter, unless it was noted and nothing has changed since)."""
    per_base = _current.get(cache)
    known = per_base.get(base) if per_base else None
    if known is not None and known.entry is entry and known.writes == store.local_writes \
            and time.monotonic() < known.until:
        return
    # Both taken before the read: a write or a change meanwhile is seen at the next ask.
    writes, now = store.local_writes, time.monotonic()
    if store.version() == entry.store_version:
        _current.setdefault(cache, {})[base] = _Current(entry, writes, now + cache.poll_seconds,
                                                        _calibration(entry))


def ask(store: Store, question: str, base: str, *, record: bool = True, actor: str = "",
        index_dir: Path | None = None):
    """``answer.ask``, from the answers already given on the current index when it can."""
    from . import ask as work_out, cache_for, check_question

    if not enabled():
        return work_out(store, question, base, record=record, index_dir=index_dir, actor=actor)
    started = time.perf_counter()
    asked = check_question(question)
    cache = cache_for(store, index_dir)
    entry = cache.get(base)
    kept = given_for(entry)
    key = _key(asked, entry)
    found = kept.get(key)
    if found is None:
        answer = work_out(store, asked, base, record=record, index_dir=index_dir, actor=actor)
        queued, answer.queued_question_id = answer.queued_question_id, None
        kept.put(key, _Kept.of(answer))  # each ask queues (and counts) its own
        answer.queued_question_id = queued
        _found_current(store, cache, base, entry)
        return answer
    answer = found.copy()
    if answer.refused and record:
        if not kept.base_known:
            from ..knowledge.folders import require_base

            require_base(store, base)
            kept.base_known = True
        _queue(store, base, answer, actor)
    _found_current(store, cache, base, entry)
    answer.elapsed_ms = (time.perf_counter() - started) * 1000
    return answer


@dataclass
class _Refusal:
    """A refusal given again, waiting to be queued for the master."""

    store: Store
    base: str
    answer: object  # the Answer: its queued question is set once written
    actor: str
    written: bool = False
    error: Exception | None = None


_waiting: list[_Refusal] = []
_WAITING_LOCK = threading.Lock()


def _queue(store: Store, base: str, answer, actor: str) -> None:
    """The write ``answer.ask`` makes for a refusal: the question goes to the master's
    queue, or counts one more asker there. Refusals that came in while another was being
    written are written together, in one transaction (group commit): each thread waits
    for the write lock, then finds its own written already, or writes all that wait."""
    mine = _Refusal(store, base, answer, actor)
    with _WAITING_LOCK:
        _waiting.append(mine)
    with _WRITE_LOCK:
        if not mine.written:
            with _WAITING_LOCK:
                batch = _waiting[:]
                _waiting.clear()
            _write(batch)
    if mine.error is not None:
        raise mine.error


def _write(batch: list[_Refusal]) -> None:
    """Each store and base's refusals in one transaction, in the order they came; a
    failed transaction is the error of each of its refusals."""
    from ..store.questions import Asked
    from . import question_key

    groups: dict[tuple[int, str], list[_Refusal]] = {}
    for refusal in batch:
        groups.setdefault((id(refusal.store), refusal.base), []).append(refusal)
    for refusals in groups.values():
        first = refusals[0]
        try:
            queued = first.store.record_questions(first.base, [
                Asked(r.answer.question, question_key(r.answer.question),
                      [hit.unit_id for hit in r.answer.related], actor=r.actor)
                for r in refusals])
        except Exception as exc:  # noqa: BLE001 - raised in each asker's thread
            for refusal in refusals:
                refusal.error, refusal.written = exc, True
            continue
        for refusal, question in zip(refusals, queued):
            refusal.answer.queued_question_id = question.id
            if question.status == "dismissed":
                refusal.answer.dismissed = question.close_reason or "师傅看过，不在知识库范围内"
            refusal.written = True
