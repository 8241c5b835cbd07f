"""Find known phrases in a text by looking up its substrings.

The cost grows with the text's length (times the longest phrase), not with how many
phrases the knowledge base has, so 100,000 terms cost no more per question than 100.
"""

from __future__ import annotations

from typing import Generic, Mapping, TypeVar

V = TypeVar("V")


class PhraseTable(Generic[V]):
    def __init__(self, phrases: Mapping[str, V], min_len: int = 2):
        self.phrases: dict[str, V] = {p: v for p, v in phrases.items() if len(p) >= min_len}
        self.max_len = max((len(p) for p in self.phrases), default=0)
        self.min_len = min_len
        # Only positions that start some phrase are tried, and only the lengths phrases
        # have: most characters of a question start none.
        self._firsts = {p[0] for p in self.phrases}
        self._lengths = sorted({len(p) for p in self.phrases}, reverse=True)

    def __len__(self) -> int:
        return len(self.phrases)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping matches (start, end, phrase), longest at each position, left to right."""
        out = []
        i, n = 0, len(text)
        phrases, firsts, lengths = self.phrases, self._firsts, self._lengths
        while i < n:
            matched = 0
            if text[i] in firsts:
                for length in lengths:
                    if length > n - i:
                        continue
                    piece = text[i:i + length]
                    if piece in phrases and _bounded(text, i, i + length):
                        out.append((i, i + length, piece))
                        matched = length
                        break
            i += matched or 1
        return out


def _bounded(text: str, start: int, end: int) -> bool:
    # "dp" must not match inside "dpx"; CJK has no word boundaries to respect.
    first, last = text[start], text[end - 1]
    if first.isascii() and first.isalnum() and start and text[start - 1].isascii() and text[start - 1].isalnum():
        return False
    if last.isascii() and last.isalnum() and end < len(text) and text[end].isascii() and text[end].isalnum():
        return False
    return True
