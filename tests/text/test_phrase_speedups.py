"""The faster phrase lookup and the analyzer's memo give exactly what they did before."""

import random

from laoshifu.text.phrases import PhraseTable, _bounded
from laoshifu.text.segment import Analyzer


def _reference_find(table: PhraseTable, text: str):
    """The lookup as first written: every length from the longest down, at every position."""
    out, i, n = [], 0, len(text)
    while i < n:
        for length in range(min(table.max_len, n - i), table.min_len - 1, -1):
            piece = text[i:i + length]
            if piece in table.phrases and _bounded(text, i, i + length):
                out.append((i, i + length, piece))
                i += length
                break
        else:
            i += 1
    return out


def test_find_matches_the_reference_on_random_texts():
    rng = random.Random(5)
    alphabet = "露点氢气比例脱碳退火dpDPh2 比x"
    phrases = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(60)}
    for min_len in (1, 2):
        table = PhraseTable({p: p for p in phrases}, min_len=min_len)
        for _ in range(500):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            assert table.find(text) == _reference_find(table, text), text


def test_memo_returns_a_fresh_list_each_time():
    analyzer = Analyzer(["露点"])
    first = analyzer.tokens("露点控制")
    first.append("changed")
    assert analyzer.tokens("露点控制") == ["露点", "控制", "露点", "点控", "控制"]
