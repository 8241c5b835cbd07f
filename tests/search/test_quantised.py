"""Semantic search's int8 pass: quantisation, the saved copy, and rankings settled on exact
values (the same hits, order and scores as the float32 pass)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from laoshifu.search import build_index
from laoshifu.search.hybrid import FusionParams, HybridSearch
from laoshifu.search.semantic import IndexVectors, SemanticIndex, SentenceVectors, load_vectors, save_vectors
from laoshifu.search.semantic.quantised import (
    SLACK, Int8Rows, approximate_dot, contenders, exact_dot, quantise, requantise, settle,
)

from .fakes import FakeEmbedder


def test_quantise_scales_each_row_to_127():
    rows = quantise(np.asarray([[1.0, 0.3, -0.6, 0.0], [0.0, 0.0, 0.0, 0.0], [-0.2, 0.07, 0.0, 0.13]],
                               np.float16))
    assert rows.codes.dtype == np.int8 and rows.scales.dtype == np.float32
    # rounded to the nearest (0.3 × 127 = 38.1); a zero row stays zero, with scale 1
    assert rows.codes.tolist() == [[127, 38, -76, 0], [0, 0, 0, 0], [-127, 44, 0, 83]]
    assert rows.scales.tolist() == pytest.approx([1 / 127, 1.0, 0.2 / 127], rel=1e-3)


def test_quantise_works_in_blocks_and_reuses_kept_rows(monkeypatch):
    import laoshifu.search.semantic.quantised as q

    matrix = np.random.default_rng(5).standard_normal((50, 8)).astype(np.float16)
    whole = quantise(matrix)
    monkeypatch.setattr(q, "_BLOCK", 7)
    blocked = quantise(matrix)
    assert np.array_equal(blocked.codes, whole.codes) and np.array_equal(blocked.scales, whole.scales)
    # rows 0-9 of the previous build are rows 10-19 now; the rest are new
    previous = quantise(matrix[10:20])
    again = requantise(previous, np.asarray([-1] * 10 + list(range(10)) + [-1] * 30), matrix)
    assert np.array_equal(again.codes, whole.codes) and np.array_equal(again.scales, whole.scales)


def test_the_int8_product_is_exact_on_integers_and_close_on_unit_vectors():
    rows = Int8Rows(np.asarray([[1, 2, 3], [-127, 0, 127]], np.int8), np.asarray([0.5, 0.01], np.float32))
    # the question [127, 0, -127] is itself exact in int8: scale 1
    assert approximate_dot(rows, np.asarray([127.0, 0.0, -127.0])).tolist() == \
        pytest.approx([0.5 * (127 - 381), 0.01 * (-127 * 127 - 127 * 127)])
    assert approximate_dot(Int8Rows(np.zeros((0, 3), np.int8), np.zeros(0, np.float32)),
                           np.ones(3)).tolist() == []
    rng = np.random.default_rng(11)
    matrix = rng.standard_normal((2000, 384)).astype(np.float32)
    matrix = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float16)
    vector = rng.standard_normal(384).astype(np.float32)
    vector /= np.linalg.norm(vector)
    error = np.abs(approximate_dot(quantise(matrix), vector) - exact_dot(matrix, vector))
    assert 0 < error.max() < SLACK / 2


def test_an_exact_row_does_not_depend_on_the_rows_computed_with_it():
    rng = np.random.default_rng(2)
    matrix = rng.standard_normal((3000, 384)).astype(np.float16)
    vector = rng.standard_normal(384).astype(np.float32)
    whole = exact_dot(matrix, vector)
    for rows in (np.asarray([5]), np.asarray([2999, 0, 7]), rng.choice(3000, 500, replace=False)):
        assert np.array_equal(exact_dot(matrix, vector, rows), whole[rows])


def test_contenders_are_the_rows_near_the_nth_best():
    scores = np.asarray([0.1, 0.5, 0.48, 0.2, 0.9], np.float32)
    assert contenders(scores, 2, 0.05).tolist() == [1, 2, 4]  # within 0.05 of the second best
    assert contenders(scores, 1, 0.0).tolist() == [4]
    assert contenders(scores, 9, 0.0).tolist() == [0, 1, 2, 3, 4]
    assert contenders(scores, 0, 1.0).tolist() == []
    # many rows: a bound from the blocks' maxima, never missing a row that counts
    rng = np.random.default_rng(4)
    for trial in range(20):
        big = rng.standard_normal(20_000).astype(np.float32)
        found = set(contenders(big, 10, 0.01, block=64).tolist())
        tenth = np.sort(big)[-10]
        assert set(np.flatnonzero(big >= tenth - 0.01).tolist()) <= found


def test_settle_makes_exact_every_row_that_may_rank():
    exact = np.asarray([0.80, 0.802, 0.795, 0.5], np.float32)
    approx = np.asarray([0.803, 0.799, 0.797, 0.5], np.float32)  # the first two in the wrong order
    asked = []

    def values(rows):
        asked.append(rows.tolist())
        return exact[rows]

    one = settle(approx, 1, 0.005, values)
    assert asked == [[0, 1, 2]] and one.tolist() == pytest.approx([0.80, 0.802, 0.795, 0.5])
    assert int(np.argmax(one)) == 1 and approx[0] == np.float32(0.803)  # a copy; the order is exact's
    assert settle(approx, 1, 0.0, values) is approx and len(asked) == 1  # exact already
    # rows far below keep their approximate values, and are never computed
    wide = np.asarray([0.9, 0.5, 0.49, 0.1], np.float32)
    assert settle(wide, 1, 0.005, values).tolist() == pytest.approx([0.80, 0.5, 0.49, 0.1])
    assert asked[-1] == [0]


class FixedQuery:
    """An embedder whose every question is one vector."""

    model_id, dim = "fixed", 32

    def __init__(self, vector):
        self.vector = vector

    def query(self, text):
        return self.vector


def near_duplicates(index, seed=7):
    """Every sentence and label a small turn of one vector: similarities a few 1e-4 apart,
    closer than int8 can tell."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(32).astype(np.float32)
    base /= np.linalg.norm(base)

    def rows(n):
        m = base + 0.02 * rng.standard_normal((n, 32)).astype(np.float32)
        return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float16)

    sentences, labels = rows(len(index.t.sentence_text)), rows(len(index))
    vectors = IndexVectors(SentenceVectors("fixed", [f"s{i}" for i in range(len(sentences))], sentences),
                           SentenceVectors("fixed", [f"l{i}" for i in range(len(labels))], labels),
                           list(index.t.unit_ids), [""] * len(index))
    return vectors, base


def test_int8_rankings_are_float32_rankings(units):
    index = build_index(units)
    vectors, base = near_duplicates(index)
    embedder = FixedQuery(base)
    int8 = SemanticIndex(index, embedder, vectors, full_pass="int8")
    float32 = SemanticIndex(index, embedder, vectors, full_pass="float32")
    exact = exact_dot(vectors.sentences.matrix, base)
    approx = int8.similarities("露点")
    # the test can fail: read directly, the int8 pass ranks these sentences otherwise
    assert np.argsort(-approx, kind="stable")[:5].tolist() != np.argsort(-exact, kind="stable")[:5].tolist()
    assert np.abs(approx - exact).max() <= SLACK
    for query in ("露点", "氢气比例多少"):
        for kinds in (None, ["parameter", "note"]):
            assert int8.search(query, 4, kinds=kinds) == float32.search(query, 4, kinds=kinds)
            assert int8.search_sentences(query, 5, kinds=kinds) == float32.search_sentences(query, 5, kinds=kinds)
            for params in (FusionParams(), FusionParams("rrf", depth=5)):
                ours, theirs = HybridSearch(index, int8, params), HybridSearch(index, float32, params)
                assert ours.search(query, 4, kinds=kinds) == theirs.search(query, 4, kinds=kinds)
                assert ours.search_sentences(query, 6, kinds=kinds) == theirs.search_sentences(query, 6, kinds=kinds)
        assert int8.best_sentence_similarity(query, "sec-hta") == float32.best_sentence_similarity(query, "sec-hta")
    top = float32.search_sentences("露点", 1)[0]
    assert top.score == float(exact.max())  # the float32 product of the float16 rows


def graded(index, cosines, seed=3):
    """Each unit's sentences and label one vector, at a chosen cosine to the question
    (returned): units ranked by those, a few 1e-4 apart below the best."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(32).astype(np.float32)
    base /= np.linalg.norm(base)

    def at(cosine):
        other = rng.standard_normal(32).astype(np.float32)
        other -= (other @ base) * base
        return cosine * base + np.sqrt(1 - cosine ** 2) * other / np.linalg.norm(other)

    per_unit = np.asarray([at(c) for c in cosines], np.float16)
    sentence_rows = per_unit[index.t.passage_unit[index.t.sentence_passage]]
    vectors = IndexVectors(SentenceVectors("fixed", [f"s{i}" for i in range(len(sentence_rows))], sentence_rows),
                           SentenceVectors("fixed", [f"l{i}" for i in range(len(per_unit))], per_unit),
                           list(index.t.unit_ids), [""] * len(index))
    return vectors, base


def test_fused_rankings_are_settled_below_the_best(units):
    """The best unit is far above the rest, so settling the best leaves the others
    approximate: the fused ranking itself must be settled."""
    index = build_index(units)
    vectors, base = graded(index, [0.95, 0.90, 0.8950, 0.8947, 0.8944, 0.70])
    int8 = SemanticIndex(index, FixedQuery(base), vectors, full_pass="int8")
    float32 = SemanticIndex(index, FixedQuery(base), vectors, full_pass="float32")
    assert np.abs(int8.unit_similarities("无关") - float32.unit_similarities("无关")).max() > 1e-4
    for params in (FusionParams(), FusionParams("rrf", depth=3)):
        ours, theirs = HybridSearch(index, int8, params), HybridSearch(index, float32, params)
        for query in ("无关", "露点"):
            assert ours.search(query, 3) == theirs.search(query, 3)
            assert ours.search_sentences(query, 8) == theirs.search_sentences(query, 8)
    assert int8.search("无关", 3) == float32.search("无关", 3)
    everyone = np.arange(len(index))
    for query in ("无关", ""):  # exact unit similarities: float32's own, an empty question's too
        assert np.array_equal(int8.exact_unit_similarities(query, everyone), float32.unit_similarities(query))


def test_full_pass_must_be_known(units, monkeypatch):
    from laoshifu.search.semantic import retriever

    index = build_index(units)
    vectors, base = near_duplicates(index)
    with pytest.raises(ValueError, match="full_pass must be one of auto, int8, float32, not 'int4'"):
        SemanticIndex(index, FixedQuery(base), vectors, full_pass="int4")
    # a small base: the float32 pass costs less than settling the int8 one; a large one: int8
    assert SemanticIndex(index, FixedQuery(base), vectors).full_pass == "float32"
    monkeypatch.setattr(retriever, "INT8_MIN_ROWS", len(vectors.sentences))
    assert SemanticIndex(index, FixedQuery(base), vectors).full_pass == "int8"


def test_vectors_are_kept_in_float16_and_saved_with_their_int8_copy(tmp_path, units):
    index = build_index(units)
    vectors, _ = near_duplicates(index)
    vectors.sentences.matrix = vectors.sentences.matrix.astype(np.float32)  # as a caller may give them
    assert SentenceVectors("m", ["a"], np.ones((1, 4), np.float32)).matrix.dtype == np.float16
    save_vectors(vectors, tmp_path, store_version=3)
    rows, n = len(vectors.sentences), len(index)
    loaded = load_vectors(tmp_path, "fixed", 3, rows, n)
    assert loaded.sentences.matrix.dtype == np.float16 and loaded.sentences.int8 is not None
    fresh = quantise(loaded.sentences.matrix)
    assert np.array_equal(loaded.sentences.int8.codes, fresh.codes)
    assert np.array_equal(loaded.labels.int8.codes, quantise(loaded.labels.matrix).codes)
    assert json.loads((tmp_path / "vectors.json").read_text(encoding="utf-8"))["format"] == 4


def write_format_2(vectors: IndexVectors, directory, store_version: int) -> None:
    """vectors.npz as the code before the int8 pass wrote it."""
    np.savez(directory / "vectors.npz", format=np.int64(2), model=np.str_(vectors.model),
             store_version=np.int64(store_version),
             keys=np.asarray(vectors.sentences.keys, dtype="S40"),
             vectors=vectors.sentences.matrix.astype(np.float16),
             label_keys=np.asarray(vectors.labels.keys, dtype="S40"),
             label_vectors=vectors.labels.matrix.astype(np.float16),
             label_texts=np.asarray(vectors.label_texts, dtype=str),
             unit_ids=np.asarray(vectors.unit_ids, dtype=str))


def test_vectors_saved_before_the_int8_pass_still_load(tmp_path, units):
    index = build_index(units)
    vectors, base = near_duplicates(index)
    write_format_2(vectors, tmp_path, 5)
    loaded = load_vectors(tmp_path, "fixed", 5, len(vectors.sentences), len(index))
    assert loaded is not None and loaded.sentences.int8 is None  # quantised when first needed
    assert np.array_equal(loaded.sentences.matrix, vectors.sentences.matrix)
    semantic = SemanticIndex(index, FixedQuery(base), loaded, full_pass="int8")
    assert semantic.search_sentences("露点", 3) == \
        SemanticIndex(index, FixedQuery(base), vectors, full_pass="float32").search_sentences("露点", 3)
    assert np.array_equal(loaded.sentences.int8.codes, quantise(vectors.sentences.matrix).codes)


def test_a_saved_int8_copy_that_does_not_fit_its_rows_is_made_again(tmp_path, units):
    index = build_index(units)
    vectors, _ = near_duplicates(index)
    write_format_2(vectors, tmp_path, 5)
    with np.load(tmp_path / "vectors.npz") as data:
        saved = dict(data)
    saved.update(format=np.int64(3), codes=np.zeros((2, 32), np.int8), scales=np.ones(2, np.float32),
                 label_codes=quantise(vectors.labels.matrix).codes.astype(np.int16),
                 label_scales=quantise(vectors.labels.matrix).scales)
    np.savez(tmp_path / "vectors.npz", **saved)
    loaded = load_vectors(tmp_path, "fixed", 5, len(vectors.sentences), len(index))
    assert loaded.sentences.int8 is None and loaded.labels.int8 is None  # wrong rows, wrong type
    assert np.array_equal(loaded.sentences.quantised().codes, quantise(vectors.sentences.matrix).codes)


def test_a_refresh_keeps_the_int8_rows_of_kept_texts():
    from laoshifu.search.semantic import VectorSource, build_vectors

    embedder = FakeEmbedder()
    first, _ = build_vectors(["露点控制。", "张力不宜过大。"], VectorSource(embedder))
    first.quantised()
    again, report = build_vectors(["张力不宜过大。", "新加的一句。", "露点控制。"], VectorSource(embedder), first)
    assert report.embedded == 1 and again.int8 is not None
    assert np.array_equal(again.int8.codes[[0, 2]], first.int8.codes[[1, 0]])
    assert np.array_equal(again.int8.codes, quantise(again.matrix).codes)
