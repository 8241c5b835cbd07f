"""Shop-floor words put into a knowledge base's own: 浆子 → 浆料, 烘箱 → 干燥炉, 车速 → 带速.

An apprentice asks in the words of the shop, which the master's written records often do
not use; BM25F finds nothing under them and the question's parameter goes unrecognised.
The shipped table (``data/shoptalk_zh.tsv``) pairs such words with the standard term;
a pair applies to a knowledge base only when the base writes the standard term, so a
base that says 浆子 itself, or has no 干燥炉, reads its questions as they were asked.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Callable

from .normalize import normalize
from .phrases import PhraseTable


@lru_cache(maxsize=1)
def shipped_pairs() -> tuple[tuple[str, str], ...]:
    """(shop word, standard term), both normalised, from the shipped table."""
    table = resources.files(__package__).joinpath("data/shoptalk_zh.tsv").read_text(encoding="utf-8")
    pairs = []
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        said, _, standard = line.partition("\t")
        said, standard = normalize(said.strip()), normalize(standard.strip())
        if said and standard and said != standard:
            pairs.append((said, standard))
    return tuple(pairs)


class ShopTalk:
    """Rewrites the shop's words into the standard terms a knowledge base writes."""

    def __init__(self, written: Callable[[str], bool],
                 pairs: tuple[tuple[str, str], ...] | None = None):
        chosen = {said: standard for said, standard in (shipped_pairs() if pairs is None else pairs)
                  if written(standard)}
        self.table = PhraseTable(chosen)

    def rewrite(self, text: str) -> str:
        """``text`` (normalised) with each shop word, longest first, put as the base writes it."""
        matches = self.table.find(text)
        if not matches:
            return text
        out, last = [], 0
        for start, end, said in matches:
            out.append(text[last:start])
            out.append(self.table.phrases[said])
            last = end
        out.append(text[last:])
        return "".join(out)
