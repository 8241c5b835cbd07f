"""The in-memory index of one knowledge base, kept in step with the store.

A worker (CLI, web process) holds one ``KnowledgeIndex`` per base. When the store's change
counter moves, only the units whose version changed are re-indexed; the index is saved
beside the store so the next process loads it instead of rebuilding. Only the units that
shape answers' logic (parameters, glossary terms, rules) are held in memory; the rest are
fetched by id when an answer quotes them.

In hybrid mode each index also holds its sentences' vectors (``semantic``), saved beside it
and shared through the store, so a refresh embeds only sentences no worker has seen.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import threading
import time
import weakref
import zipfile
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..search import Index, build_index
from ..search.semantic import (
    Embedder, EmbedderUnavailable, SemanticIndex, VectorSource, load_vectors, save_vectors,
    shared_embedder,
)
from ..search.semantic.vectors import build_index_vectors, unit_label
from ..search.semantic.mode import SearchMode, decide
from ..store import Store
from ..text import Analyzer
from ..knowledge.units import Unit, is_base_name, unit_from_dict
from ..knowledge.vocabulary import Vocabulary

_STATE = "state.json"
_STRUCTURED = "structured.json"
_VERSIONS = "versions.json"
STRUCTURED_KINDS = ("parameter", "term", "rule")
_LEXICON_KINDS = ("parameter", "term")


class UnitLookup:
    """Units of one base by id: structured ones in memory, the rest fetched and cached."""

    def __init__(self, store: Store, base: str, versions: dict[str, int],
                 structured: dict[str, Unit], cache_size: int = 2000):
        self.store, self.base, self.versions = store, base, versions
        self.structured = structured
        self._cache: OrderedDict[str, Unit] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.versions

    def __getitem__(self, unit_id: str) -> Unit:
        unit = self.get(unit_id)
        if unit is None:
            raise KeyError(unit_id)
        return unit

    def get(self, unit_id: str, default: Unit | None = None) -> Unit | None:
        if unit_id not in self.versions:
            return default
        unit = self.structured.get(unit_id)
        if unit is not None:
            return unit
        self.prefetch([unit_id])
        return self._cache.get(unit_id, default)

    def prefetch(self, unit_ids: Iterable[str]) -> None:
        with self._lock:
            missing = [u for u in unit_ids if u in self.versions and u not in self.structured
                       and u not in self._cache]
        fetched = self.store.get_units(self.base, missing) if missing else {}
        with self._lock:
            for uid in unit_ids:
                if uid in self._cache:
                    self._cache.move_to_end(uid)
            for uid, unit in fetched.items():
                self._cache[uid] = unit
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def structured_units(self) -> Iterable[Unit]:
        return self.structured.values()


@dataclass
class KnowledgeIndex:
    base: str
    index: Index
    units: UnitLookup
    vocabulary: Vocabulary
    processes: tuple[str, ...]
    store_version: int
    lexicon_key: str
    extras: dict = field(default_factory=dict)  # per-index caches (phrase tables, …)
    semantic: SemanticIndex | None = None  # sentence vectors; None in lexical mode
    mode: SearchMode | None = None  # hybrid or lexical, and why


def _lexicon_key(versions: dict[str, int], structured: dict[str, Unit]) -> str:
    # The analyzer depends only on parameter names and glossary terms: rebuild it (and
    # the whole index) only when those change.
    parts = sorted(f"{u.id}@{versions.get(u.id)}" for u in structured.values()
                   if u.kind in _LEXICON_KINDS)
    # sha1, not hash(): the key is saved and compared across processes.
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


class IndexCache:
    """Per-base indexes for one store, refreshed when ``store.version()`` moves."""

    def __init__(self, store: Store, index_dir: Path | None = None, poll_seconds: float = 0.5,
                 semantic: str | None = None, embedder: Embedder | None = None,
                 save_on_refresh: bool = True):
        self.store = store
        self.index_dir = index_dir
        # The CLI saves after each refresh; the web server only at shutdown (``save_all``).
        self.save_on_refresh = save_on_refresh
        self.poll_seconds = poll_seconds
        if semantic is None:
            from ..config import load_settings

            semantic = load_settings().semantic
        self.semantic_setting = semantic  # auto | on | off
        self._embedder = embedder
        # Told (done, total) while sentences are embedded (the CLI shows it).
        self.progress: Callable[[int, int], None] | None = None
        self._indexes: dict[str, KnowledgeIndex] = {}
        self._lock = threading.Lock()
        self._checked = (-1, float("-inf"), 0)  # (local writes, when, store version)

    def _store_version(self) -> int:
        """The store's change counter: asked at once after a write by this process, else
        at most every ``poll_seconds`` (other workers' changes show up within that)."""
        writes, checked_at, version = self._checked
        now = time.monotonic()
        if writes == self.store.local_writes and now - checked_at < self.poll_seconds:
            return version
        writes = self.store.local_writes
        version = self.store.version()
        self._checked = (writes, now, version)
        return version

    def get(self, base: str) -> KnowledgeIndex:
        version = self._store_version()
        with self._lock:
            current = self._indexes.get(base)
            if current is not None and current.store_version == version:
                return current
            fresh = self._refresh(base, current, version)
            self._indexes[base] = fresh
            return fresh

    def _refresh(self, base: str, current: KnowledgeIndex | None, version: int) -> KnowledgeIndex:
        if current is None:
            loaded = self._load(base, version)
            if loaded is not None:
                return loaded
        versions = self.store.versions_map(base)
        structured = {u.id: u for u in self.store.list_units(base, kinds=STRUCTURED_KINDS)}
        key = _lexicon_key(versions, structured)
        if current is not None and current.lexicon_key == key:
            old = current.units.versions
            changed = [uid for uid, v in versions.items() if old.get(uid) != v]
            gone = [uid for uid in old if uid not in versions]
            index = current.index
            if gone:
                index.remove(gone)
            if changed:
                index.add(self.store.get_units(base, changed).values())
        else:
            units = self.store.list_units(base)
            index = build_index(units, Analyzer.from_units(units))
        fresh = self._entry(base, index, versions, structured, version, key)
        self._attach_semantic(fresh, current)
        if self.save_on_refresh:
            self._save(fresh)
        return fresh

    def loaded(self) -> dict[str, int]:
        """The bases whose index is in memory, with the store version each was made at."""
        # Without the lock, which a build holds for seconds: /healthz must answer at once.
        return {base: entry.store_version for base, entry in list(self._indexes.items())}

    def save_all(self) -> list[str]:
        """Bring every index in memory up to the store's latest and save those its folder
        does not hold yet (at shutdown: an index saved behind the store would be rebuilt
        whole at the next start); returns the bases saved."""
        saved = []
        for base in list(self._indexes):
            # Incremental (only the units changed since); but a build still running (the
            # warm-up at start) is not waited for: what is complete is saved as it is.
            entry = self._indexes[base] if self._lock.locked() else self.get(base)
            path = self._path(entry.base)
            if path is not None and not self._saved_already(entry, path):
                self._save(entry)
                saved.append(entry.base)
        return saved

    def _saved_already(self, entry: KnowledgeIndex, path: Path) -> bool:
        try:
            state = json.loads((path / _STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return state.get("store_version") == entry.store_version \
            and state.get("store_id") == self.store.store_id()

    def _embedder_in_use(self) -> Embedder | None:
        if self.semantic_setting == "off":
            return None
        return self._embedder or shared_embedder()

    def _attach_semantic(self, entry: KnowledgeIndex, previous: KnowledgeIndex | None,
                         saved: Path | None = None) -> bool:
        """Give ``entry`` its sentence vectors when hybrid: the saved ones if they belong to
        it, else built from ``previous``, the store, and the embedder for the rest.
        Returns whether they were built (and so need saving)."""
        embedder = self._embedder_in_use()
        rows = len(entry.index.t.sentence_passage)
        entry.mode = decide(self.semantic_setting, rows, embedder)
        if not entry.mode.semantic:
            return False
        vectors = load_vectors(saved, embedder.model_id, entry.store_version, rows,
                               len(entry.index)) if saved is not None else None
        built = vectors is None
        if vectors is None:
            old = previous.semantic.vectors if previous is not None and previous.semantic else None
            try:
                vectors, _ = build_index_vectors(
                    entry.index.t.sentence_text, entry.index.t.unit_ids,
                    self._labels(entry, previous), VectorSource(embedder, self.store), old,
                    self.progress)
            except EmbedderUnavailable as exc:
                entry.mode = SearchMode(self.semantic_setting, False, str(exc))
                return False
        entry.semantic = SemanticIndex(entry.index, embedder, vectors)
        entry.mode = replace(entry.mode, vectors=len(vectors.sentences))
        return built

    def _labels(self, entry: KnowledgeIndex, previous: KnowledgeIndex | None) -> list[str]:
        """Each indexed unit's label, in index order; only new or changed units are read."""
        known: dict[str, str] = {}
        if previous is not None and previous.semantic is not None:
            old, new = previous.units.versions, entry.units.versions
            labelled = previous.semantic.vectors
            known = {uid: label for uid, label in zip(labelled.unit_ids, labelled.label_texts)
                     if old.get(uid) == new.get(uid)}
        ids = entry.index.t.unit_ids
        missing = [uid for uid in ids if uid not in known]
        known.update((uid, unit_label(u)) for uid, u in self.store.get_units(entry.base, missing).items())
        return [known.get(uid, "") for uid in ids]

    def _entry(self, base: str, index: Index, versions: dict[str, int],
               structured: dict[str, Unit], version: int, key: str) -> KnowledgeIndex:
        return KnowledgeIndex(base, index, UnitLookup(self.store, base, versions, structured),
                              Vocabulary.from_units(structured.values()),
                              tuple(self.store.processes(base)), version, key)

    def _path(self, base: str) -> Path | None:
        # The base names a folder: never one outside the index folder.
        return self.index_dir / base if self.index_dir is not None and is_base_name(base) else None

    def _load(self, base: str, version: int) -> KnowledgeIndex | None:
        path = self._path(base)
        if path is None or not (path / _STATE).exists():
            return None
        # A damaged or old index is rebuilt, never trusted.
        try:
            with _folder_lock(path, exclusive=False):
                return self._load_locked(base, version, path)
        except OSError:
            return None

    def _load_locked(self, base: str, version: int, path: Path) -> KnowledgeIndex | None:
        try:
            state = json.loads((path / _STATE).read_text(encoding="utf-8"))
            if state.get("store_version") != version or state.get("store_id") != self.store.store_id():
                return None
            index = Index.load(path)
            structured = {d["id"]: unit_from_dict(d) for d in
                          json.loads((path / _STRUCTURED).read_text(encoding="utf-8"))}
            # The store has not changed since the save, so neither have the versions.
            versions = json.loads((path / _VERSIONS).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
            return None
        entry = self._entry(base, index, versions, structured, version, state.get("lexicon_key", ""))
        if self._attach_semantic(entry, None, saved=path):
            self._save_vectors(entry, path)
        return entry

    def _save_vectors(self, entry: KnowledgeIndex, path: Path) -> None:
        if entry.semantic is not None:
            try:
                save_vectors(entry.semantic.vectors, path, entry.store_version)
            except OSError:
                pass  # as for the index: embedded again (from the store) next time

    def _save(self, entry: KnowledgeIndex) -> None:
        path = self._path(entry.base)
        if path is None:
            return
        try:
            with _folder_lock(path, exclusive=True):
                self._save_locked(entry, path)
        except OSError:
            pass  # a read-only home still answers; it only rebuilds next time

    def _save_locked(self, entry: KnowledgeIndex, path: Path) -> None:
        try:
            # Until the new state file is written, the folder holds no index at all: a save
            # cut short (kill -9) is rebuilt, never half loaded.
            (path / _STATE).unlink(missing_ok=True)
            entry.index.save(path)
            (path / _STRUCTURED).write_text(json.dumps(
                [u.to_dict() for u in entry.units.structured_units()], ensure_ascii=False),
                encoding="utf-8")
            (path / _VERSIONS).write_text(json.dumps(entry.units.versions), encoding="utf-8")
            self._save_vectors(entry, path)
            # Written last: a state file means the rest is complete.
            (path / _STATE).write_text(json.dumps({"store_version": entry.store_version,
                                                    "store_id": self.store.store_id(),
                                                    "lexicon_key": entry.lexicon_key}),
                                       encoding="utf-8")
        except OSError:
            pass  # a read-only home still answers; it only rebuilds next time


@contextmanager
def _folder_lock(path: Path, exclusive: bool) -> Iterator[None]:
    """Several processes (web workers, the CLI) save and load the same index folder: a
    reader never sees a save half done, and two saves never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# Held weakly: a store that is closed and dropped takes its indexes with it.
_CACHES: "weakref.WeakKeyDictionary[Store, dict[str, IndexCache]]" = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_for(store: Store, index_dir: Path | None = None) -> IndexCache:
    """One cache per store object and index folder in this process."""
    with _CACHES_LOCK:
        per_store = _CACHES.setdefault(store, {})
        key = str(index_dir)
        if key not in per_store:
            per_store[key] = IndexCache(store, index_dir)
        return per_store[key]


def serve_from(store: Store, index_dir: Path | None) -> IndexCache:
    """Make the cache every ask on ``store`` in this process uses (``cache_for(store)``) a
    server's: it loads from ``index_dir`` at the first ask of each base and saves there only
    when told (``save_all``, at shutdown), not after each change the store sees."""
    cache = cache_for(store)
    cache.index_dir = index_dir
    cache.save_on_refresh = False
    return cache


def search_mode(store: Store, base: str, index_dir: Path | None = None) -> SearchMode:
    """Which search answers ``base`` here (hybrid or lexical) and why; loads its index
    unless semantic search is off."""
    cache = cache_for(store, index_dir)
    if cache.semantic_setting == "off":
        return decide("off", 0, None)
    return cache.get(base).mode or decide(cache.semantic_setting, 0, None)
