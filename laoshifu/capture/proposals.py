"""Proposed units: the fields the extractor (or a model) proposes, where they came from,
and what the importer's validation says of them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..errors import Problem
from ..knowledge.units import Unit, format_number
from ..knowledge.validate import Where, build_unit, check_units
from .document import SourceLine


@dataclass
class Proposal:
    kind: str
    fields: dict[str, Any]  # authored fields, as build_unit takes them
    source: SourceLine  # the line the sentence starts on
    sentence: str  # the master's words it came from
    notes: list[str] = field(default_factory=list)  # did-you-mean, OCR doubts
    existing: str = ""  # the id of the stored unit this would change
    by: str = "rules"  # rules | model | table | heading
    # What the master's words said, before merging into a stored unit (a parameter's
    # limits he did not restate stay as stored): what the extractor is scored on.
    said: dict[str, Any] = field(default_factory=dict)
    unit: Unit | None = None
    problems: list[Problem] = field(default_factory=list)
    unchanged: bool = False  # the knowledge base already says exactly this

    @property
    def id(self) -> str:
        return str(self.fields.get("id", ""))

    @property
    def title(self) -> str:
        return str(self.fields.get("title") or self.fields.get("name") or self.fields.get("term") or "")

    @property
    def valid(self) -> bool:
        return self.unit is not None and not self.problems

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title,
                "fields": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.fields.items()},
                "source": self.source.citation, "sentence": self.sentence, "notes": self.notes,
                "existing": self.existing, "by": self.by, "unchanged": self.unchanged,
                "problems": [p.to_dict() for p in self.problems]}


def new_id(kind: str, *parts: str) -> str:
    """A captured unit's id: stable for the same thing said again, so capturing a text
    twice makes one draft, not two."""
    digest = hashlib.sha1("\x1f".join([kind, *parts]).encode("utf-8")).hexdigest()[:10]
    return f"cap-{kind}-{digest}"


def validate(proposals: Iterable[Proposal], context: Iterable[Unit]) -> None:
    """Check every proposal as the importer checks a file: its fields (build_unit), then
    against the knowledge base (names in conditions, units, references, duplicates)."""
    context = list(context)
    known = {u.id for u in context}
    by_id = {u.id: u for u in context}
    for proposal in proposals:
        data = {**proposal.fields, "status": "draft"}
        where = Where(proposal.source.file, proposal.source.line)
        unit, problems = build_unit(data, where, kind=proposal.kind)
        if unit is not None:
            # A captured unit's fields have no lines of their own (a sentence is one line):
            # problems point at the source line. (Where.inside cannot take a plain dict.)
            object.__delattr__(unit, "_where")
            others = [u for u in context if u.id != unit.id]
            problems = check_units([unit], known_ids=known - {unit.id}, context=others)
        proposal.unit = unit if not problems else None
        proposal.problems = problems
        old = by_id.get(proposal.id)
        if unit is not None and old is not None and not problems:
            proposal.existing = old.id
            # Who wrote it is not what it says: the same words captured again change nothing.
            same = unit.with_changes(author=old.author, status=old.status)
            proposal.unchanged = old.content_hash() == same.content_hash()


def window_note(lower: float | None, target: float | None, upper: float | None, unit: str) -> str:
    parts = []
    if lower is not None or upper is not None:
        low = "—" if lower is None else format_number(lower)
        high = "—" if upper is None else format_number(upper)
        parts.append(f"{low}～{high}")
    if target is not None:
        parts.append(f"目标 {format_number(target)}")
    return " ".join(parts) + (f" {unit}" if unit and parts else "")
