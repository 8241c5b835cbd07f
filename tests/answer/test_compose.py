"""Quoted sentences are whole thoughts: a clause ending in "；" carries on, and the master's
own question is answered by what follows it (texts written for these tests)."""

from laoshifu.answer.compose import _whole

TEXT = ("渗氮放在脱碳之后。为什么不放在前面？因为两段气氛不同；而且晶粒要先定下来。"
        "列表如下：\n1. 第一步。")


def _hit(sentence: str) -> tuple[int, int]:
    start = TEXT.index(sentence)
    return start, start + len(sentence)


def test_a_question_in_the_text_is_answered_by_the_next_sentence_carried_to_its_end():
    start, end = _hit("为什么不放在前面？")
    assert _whole(TEXT, start, end, len(TEXT)) == "因为两段气氛不同；而且晶粒要先定下来。"


def test_a_clause_carries_on_and_a_finished_sentence_stays():
    assert _whole(TEXT, *_hit("因为两段气氛不同；"), len(TEXT)) == "因为两段气氛不同；而且晶粒要先定下来。"
    assert _whole(TEXT, *_hit("渗氮放在脱碳之后。"), len(TEXT)) == "渗氮放在脱碳之后。"


def test_not_past_a_line_break_nor_the_quotable_end():
    assert _whole(TEXT, *_hit("列表如下："), len(TEXT)) == "列表如下："
    start, end = _hit("因为两段气氛不同；")
    assert _whole(TEXT, start, end, end) == "因为两段气氛不同；"


def test_every_quote_is_a_slice_of_its_text():
    for sentence in ("为什么不放在前面？", "因为两段气氛不同；", "列表如下："):
        assert _whole(TEXT, *_hit(sentence), len(TEXT)) in TEXT


def test_a_why_question_puts_the_masters_own_why_first_then_explanations():
    from laoshifu.answer.compose import _prefer
    from laoshifu.answer.intent import Intent
    from laoshifu.search import SentenceHit

    def hit(text, score):
        return SentenceHit("u", text, 0, score, score, score, 0, len(text), "section", "")

    hits = [hit("出炉后喷水快冷。", 1.0), hit("所以喷嘴要勤看。", 0.9), hit("为什么要急冷？", 0.8)]
    why = Intent("为啥要急冷", frozenset(), (), False, False, wants_reason=True)
    assert [h.text for h in _prefer(hits, why)] == ["为什么要急冷？", "所以喷嘴要勤看。", "出炉后喷水快冷。"]
    plain = Intent("急冷多少度", frozenset(), (), True, False)
    assert [h.text for h in _prefer(hits, plain)][0] == "出炉后喷水快冷。"


def test_the_second_half_of_a_sentence_is_quoted_with_its_first():
    assert _whole(TEXT, *_hit("而且晶粒要先定下来。"), len(TEXT)) == "因为两段气氛不同；而且晶粒要先定下来。"
    # not before the quotable part begins
    start, end = _hit("而且晶粒要先定下来。")
    assert _whole(TEXT, start, end, len(TEXT), begin=start) == "而且晶粒要先定下来。"


def test_a_sentence_announcing_a_list_brings_its_items():
    text = "它有三个作用。第一是隔离，防粘。这层很要紧。第二是成膜。别的不说了。\n下一段。"
    start = 0
    end = text.index("。") + 1
    assert _whole(text, start, end, len(text)) == "它有三个作用。第一是隔离，防粘。这层很要紧。第二是成膜。"
    # a sentence that announces nothing stays alone
    assert _whole(text, text.index("这层"), text.index("第二"), len(text)) == "这层很要紧。"


def test_a_why_is_answered_in_up_to_four_sentences_other_questions_in_three():
    # a claim and its reason are often two sentences of a note, two of its units apart
    from laoshifu.answer.compose import compose
    from laoshifu.answer.intent import Intent
    from laoshifu.search import SentenceHit
    from laoshifu.knowledge.units import Note

    first = Note(id="n1", title="浆料", body="浆料要冷着。夏天最要紧。")
    second = Note(id="n2", title="水化", body="热了就水化。水化了底层花。")
    units = {u.id: u for u in (first, second)}

    def hit(unit_id, sentence, score):
        text = units[unit_id].search_text()
        start = text.index(sentence)
        return SentenceHit(unit_id, sentence, 0, score, score, score, start, start + len(sentence),
                           "note", "")

    hits = [hit("n1", "浆料要冷着。", 1.0), hit("n1", "夏天最要紧。", 0.9),
            hit("n2", "热了就水化。", 0.8), hit("n2", "水化了底层花。", 0.7)]
    why = Intent("浆料为啥要冷着", frozenset(), (), False, False, wants_reason=True)
    value = Intent("浆料多少度", frozenset(), (), True, False)
    shown = [s.text for s in compose("浆料为啥要冷着", why, [first, second], [], None, None,
                                     hits, 0.0).sentences]
    assert len(shown) == 4 and "热了就水化。" in shown and "水化了底层花。" in shown, shown
    assert len(compose("浆料多少度", value, [first, second], [], None, None, hits, 0.0).sentences) == 3


def test_a_section_that_sets_out_three_steps_gives_them_in_order_from_the_first():
    from laoshifu.answer.compose import section_steps
    from laoshifu.knowledge.units import Section

    body = "换辊之前要想清楚。第一步，停机挂牌。第二步，卸下旧辊；量好辊径。第三步，装新辊试车。完了记台账。"
    assert section_steps(Section(id="s", title="换辊", body=body)) == (
        "第一步，停机挂牌。", "第二步，卸下旧辊；", "量好辊径。", "第三步，装新辊试车。", "完了记台账。")
    two = "第一步，停机。第二步，换辊。"
    assert section_steps(Section(id="t", title="换辊", body=two)) == ()


def test_a_clause_of_a_sentence_already_quoted_is_not_quoted_again():
    from laoshifu.answer.compose import _quotes, _Citations
    from laoshifu.knowledge.units import Section
    from laoshifu.search import SentenceHit

    body = "常化：甲料要烧到一千一百度；乙料低得多。乙料靠另一种抑制剂。"
    unit = Section(id="s", title="常化", body=body)
    clause = "常化：甲料要烧到一千一百度；"
    def hit(start: int, end: int, index: int) -> SentenceHit:
        return SentenceHit(unit_id="s", text=body[start:end], index=index, score=1.0, sentence_score=1.0,
                           unit_score=1.0, start=start, end=end, kind="section", process="")

    first_end = body.index("。") + 1
    hits = [hit(0, first_end, 0), hit(first_end, len(body), 1)]
    quoted = _quotes([unit], hits, _Citations(), skip={clause})
    assert [q.text for q in quoted] == ["乙料靠另一种抑制剂。"]
