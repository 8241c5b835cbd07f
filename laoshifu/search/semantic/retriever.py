"""Semantic retrieval over a lexical index's sentences: the same units, passages and
sentence rows, ranked by cosine similarity to the question's embedding."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, _top
from laoshifu.text.normalize import normalize_query

from .embedder import Embedder
from .vectors import IndexVectors


class SemanticIndex:
    """Ranks a lexical ``Index``'s units and sentences by meaning (a ``Retriever``).

    A unit scores as the mean of its most similar sentence and its label (title and
    names: a parameter's row says little without "脱碳退火露点"). Rows follow the index's;
    the index is updated in place on refresh, so a query that meets a half-updated index
    gets nothing from here rather than another sentence's vector.
    """

    def __init__(self, index: Index, embedder: Embedder, vectors: IndexVectors):
        self.index = index
        self.embedder = embedder
        self.vectors = vectors
        t = index.t
        self.sentence_unit = t.passage_unit[t.sentence_passage] if len(t.sentence_passage) \
            else np.zeros(0, np.int32)
        self._last: tuple[str, np.ndarray] | None = None
        self._last_units: tuple[str, np.ndarray, np.ndarray] | None = None  # query, sims, units
        self._by_unit: tuple[np.ndarray, np.ndarray] | None = None  # sentence rows grouped by unit

    def __len__(self) -> int:
        return len(self.vectors.sentences)

    def _aligned(self) -> bool:
        return (len(self.vectors.sentences) == len(self.index.t.sentence_passage)
                == len(self.sentence_unit) and len(self.vectors.labels) == len(self.index))

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.query(normalize_query(query))

    def similarities(self, query: str) -> np.ndarray:
        """Cosine similarity of the question to every sentence (row order)."""
        if not self._aligned() or not len(self) or not query.strip():
            return np.zeros(len(self.sentence_unit), np.float32)
        last = self._last
        if last is not None and last[0] == query:
            return last[1]  # one ask looks at the same question several times
        sims = _dot(self.vectors.sentences.matrix, self.query_vector(query))
        self._last = (query, sims)
        return sims

    def unit_similarities(self, query: str, sims: np.ndarray | None = None) -> np.ndarray:
        """Every unit's similarity (unit row order): the mean of its best sentence's and
        its label's; its label's alone if it has no sentence."""
        sims = self.similarities(query) if sims is None else sims
        last = self._last_units
        if last is not None and last[0] == query and last[1] is sims:
            # an ask ranks units, sentences and the agreement check from the same
            # similarities: the label product and the per-unit maximum, once
            return last[2]
        units = self.combine(sims, self.query_vector(query) if self._aligned() else None)
        units.flags.writeable = False  # shared by every caller of this ask
        self._last_units = (query, sims, units)
        return units

    def combine(self, sims: np.ndarray, vector: np.ndarray | None) -> np.ndarray:
        """Unit similarities from sentence similarities and the question's vector."""
        if vector is None or not len(sims) or len(sims) != len(self.sentence_unit) or not self._aligned():
            return np.full(len(self.index), -1.0, np.float32)
        best = np.full(len(self.index), -np.inf, np.float32)
        np.maximum.at(best, self.sentence_unit, sims)
        label = _dot(self.vectors.labels.matrix, vector)
        return np.where(np.isfinite(best), (best + label) / 2, label).astype(np.float32)

    def best_sentence_similarity(self, query: str, unit_id: str) -> float:
        """How close the question comes to the unit's most similar sentence (0 if none)."""
        position = self.index._positions().get(unit_id)
        sims = self.similarities(query)
        if position is None or len(sims) != len(self.sentence_unit):
            return 0.0
        own = sims[self._unit_rows(position)]
        return max(float(own.max()), 0.0) if len(own) else 0.0

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
        hits = []
        for u in dense_top(np.maximum(best, 0.0), k):
            # the passage that holds the unit's most similar sentence
            rows = self._unit_rows(u)
            passage = int(t.passage_order[t.sentence_passage[rows[np.argmax(sims[rows])]]]) if len(rows) else 0
            hits.append(UnitHit(unit_id=t.unit_ids[u], score=float(best[u]),
                                kind=str(t.unit_kind[u]), process=str(t.unit_process[u]),
                                title=t.unit_title[u], passage=passage))
        return hits

    def search_sentences(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
                         processes: Collection[str] | None = None) -> list[SentenceHit]:
        sims = self.similarities(query)
        if not len(sims) or not sims.any():
            return []
        return self.sentence_hits(sims, dense_top(np.maximum(self._masked(sims, kinds, processes), 0.0), k))

    def _unit_rows(self, unit: int) -> np.ndarray:
        """The unit's sentence rows, in row order (grouped once: comparing every row's
        unit costs a pass over all sentences for each hit)."""
        if self._by_unit is None:
            order = np.argsort(self.sentence_unit, kind="stable")
            self._by_unit = (order, self.sentence_unit[order])
        order, units = self._by_unit
        return order[np.searchsorted(units, unit, "left"):np.searchsorted(units, unit, "right")]

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


def dense_top(scores: np.ndarray, k: int, block: int = 256) -> np.ndarray:
    """``_top`` (the rows of the k best positive scores, best first, ties by row) for
    scores that are mostly positive, as fused and semantic ones are: partitioning
    every row cost 8 ms over 500,000 sentences. Every block of ``block`` rows has its
    best; the k-th best of those bounds the k-th best row from below (k blocks reach
    it), so only the rows that reach it are ranked."""
    whole = len(scores) - len(scores) % block
    if k < 1 or whole < block * k * 4:
        return _top(scores, k)
    maxima = scores[:whole].reshape(-1, block).max(axis=1)
    bound = np.partition(maxima, len(maxima) - k)[len(maxima) - k]
    if not bound > 0 or np.isnan(maxima).any():
        return _top(scores, k)  # too few positive scores, or NaN (which sorts above all)
    rows = np.flatnonzero(scores >= bound)
    return rows[_top(scores[rows], k)]


def _dot(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Matrix × vector in this thread: BLAS would start its thread pool for it, and on a
    small shared machine its spinning threads cost more than the product (5× here)."""
    return np.einsum("ij,j->i", matrix, vector)
