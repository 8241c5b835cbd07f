"""The master's log of what the model said that his knowledge does not back."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import insert, select

from ..store import Store, now, schema
from .prompt import Source
from .verify import CheckedSentence


@dataclass(frozen=True)
class Rejection:
    id: int
    base: str
    at: str
    model: str
    question: str
    sentence: str
    findings: list[dict]
    units: list[str]
    fell_back: bool

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def log_rejections(store: Store, base: str, question: str, model: str,
                   rejected: list[CheckedSentence], sources: list[Source], fell_back: bool) -> None:
    """One row per dropped sentence, all in one transaction."""
    units = json.dumps([f"{s.unit.id}@{s.unit.version}" for s in sources], ensure_ascii=False)
    at = now()
    rows = [{"base": base, "at": at, "model": model, "question": question, "sentence": s.text,
             "findings": json.dumps([f.to_dict() for f in s.findings], ensure_ascii=False),
             "units": units, "fell_back": int(fell_back)} for s in rejected]
    if rows:
        with store.transaction() as conn:
            conn.execute(insert(schema.llm_rejections), rows)


def list_rejections(store: Store, base: str, limit: int = 50) -> list[Rejection]:
    """The newest first."""
    table = schema.llm_rejections
    query = select(table).where(table.c.base == base).order_by(table.c.id.desc()).limit(limit)
    with store.read() as conn:
        return [Rejection(r.id, r.base, r.at, r.model, r.question, r.sentence,
                          json.loads(r.findings), json.loads(r.units), bool(r.fell_back))
                for r in conn.execute(query)]
