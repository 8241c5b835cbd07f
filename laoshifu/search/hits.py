"""What a search returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitHit:
    """A unit and how well it matched; ``passage`` is its best-matching chunk (0-based)."""

    unit_id: str
    score: float
    kind: str
    process: str
    title: str
    passage: int = 0


@dataclass(frozen=True)
class SentenceHit:
    """One sentence of a unit's search text; ``start``/``end`` index ``unit.search_text()``.

    ``score`` combines the sentence's own match (``sentence_score``) with its passage's
    (``unit_score``), so a sentence inside the right unit beats a stray lookalike.
    """

    unit_id: str
    text: str
    index: int  # position among the unit's sentences, 0-based
    score: float
    sentence_score: float
    unit_score: float
    start: int
    end: int
    kind: str
    process: str
