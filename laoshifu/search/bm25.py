"""BM25/BM25F scoring over sparse term-frequency matrices (docs × vocabulary).

Scoring reads a matrix column by column through its ``data``/``indices``/``indptr`` arrays
only, so an index loaded from disk is queried as plain numpy arrays (``Columns``) and a
cold ``laoshifu ask`` never imports scipy (about 0.1–0.2 s, most of it scipy's array-API
shim importing numpy.f2py and numpy.testing). scipy builds and edits the matrices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp


@dataclass(frozen=True)
class Columns:
    """A docs × terms matrix held column-major (CSC) as plain arrays, as saved on disk."""

    data: np.ndarray  # float32 term counts
    indices: np.ndarray  # row of each count
    indptr: np.ndarray  # column c holds data[indptr[c]:indptr[c + 1]]
    shape: tuple[int, int]

    def tocsc(self) -> "Columns":
        return self

    def tocsr(self) -> "Rows":
        """The same matrix row-major (row r's columns: indices[indptr[r]:indptr[r + 1]])."""
        n_rows, n_cols = self.shape
        cols = np.repeat(np.arange(n_cols, dtype=np.int32), np.diff(self.indptr))
        order = np.argsort(self.indices, kind="stable")
        indptr = np.concatenate(([0], np.cumsum(np.bincount(self.indices, minlength=n_rows))))
        return Rows(self.data[order], cols[order], indptr, self.shape)

    def to_scipy(self) -> "sp.csc_matrix":
        import scipy.sparse as sp

        return sp.csc_matrix((self.data, self.indices, self.indptr), shape=self.shape)


@dataclass(frozen=True)
class Rows:
    """A docs × terms matrix row-major (CSR) as plain arrays."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


Matrix = Union["sp.spmatrix", Columns]


def editable(matrix: Matrix) -> "sp.spmatrix":
    """A scipy matrix to stack or slice (a loaded ``Columns`` is converted once)."""
    return matrix.to_scipy() if isinstance(matrix, Columns) else matrix


def row_sums(matrix: Matrix) -> np.ndarray:
    """Each row's total (a document's length in tokens)."""
    cols = matrix.tocsc()
    return np.bincount(cols.indices, weights=cols.data, minlength=cols.shape[0]).astype(np.float32)


def distinct(values: np.ndarray) -> np.ndarray:
    """The values sorted, each once: np.unique's result, without the numpy.ma import its
    check for masked arrays costs a cold ask (~10 ms). Sorts ``values`` in place."""
    values.sort()
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def document_frequency(fields: Sequence[Matrix]) -> np.ndarray:
    """Per term, the rows holding it in any of ``fields`` (rows shared, same width)."""
    n_rows, n_cols = fields[0].shape
    keys = []
    for matrix in fields:
        cols = matrix.tocsc()
        term = np.repeat(np.arange(n_cols, dtype=np.int64), np.diff(cols.indptr))
        keep = cols.data != 0
        if len(fields) == 1:
            # one field: a column holds each row once, so its entries are its rows
            return np.bincount(term[keep], minlength=n_cols).astype(np.float32)
        keys.append(term[keep] * n_rows + cols.indices[keep])
    if not keys:
        return np.zeros(n_cols, np.float32)
    # A row holding a term in two fields counts once. Each field's keys are already in
    # order (column-major, rows sorted): a stable sort merges the runs instead of
    # sorting from scratch (0.7 → 0.5 s for three fields of 2 M entries).
    present = np.concatenate(keys)
    present.sort(kind="stable")
    if len(present) > 1:
        present = present[np.concatenate(([True], present[1:] != present[:-1]))]
    return np.bincount(present // max(n_rows, 1), minlength=n_cols).astype(np.float32)


class Vocabulary:
    """Token ↔ column id; grows as documents are added, never shrinks."""

    def __init__(self, tokens: Sequence[str] = ()) -> None:
        self.tokens: list[str] = list(tokens)
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def add(self, token: str) -> int:
        i = self.ids.get(token)
        if i is None:
            i = self.ids[token] = len(self.tokens)
            self.tokens.append(token)
        return i

    def lookup(self, tokens: Sequence[str]) -> Counter[int]:
        """Known tokens of a query as {column: count}; unknown tokens cannot match anything."""
        return Counter(self.ids[t] for t in tokens if t in self.ids)


def tf_matrix(docs: Sequence[Sequence[str]], vocab: Vocabulary) -> "sp.csr_matrix":
    """Term frequencies of token lists, growing ``vocab``."""
    import scipy.sparse as sp

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for tokens in docs:
        counts = Counter(vocab.add(t) for t in tokens)
        indices.extend(counts.keys())
        data.extend(counts.values())
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(data, np.float32), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(docs), len(vocab)),
    )


def stack(old: Matrix, new: Matrix, n_terms: int) -> "sp.csr_matrix":
    """Append rows, widening both to the current vocabulary."""
    import scipy.sparse as sp

    old, new = editable(old).tocsr(), editable(new).tocsr()  # a loaded index is column-major
    old = sp.csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], n_terms))
    new = sp.csr_matrix((new.data, new.indices, new.indptr), shape=(new.shape[0], n_terms))
    return sp.vstack([old, new], format="csr", dtype=np.float32)


def idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    # The Lucene form: always positive, so a very common term still counts a little.
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


@dataclass(frozen=True)
class ScorerStats:
    """What BM25F needs besides the matrices: each field's row lengths, each term's
    document frequency."""

    lengths: list[np.ndarray]
    df: np.ndarray


class FieldScorer:
    """BM25F over one or more fields sharing rows: per-field length normalisation and
    weight, one saturation per term (Robertson & Zaragoza 2009)."""

    def __init__(
        self,
        fields: Sequence[Matrix],
        weights: Sequence[float],
        bs: Sequence[float],
        k1: float,
        stats: "ScorerStats | None" = None,
    ) -> None:
        self.n_docs = fields[0].shape[0]
        self.k1 = k1
        self.weights = [float(w) for w in weights]
        self.columns = [m.tocsc() for m in fields]  # no copy when already column-major
        # The statistics of a saved index are saved with it (a large one's take a second)
        self.stats = stats or ScorerStats([row_sums(cols) for cols in self.columns],
                                          document_frequency(self.columns))
        self.norms = []
        for lengths, b in zip(self.stats.lengths, bs):
            avg = float(lengths.mean()) if self.n_docs and lengths.mean() > 0 else 1.0
            self.norms.append((1.0 - b + b * lengths / avg).astype(np.float32))
        self.idf = idf(self.stats.df, self.n_docs)

    def score(self, query: Counter[int], scale: Callable[[int, np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """Scores of every row for a query given as {column: count}.

        ``scale(term, rows)`` may return per-row multipliers of that term's contribution.
        """
        scores = np.zeros(self.n_docs, np.float32)
        acc = np.zeros(self.n_docs, np.float32)
        k1 = self.k1
        for term, qtf in query.items():
            touched = []
            for cols, norm, w in zip(self.columns, self.norms, self.weights):
                if term >= cols.shape[1]:
                    continue
                lo, hi = cols.indptr[term], cols.indptr[term + 1]
                if lo == hi:
                    continue
                rows = cols.indices[lo:hi]
                acc[rows] += w * cols.data[lo:hi] / norm[rows]
                touched.append(rows)
            if not touched:
                continue
            rows = touched[0] if len(touched) == 1 else distinct(np.concatenate(touched))
            x = acc[rows]
            # A repeated query token (a word and its bigram coincide) counts, but sub-linearly.
            weight = self.idf[term] * (1.0 + np.log(qtf))
            gain = weight * x * (k1 + 1.0) / (x + k1)
            if scale is not None:
                gain = gain * scale(term, rows)
            scores[rows] += gain
            acc[rows] = 0.0
        return scores


def column_rows(matrix_csc: Matrix, term: int) -> np.ndarray:
    """Rows where ``term`` occurs."""
    if term >= matrix_csc.shape[1]:
        return np.zeros(0, np.int32)
    return matrix_csc.indices[matrix_csc.indptr[term] : matrix_csc.indptr[term + 1]]
