"""The lexical index: units → passages → sentences, BM25F-ranked, updatable, saveable."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np

from laoshifu.search.bm25 import (Columns, FieldScorer, Matrix, Vocabulary, column_rows, editable,
                                  stack, tf_matrix)
from laoshifu.search.documents import FIELDS, unit_passages
from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.text.normalize import MAX_QUERY_CHARS, normalize
from laoshifu.text.segment import Analyzer
from laoshifu.knowledge.units import Unit


@dataclass(frozen=True)
class RankingParams:
    """Knobs of the ranker; the defaults were tuned on CMRC 2018 trial (never on dev)."""

    k1: float = 1.2
    b: float = 0.75
    # title, names, body: a hit in a unit's name says more than one in its prose.
    field_weights: tuple[float, float, float] = (3.0, 2.0, 1.0)
    field_bs: tuple[float, float, float] = (0.5, 0.5, 0.75)
    # Sentences are short and near-uniform in length: little length normalisation, and
    # early saturation so matching more distinct terms beats repeating one.
    sentence_k1: float = 0.6
    sentence_b: float = 0.1
    # How much the surrounding passage counts towards a sentence's score.
    context_weight: float = 4.0
    # A query term found in the unit's title or names tells which unit, not which of its
    # sentences: the context score already counted it, so it counts less within the unit.
    topic_discount: float = 0.0
    # A unit without a title is indexed with its first sentence as the title: a text
    # that has no heading opens by naming its topic (the lead of an encyclopedia or news
    # article), so the lead's terms identify the unit rather than one of its sentences.
    lead_as_title: bool = True
    max_passage_chars: int = 800

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "RankingParams":
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def _strings(values: Iterable[str]) -> np.ndarray:
    return np.asarray(list(values), dtype=object)


@dataclass
class _Tables:
    """Row-aligned arrays; units own passages, passages own sentences (by row number)."""

    unit_ids: list[str] = field(default_factory=list)
    unit_kind: np.ndarray = field(default_factory=lambda: _strings([]))
    unit_process: np.ndarray = field(default_factory=lambda: _strings([]))
    unit_title: list[str] = field(default_factory=list)
    passage_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    passage_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    sentence_passage: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    sentence_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    sentence_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    sentence_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    sentence_text: list[str] = field(default_factory=list)


# Look-ups of a unit's terms by scanning before row-major copies are made (a cold ask makes
# three; a server makes them on its second question).
_SCANS_BEFORE_ROWS = 6


def _columns_holding(matrix, rows: np.ndarray) -> np.ndarray:
    """The columns of a column-major matrix with an entry in any of ``rows``."""
    cols = matrix.tocsc()
    if not len(rows) or not len(cols.indices):
        return np.zeros(0, np.int64)
    hit = np.flatnonzero(np.isin(cols.indices, rows))
    return np.searchsorted(cols.indptr, hit, side="right") - 1


class Index:
    """Lexical retriever over units. Build with ``build_index``; ``Index.load`` to reopen."""

    def __init__(self, analyzer: Analyzer, params: RankingParams | None = None) -> None:
        self.analyzer = analyzer
        self.params = params or RankingParams()
        self.vocab = Vocabulary()
        self.t = _Tables()
        empty = Columns(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64), (0, 0))
        # scipy matrices once built or edited; ``Columns`` as loaded from disk.
        self.fields: list[Matrix] = [empty] * len(FIELDS)
        self.sentences: Matrix = empty
        self._scorers: tuple[FieldScorer, FieldScorer] | None = None

    def __len__(self) -> int:
        return len(self.t.unit_ids)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._positions()

    # -- updating ---------------------------------------------------------------------

    def add(self, units: Iterable[Unit]) -> None:
        """Index units; a unit whose id is already indexed replaces the old version."""
        units = list({u.id: u for u in units}.values())
        if not units:
            return
        self.remove([u.id for u in units if u.id in self])
        t, tok = self.t, self.analyzer.tokens_normalized
        if not isinstance(t.sentence_text, list):
            t.sentence_text = list(t.sentence_text)  # a loaded index keeps them joined
        n_units, n_passages = len(t.unit_ids), len(t.passage_unit)
        field_docs: list[list[list[str]]] = [[] for _ in FIELDS]
        sentence_docs: list[list[str]] = []
        p_unit, p_order, s_pass, s_order, s_start, s_end = [], [], [], [], [], []
        for u_row, unit in enumerate(units, start=n_units):
            passages = unit_passages(unit, self.params.max_passage_chars)
            title = unit.title
            if not title.strip() and self.params.lead_as_title and passages[0].sentences:
                title = passages[0].sentences[0].text
            title_tokens = tok(normalize(title))
            names_tokens = tok(normalize(passages[0].names))
            n_sent = 0
            for p_i, passage in enumerate(passages):
                p_row = n_passages + len(p_unit)
                body: list[str] = []
                for sentence in passage.sentences:
                    tokens = tok(normalize(sentence.text))
                    body.extend(tokens)
                    sentence_docs.append(tokens)
                    s_pass.append(p_row)
                    s_order.append(n_sent)
                    s_start.append(sentence.start)
                    s_end.append(sentence.end)
                    t.sentence_text.append(sentence.text)
                    n_sent += 1
                for docs, tokens in zip(field_docs, (title_tokens, names_tokens, body)):
                    docs.append(tokens)
                p_unit.append(u_row)
                p_order.append(p_i)
            t.unit_ids.append(unit.id)
            t.unit_title.append(unit.title)
        t.unit_kind = np.concatenate([t.unit_kind, _strings(u.kind for u in units)])
        t.unit_process = np.concatenate([t.unit_process, _strings(u.process for u in units)])
        cat = lambda old, new: np.concatenate([old, np.asarray(new, np.int32)])  # noqa: E731
        t.passage_unit, t.passage_order = cat(t.passage_unit, p_unit), cat(t.passage_order, p_order)
        t.sentence_passage, t.sentence_order = cat(t.sentence_passage, s_pass), cat(t.sentence_order, s_order)
        t.sentence_start, t.sentence_end = cat(t.sentence_start, s_start), cat(t.sentence_end, s_end)
        new_fields = [tf_matrix(docs, self.vocab) for docs in field_docs]
        new_sentences = tf_matrix(sentence_docs, self.vocab)
        n = len(self.vocab)
        self.fields = [stack(old, new, n) for old, new in zip(self.fields, new_fields)]
        self.sentences = stack(self.sentences, new_sentences, n)
        self._changed()

    def remove(self, unit_ids: Iterable[str]) -> None:
        """Drop units (unknown ids are ignored)."""
        positions = self._positions()
        rows = [positions[u] for u in set(unit_ids) if u in positions]
        if not rows:
            return
        t = self.t
        keep_u = np.ones(len(t.unit_ids), bool)
        keep_u[rows] = False
        keep_p = keep_u[t.passage_unit]
        keep_s = keep_p[t.sentence_passage]
        new_u = np.cumsum(keep_u) - 1  # old row → new row
        new_p = np.cumsum(keep_p) - 1
        t.unit_ids = [u for u, k in zip(t.unit_ids, keep_u) if k]
        t.unit_title = [u for u, k in zip(t.unit_title, keep_u) if k]
        t.sentence_text = [s for s, k in zip(t.sentence_text, keep_s) if k]
        t.unit_kind, t.unit_process = t.unit_kind[keep_u], t.unit_process[keep_u]
        t.passage_unit = new_u[t.passage_unit[keep_p]].astype(np.int32)
        t.passage_order = t.passage_order[keep_p]
        t.sentence_passage = new_p[t.sentence_passage[keep_s]].astype(np.int32)
        for name in ("sentence_order", "sentence_start", "sentence_end"):
            setattr(t, name, getattr(t, name)[keep_s])
        self.fields = [editable(m)[keep_p] for m in self.fields]
        self.sentences = editable(self.sentences)[keep_s]
        self._changed()

    def _changed(self) -> None:
        self._scorers = None
        self.__dict__.pop("_saved_stats", None)  # the saved statistics are of the old rows
        self.__dict__.pop("_rows_cache", None)
        self.__dict__.pop("_position_cache", None)

    def _positions(self) -> dict[str, int]:
        cache = self.__dict__.get("_position_cache")
        if cache is None:
            cache = self.__dict__["_position_cache"] = {u: i for i, u in enumerate(self.t.unit_ids)}
        return cache

    # -- searching --------------------------------------------------------------------

    def unit_terms(self, unit_id: str) -> set[int]:
        """Vocabulary columns that occur anywhere in a unit (any field, any passage)."""
        cache = self.__dict__.get("_rows_cache")
        if cache is None:
            # Each unit's passage rows, made once after a change.
            order = np.argsort(self.t.passage_unit, kind="stable")
            bounds = np.searchsorted(self.t.passage_unit[order], np.arange(len(self) + 1))
            cache = self.__dict__["_rows_cache"] = [None, order, bounds, 0]
        position = self._positions().get(unit_id)
        if position is None:
            return set()
        rows_major, order, bounds, calls = cache
        rows = order[bounds[position]:bounds[position + 1]]
        if rows_major is None and calls < _SCANS_BEFORE_ROWS:
            # The first few look-ups (one cold ask makes three) scan the column-major
            # matrices; row-major copies of a large index take longer than many scans.
            cache[3] = calls + 1
            return {int(term) for matrix in self.fields for term in _columns_holding(matrix, rows)}
        if rows_major is None:
            rows_major = cache[0] = [m.tocsr() for m in self.fields]
        terms: set[int] = set()
        for matrix in rows_major:
            for row in rows:
                terms.update(matrix.indices[matrix.indptr[row]:matrix.indptr[row + 1]].tolist())
        return terms

    def idf(self) -> np.ndarray:
        """Inverse document frequency of every vocabulary column (passage level)."""
        return self._ready()[0].idf

    def n_passages(self) -> int:
        return len(self.t.passage_unit)

    def _ready(self) -> tuple[FieldScorer, FieldScorer]:
        # Statistics (idf, average lengths) are rebuilt lazily after changes, so a burst of
        # add/remove calls costs one rebuild.
        if self._scorers is None:
            p = self.params
            saved = self.__dict__.get("_saved_stats") or (None, None)
            self._scorers = (
                FieldScorer(self.fields, p.field_weights, p.field_bs, p.k1, saved[0]),
                FieldScorer([self.sentences], [1.0], [p.sentence_b], p.sentence_k1, saved[1]),
            )
        return self._scorers

    def _query(self, query: str):
        return self.vocab.lookup(self.analyzer.tokens_normalized(normalize(query[:MAX_QUERY_CHARS])))

    def _unit_mask(self, kinds: Collection[str] | None, processes: Collection[str] | None) -> np.ndarray | None:
        if kinds is None and processes is None:
            return None
        mask = np.ones(len(self.t.unit_ids), bool)
        if kinds is not None:
            mask &= np.isin(self.t.unit_kind, list(kinds))
        if processes is not None:
            mask &= np.isin(self.t.unit_process, list(processes))
        return mask

    def _topic_scale(self, passage_scorer: FieldScorer):
        discount = self.params.topic_discount
        if discount == 1.0:
            return None
        n_passages = len(self.t.passage_unit)
        sentence_passage = self.t.sentence_passage

        def scale(term: int, rows: np.ndarray) -> np.ndarray:
            topical = np.zeros(n_passages, bool)
            for cols in passage_scorer.columns[:2]:  # title, names
                topical[column_rows(cols, term)] = True
            return np.where(topical[sentence_passage[rows]], discount, 1.0).astype(np.float32)

        return scale

    def passage_scores(self, query: str) -> np.ndarray:
        """BM25F score of every passage (row order) — for fusion experiments and debugging."""
        q = self._query(query)
        return self._ready()[0].score(q) if q and len(self) else np.zeros(len(self.t.passage_unit), np.float32)

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        kinds: Collection[str] | None = None,
        processes: Collection[str] | None = None,
    ) -> list[UnitHit]:
        """Best units for a question (a unit scores as its best passage); [] if nothing matches."""
        q = self._query(query)
        if not q or not len(self):
            return []
        passage = self._ready()[0].score(q)
        t = self.t
        mask = self._unit_mask(kinds, processes)
        if mask is not None:
            passage = np.where(mask[t.passage_unit], passage, 0.0)
        # Best passage per unit: sort the matching passages by score, keep each unit's
        # first (sorting only the matches keeps a 100,000-unit index fast).
        matching = np.flatnonzero(passage > 0)
        # Only the best few passages can hold the k best units: sort a shortlist (ties at
        # its edge included), and fall back to all matches if it yields too few units.
        shortlist = matching
        if len(matching) > 8 * k:
            cut = np.partition(passage[matching], len(matching) - 8 * k)[len(matching) - 8 * k]
            shortlist = matching[passage[matching] >= cut]
        best = self._best_per_unit(passage, shortlist, k)
        if len(best) < k and len(shortlist) < len(matching):
            best = self._best_per_unit(passage, matching, k)
        return [
            UnitHit(
                unit_id=t.unit_ids[u],
                score=float(passage[p]),
                kind=str(t.unit_kind[u]),
                process=str(t.unit_process[u]),
                title=t.unit_title[u],
                passage=int(t.passage_order[p]),
            )
            for p in best
            for u in [t.passage_unit[p]]
        ]

    def _best_per_unit(self, passage: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
        """The best passage of each of the k best units among ``rows``, best first."""
        order = rows[np.argsort(-passage[rows], kind="stable")]
        _, first = np.unique(self.t.passage_unit[order], return_index=True)
        return order[np.sort(first)][:k]

    def search_sentences(
        self,
        query: str,
        k: int = 10,
        *,
        kinds: Collection[str] | None = None,
        processes: Collection[str] | None = None,
    ) -> list[SentenceHit]:
        """Best sentences: own BM25 + ``context_weight`` × their passage's BM25F."""
        scored = self._sentence_scores(query)
        if scored is None:
            return []
        own, context, total = scored
        t = self.t
        mask = self._unit_mask(kinds, processes)
        if mask is not None:
            total = np.where(mask[t.passage_unit[t.sentence_passage]], total, 0.0)
        top = _top(total, k)
        hits = []
        for s in top:
            u = t.passage_unit[t.sentence_passage[s]]
            hits.append(
                SentenceHit(
                    unit_id=t.unit_ids[u],
                    text=t.sentence_text[s],
                    index=int(t.sentence_order[s]),
                    score=float(total[s]),
                    sentence_score=float(own[s]),
                    unit_score=float(context[s]),
                    start=int(t.sentence_start[s]),
                    end=int(t.sentence_end[s]),
                    kind=str(t.unit_kind[u]),
                    process=str(t.unit_process[u]),
                )
            )
        return hits

    def _sentence_scores(self, query: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        q = self._query(query)
        if not q or not len(self):
            return None
        passage_scorer, sentence_scorer = self._ready()
        own = sentence_scorer.score(q, self._topic_scale(passage_scorer))
        context = passage_scorer.score(q)[self.t.sentence_passage]
        return own, context, own + self.params.context_weight * context

    def sentence_scores(self, query: str) -> np.ndarray:
        """The ``search_sentences`` score of every sentence (row order), for fusion."""
        scored = self._sentence_scores(query)
        return scored[2] if scored is not None else np.zeros(len(self.t.sentence_text), np.float32)

    def unit_scores(self, query: str) -> np.ndarray:
        """Every unit's ``search`` score (its best passage's BM25F, row order), for fusion."""
        best = np.zeros(len(self), np.float32)
        if len(self):
            np.maximum.at(best, self.t.passage_unit, self.passage_scores(query))
        return best

    # -- persistence (see store.py) -------------------------------------------------

    def save(self, directory) -> None:
        from laoshifu.search.persist import save_index

        save_index(self, directory)

    @classmethod
    def load(cls, directory) -> "Index":
        from laoshifu.search.persist import load_index

        return load_index(directory)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best positive scores, best first (ties: earlier row first)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        part = np.argpartition(-scores[positive], k - 1)[:k]
        cut = scores[positive[part]].min()
        positive = positive[scores[positive] >= cut]  # keep ties so the order is stable
    order = np.lexsort((positive, -scores[positive]))
    return positive[order][:k]


def build_index(
    units: Iterable[Unit],
    analyzer: Analyzer | None = None,
    params: RankingParams | None = None,
) -> Index:
    """Index units; without an analyzer, one is built from the units' own lexicon."""
    units = list(units)
    index = Index(analyzer or Analyzer.from_units(units), params)
    index.add(units)
    return index
