"""BM25F and semantic retrieval fused: units and sentences ranked by both.

Two ways to fuse, chosen by ``FusionParams.method``:
- ``weighted``: BM25F scaled by its best score, plus a weight × how far the cosine
  similarity falls short of the best one's (e5's cosines sit in a narrow band whose
  level varies by question, so the shortfall, not the level, is what counts);
- ``rrf``: reciprocal-rank fusion of each side's top ``depth``, the semantic side
  counted the weight times.

Units and sentences have their own weights: a unit's similarity (with its label) tells
more than one sentence's, and BM25F's sentence score already holds its passage's.

A sentence's semantic score takes its unit into account, as BM25F's does: its unit's
similarity (best sentence and label) counts ``context`` times as much as its own.
Weights: sentences chosen on CMRC 2018 trial (weighted fusion +2 points of hit@1, RRF
lost), units on half of the shop-floor questions (README, "Measured").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, _top
from laoshifu.search.semantic.retriever import SemanticIndex, dense_top


@dataclass(frozen=True)
class FusionParams:
    method: str = "weighted"  # or "rrf"
    unit_weight: float = 10.0  # the semantic side's weight when ranking units
    sentence_weight: float = 0.75  # … when ranking sentences
    context: float = 1.0  # weight of the sentence's unit's similarity in a sentence's
    rrf_k: int = 60
    depth: int = 50  # how deep each side's ranking goes into RRF

    def __post_init__(self) -> None:
        if self.method not in ("weighted", "rrf"):
            raise ValueError(f"fusion method must be 'weighted' or 'rrf', not {self.method!r}")


def scaled_lexical(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def shortfall(sims: np.ndarray) -> np.ndarray:
    """How far each similarity is below the best (0 for the best, negative below)."""
    return sims - sims.max() if len(sims) else sims


def fused_scores(lexical: np.ndarray, sims: np.ndarray, params: FusionParams, k: int = 10,
                 unit_sims: np.ndarray | None = None) -> np.ndarray:
    """One fused score per row from both sides' scores of every row: units, or sentences
    when ``unit_sims`` (per row: its unit's similarity) gives them their context."""
    if unit_sims is not None:
        weight = params.sentence_weight
        semantic = (shortfall(sims) + params.context * shortfall(unit_sims)) / (1 + params.context)
    else:
        weight, semantic = params.unit_weight, shortfall(sims)
    if params.method == "weighted":
        return scaled_lexical(lexical) + weight * semantic
    depth = max(k, params.depth)
    fused = np.zeros(len(sims), np.float64)
    lexical_order = _top(lexical, depth)  # only rows that match at all
    semantic_order = np.argsort(-semantic, kind="stable")[:depth]
    fused[lexical_order] += 1.0 / (params.rrf_k + np.arange(1, len(lexical_order) + 1))
    fused[semantic_order] += weight / (params.rrf_k + np.arange(1, len(semantic_order) + 1))
    return fused


def best_rows(fused: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` best rows by fused score (which may be negative), among ``allowed``."""
    if not len(fused):
        return np.zeros(0, np.int64)
    positive = fused - fused.min() + 1.0
    if allowed is not None:
        positive = np.where(allowed, positive, 0.0)
    return dense_top(positive, k)


class HybridSearch:
    """Both retrievers over one index; hits carry the fused score."""

    def __init__(self, index: Index, semantic: SemanticIndex, params: FusionParams | None = None):
        self.index = index
        self.semantic = semantic
        self.params = params or FusionParams()

    def search(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
               processes: Collection[str] | None = None) -> list[UnitHit]:
        lexical = self.index.unit_scores(query)
        sims = self.semantic.unit_similarities(query)
        if len(sims) != len(lexical) or not len(lexical):
            return self.index.search(query, k, kinds=kinds, processes=processes)
        allowed = self.index._unit_mask(kinds, processes)
        if allowed is not None:
            lexical, sims = np.where(allowed, lexical, 0.0), np.where(allowed, sims, -1.0)
        fused = fused_scores(lexical, sims, self.params, k)
        t = self.index.t
        # A fused hit names no passage (each side may prefer another one).
        return [UnitHit(unit_id=t.unit_ids[u], score=float(fused[u]), kind=str(t.unit_kind[u]),
                        process=str(t.unit_process[u]), title=t.unit_title[u])
                for u in best_rows(fused, k, allowed)]

    def search_sentences(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
                         processes: Collection[str] | None = None) -> list[SentenceHit]:
        sims = self.semantic.similarities(query)
        if len(sims) != len(self.index.t.sentence_passage) or not len(sims):
            return self.index.search_sentences(query, k, kinds=kinds, processes=processes)
        lexical = self.index.sentence_scores(query)
        unit_sims = self.semantic.unit_similarities(query, sims)[self.semantic.sentence_unit]
        allowed = self.index._unit_mask(kinds, processes)
        if allowed is not None:
            allowed = allowed[self.semantic.sentence_unit]
            lexical = np.where(allowed, lexical, 0.0)
            sims, unit_sims = np.where(allowed, sims, -1.0), np.where(allowed, unit_sims, -1.0)
        fused = fused_scores(lexical, sims, self.params, k, unit_sims)
        return self.semantic.sentence_hits(fused, best_rows(fused, k, allowed), sims)
