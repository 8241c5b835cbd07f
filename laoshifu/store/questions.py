"""The unanswered-question queue: what the master is asked to answer."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import and_, insert, select, update

from ..errors import NotFound, Problem
from . import schema
from .core import Store, now


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

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _question(row) -> QueuedQuestion:
    return QueuedQuestion(row.id, row.base, row.text, row.askers, row.first_asked,
                          row.last_asked, row.status, row.reason, json.loads(row.related or "[]"),
                          row.answer_unit_id)


class QuestionsMixin:
    def record_question(self: Store, base: str, text: str, key: str, related: list[str],
                        reason: str = "not_sure", actor: str = "") -> QueuedQuestion:
        """Queue a question for the master; the same question again counts one more asker."""
        at = now()
        q = schema.questions
        with self.transaction() as conn:
            self.ensure_base(conn, base)
            row = conn.execute(select(q).where(and_(q.c.base == base, q.c.key == key))).first()
            if row is None:
                conn.execute(insert(q).values(
                    base=base, text=text, key=key, askers=1, first_asked=at, last_asked=at,
                    status="open", reason=reason, related=json.dumps(related, ensure_ascii=False)))
            else:
                values = {"askers": q.c.askers + 1, "last_asked": at}
                if row.status == "answered":
                    # Asked again after an answer: the answer did not reach this wording.
                    values.update(status="open", reason=reason)
                conn.execute(update(q).where(q.c.id == row.id).values(**values))
            self.audit(conn, actor or "system", "question.queue", base=base, target=text)
            row = conn.execute(select(q).where(and_(q.c.base == base, q.c.key == key))).first()
        return _question(row)

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
