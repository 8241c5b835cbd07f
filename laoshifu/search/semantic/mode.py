"""Which search a knowledge base gets: hybrid (BM25F + semantic) or lexical, and why."""

from __future__ import annotations

from dataclasses import dataclass

from .embedder import MODEL_ID, Embedder

# "auto" embeds bases up to this many sentences (about ten minutes on one thread the
# first time); "on" embeds any size.
AUTO_MAX_SENTENCES = 20_000


@dataclass(frozen=True)
class SearchMode:
    setting: str  # auto | on | off (config search.semantic / LAOSHIFU_SEMANTIC)
    semantic: bool
    reason: str = ""
    vectors: int = 0

    @property
    def name(self) -> str:
        return "hybrid" if self.semantic else "lexical"

    def describe(self) -> str:
        if self.semantic:
            return f"hybrid (BM25F + semantic, {MODEL_ID}, {self.vectors} sentence vectors)"
        return f"lexical (BM25F only): {self.reason}"

    def to_dict(self) -> dict:
        return {"mode": self.name, "setting": self.setting, "model": MODEL_ID if self.semantic else None,
                "vectors": self.vectors, "reason": self.reason}


def decide(setting: str, sentences: int, embedder: Embedder | None) -> SearchMode:
    """Semantic search when the setting allows it and the model loads; lexical otherwise,
    so answering never depends on the model."""
    if setting == "off" or embedder is None:
        return SearchMode(setting, False, "semantic search is off (search.semantic)")
    if setting == "auto" and sentences > AUTO_MAX_SENTENCES:
        return SearchMode(setting, False, f"{sentences} sentences: more than auto embeds "
                                          f"({AUTO_MAX_SENTENCES}); set search.semantic: on")
    if not embedder.available():
        return SearchMode(setting, False, f"model not available: {embedder.error}")
    return SearchMode(setting, True)
