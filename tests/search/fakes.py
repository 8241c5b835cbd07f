"""A stand-in for the embedder: exact, instant, and it counts what it embeds."""

from __future__ import annotations

import hashlib

import numpy as np

from laoshifu.search.semantic.embedder import EmbedderUnavailable


class FakeEmbedder:
    """Deterministic vectors from a text's hash; counts what it embeds."""

    model_id = "fake"
    dim = 32
    batch_size = 4

    def __init__(self, close: dict[str, str] | None = None, fail: bool = False):
        self.embedded: list[str] = []
        self.close = close or {}  # query -> sentence it should match exactly
        self.fail = fail
        self.error = "no engine" if fail else None

    @staticmethod
    def vector(text: str) -> np.ndarray:
        raw = np.frombuffer(hashlib.sha256(text.encode()).digest(), np.uint8).astype(np.float32) - 127.5
        return raw / np.linalg.norm(raw)

    def available(self) -> bool:
        return not self.fail

    def load(self):
        if self.fail:
            raise EmbedderUnavailable("semantic model fake not available (no engine)")
        return self

    def passages(self, texts, progress=None):
        self.load()
        self.embedded.extend(texts)
        return np.asarray([self.vector(t) for t in texts], np.float32).reshape(len(texts), self.dim)

    def query(self, text):
        return self.vector(self.close.get(text, text))
