"""BM25F and semantic retrieval fused: units and sentences ranked by both.

Two ways to fuse, chosen by ``FusionParams.method``:
- ``weighted``: each side's scores over every unit (sentence) scaled to 0…1 — BM25F by
  its best score, similarity above the question's mean similarity by its best — and
  mixed with ``semantic_weight``;
- ``rrf``: reciprocal-rank fusion of each side's top ``depth`` (``fusion.fuse``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, _top
from laoshifu.search.semantic.retriever import SemanticIndex


@dataclass(frozen=True)
class FusionParams:
    method: str = "weighted"  # or "rrf"
    semantic_weight: float = 0.5
    rrf_k: int = 60
    depth: int = 50  # how deep each side's ranking goes into RRF

    def __post_init__(self) -> None:
        if self.method not in ("weighted", "rrf"):
            raise ValueError(f"fusion method must be 'weighted' or 'rrf', not {self.method!r}")


def scaled_lexical(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def scaled_semantic(sims: np.ndarray) -> np.ndarray:
    """Similarity above the question's mean similarity, as a share of the best's lead:
    e5's cosines sit in a narrow band (0.7–0.9) whose level varies by question."""
    if not len(sims):
        return sims
    floor, top = float(sims.mean()), float(sims.max())
    if top <= floor:  # one candidate, or all alike: the best are the best
        return (sims >= top).astype(sims.dtype) if top > 0 else np.zeros_like(sims)
    return np.clip((sims - floor) / (top - floor), 0.0, 1.0)


def weighted(lexical: np.ndarray, sims: np.ndarray, weight: float) -> np.ndarray:
    return (1.0 - weight) * scaled_lexical(lexical) + weight * scaled_semantic(sims)


def fused_scores(lexical: np.ndarray, sims: np.ndarray, params: FusionParams, k: int = 10
                 ) -> np.ndarray:
    """One fused score per row (unit or sentence) from both sides' scores of every row."""
    if params.method == "weighted":
        return weighted(lexical, sims, params.semantic_weight)
    fused = np.zeros(len(sims), np.float32)
    for scores in (lexical, sims):
        order = _top(np.maximum(scores, 0.0), max(k, params.depth))
        fused[order] += 1.0 / (params.rrf_k + np.arange(1, len(order) + 1))
    return fused


class HybridSearch:
    """Both retrievers over one index; hits carry the fused score."""

    def __init__(self, index: Index, semantic: SemanticIndex, params: FusionParams | None = None):
        self.index = index
        self.semantic = semantic
        self.params = params or FusionParams()

    def search(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
               processes: Collection[str] | None = None) -> list[UnitHit]:
        lexical = self.index.unit_scores(query)
        sims = np.maximum(self.semantic.unit_similarities(query), 0.0)
        if len(sims) != len(lexical):
            return self.index.search(query, k, kinds=kinds, processes=processes)
        mask = self.index._unit_mask(kinds, processes)
        if mask is not None:
            lexical, sims = np.where(mask, lexical, 0.0), np.where(mask, sims, 0.0)
        fused = fused_scores(lexical, sims, self.params, k)
        t = self.index.t
        # A fused hit names no passage (each side may prefer another one).
        return [UnitHit(unit_id=t.unit_ids[u], score=float(fused[u]), kind=str(t.unit_kind[u]),
                        process=str(t.unit_process[u]), title=t.unit_title[u])
                for u in _top(fused, k)]

    def search_sentences(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
                         processes: Collection[str] | None = None) -> list[SentenceHit]:
        sims = self.semantic.similarities(query)
        if len(sims) != len(self.index.t.sentence_passage):
            return self.index.search_sentences(query, k, kinds=kinds, processes=processes)
        lexical = self.semantic._masked(self.index.sentence_scores(query), kinds, processes)
        masked_sims = self.semantic._masked(sims, kinds, processes)
        fused = fused_scores(lexical, masked_sims, self.params, k)
        return self.semantic.sentence_hits(fused, _top(fused, k), sims)
