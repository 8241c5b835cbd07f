"""Sentence splitting that keeps character offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence runs up to and including its end mark (and any closing quotes/brackets
# right after it), or up to a newline.
_SENTENCE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)\]]*)?|[。！？；!?;]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it sits in the text it came from: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split at 。！？；!?; and newlines; blank pieces are dropped, offsets kept."""
    out: list[Sentence] = []
    for match in _SENTENCE.finditer(text):
        piece = match.group()
        stripped = piece.strip()
        if not stripped or not any(ch.isalnum() for ch in stripped):
            # A stray run of punctuation belongs to the sentence before it.
            continue
        start = match.start() + (len(piece) - len(piece.lstrip()))
        out.append(Sentence(stripped, start, start + len(stripped)))
    return out


def chunk_sentences(sentences: list[Sentence], max_chars: int = 400) -> list[list[Sentence]]:
    """Group consecutive sentences into passages of at most ``max_chars`` (a longer
    sentence is a passage of its own)."""
    chunks: list[list[Sentence]] = []
    current: list[Sentence] = []
    size = 0
    for sentence in sentences:
        n = len(sentence.text)
        if current and size + n > max_chars:
            chunks.append(current)
            current, size = [], 0
        current.append(sentence)
        size += n
    if current:
        chunks.append(current)
    return chunks
