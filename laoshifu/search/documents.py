"""What of a unit gets indexed: its fields, its passages and their sentences."""

from __future__ import annotations

from dataclasses import dataclass

from laoshifu.text.sentences import Sentence, chunk_sentences, split_sentences
from laoshifu.knowledge.units import QA, Parameter, Rule, Term, Unit

FIELDS = ("title", "names", "body")


@dataclass(frozen=True)
class Passage:
    """A piece of one unit's text (≤ ``max_chars`` unless one sentence is longer).

    Sentence offsets point into ``unit.search_text()``.
    """

    unit_id: str
    kind: str
    process: str
    title: str
    names: str
    sentences: tuple[Sentence, ...]

    @property
    def body(self) -> str:
        return "".join(s.text for s in self.sentences)


def unit_names(unit: Unit) -> str:
    """Short identifying strings (names, symbols, synonyms, the question, tags)."""
    parts: list[str] = list(unit.tags)
    if isinstance(unit, Parameter):
        parts += [unit.name, unit.symbol, unit.english]
    elif isinstance(unit, Term):
        parts += [*unit.synonyms, unit.english]
    elif isinstance(unit, QA):
        parts.append(unit.question)
    elif isinstance(unit, Rule):
        parts.append(unit.symptom)
    return " ".join(p for p in parts if p)


def unit_passages(unit: Unit, max_chars: int = 400) -> list[Passage]:
    """Chunk a unit's search text at sentence boundaries; every unit gets ≥ 1 passage."""
    sentences = split_sentences(unit.search_text())
    chunks = chunk_sentences(sentences, max_chars) or [[]]
    names = unit_names(unit)
    return [
        Passage(unit.id, unit.kind, unit.process, unit.title, names, tuple(chunk))
        for chunk in chunks
    ]
