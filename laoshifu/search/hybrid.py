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

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, _top
from laoshifu.search.semantic.quantised import settle
from laoshifu.search.semantic.retriever import SemanticIndex, dense_top, masked


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


def semantic_scores(sims: np.ndarray, params: FusionParams, unit_sims: np.ndarray | None = None) -> np.ndarray:
    """The semantic side of a fused score: a unit's shortfall, or a sentence's combined
    with its unit's (``unit_sims``: per row, its unit's similarity)."""
    if unit_sims is None:
        return shortfall(sims)
    return (shortfall(sims) + params.context * shortfall(unit_sims)) / (1 + params.context)


def fused_scores(lexical: np.ndarray, sims: np.ndarray, params: FusionParams, k: int = 10,
                 unit_sims: np.ndarray | None = None) -> np.ndarray:
    """One fused score per row from both sides' scores of every row: units, or sentences
    when ``unit_sims`` (per row: its unit's similarity) gives them their context."""
    weight = params.unit_weight if unit_sims is None else params.sentence_weight
    return fuse_sides(lexical, semantic_scores(sims, params, unit_sims), weight, params, k)


def fuse_sides(lexical: np.ndarray, semantic: np.ndarray, weight: float, params: FusionParams,
               k: int = 10) -> np.ndarray:
    if params.method == "weighted":
        return scaled_lexical(lexical) + weight * semantic
    depth = max(k, params.depth)
    fused = np.zeros(len(semantic), np.float64)
    lexical_order = _top(lexical, depth)  # only rows that match at all
    semantic_order = np.argsort(-semantic, kind="stable")[:depth]
    fused[lexical_order] += 1.0 / (params.rrf_k + np.arange(1, len(lexical_order) + 1))
    fused[semantic_order] += weight / (params.rrf_k + np.arange(1, len(semantic_order) + 1))
    return fused


def best_rows(fused: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` best rows by fused score (which may be negative), among ``allowed``."""
    if not len(fused):
        return np.zeros(0, np.int64)
    # Shifted in float64, where the shift is exact: the order is the scores' own, whatever
    # the lowest one (in float32, rounding after the shift could tie two close scores).
    positive = fused.astype(np.float64) - float(fused.min()) + 1.0
    if allowed is not None:
        positive = np.where(allowed, positive, 0.0)
    return dense_top(positive, k)


class HybridSearch:
    """Both retrievers over one index; hits carry the fused score.

    Semantic similarities from the int8 full pass are within ``semantic.slack`` of the
    exact ones; every fused ranking is settled on exact values (``quantised.settle``):
    the best similarity each shortfall is measured from, then every row that may be
    among the k best (weighted) or the semantic side's best ``depth`` (RRF).
    """

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
        exact = self.semantic.exact_unit_similarities
        if allowed is not None:
            lexical, sims = np.where(allowed, lexical, 0.0), np.where(allowed, sims, -1.0)
            exact = masked(exact, allowed)
        slack = self.semantic.slack
        sims = settle(sims, 1, slack, lambda rows: exact(query, rows))  # the best, exact
        top = sims.max()
        fused = self._settled(lexical, shortfall(sims), lambda rows: exact(query, rows) - top,
                              self.params.unit_weight, k)
        t = self.index.t
        # A fused hit names no passage (each side may prefer another one).
        return [UnitHit(unit_id=t.unit_ids[u], score=float(fused[u]), kind=str(t.unit_kind[u]),
                        process=str(t.unit_process[u]), title=t.unit_title[u])
                for u in best_rows(fused, k, allowed)]

    def search_sentences(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
                         processes: Collection[str] | None = None) -> list[SentenceHit]:
        semantic = self.semantic
        sims = semantic.similarities(query)
        if len(sims) != len(self.index.t.sentence_passage) or not len(sims):
            return self.index.search_sentences(query, k, kinds=kinds, processes=processes)
        lexical = self.index.sentence_scores(query)
        unit_sims = semantic.unit_similarities(query, sims)[semantic.sentence_unit]
        exact_sentences, exact_units = semantic.exact_similarities, semantic.exact_unit_similarities
        allowed = self.index._unit_mask(kinds, processes)
        if allowed is not None:
            exact_units = masked(exact_units, allowed)
            allowed = allowed[semantic.sentence_unit]
            lexical = np.where(allowed, lexical, 0.0)
            sims, unit_sims = np.where(allowed, sims, -1.0), np.where(allowed, unit_sims, -1.0)
            exact_sentences = masked(exact_sentences, allowed)

        def exact_row_units(rows: np.ndarray) -> np.ndarray:
            units, where = np.unique(semantic.sentence_unit[rows], return_inverse=True)
            return exact_units(query, units)[where]

        slack, context = semantic.slack, self.params.context
        sims = settle(sims, 1, slack, lambda rows: exact_sentences(query, rows))
        unit_sims = settle(unit_sims, 1, slack, exact_row_units)
        best, best_unit = sims.max(), unit_sims.max()

        def exact_semantic(rows: np.ndarray) -> np.ndarray:
            return ((exact_sentences(query, rows) - best) + context * (exact_row_units(rows) - best_unit)) \
                / (1 + context)

        fused = self._settled(lexical, semantic_scores(sims, self.params, unit_sims), exact_semantic,
                              self.params.sentence_weight, k)
        rows = best_rows(fused, k, allowed)
        sims = np.array(sims)  # the hits' own similarities, exact
        sims[rows] = exact_sentences(query, rows)
        return semantic.sentence_hits(fused, rows, sims)

    def _settled(self, lexical: np.ndarray, semantic: np.ndarray,
                 exact: Callable[[np.ndarray], np.ndarray], weight: float, k: int) -> np.ndarray:
        """Fused scores whose k best rows are those of the exact semantic side
        (``exact(rows)``), given one within the slack."""
        slack, params = self.semantic.slack, self.params
        if params.method == "rrf":  # only the semantic side's ranks count, to its depth
            return fuse_sides(lexical, settle(semantic, max(k, params.depth), slack, exact), weight, params, k)
        scaled = scaled_lexical(lexical)
        return settle(fuse_sides(lexical, semantic, weight, params, k), k, weight * slack,
                      lambda rows: scaled[rows] + weight * exact(rows))
