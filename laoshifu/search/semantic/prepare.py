"""Embed a knowledge base's sentences at import, so the first question does not wait.

Vectors go to the store's ``embeddings`` table (by text hash); the index cache picks them
up when it next builds. A knowledge folder may carry a precomputed cache
(``.laoshifu/vectors-<model>.npz``, see ``vectors.seed_vectors``): it is loaded first,
after a spot check, so only texts it lacks are embedded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from laoshifu.search.documents import unit_passages
from laoshifu.knowledge.units import Unit

from .embedder import Embedder
from .mode import SearchMode, decide
from .vectors import (
    SeedMismatch, SeedReport, VectorSource, embedding_text, seed_path, seed_vectors, text_key, unit_label,
)


@dataclass(frozen=True)
class PrepareReport:
    mode: SearchMode
    sentences: int = 0
    embedded: int = 0
    seed: SeedReport | None = None
    seed_problem: str = ""


def unit_sentences(units: Iterable[Unit]) -> list[str]:
    """Every sentence the lexical index will hold for these units (the same split)."""
    return [s.text for unit in units for passage in unit_passages(unit) for s in passage.sentences]


def unit_texts(units: Iterable[Unit]) -> list[str]:
    """What semantic search embeds for these units: their sentences, then their labels."""
    units = list(units)
    return unit_sentences(units) + [unit_label(u) for u in units]


def prepare_vectors(store, units: Iterable[Unit], setting: str, embedder: Embedder | None,
                    folder: Path | None = None,
                    progress: Callable[[int, int], None] | None = None) -> PrepareReport:
    units = list(units)
    sentences = unit_sentences(units)
    mode = decide(setting, len(sentences), embedder)
    if not mode.semantic:
        return PrepareReport(mode, len(sentences))
    source = VectorSource(embedder, store)
    seed, problem = None, ""
    path = seed_path(folder, embedder.model_id) if folder is not None else None
    if path is not None and path.exists():
        try:
            seed = seed_vectors(path, source)
        except (SeedMismatch, OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            problem = str(exc)  # only a cache: embed everything instead
    texts = {text_key(t): t for t in map(embedding_text, sentences + [unit_label(u) for u in units])}
    _, embedded = source.fetch(texts, progress)
    return PrepareReport(replace(mode, vectors=len(sentences)), len(sentences), embedded, seed, problem)
