"""What an answer is: quoted sentences with citations, windows, actions, or 'not sure'."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..knowledge.units import Citation


@dataclass(frozen=True)
class QuotedSentence:
    """One of the master's own sentences, with the [n] markers of its sources."""

    text: str
    citations: tuple[int, ...]
    # "master": his own words; "literature": what his handbook reports from elsewhere
    # (行业里…, 有专利…, 实验室…), shown as 手册, not as 师傅的话.
    attribution: str = "master"


@dataclass(frozen=True)
class WindowRow:
    """A parameter's operating window, straight from its record."""

    unit_id: str
    name: str
    process: str
    target: float | None
    lower: float | None
    upper: float | None
    unit: str
    condition: str
    citation: int


@dataclass(frozen=True)
class RuleAdvice:
    """A fault rule's diagnosis and ordered actions."""

    unit_id: str
    title: str
    severity: str
    diagnosis: str
    actions: tuple[str, ...]
    citation: int


@dataclass(frozen=True)
class ProcedureSteps:
    """An operating procedure's steps, in order, as the master wrote them."""

    unit_id: str
    title: str
    steps: tuple[str, ...]
    citation: int


@dataclass(frozen=True)
class Related:
    unit_id: str
    kind: str
    title: str


@dataclass
class Answer:
    question: str
    refused: bool
    confidence: float
    sentences: list[QuotedSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    windows: list[WindowRow] = field(default_factory=list)
    rules: list[RuleAdvice] = field(default_factory=list)
    procedures: list[ProcedureSteps] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    queued_question_id: int | None = None
    ranking: list[str] = field(default_factory=list)  # retrieved unit ids, best first
    signals: Any = None  # the evidence behind ``confidence`` (confidence.Signals)
    readings: list[dict] = field(default_factory=list)  # readings in the question, judged
    note: str = ""  # why a refusal is not a plain "not sure" (a grade the KB lacks)
    # The master's reason when he dismissed this question before: it is not queued again.
    dismissed: str = ""
    semantic: Any = None  # retrieval.SemanticEvidence in hybrid mode, else None
    elapsed_ms: float = 0.0
    # The answer's figures in the unit the question asks for (conversion.Conversion).
    conversions: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "refused": self.refused,
            "confidence": round(self.confidence, 4),
            "sentences": [{"text": s.text, "citations": list(s.citations),
                           "attribution": s.attribution} for s in self.sentences],
            "citations": [c.to_dict() for c in self.citations],
            "windows": [asdict(w) for w in self.windows],
            "rules": [{**asdict(r), "actions": list(r.actions)} for r in self.rules],
            "procedures": [{**asdict(p), "steps": list(p.steps)} for p in self.procedures],
            "related": [asdict(r) for r in self.related],
            "queued_question_id": self.queued_question_id,
            "ranking": list(self.ranking),
            "readings": self.readings,
            "conversions": [c.to_dict() for c in self.conversions],
            "note": self.note,
            "dismissed": self.dismissed,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }
