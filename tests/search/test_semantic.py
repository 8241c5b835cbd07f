"""Semantic search plumbing: vectors by text hash, incremental builds, saving, seeding,
hybrid fusion. A fake embedder keeps these fast and exact; test_semantic_model.py runs
the real model on a tiny knowledge base."""

from __future__ import annotations

import os

import numpy as np
import pytest

from laoshifu.search import build_index
from laoshifu.search.index import _top
from laoshifu.store import Store
from laoshifu.search.hybrid import FusionParams, HybridSearch, best_rows, fused_scores, shortfall
from laoshifu.search.semantic import (
    FileVectorCache, SemanticIndex, VectorSource, build_index_vectors, build_vectors, load_vectors,
    save_vectors, seed_vectors, unit_label, write_seed,
)
from laoshifu.search.semantic.embedder import _pinned_openmp
from laoshifu.search.semantic.mode import AUTO_MAX_SENTENCES, decide
from laoshifu.search.semantic.quantised import SLACK
from laoshifu.search.semantic.retriever import dense_top
from laoshifu.search.semantic.vectors import SeedMismatch, embedding_text, text_key

from .fakes import FakeEmbedder


@pytest.fixture
def index(units):
    return build_index(units)


def index_vectors(index, units, embedder, store=None):
    labels = {u.id: unit_label(u) for u in units}
    vectors, _ = build_index_vectors(list(index.t.sentence_text), index.t.unit_ids,
                                     [labels[u] for u in index.t.unit_ids], VectorSource(embedder, store))
    return vectors


def test_build_embeds_each_new_text_once_and_reuses_the_previous_build(index):
    embedder = FakeEmbedder()
    sentences = list(index.t.sentence_text)
    first, report = build_vectors(sentences, VectorSource(embedder))
    assert report.embedded == len(set(map(embedding_text, sentences))) == len(embedder.embedded)
    assert len(first) == len(sentences)
    again, report = build_vectors([*sentences, "新加的一句。"], VectorSource(embedder), first)
    assert report.embedded == 1 and embedder.embedded[-1] == "新加的一句。"
    assert np.array_equal(again.matrix[: len(sentences)], first.matrix)


def test_vectors_are_keyed_by_normalised_text(index):
    embedder = FakeEmbedder()
    vectors, report = build_vectors(["露點控制。", "露点控制。", "ＤＰ"], VectorSource(embedder))
    assert report.embedded == 2  # traditional and simplified are one text
    assert vectors.keys[0] == vectors.keys[1] == text_key("露点控制。")
    assert embedder.embedded == ["露点控制。", "dp"]


def test_store_shares_vectors_between_workers(store, index):
    sentences = list(index.t.sentence_text)
    one, two = FakeEmbedder(), FakeEmbedder()
    build_vectors(sentences, VectorSource(one, store))
    vectors, report = build_vectors(sentences, VectorSource(two, store))
    assert report.embedded == 0 and two.embedded == []
    assert store.count_vectors("fake") == len(one.embedded)
    # float16 in the store: close to, not exactly, the computed vector
    assert np.allclose(vectors.matrix[0], FakeEmbedder.vector(embedding_text(sentences[0])), atol=1e-3)


def test_a_store_that_cannot_keep_vectors_still_gets_them_used(index):
    class ReadOnly:
        def get_vectors(self, model, hashes):
            return {}

        def put_vectors(self, model, vectors):
            raise PermissionError("attempt to write a readonly database")

    source = VectorSource(FakeEmbedder(), ReadOnly())
    vectors, report = build_vectors(list(index.t.sentence_text), source)
    assert report.embedded > 0 and len(vectors) == len(index.t.sentence_text)
    assert "readonly" in source.failed


def test_import_embeds_what_the_folders_cache_lacks(store, tmp_path, units):
    from laoshifu.search.semantic.prepare import prepare_vectors, unit_texts
    from laoshifu.search.semantic import seed_path

    texts = sorted({embedding_text(t) for t in unit_texts(units)})
    write_seed(seed_path(tmp_path, "fake"), "fake", texts[:3], [FakeEmbedder.vector(t) for t in texts[:3]])
    embedder = FakeEmbedder()
    report = prepare_vectors(store, units, "on", embedder, tmp_path)
    assert report.seed.vectors == 3 and report.embedded == len(texts) - 3 and not report.seed_problem
    assert prepare_vectors(store, units, "on", FakeEmbedder(), tmp_path).embedded == 0  # all stored


def test_a_bad_folder_cache_is_reported_and_everything_embedded(store, tmp_path, units):
    from laoshifu.search.semantic.prepare import prepare_vectors, unit_texts
    from laoshifu.search.semantic import seed_path

    texts = sorted({embedding_text(t) for t in unit_texts(units)})
    seed_path(tmp_path, "fake").parent.mkdir(parents=True)
    for damaged in (b"not a cache", b"PK\x03\x04 a broken zip"):
        seed_path(tmp_path, "fake").write_bytes(damaged)
        report = prepare_vectors(store, units, "on", FakeEmbedder(), tmp_path)
        assert report.seed is None and report.seed_problem
    assert report.embedded == 0  # the first round stored them all
    assert prepare_vectors(Store.open(f"sqlite:///{tmp_path / 'other.db'}"), units, "on", FakeEmbedder(),
                           tmp_path).embedded == len(texts)
    assert prepare_vectors(store, units, "off", FakeEmbedder(), tmp_path).mode.name == "lexical"


def test_saved_vectors_belong_to_one_store_version(tmp_path, index, units):
    vectors = index_vectors(index, units, FakeEmbedder())
    rows, n = len(vectors.sentences), len(index)
    save_vectors(vectors, tmp_path, store_version=7)
    loaded = load_vectors(tmp_path, "fake", 7, rows, n)
    assert loaded.sentences.keys == vectors.sentences.keys
    assert np.allclose(loaded.sentences.matrix, vectors.sentences.matrix, atol=1e-3)
    assert (loaded.unit_ids, loaded.label_texts) == (vectors.unit_ids, vectors.label_texts)
    assert np.allclose(loaded.labels.matrix, vectors.labels.matrix, atol=1e-3)
    assert load_vectors(tmp_path, "fake", 8, rows, n) is None  # the store moved on
    assert load_vectors(tmp_path, "other-model", 7, rows, n) is None
    assert load_vectors(tmp_path, "fake", 7, rows + 1, n) is None
    assert load_vectors(tmp_path, "fake", 7, rows, n - 1) is None
    (tmp_path / "vectors.json").write_bytes(b"damaged")
    assert load_vectors(tmp_path, "fake", 7, rows, n) is None


def test_seed_file_fills_the_store_after_a_spot_check(store, tmp_path):
    texts = ["露点控制在60℃。", "张力不宜过大。", "not normalised ＡＢＣ"]
    path = tmp_path / "seed.npz"
    write_seed(path, "fake", texts, [FakeEmbedder.vector(t) for t in texts])
    report = seed_vectors(path, VectorSource(FakeEmbedder(), store), check=2)
    assert report.checked == 2
    # the text not in normal form is never looked up, so it is not stored
    assert report.vectors == 2 and store.count_vectors("fake") == 2
    assert set(store.get_vectors("fake", [text_key(t) for t in texts])) == {text_key(t) for t in texts[:2]}


def test_seed_file_from_another_model_is_refused(store, tmp_path):
    texts = ["露点控制在60℃。", "张力不宜过大。"]
    path = tmp_path / "seed.npz"
    write_seed(path, "fake", texts, [FakeEmbedder.vector(t[::-1]) for t in texts])
    with pytest.raises(SeedMismatch, match="differ from this model"):
        seed_vectors(path, VectorSource(FakeEmbedder(), store))
    write_seed(path, "other", texts, [FakeEmbedder.vector(t) for t in texts])
    with pytest.raises(SeedMismatch, match="made for model 'other'"):
        seed_vectors(path, VectorSource(FakeEmbedder(), store))
    assert store.count_vectors("fake") == 0


def test_file_cache_round_trip(tmp_path):
    cache = FileVectorCache(tmp_path / "v.npz")
    cache.put_vectors("fake", {"a" * 40: np.ones(8) / np.sqrt(8)})
    again = FileVectorCache(tmp_path / "v.npz")
    assert set(again.get_vectors("fake", ["a" * 40, "b" * 40])) == {"a" * 40}
    (tmp_path / "v.npz").write_bytes(b"damaged")
    assert FileVectorCache(tmp_path / "v.npz").get_vectors("fake", ["a" * 40]) == {}


def test_semantic_index_ranks_units_by_their_best_sentence(index, units):
    sentence = "卷取张力太大容易造成层间粘结。"
    embedder = FakeEmbedder(close={"钢卷粘在一起": embedding_text(sentence)})
    semantic = SemanticIndex(index, embedder, index_vectors(index, units, embedder))
    hits = semantic.search("钢卷粘在一起", k=3)
    # a unit scores as the mean of its best sentence's and its label's similarity
    note = next(u for u in units if u.id == "note-coil")
    label = float(FakeEmbedder.vector(embedding_text(unit_label(note))) @ FakeEmbedder.vector(embedding_text(sentence)))
    # vectors are kept in float16 (as the store keeps them): close to the computed ones
    assert hits[0].unit_id == "note-coil" and hits[0].score == pytest.approx((1.0 + label) / 2, abs=1e-3)
    assert semantic.search_sentences("钢卷粘在一起", k=1)[0].text == sentence
    assert semantic.best_sentence_similarity("钢卷粘在一起", "note-coil") == pytest.approx(1.0, abs=1e-3)
    assert semantic.best_sentence_similarity("钢卷粘在一起", "no-such-unit") == 0.0
    assert all(h.kind == "rule" for h in semantic.search("钢卷粘在一起", k=3, kinds=["rule"]))


def test_an_ask_combines_unit_similarities_once(index, units, monkeypatch):
    embedder = FakeEmbedder()
    semantic = SemanticIndex(index, embedder, index_vectors(index, units, embedder))
    combined = []
    real = semantic._combine
    monkeypatch.setattr(semantic, "_combine", lambda *a: combined.append(1) or real(*a))
    sims = semantic.similarities("露点")
    first = semantic.unit_similarities("露点")
    assert semantic.unit_similarities("露点", sims) is first and semantic.unit_similarities("露点") is first
    assert len(combined) == 1 and not first.flags.writeable  # shared: no caller may change it
    semantic.unit_similarities("露点", sims.copy())  # other similarities: combined afresh
    semantic.unit_similarities("卷取")
    assert len(combined) == 3
    # the labels' int8 pass: within the slack of the exact labels' combination
    assert np.abs(first - semantic.combine(sims, embedder.query("露点"))).max() <= SLACK
    for u in range(len(index)):  # a unit's sentence rows, grouped once, in row order
        assert semantic._unit_rows(u).tolist() == np.flatnonzero(semantic.sentence_unit == u).tolist()


def test_dense_top_ranks_as_top():
    scores = np.zeros(8192, np.float32)
    scores[[5, 300, 301, 4000, 8000, 8191]] = [0.5, 0.9, 0.9, 0.7, 0.9, 0.2]
    assert dense_top(scores, 3).tolist() == [300, 301, 8000]  # ties by row
    assert dense_top(scores, 5, block=64).tolist() == [300, 301, 8000, 4000, 5]
    assert dense_top(scores, 10, block=64).tolist() == [300, 301, 8000, 4000, 5, 8191]  # only positive
    rng = np.random.default_rng(3)
    for trial in range(60):
        n = int(rng.integers(1000, 20000))
        dense = rng.standard_normal(n).astype(np.float32) + (trial % 3)
        tied = rng.integers(0, 4, n).astype(np.float32)
        nan = dense.copy()
        nan[rng.integers(0, n, 2)] = np.nan
        for array in (dense, tied, nan):
            for k in (1, 5, 10):
                assert dense_top(array, k, block=16).tolist() == _top(array, k).tolist()


def test_semantic_index_answers_nothing_while_its_index_is_mid_update(index, units):
    embedder = FakeEmbedder()
    semantic = SemanticIndex(index, embedder, index_vectors(index, units, embedder))
    index.remove([units[-1].id])  # rows moved under the vectors
    assert semantic.search("露点", k=3) == [] and semantic.search_sentences("露点") == []


def test_fusion_methods():
    lexical = np.asarray([4.0, 2.0, 0.0, 0.0], np.float32)
    sims = np.asarray([0.70, 0.80, 0.90, 0.60], np.float32)
    assert shortfall(sims).tolist() == pytest.approx([-0.2, -0.1, 0.0, -0.3])
    weighted = fused_scores(lexical, sims, FusionParams("weighted", unit_weight=2.0))
    assert weighted.tolist() == pytest.approx([1 - 0.4, 0.5 - 0.2, 0.0, -0.6])
    assert best_rows(weighted, 2).tolist() == [0, 1]
    assert best_rows(weighted, 2, allowed=np.asarray([False, True, True, True])).tolist() == [1, 2]
    # a sentence's unit counts: here rows 0 and 1 sit in a unit whose best is 0.9
    units = np.asarray([0.9, 0.9, 0.9, 0.6], np.float32)
    context = fused_scores(lexical, sims, FusionParams("weighted", sentence_weight=2.0, context=1.0),
                           unit_sims=units)
    assert context.tolist() == pytest.approx([1 - 0.2, 0.5 - 0.1, 0.0, -0.6])
    rrf = fused_scores(lexical, sims, FusionParams("rrf", unit_weight=1.0, rrf_k=1))
    # lexical ranks 0,1 (2 and 3 match nothing); semantic ranks 2,1,0,3
    assert rrf.tolist() == pytest.approx([1 / 2 + 1 / 4, 1 / 3 + 1 / 3, 1 / 2, 1 / 5])
    with pytest.raises(ValueError, match="weighted' or 'rrf"):
        FusionParams("max")


def test_hybrid_search_fuses_and_filters(index, units):
    sentence = "卷取张力太大容易造成层间粘结。"
    embedder = FakeEmbedder(close={"露点太高会怎样": embedding_text(sentence)})
    semantic = SemanticIndex(index, embedder, index_vectors(index, units, embedder))
    for params in (FusionParams("weighted", unit_weight=0.5), FusionParams("rrf", unit_weight=1.0, sentence_weight=1.0)):
        hybrid = HybridSearch(index, semantic, params)
        ids = [h.unit_id for h in hybrid.search("露点太高会怎样", k=6)]
        assert {"par-dc-dp", "note-coil"} <= set(ids[:3])  # each side's best comes up
        assert [h.kind for h in hybrid.search("露点太高会怎样", k=6, kinds=["note"])] == ["note"]
        sentences = hybrid.search_sentences("露点太高会怎样", k=20)
        assert sentence in [s.text for s in sentences[:3]]
        assert {s.unit_id for s in hybrid.search_sentences("露点太高会怎样", k=5, processes=["冷轧"])} == {"note-coil"}


def test_mode_decision():
    assert decide("off", 10, FakeEmbedder()).name == "lexical"
    assert decide("auto", 10, FakeEmbedder()).name == "hybrid"
    big = decide("auto", AUTO_MAX_SENTENCES + 1, FakeEmbedder())
    assert big.name == "lexical" and "search.semantic: on" in big.reason
    assert decide("on", AUTO_MAX_SENTENCES + 1, FakeEmbedder()).name == "hybrid"
    broken = decide("on", 10, FakeEmbedder(fail=True))
    assert broken.name == "lexical" and "no engine" in broken.reason


def test_openmp_settings_are_pinned_for_the_load_and_restored(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    with _pinned_openmp(1):
        assert os.environ["OMP_NUM_THREADS"] == "1" and os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    assert os.environ["OMP_NUM_THREADS"] == "8" and "OMP_WAIT_POLICY" not in os.environ
