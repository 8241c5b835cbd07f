"""Semantic retrieval over a lexical index's sentences: the same units, passages and
sentence rows, ranked by cosine similarity to the question's embedding."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, _top
from laoshifu.text.normalize import normalize_query

from .embedder import Embedder
from .quantised import SLACK, approximate_dot, exact_dot, settle
from .vectors import IndexVectors


class SemanticIndex:
    """Ranks a lexical ``Index``'s units and sentences by meaning (a ``Retriever``).

    A unit scores as the mean of its most similar sentence and its label (title and
    names: a parameter's row says little without "脱碳退火露点"). Rows follow the index's;
    the index is updated in place on refresh, so a query that meets a half-updated index
    gets nothing from here rather than another sentence's vector.

    ``full_pass``: how every row is compared with a question. ``int8`` (see
    ``quantised``): a quarter of float32's bytes read, similarities within ``SLACK``,
    then every ranking settled exactly, so hits, their order and their scores are
    float32's. ``float32``: the exact product over every row (4× the bytes), as before.
    ``auto``: int8 from ``INT8_MIN_ROWS`` sentence rows on; below, settling costs more
    than the whole float32 pass saves.
    """

    def __init__(self, index: Index, embedder: Embedder, vectors: IndexVectors, *,
                 full_pass: str = "auto"):
        if full_pass not in FULL_PASSES:
            raise ValueError(f"full_pass must be one of {', '.join(FULL_PASSES)}, not {full_pass!r}")
        if full_pass == "auto":
            full_pass = "int8" if len(vectors.sentences) >= INT8_MIN_ROWS else "float32"
        self.index = index
        self.embedder = embedder
        self.vectors = vectors
        self.full_pass = full_pass
        # how far a full-pass similarity may be from the exact one
        self.slack = SLACK if full_pass == "int8" else 0.0
        # full_pass "float32": the rows upcast once (as a load did before the int8 pass)
        self._float32 = (np.asarray(vectors.sentences.matrix, np.float32),
                         np.asarray(vectors.labels.matrix, np.float32)) if full_pass == "float32" else None
        t = index.t
        self.sentence_unit = t.passage_unit[t.sentence_passage] if len(t.sentence_passage) \
            else np.zeros(0, np.int32)
        self._last: tuple[str, np.ndarray] | None = None
        self._last_units: tuple[str, np.ndarray, np.ndarray] | None = None  # query, sims, units
        self._by_unit: tuple[np.ndarray, np.ndarray] | None = None  # rows by unit, runs' starts

    def __len__(self) -> int:
        return len(self.vectors.sentences)

    def _aligned(self) -> bool:
        return (len(self.vectors.sentences) == len(self.index.t.sentence_passage)
                == len(self.sentence_unit) and len(self.vectors.labels) == len(self.index))

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.query(normalize_query(query))

    def _pass(self, labels: bool, vector: np.ndarray) -> np.ndarray:
        """Every sentence's (or label's) similarity to ``vector``, the full pass's way."""
        if self._float32 is not None:
            return exact_dot(self._float32[labels], vector)
        return approximate_dot((self.vectors.labels if labels else self.vectors.sentences).quantised(), vector)

    def similarities(self, query: str) -> np.ndarray:
        """Similarity of the question to every sentence (row order), within ``slack`` of
        the cosine: rank with ``settle`` and ``exact_similarities``."""
        if not self._aligned() or not len(self) or not query.strip():
            return np.zeros(len(self.sentence_unit), np.float32)
        last = self._last
        if last is not None and last[0] == query:
            return last[1]  # one ask looks at the same question several times
        sims = self._pass(False, self.query_vector(query))
        sims.flags.writeable = False  # shared by every caller of this ask
        self._last = (query, sims)
        return sims

    def unit_similarities(self, query: str, sims: np.ndarray | None = None) -> np.ndarray:
        """Every unit's similarity (unit row order): the mean of its best sentence's and
        its label's; its label's alone if it has no sentence. Within ``slack``, as
        ``sims``: rank with ``settle`` and ``exact_unit_similarities``."""
        sims = self.similarities(query) if sims is None else sims
        last = self._last_units
        if last is not None and last[0] == query and last[1] is sims:
            # an ask ranks units, sentences and the agreement check from the same
            # similarities: the label pass and the per-unit maximum, once
            return last[2]
        if self._aligned() and len(sims) == len(self.sentence_unit):
            labels = self._pass(True, self.query_vector(query))
            units = self._combine(sims, labels)
        else:
            units = np.full(len(self.index), -1.0, np.float32)
        units.flags.writeable = False  # shared by every caller of this ask
        self._last_units = (query, sims, units)
        return units

    def combine(self, sims: np.ndarray, vector: np.ndarray | None) -> np.ndarray:
        """Unit similarities from sentence similarities and the question's vector (its
        labels' similarities exact)."""
        if vector is None or not len(sims) or len(sims) != len(self.sentence_unit) or not self._aligned():
            return np.full(len(self.index), -1.0, np.float32)
        return self._combine(sims, exact_dot(self.vectors.labels.matrix, vector))

    def _combine(self, sims: np.ndarray, labels: np.ndarray) -> np.ndarray:
        best = np.full(len(self.index), -np.inf, np.float32)
        np.maximum.at(best, self.sentence_unit, sims)
        return np.where(np.isfinite(best), (best + labels) / 2, labels).astype(np.float32)

    def exact_similarities(self, query: str, rows: np.ndarray) -> np.ndarray:
        """The exact similarity of the question to sentence ``rows``."""
        if not self._aligned() or not query.strip():
            return np.zeros(len(rows), np.float32)
        return exact_dot(self.vectors.sentences.matrix, self.query_vector(query), rows)

    def exact_unit_similarities(self, query: str, units: np.ndarray) -> np.ndarray:
        """The exact similarity of units (rows) to the question, as ``unit_similarities``
        computes it. Only sentences that may be their unit's best are recomputed: those
        within twice the slack of its best in the full pass."""
        units = np.asarray(units, np.int64)
        if not self._aligned():
            return np.full(len(units), -1.0, np.float32)
        sims = self.similarities(query)
        labels = exact_dot(self.vectors.labels.matrix, self.query_vector(query), units)
        rows, owner = self._rows_of(units)
        if self.slack > 0 and len(rows):
            near = np.full(len(units), -np.inf, np.float32)
            np.maximum.at(near, owner, sims[rows])
            keep = sims[rows] >= near[owner] - 2 * self.slack
            rows, owner = rows[keep], owner[keep]
        best = np.full(len(units), -np.inf, np.float32)
        np.maximum.at(best, owner, self.exact_similarities(query, rows))
        return np.where(np.isfinite(best), (best + labels) / 2, labels).astype(np.float32)

    def best_sentence_similarity(self, query: str, unit_id: str) -> float:
        """How close the question comes to the unit's most similar sentence (0 if none)."""
        position = self.index._positions().get(unit_id)
        if position is None or not self._aligned() or not len(self):
            return 0.0
        own = self.exact_similarities(query, self._unit_rows(position))
        return max(float(own.max()), 0.0) if len(own) else 0.0

    def search(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
               processes: Collection[str] | None = None) -> list[UnitHit]:
        sims = self.similarities(query)
        if not len(sims) or not sims.any():
            return []
        best = self.unit_similarities(query, sims)
        mask = self.index._unit_mask(kinds, processes)
        exact = self.exact_unit_similarities
        if mask is not None:
            best, exact = np.where(mask, best, -1.0), masked(exact, mask)
        best = settle(best, k, self.slack, lambda rows: exact(query, rows))
        t = self.index.t
        hits = []
        for u in dense_top(np.maximum(best, 0.0), k):
            # the passage that holds the unit's most similar sentence
            rows = self._unit_rows(u)
            own = self.exact_similarities(query, rows)
            passage = int(t.passage_order[t.sentence_passage[rows[np.argmax(own)]]]) if len(rows) else 0
            hits.append(UnitHit(unit_id=t.unit_ids[u], score=float(best[u]),
                                kind=str(t.unit_kind[u]), process=str(t.unit_process[u]),
                                title=t.unit_title[u], passage=passage))
        return hits

    def search_sentences(self, query: str, k: int = 10, *, kinds: Collection[str] | None = None,
                         processes: Collection[str] | None = None) -> list[SentenceHit]:
        sims = self.similarities(query)
        if not len(sims) or not sims.any():
            return []
        mask = self.index._unit_mask(kinds, processes)
        exact = self.exact_similarities
        if mask is not None:
            exact = masked(self.exact_similarities, mask[self.sentence_unit], 0.0)
        scores = settle(self._masked(sims, kinds, processes), k, self.slack, lambda rows: exact(query, rows))
        return self.sentence_hits(scores, dense_top(np.maximum(scores, 0.0), k))

    def _unit_rows(self, unit: int) -> np.ndarray:
        """The unit's sentence rows, in row order (grouped once: comparing every row's
        unit costs a pass over all sentences for each hit)."""
        order, starts = self._grouped()
        return order[starts[unit]:starts[unit + 1]]

    def _rows_of(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sentence rows of several units, and for each row its unit's place in ``units``."""
        order, starts = self._grouped()
        low, counts = starts[units], starts[units + 1] - starts[units]
        owner = np.repeat(np.arange(len(units)), counts)
        # each unit's run of rows: its start, then one more per row
        first = np.repeat(low - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        return order[first + np.arange(len(owner))], owner

    def _grouped(self) -> tuple[np.ndarray, np.ndarray]:
        """Sentence rows ordered by unit (stable), and where each unit's run starts (one
        more entry: the end)."""
        if self._by_unit is None:
            order = np.argsort(self.sentence_unit, kind="stable")
            starts = np.searchsorted(self.sentence_unit[order], np.arange(len(self.index) + 1))
            self._by_unit = (order, starts)
        return self._by_unit

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


FULL_PASSES = ("auto", "int8", "float32")
# Where the int8 pass starts to pay: its fixed cost (~2 ms an ask: settling, exact rows)
# against float32's ~73 ns a sentence row (36 ms for 493,508, on 2 shared cores).
INT8_MIN_ROWS = 40_000


def masked(exact, allowed: np.ndarray, outside: float = -1.0):
    """``exact(query, rows)`` with rows not ``allowed`` given ``outside``, as a filtered
    full pass gives them."""
    def values(query: str, rows: np.ndarray) -> np.ndarray:
        return np.where(allowed[rows], exact(query, rows), outside).astype(np.float32)
    return values


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

