"""The seam for more retrievers (dense, later): one protocol, reciprocal-rank fusion."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

from laoshifu.search.hits import UnitHit


@runtime_checkable
class Retriever(Protocol):
    """Anything that ranks units for a question (``Index`` is the lexical one)."""

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        kinds: Collection[str] | None = None,
        processes: Collection[str] | None = None,
    ) -> list[UnitHit]: ...


def fuse(rankings: Sequence[Sequence[UnitHit]], *, k: int = 10, rrf_k: int = 60) -> list[UnitHit]:
    """Reciprocal-rank fusion (Cormack et al. 2009): score = Σ 1 / (rrf_k + rank).

    Scores from different retrievers are not comparable; ranks are. The first ranking's
    hit is kept as the representative (its passage, title…), with the fused score.
    """
    fused: dict[str, float] = {}
    first: dict[str, UnitHit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            fused[hit.unit_id] = fused.get(hit.unit_id, 0.0) + 1.0 / (rrf_k + rank)
            first.setdefault(hit.unit_id, hit)
    order = sorted(fused, key=lambda uid: (-fused[uid], uid))
    return [replace(first[uid], score=fused[uid]) for uid in order[:k]]
