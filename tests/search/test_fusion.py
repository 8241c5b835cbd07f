from laoshifu.search import Index, Retriever, UnitHit, fuse


def hit(uid, score=1.0):
    return UnitHit(unit_id=uid, score=score, kind="note", process="", title=uid)


def test_rrf_orders_by_summed_reciprocal_rank():
    fused = fuse([[hit("a"), hit("b"), hit("c")], [hit("b"), hit("c"), hit("d")]], k=3)
    assert [h.unit_id for h in fused] == ["b", "c", "a"]
    assert fused[0].score == 1 / 62 + 1 / 61


def test_single_ranking_keeps_order_and_empty_is_empty():
    assert [h.unit_id for h in fuse([[hit("x", 9), hit("y", 3)]])] == ["x", "y"]
    assert fuse([]) == [] and fuse([[]]) == []


def test_index_is_a_retriever(units):
    from laoshifu.search import build_index

    index = build_index(units)
    assert isinstance(index, Retriever)
    assert isinstance(index, Index)
    assert fuse([index.search("露点")])[0].unit_id == index.search("露点")[0].unit_id
