"""Semantic search's pass over every row in int8, exact wherever a ranking is decided.

A question is compared with every sentence row: at 100,000 units, 493,508 rows of 384
dimensions, 760 MB of float32 read per question (~36 ms, bound by memory). Kept as int8
with one scale per row, a quarter of the bytes, and multiplied by simsimd's integer
kernels, the pass takes ~8 ms. Its similarities are off by up to ~0.003 (2.7e-3 at most,
4.2e-4 standard deviation, over 1.1e8 products of real e5 sentence and question vectors),
so a ranking is never read from them directly: ``settle`` recomputes exactly (the
float16 rows, in float32, as before) every row that could be among the best.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# The most an int8 similarity is taken to be off (about twice the largest error measured,
# 12 standard deviations). A wider one only costs more exact rows.
SLACK = 0.005

_BLOCK = 16_384  # rows quantised at a time: bounded temporary float32 copies


@dataclass(frozen=True)
class Int8Rows:
    """Rows of a float matrix as int8 codes and a scale each: row ≈ codes × scale."""

    codes: np.ndarray  # (rows, dim) int8
    scales: np.ndarray  # (rows,) float32

    def __len__(self) -> int:
        return len(self.codes)


def quantise(matrix: np.ndarray) -> Int8Rows:
    """Each row scaled so its largest component is ±127, rounded to the nearest integer
    (a scale per row keeps more precision than one per column on e5's vectors)."""
    matrix = np.asarray(matrix)
    rows = len(matrix)
    codes = np.empty(matrix.shape, np.int8)
    scales = np.empty(rows, np.float32)
    for start in range(0, rows, _BLOCK):
        part = np.asarray(matrix[start:start + _BLOCK], np.float32)
        top = np.abs(part).max(axis=1) if part.shape[1] else np.zeros(len(part), np.float32)
        scale = np.where(top > 0, top / 127, 1).astype(np.float32)  # a zero row stays zero
        codes[start:start + _BLOCK] = np.clip(np.rint(part / scale[:, None]), -127, 127)
        scales[start:start + _BLOCK] = scale
    return Int8Rows(codes, scales)


def requantise(previous: Int8Rows, sources: np.ndarray, matrix: np.ndarray) -> Int8Rows:
    """``quantise(matrix)`` reusing ``previous``: row i is row ``sources[i]`` of it when that
    is not -1 (the same vector: a row's codes depend on that row alone)."""
    kept = sources >= 0
    codes = np.empty(matrix.shape, np.int8)
    scales = np.empty(len(matrix), np.float32)
    codes[kept], scales[kept] = previous.codes[sources[kept]], previous.scales[sources[kept]]
    new = quantise(matrix[~kept])
    codes[~kept], scales[~kept] = new.codes, new.scales
    return Int8Rows(codes, scales)


def approximate_dot(rows: Int8Rows, vector: np.ndarray) -> np.ndarray:
    """Every row's dot product with ``vector`` (float32), within ``SLACK`` for unit vectors:
    the question is quantised too, the integer sums are exact."""
    if not len(rows):
        return np.zeros(0, np.float32)
    import simsimd  # only a hybrid ask needs it

    query = quantise(np.asarray(vector, np.float32)[None, :])
    out = np.empty((len(rows), 1), np.float32)
    # One thread: a shared machine's other cores are busy answering other apprentices.
    simsimd.cdist(rows.codes, query.codes, metric="dot", out_dtype="float32", out=out, threads=1)
    out = out.reshape(-1)
    out *= rows.scales
    out *= query.scales[0]
    return out


def exact_dot(matrix: np.ndarray, vector: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The rows' dot products in float32 (all rows when ``rows`` is None), computed in this
    thread: BLAS would start its thread pool for it, and on a small shared machine its
    spinning threads cost more than the product (5× here). A row's result does not depend
    on which other rows are computed with it."""
    part = matrix if rows is None else matrix[rows]
    return np.einsum("ij,j->i", np.asarray(part, np.float32), np.asarray(vector, np.float32))


def contenders(scores: np.ndarray, n: int, margin: float, block: int = 256) -> np.ndarray:
    """The rows (ascending) whose score is within ``margin`` of the ``n``-th best or above.
    May hold a few more: the n-th best is bounded from below by the n-th best of the
    blocks' maxima (n blocks reach it), without partitioning every row."""
    if n < 1 or not len(scores):
        return np.zeros(0, np.int64)
    if len(scores) <= n:
        return np.arange(len(scores))
    whole = len(scores) - len(scores) % block
    if whole >= block * n * 4:
        maxima = scores[:whole].reshape(-1, block).max(axis=1)
        bound = np.partition(maxima, len(maxima) - n)[len(maxima) - n]
    else:
        bound = np.partition(scores, len(scores) - n)[len(scores) - n]
    return np.flatnonzero(scores >= bound - margin)


def settle(approx: np.ndarray, n: int, slack: float,
           exact: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``approx`` with every row that may be among its ``n`` best given exact values
    (``exact(rows)``), in a copy. If each approximate value is within ``slack`` of its
    exact one, the n best rows of the result are the n best exact ones, in exact order,
    with exact values: a row left approximate lies more than ``slack`` below the n-th
    best exact value. With ``slack`` 0 the values are exact already: returned as they are."""
    if slack <= 0 or n < 1 or not len(approx):
        return approx
    rows = contenders(approx, n, 2 * slack)
    settled = approx.copy()
    if len(rows):
        settled[rows] = exact(rows)
    return settled
