import pytest

from laoshifu.search import Index, build_index
from laoshifu.text import Analyzer
from laoshifu.knowledge.units import Note


@pytest.fixture
def index(units):
    return build_index(units)


def ids(hits):
    return [h.unit_id for h in hits]


def test_unit_ranking(index):
    assert ids(index.search("脱碳退火的露点一般控制在多少？", k=3)) == ["par-dc-dp", "qa-h2", "term-dp"]
    assert ids(index.search("氧化镁涂层老是结垢怎么办", k=1)) == ["rule-mgo"]


def test_synonym_traditional_and_full_width_queries(index):
    plain = ids(index.search("脱碳退火露点", k=2))
    assert ids(index.search("脫碳退火ＤＰ", k=2)) == plain
    assert ids(index.search("DEW POINT", k=1)) == ["term-dp"]


def test_best_sentence_comes_first(index):
    hits = index.search_sentences("高温退火的保温温度是多少？", k=3)
    assert hits[0].unit_id == "sec-hta"
    assert hits[0].text == "保温温度约1200℃，以完成二次再结晶和净化。"
    assert hits[0].index == 2
    # Offsets index the unit's search text.
    body = "高温退火在罩式炉中进行。升温段通入氢气和氮气的混合气体。保温温度约1200℃，以完成二次再结晶和净化。冷却到600℃以下方可出炉。"
    assert body[hits[0].start : hits[0].end] == hits[0].text
    assert hits[0].score == pytest.approx(hits[0].sentence_score + 4.0 * hits[0].unit_score)


def test_empty_and_unmatched_queries(index):
    assert index.search("") == []
    assert index.search_sentences("怎么办？") == []
    assert index.search("完全无关的火星文zzz") == []


def test_filters(index):
    assert {h.kind for h in index.search("露点", kinds={"term"})} == {"term"}
    assert ids(index.search("氢气", processes=["脱碳退火"])) == ["qa-h2"]
    assert all(h.process == "高温退火" for h in index.search_sentences("氢气", processes={"高温退火"}))
    assert index.search("露点", kinds=["note"]) == []


def test_add_and_remove(index):
    assert index.search("层间粘结", k=1)[0].unit_id == "note-coil"
    index.remove(["note-coil", "no-such-unit"])
    assert "note-coil" not in index and len(index) == 5
    assert index.search("层间粘结") == []
    index.add([Note(id="note-new", title="层间粘结", body="退火前检查卷取张力，防止层间粘结。")])
    assert ids(index.search("层间粘结", k=1)) == ["note-new"]
    assert index.search_sentences("防止层间粘结")[0].unit_id == "note-new"


def test_add_replaces_same_id(index):
    index.add([Note(id="note-coil", title="卷取张力", body="张力过小会塌卷。")])
    assert len(index) == 6
    assert index.search("层间粘结") == []
    assert ids(index.search("塌卷")) == ["note-coil"]


def test_remove_then_rank_matches_fresh_build(units):
    # Statistics follow the change: same scores as an index built without the unit.
    changed = build_index(units, Analyzer.from_units(units))
    changed.remove(["rule-mgo"])
    fresh = build_index([u for u in units if u.id != "rule-mgo"], Analyzer.from_units(units))
    for q in ("露点", "氢气比例", "高温退火温度"):
        assert [(h.unit_id, round(h.score, 4)) for h in changed.search(q)] == [
            (h.unit_id, round(h.score, 4)) for h in fresh.search(q)
        ]


def test_save_load_round_trip(index, tmp_path):
    index.save(tmp_path / "idx")
    again = Index.load(tmp_path / "idx")
    for q in ("脱碳退火的露点一般控制在多少？", "DP", "氧化镁涂层结垢", "氢气"):
        assert again.search(q) == index.search(q)
        assert again.search_sentences(q) == index.search_sentences(q)
    again.add([Note(id="n2", title="新笔记", body="露点仪要定期校准。")])
    assert "n2" in again


def test_long_sections_are_chunked(units):
    from dataclasses import replace

    from laoshifu.search import RankingParams
    from laoshifu.knowledge.units import Section

    body = "".join(f"第{i}段讲的是话题{i}。" for i in range(100)) + "最后讲钢卷的磁性能检测。"
    index = build_index([Section(id="long", title="长章节", body=body)], params=replace(RankingParams(), max_passage_chars=100))
    hit = index.search("磁性能检测")[0]
    assert hit.unit_id == "long" and hit.passage > 0
    assert index.search_sentences("磁性能检测")[0].text == "最后讲钢卷的磁性能检测。"


def test_loaded_index_can_remove_and_add(index, tmp_path):
    index.save(tmp_path / "idx")
    again = Index.load(tmp_path / "idx")
    again.remove(["term-dp"])
    again.add([Note(id="n3", title="露点仪", body="露点仪每月校准一次。")])
    assert "term-dp" not in again and ids(again.search("露点仪", k=1)) == ["n3"]


def test_untitled_unit_takes_its_lead_as_title():
    # Without a title, the opening sentence names the topic: the topic's name then says
    # which unit, and the rest of the question picks the sentence within it.
    from dataclasses import replace

    from laoshifu.search import RankingParams
    from laoshifu.knowledge.units import Section

    body = "六耳铃是菊科艾纳香属的植物。它分布于广东、广西等地。花期从10月起至翌年5月。"
    units = [Section(id="p", title="", body=body), Section(id="q", title="", body="菊科植物的花期多在夏季。")]
    question = "六耳铃的花期是什么时候？"
    index = build_index(units, Analyzer())
    assert index.search_sentences(question, k=1)[0].text == "花期从10月起至翌年5月。"
    plain = build_index(units, Analyzer(), replace(RankingParams(), lead_as_title=False))
    assert plain.search_sentences(question, k=1)[0].text == "六耳铃是菊科艾纳香属的植物。"


def test_a_units_terms_are_the_same_scanned_or_from_row_major_copies(index, tmp_path, monkeypatch):
    from laoshifu.search import index as index_module
    from laoshifu.search.persist import load_index, save_index

    save_index(index, tmp_path)
    scanned = load_index(tmp_path)  # column-major, as a cold ask has it
    unit_ids = list(scanned.t.unit_ids)
    by_scan = {u: scanned.unit_terms(u) for u in unit_ids[:3]}
    monkeypatch.setattr(index_module, "_SCANS_BEFORE_ROWS", 0)
    copied = load_index(tmp_path)
    assert {u: copied.unit_terms(u) for u in unit_ids[:3]} == by_scan
    assert all(by_scan.values())
    assert scanned.unit_terms("no-such-unit") == set()


def test_a_loaded_index_scores_with_its_saved_statistics(index, tmp_path, monkeypatch):
    import numpy as np

    from laoshifu.search import bm25
    from laoshifu.search.persist import load_index, save_index

    expected = index.unit_scores("露点控制")
    save_index(index, tmp_path)
    loaded = load_index(tmp_path)

    def recomputed(fields):
        raise AssertionError("a loaded index recomputed its statistics")

    monkeypatch.setattr(bm25, "document_frequency", recomputed)
    assert np.allclose(loaded.unit_scores("露点控制"), expected)
    # changed, the saved statistics no longer hold: they are computed again
    monkeypatch.undo()
    loaded.remove([loaded.t.unit_ids[0]])
    assert "_saved_stats" not in loaded.__dict__
    fresh = loaded.unit_scores("露点控制")
    assert len(fresh) == len(expected) - 1
