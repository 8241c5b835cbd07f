"""The in-memory index of one knowledge base, kept in step with the store.

A worker (CLI, web process) holds one ``KnowledgeIndex`` per base. When the store's change
counter moves, only the units whose version changed are re-indexed; the index is saved
beside the store so the next process loads it instead of rebuilding.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..search import Index, build_index
from ..store import Store
from ..text import Analyzer
from ..units import Unit
from ..vocabulary import Vocabulary

_STATE = "state.json"
_LEXICON_KINDS = ("parameter", "term")


@dataclass
class KnowledgeIndex:
    base: str
    index: Index
    units: dict[str, Unit]
    vocabulary: Vocabulary
    store_version: int
    lexicon_key: str
    checked_at: float = field(default_factory=time.monotonic)


def _lexicon_key(units: dict[str, Unit]) -> str:
    # The analyzer depends only on parameter names and glossary terms: rebuild it (and
    # the index) only when those change.
    parts = sorted(f"{u.id}@{u.version}" for u in units.values() if u.kind in _LEXICON_KINDS)
    return str(hash("|".join(parts)))


class IndexCache:
    """Per-base indexes for one store, refreshed when ``store.version()`` moves."""

    def __init__(self, store: Store, index_dir: Path | None = None, poll_seconds: float = 0.0):
        self.store = store
        self.index_dir = index_dir
        self.poll_seconds = poll_seconds
        self._indexes: dict[str, KnowledgeIndex] = {}
        self._lock = threading.Lock()

    def get(self, base: str) -> KnowledgeIndex:
        with self._lock:
            current = self._indexes.get(base)
            now = time.monotonic()
            if current is not None and now - current.checked_at < self.poll_seconds:
                return current
            version = self.store.version()
            if current is not None and current.store_version == version:
                current.checked_at = now
                return current
            fresh = self._refresh(base, current, version)
            self._indexes[base] = fresh
            return fresh

    def _refresh(self, base: str, current: KnowledgeIndex | None, version: int) -> KnowledgeIndex:
        if current is None:
            loaded = self._load(base, version)
            if loaded is not None:
                return loaded
        units = {u.id: u for u in self.store.list_units(base)}
        key = _lexicon_key(units)
        if current is not None and current.lexicon_key == key:
            changed = [u for uid, u in units.items()
                       if uid not in current.units or current.units[uid].version != u.version]
            gone = [uid for uid in current.units if uid not in units]
            index = current.index
            if gone:
                index.remove(gone)
            if changed:
                index.add(changed)
        else:
            index = build_index(units.values(), Analyzer.from_units(units.values()))
        fresh = KnowledgeIndex(base, index, units, Vocabulary.from_units(units.values()), version, key)
        self._save(fresh)
        return fresh

    def _path(self, base: str) -> Path | None:
        return self.index_dir / base if self.index_dir is not None else None

    def _load(self, base: str, version: int) -> KnowledgeIndex | None:
        path = self._path(base)
        if path is None or not (path / _STATE).exists():
            return None
        try:
            state = json.loads((path / _STATE).read_text(encoding="utf-8"))
            if state.get("store_version") != version:
                return None
            index = Index.load(path)
        except (OSError, ValueError, KeyError):
            return None  # a damaged or old index is rebuilt, never trusted
        units = {u.id: u for u in self.store.list_units(base)}
        return KnowledgeIndex(base, index, units, Vocabulary.from_units(units.values()), version,
                              state.get("lexicon_key", ""))

    def _save(self, entry: KnowledgeIndex) -> None:
        path = self._path(entry.base)
        if path is None:
            return
        try:
            entry.index.save(path)
            (path / _STATE).write_text(json.dumps({"store_version": entry.store_version,
                                                    "lexicon_key": entry.lexicon_key}),
                                       encoding="utf-8")
        except OSError:
            pass  # a read-only home still answers; it only rebuilds next time


_CACHES: dict[tuple[str, str], IndexCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(store: Store, index_dir: Path | None = None) -> IndexCache:
    """One cache per store URL and index folder in this process."""
    key = (store.url, str(index_dir))
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None or cache.store is not store and cache.store.engine.url != store.engine.url:
            cache = _CACHES[key] = IndexCache(store, index_dir)
        return cache
