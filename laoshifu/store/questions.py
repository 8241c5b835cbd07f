"""The unanswered-question queue: what the master is asked to answer."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import and_, insert, select, update

from ..errors import Conflict, LaoshifuError, NotFound, Problem
from . import schema
from .core import Store, now

# A question is open, answered, or closed without an answer: dismissed (off-topic, not
# for the master) or merged into the question it duplicates.
QUESTION_STATUSES = ("open", "answered", "dismissed", "merged")


@dataclass(frozen=True)
class QueuedQuestion:
    id: int
    base: str
    text: str
    askers: int
    first_asked: str
    last_asked: str
    status: str
    reason: str
    related: list[str]
    answer_unit_id: str | None
    closed_by: str | None = None
    closed_at: str | None = None
    close_reason: str | None = None  # why it was dismissed
    merged_into: int | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Asked:
    """One ask of a question for the queue (``record_questions``)."""

    text: str
    key: str  # the same question however typed (answer.question_key)
    related: list[str]  # the units retrieval found nearest
    reason: str = "not_sure"
    actor: str = ""


def _question(row) -> QueuedQuestion:
    return QueuedQuestion(row.id, row.base, row.text, row.askers, row.first_asked,
                          row.last_asked, row.status, row.reason, json.loads(row.related or "[]"),
                          row.answer_unit_id, row.closed_by, row.closed_at, row.close_reason,
                          row.merged_into)


class QuestionsMixin:
    def record_question(self: Store, base: str, text: str, key: str, related: list[str],
                        reason: str = "not_sure", actor: str = "") -> QueuedQuestion:
        """Queue a question for the master; the same question again counts one more asker."""
        return self.record_questions(base, [Asked(text, key, related, reason, actor)])[0]

    def record_questions(self: Store, base: str, asks: list[Asked]) -> list[QueuedQuestion]:
        """``record_question`` for each ask, in order, in one transaction: a busy server
        queues the refusals that came in meanwhile together (one lock, one commit)."""
        at = now()
        with self.transaction() as conn:
            self.ensure_base(conn, base)
            return [_question(_record(self, conn, base, asked, at)) for asked in asks]

    def list_questions(self: Store, base: str, status: str | None = "open") -> list[QueuedQuestion]:
        q = schema.questions
        query = select(q).where(q.c.base == base)
        if status:
            query = query.where(q.c.status == status)
        query = query.order_by(q.c.askers.desc(), q.c.last_asked.desc(), q.c.id)
        with self.read() as conn:
            return [_question(r) for r in conn.execute(query)]

    def get_question(self: Store, base: str, qid: int) -> QueuedQuestion:
        q = schema.questions
        with self.read() as conn:
            row = conn.execute(select(q).where(and_(q.c.base == base, q.c.id == qid))).first()
        if row is None:
            raise NotFound(Problem(f"no question {qid} in knowledge base {base!r}",
                                   hint="laoshifu questions lists the queue"))
        return _question(row)

    def mark_answered(self: Store, base: str, qid: int, unit_id: str, actor: str) -> None:
        q = schema.questions
        with self.transaction() as conn:
            conn.execute(update(q).where(and_(q.c.base == base, q.c.id == qid)).values(
                status="answered", answer_unit_id=unit_id, answered_by=actor, answered_at=now()))
            self.audit(conn, actor, "question.answer", base=base, target=str(qid), detail=unit_id)

    def dismiss_question(self: Store, base: str, qid: int, reason: str,
                         actor: str) -> QueuedQuestion:
        """Close an open question without an answer (off-topic, not the master's), with
        the reason; it leaves the queue and stays listed as dismissed."""
        q = schema.questions
        with self.transaction() as conn:
            row = _open_row(conn, base, qid, "dismiss")
            conn.execute(update(q).where(q.c.id == row.id).values(
                status="dismissed", close_reason=reason, closed_by=actor, closed_at=now()))
            self.audit(conn, actor, "question.dismiss", base=base, target=str(qid), detail=reason)
            row = conn.execute(select(q).where(q.c.id == qid)).first()
        return _question(row)

    def merge_questions(self: Store, base: str, qid: int, into: int,
                        actor: str) -> QueuedQuestion:
        """Merge open question ``qid`` into ``into`` (open or answered), the same question
        in other words: its askers and related units join the other's, and asking it
        again counts there. Returns the question merged into."""
        q = schema.questions
        if qid == into:
            raise LaoshifuError(Problem("a question cannot be merged into itself", field="into",
                                        hint="choose the question it duplicates"))
        with self.transaction() as conn:
            row = _open_row(conn, base, qid, "merge")
            target = conn.execute(select(q).where(and_(q.c.base == base, q.c.id == into))).first()
            if target is None:
                raise NotFound(Problem(f"no question {into} in knowledge base {base!r}",
                                       field="into", hint="laoshifu questions lists the queue"))
            if target.status not in ("open", "answered"):
                raise Conflict(Problem(f"question {into} is {target.status}: merge into an open "
                                       "or answered question", field="into"))
            related = json.loads(target.related or "[]")
            related += [r for r in json.loads(row.related or "[]") if r not in related]
            conn.execute(update(q).where(q.c.id == into).values(
                askers=q.c.askers + row.askers, first_asked=min(row.first_asked, target.first_asked),
                last_asked=max(row.last_asked, target.last_asked),
                related=json.dumps(related, ensure_ascii=False)))
            conn.execute(update(q).where(q.c.id == qid).values(
                status="merged", merged_into=into, closed_by=actor, closed_at=now()))
            self.audit(conn, actor, "question.merge", base=base, target=str(qid), detail={"into": into})
            target = conn.execute(select(q).where(q.c.id == into)).first()
        return _question(target)


def _open_row(conn, base: str, qid: int, doing: str):
    """The open question ``qid`` of ``base``, locked for the change (else NotFound or
    Conflict: someone answered, dismissed or merged it meanwhile)."""
    q = schema.questions
    row = conn.execute(select(q).where(and_(q.c.base == base, q.c.id == qid)).with_for_update()).first()
    if row is None:
        raise NotFound(Problem(f"no question {qid} in knowledge base {base!r}",
                               hint="laoshifu questions lists the queue"))
    if row.status != "open":
        raise Conflict(Problem(f"question {qid} is {row.status}, not open: nothing to {doing}",
                               field="status"))
    return row


def _record(store: Store, conn, base: str, asked: Asked, at: str):
    """One ask queued, or counted on the question it repeats; the question's row after."""
    q = schema.questions
    row = conn.execute(select(q).where(and_(q.c.base == base, q.c.key == asked.key))).first()
    if row is None:
        conn.execute(insert(q).values(
            base=base, text=asked.text, key=asked.key, askers=1, first_asked=at, last_asked=at,
            status="open", reason=asked.reason,
            related=json.dumps(asked.related, ensure_ascii=False)))
    else:
        # A duplicate's askers count on the question it was merged into.
        row = _merge_target(conn, row)
        values = {"askers": q.c.askers + 1, "last_asked": at}
        if row.status == "answered":
            # Asked again after an answer: the answer did not reach this wording.
            values.update(status="open", reason=asked.reason)
        # A dismissed question stays dismissed: asking it again is counted, but
        # it does not come back into the master's queue.
        conn.execute(update(q).where(q.c.id == row.id).values(**values))
    store.audit(conn, asked.actor or "system", "question.queue", base=base, target=asked.text)
    return _merge_target(conn, conn.execute(
        select(q).where(and_(q.c.base == base, q.c.key == asked.key))).first())


def _merge_target(conn, row, hops: int = 20):
    """The question a merged one ends in (merges may chain: A into B, B into C)."""
    q = schema.questions
    while row.status == "merged" and row.merged_into is not None and hops:
        found = conn.execute(select(q).where(q.c.id == row.merged_into)).first()
        if found is None:
            break
        row, hops = found, hops - 1
    return row
