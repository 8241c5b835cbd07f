from laoshifu.text.sentences import Sentence, chunk_sentences, split_sentences


def test_split_keeps_offsets():
    text = "第一句。第二句！\n  第三句？”尾巴；最后"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["第一句。", "第二句！", "第三句？”", "尾巴；", "最后"]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_ascii_marks_and_blank_pieces():
    assert [s.text for s in split_sentences("a? b!\n\n;；。 c")] == ["a?", "b!", "c"]
    assert split_sentences("") == []


def test_chunks_respect_max_chars():
    sentences = [Sentence("x" * 30, i * 30, i * 30 + 30) for i in range(5)]
    chunks = chunk_sentences(sentences, max_chars=70)
    assert [len(c) for c in chunks] == [2, 2, 1]
    # A sentence longer than the limit is a chunk of its own.
    assert [len(c) for c in chunk_sentences(sentences, max_chars=10)] == [1] * 5
