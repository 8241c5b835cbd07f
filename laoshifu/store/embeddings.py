"""Sentence vectors shared through the store: every worker embeds a text at most once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from sqlalchemy import func, select

from . import schema
from .core import Store

# Below SQLite's and PostgreSQL's limits on bound parameters per statement.
_CHUNK = 500
_DTYPE = np.dtype("<f2")


class EmbeddingsMixin:
    def get_vectors(self: Store, model: str, text_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors (float32) of those text hashes that have one."""
        wanted = list(dict.fromkeys(text_hashes))
        table = schema.embeddings
        found: dict[str, np.ndarray] = {}
        with self.read() as conn:
            for start in range(0, len(wanted), _CHUNK):
                rows = conn.execute(select(table.c.text_hash, table.c.vector).where(
                    table.c.model == model,
                    table.c.text_hash.in_(wanted[start:start + _CHUNK])))
                for text_hash, blob in rows:
                    found[text_hash] = np.frombuffer(blob, dtype=_DTYPE).astype(np.float32)
        return found

    def put_vectors(self: Store, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Keep vectors by text hash; one another worker stored first is left as it is."""
        if not vectors:
            return
        rows = [{"model": model, "text_hash": h, "vector": np.asarray(v, _DTYPE).tobytes()}
                for h, v in vectors.items()]
        with self.transaction() as conn:
            for start in range(0, len(rows), _CHUNK):
                conn.execute(self.upsert(schema.embeddings).on_conflict_do_nothing(),
                             rows[start:start + _CHUNK])

    def count_vectors(self: Store, model: str) -> int:
        with self.read() as conn:
            return int(conn.scalar(select(func.count()).select_from(schema.embeddings)
                                   .where(schema.embeddings.c.model == model)) or 0)
