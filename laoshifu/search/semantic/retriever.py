"""Semantic retrieval over a lexical index's sentences: the same units, passages and
sentence rows, ranked by cosine similarity to the question's embedding."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, _top
from laoshifu.text.normalize import normalize_query

from .embedder import Embedder
from .vectors import SentenceVectors


class SemanticIndex:
    """Ranks a lexical ``Index``'s units and sentences by meaning (a ``Retriever``).

    A unit scores as its most similar sentence. Rows follow the index's sentence rows; the
    index is updated in place on refresh, so a query that meets a half-updated index gets
    nothing from here rather than another sentence's vector.
    """

    def __init__(self, index: Index, embedder: Embedder, vectors: SentenceVectors):
        self.index = index
        self.embedder = embedder
        self.vectors = vectors
        t = index.t
        self.sentence_unit = t.passage_unit[t.sentence_passage] if len(t.sentence_passage) \
            else np.zeros(0, np.int32)

    def __len__(self) -> int:
        return len(self.vectors)

    def _aligned(self) -> bool:
        return len(self.vectors) == len(self.index.t.sentence_passage) == len(self.sentence_unit)

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.query(normalize_query(query))

    def similarities(self, query: str) -> np.ndarray:
        """Cosine similarity of the question to every sentence (row order)."""
        if not self._aligned() or not len(self.vectors) or not query.strip():
            return np.zeros(len(self.sentence_unit), np.float32)
        return self.vectors.matrix @ self.query_vector(query)

    def unit_similarities(self, query: str, sims: np.ndarray | None = None) -> np.ndarray:
        """Every unit's best sentence similarity (unit row order; −1 for no sentence)."""
        sims = self.similarities(query) if sims is None else sims
        best = np.full(len(self.index), -1.0, np.float32)
        if len(sims) and len(sims) == len(self.sentence_unit):
            np.maximum.at(best, self.sentence_unit, sims)
        return best

    def unit_similarity(self, query: str, unit_id: str) -> float:
        """How close the question comes to the unit's best sentence (0 if unknown)."""
        position = self.index._positions().get(unit_id)
        if position is None:
            return 0.0
        return max(float(self.unit_similarities(query)[position]), 0.0)

    def search(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
               processes: Collection[str] | None = None) -> list[UnitHit]:
        sims = self.similarities(query)
        if not len(sims) or not sims.any():
            return []
        best = self.unit_similarities(query, sims)
        mask = self.index._unit_mask(kinds, processes)
        if mask is not None:
            best = np.where(mask, best, -1.0)
        t = self.index.t
        # Which passage holds the best sentence: the first sentence row reaching the max.
        hits = []
        for u in _top(np.maximum(best, 0.0), k):
            rows = np.flatnonzero((self.sentence_unit == u) & (sims >= best[u]))
            passage = int(t.passage_order[t.sentence_passage[rows[0]]]) if len(rows) else 0
            hits.append(UnitHit(unit_id=t.unit_ids[u], score=float(best[u]),
                                kind=str(t.unit_kind[u]), process=str(t.unit_process[u]),
                                title=t.unit_title[u], passage=passage))
        return hits

    def search_sentences(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
                         processes: Collection[str] | None = None) -> list[SentenceHit]:
        sims = self.similarities(query)
        if not len(sims) or not sims.any():
            return []
        return self.sentence_hits(sims, _top(np.maximum(self._masked(sims, kinds, processes), 0.0), k))

    def _masked(self, scores: np.ndarray, kinds, processes) -> np.ndarray:
        mask = self.index._unit_mask(kinds, processes)
        return scores if mask is None else np.where(mask[self.sentence_unit], scores, 0.0)

    def sentence_hits(self, scores: np.ndarray, rows: np.ndarray,
                      sims: np.ndarray | None = None) -> list[SentenceHit]:
        """Hits for sentence ``rows`` scored by ``scores`` (``sentence_score`` holds the
        cosine similarity when ``sims`` is given, else the score)."""
        t = self.index.t
        sims = scores if sims is None else sims
        hits = []
        for s in rows:
            u = self.sentence_unit[s]
            hits.append(SentenceHit(
                unit_id=t.unit_ids[u], text=t.sentence_text[s], index=int(t.sentence_order[s]),
                score=float(scores[s]), sentence_score=float(sims[s]), unit_score=0.0,
                start=int(t.sentence_start[s]), end=int(t.sentence_end[s]),
                kind=str(t.unit_kind[u]), process=str(t.unit_process[u])))
        return hits
