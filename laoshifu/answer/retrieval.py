"""Which units and sentences answer a question: BM25F alone (lexical mode), or BM25F
fused with semantic search (hybrid mode, ``entry.semantic`` set)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from ..search import SentenceHit, UnitHit
from ..search.hybrid import FusionParams, HybridSearch
from .asker import KnowledgeIndex

# The defaults: sentence weights chosen on CMRC 2018 trial, the unit weight on half of
# the shop-floor questions; checked on CMRC dev and the other half (README, "Measured").
FUSION = FusionParams()
AGREEMENT_DEPTH = 5


def unit_hits(question: str, entry: KnowledgeIndex, k: int, *, kinds: Collection[str] | None = None,
              processes: Collection[str] | None = None) -> list[UnitHit]:
    """The ``k`` units that best answer ``question``, best first.

    In hybrid mode the order is the fused one, but every hit keeps its BM25F score (0
    when none of its words matched): the answer logic weighs other BM25F hits against
    it, and the confidence model was calibrated on BM25F scores.
    """
    if entry.semantic is None:
        return entry.index.search(question, k, kinds=kinds, processes=processes)
    fused = HybridSearch(entry.index, entry.semantic, FUSION).search(question, k, kinds=kinds,
                                                                     processes=processes)
    lexical = entry.index.unit_scores(question)
    positions = entry.index._positions()
    return [replace(h, score=float(lexical[positions[h.unit_id]])) for h in fused]


def sentence_hits(question: str, entry: KnowledgeIndex, k: int) -> list[SentenceHit]:
    """The ``k`` sentences closest to ``question`` (fused in hybrid mode), best first."""
    if entry.semantic is None:
        return entry.index.search_sentences(question, k)
    return HybridSearch(entry.index, entry.semantic, FUSION).search_sentences(question, k)


@dataclass(frozen=True)
class SemanticEvidence:
    """What semantic search says about an answer (hybrid mode only), for the confidence
    model: how close the question comes to the chosen unit's best sentence, and whether
    BM25F's best unit is also among semantic search's best few."""

    similarity: float
    agreement: bool

    def to_dict(self) -> dict:
        return {"similarity": round(self.similarity, 4), "agreement": self.agreement}


def semantic_evidence(question: str, entry: KnowledgeIndex, unit_id: str | None
                      ) -> SemanticEvidence | None:
    if entry.semantic is None:
        return None
    similarity = entry.semantic.best_sentence_similarity(question, unit_id) if unit_id else 0.0
    lexical = entry.index.search(question, 1)
    semantic = {h.unit_id for h in entry.semantic.search(question, AGREEMENT_DEPTH)}
    return SemanticEvidence(similarity, bool(lexical) and lexical[0].unit_id in semantic)
