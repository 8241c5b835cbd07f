"""Thumbs up/down on answers; a thumbs-down sends the question back to the master."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import and_, func, insert, select

from ..people import permissions
from ..errors import LaoshifuError, Problem
from ..store import Store, now, schema

MAX_COMMENT = 2000
# An answer cites a handful of units; ids are at most 128 characters (the store's column).
MAX_CITATIONS = 20
MAX_CITATION_CHARS = 128


@dataclass(frozen=True)
class Feedback:
    id: int
    base: str
    question: str
    helpful: bool
    comment: str
    user: str
    citations: list[str]
    at: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def question_key(text: str) -> str:
    """The same key the answerer queues questions under."""
    from . import question_key as key
    return key(text)


def record(store: Store, base: str, question: str, helpful: bool, user, comment: str = "",
           citations: list[str] | tuple[str, ...] = ()) -> Feedback:
    permissions.check(user, "ask", base)
    if not question.strip():
        raise LaoshifuError(Problem("which answer is this about?", field="question"))
    from . import check_question
    question = check_question(question)
    if len(comment) > MAX_COMMENT:
        raise LaoshifuError(Problem(f"comment longer than {MAX_COMMENT} characters", field="comment"))
    _check_citations(citations)
    key = question_key(question)
    with store.transaction() as conn:
        store.ensure_base(conn, base)
        result = conn.execute(insert(schema.feedback).values(
            base=base, question=question, key=key, helpful=int(bool(helpful)), comment=comment,
            user=user.name, citations=json.dumps(list(citations), ensure_ascii=False), at=now()))
        fid = result.inserted_primary_key[0]
        store.audit(conn, user.name, "feedback.up" if helpful else "feedback.down", base=base,
                    target=question, detail=comment)
    if not helpful:
        # The answer did not help: the master should look at this question.
        store.record_question(base, question, key, list(citations), reason="thumbs_down",
                              actor=user.name)
    return Feedback(fid, base, question, bool(helpful), comment, user.name, list(citations), now())


def _check_citations(citations) -> None:
    if len(citations) > MAX_CITATIONS:
        raise LaoshifuError(Problem(f"{len(citations)} citations; at most {MAX_CITATIONS}",
                                    field="citations"))
    for cited in citations:
        if not isinstance(cited, str) or len(cited) > MAX_CITATION_CHARS:
            raise LaoshifuError(Problem(f"a citation is a unit id of at most {MAX_CITATION_CHARS} "
                                        "characters", field="citations"))


def _row(r) -> Feedback:
    return Feedback(r.id, r.base, r.question, bool(r.helpful), r.comment, r.user,
                    json.loads(r.citations or "[]"), r.at)


def list_feedback(store: Store, base: str, helpful: bool | None = None, limit: int = 200) -> list[Feedback]:
    f = schema.feedback
    query = select(f).where(f.c.base == base).order_by(f.c.id.desc()).limit(limit)
    if helpful is not None:
        query = query.where(f.c.helpful == int(helpful))
    with store.read() as conn:
        return [_row(r) for r in conn.execute(query)]


def summary(store: Store, base: str) -> dict[str, int]:
    f = schema.feedback
    with store.read() as conn:
        rows = conn.execute(select(f.c.helpful, func.count()).where(f.c.base == base)
                            .group_by(f.c.helpful)).all()
    counts = {bool(h): n for h, n in rows}
    return {"up": counts.get(True, 0), "down": counts.get(False, 0)}


def comments_for(store: Store, base: str, key: str) -> list[Feedback]:
    f = schema.feedback
    with store.read() as conn:
        rows = conn.execute(select(f).where(and_(f.c.base == base, f.c.key == key,
                                                 f.c.helpful == 0)).order_by(f.c.id.desc()))
        return [_row(r) for r in rows]
