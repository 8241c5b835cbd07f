"""Sentence vectors keyed by the sha1 of the text embedded: built incrementally, saved
beside the lexical index, shared through the store.

A text is embedded once: a vector is looked for in this process's previous build, then
in the store's ``embeddings`` table (filled by any worker), and only then computed.
"""

from __future__ import annotations

import hashlib
import json
import random
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from laoshifu.search.mapped import read_arrays, remove_stale, write_arrays
from laoshifu.text.normalize import normalize

from .embedder import Embedder
from .quantised import Int8Rows, quantise, requantise

# 4: ``vectors.json`` naming a folder of .npy files that a load maps (see ``mapped``: a
# cold process reads none of the 760 MB at 100,000 units until a question touches them).
# 3: one ``vectors.npz`` with the rows' int8 copies (quantising 500,000 rows at every
# load takes ~1 s); 2: without them, quantised when first needed. Both still load.
VECTORS_FILE = "vectors.json"
VECTOR_ARRAYS = "vectors"  # the mapped folders' prefix
OLD_VECTORS_FILE = "vectors.npz"
FORMAT = 4
READABLE_FORMATS = (2, 3)  # of OLD_VECTORS_FILE
SEED_FORMAT = 1


def embedding_text(sentence: str) -> str:
    """What is embedded for a sentence: its normalised form (one script, one width), so a
    question in traditional characters meets the same text."""
    return normalize(sentence)


def text_key(text: str) -> str:
    """The key of an already normalised text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorSource:
    """Where vectors missing from a build come from: the store, then the embedder."""

    def __init__(self, embedder: Embedder, store=None):
        self.embedder = embedder
        self.store = store
        self.failed = ""  # why vectors could not be stored, if they could not

    def fetch(self, texts: dict[str, str],
              progress: Callable[[int, int], None] | None = None) -> tuple[dict[str, np.ndarray], int]:
        """Vectors of ``texts`` (key → normalised text); also how many were embedded."""
        model = self.embedder.model_id
        found = self.store.get_vectors(model, texts) if self.store is not None else {}
        missing = [key for key in texts if key not in found]
        if missing:
            computed = self.embedder.passages([texts[k] for k in missing], progress)
            new = dict(zip(missing, computed))
            if self.store is not None:
                try:
                    self.store.put_vectors(model, new)
                except Exception as exc:  # noqa: BLE001 — any store error: keep them in memory
                    # A read-only or unreachable store still answers; another worker (or
                    # this one, next time) embeds these again.
                    self.failed = f"{type(exc).__name__}: {exc}"
            found.update(new)
        return found, len(missing)


@dataclass
class SentenceVectors:
    """One vector per text, in the texts' order (a lexical index's sentence rows, or its
    units' labels)."""

    model: str
    keys: Sequence[str]  # a list, or SavedKeys as loaded
    # (rows, dim), L2-normalised; float16, as the store and the saved index keep them
    # (half the memory of float32; a search reads them upcast to float32)
    matrix: np.ndarray
    # raw sentence → key, so a refresh normalises only new sentences (not saved)
    memo: dict[str, str] = field(default_factory=dict, repr=False)
    # the same rows in int8 for a search's pass over all of them (made when first needed)
    int8: Int8Rows | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.matrix = np.asarray(self.matrix, np.float16)

    def __len__(self) -> int:
        return len(self.keys)

    def by_key(self) -> dict[str, np.ndarray]:
        return dict(zip(self.keys, self.matrix))

    def quantised(self) -> Int8Rows:
        if self.int8 is None or len(self.int8) != len(self.matrix):
            self.int8 = quantise(self.matrix)
        return self.int8


@dataclass(frozen=True)
class BuildReport:
    sentences: int
    embedded: int  # computed now (the rest came from memory or the store)


def build_vectors(sentences: Sequence[str], source: VectorSource,
                  previous: SentenceVectors | None = None,
                  progress: Callable[[int, int], None] | None = None
                  ) -> tuple[SentenceVectors, BuildReport]:
    """Vectors for ``sentences``, reusing ``previous`` and the store; embeds only new texts."""
    model = source.embedder.model_id
    old_memo = previous.memo if previous is not None and previous.model == model else {}
    known = previous.by_key() if previous is not None and previous.model == model else {}
    memo: dict[str, str] = {}
    keys: list[str] = []
    wanted: dict[str, str] = {}
    for sentence in sentences:
        key = memo.get(sentence) or old_memo.get(sentence)
        if key is None:
            text = embedding_text(sentence)
            key = text_key(text)
            if key not in known:
                wanted[key] = text
        memo[sentence] = key
        keys.append(key)
    fetched, embedded = source.fetch(wanted, progress) if wanted else ({}, 0)
    known.update(fetched)
    matrix = np.zeros((len(keys), source.embedder.dim), dtype=np.float16)
    for row, key in enumerate(keys):
        matrix[row] = known[key]
    int8 = None
    if (previous is not None and previous.model == model and previous.int8 is not None
            and len(previous.int8) == len(previous.keys)):
        # a kept text keeps its int8 row: only new ones are quantised (1 s for 500,000)
        was = {key: row for row, key in enumerate(previous.keys)}
        int8 = requantise(previous.int8, np.fromiter((was.get(k, -1) for k in keys), np.int64, len(keys)),
                          matrix)
    return SentenceVectors(model, keys, matrix, memo, int8), BuildReport(len(keys), embedded)


@dataclass
class IndexVectors:
    """What semantic search needs beside a lexical index: a vector per sentence row, and
    per unit row a vector of its label (title and names: what the unit is about)."""

    sentences: SentenceVectors
    labels: SentenceVectors
    # per unit row, so a refresh re-labels only changed units (the index itself is
    # updated in place: its rows may have moved since)
    unit_ids: list[str]
    label_texts: list[str]

    @property
    def model(self) -> str:
        return self.sentences.model


def unit_label(unit) -> str:
    """A unit's title with its names (symbol, synonyms, English name, question…)."""
    from laoshifu.search.documents import unit_names

    return " ".join(p for p in (unit.title, unit_names(unit)) if p)


def build_index_vectors(sentences: Sequence[str], unit_ids: Sequence[str], labels: Sequence[str],
                        source: VectorSource, previous: IndexVectors | None = None,
                        progress: Callable[[int, int], None] | None = None
                        ) -> tuple[IndexVectors, BuildReport]:
    sent, one = build_vectors(sentences, source, previous.sentences if previous else None, progress)
    lab, two = build_vectors(labels, source, previous.labels if previous else None)
    return (IndexVectors(sent, lab, list(unit_ids), list(labels)),
            BuildReport(len(sentences), one.embedded + two.embedded))


class SavedKeys(Sequence[str]):
    """Saved keys (40 ASCII bytes each), decoded when read: an ask never reads them, and
    decoding 500,000 takes ~0.1 s. A refresh reads them all (``by_key``)."""

    def __init__(self, raw: np.ndarray):
        self.raw = raw

    def __len__(self) -> int:
        return len(self.raw)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [k.decode("ascii") for k in self.raw[i]]
        return self.raw[i].decode("ascii")

    def __iter__(self) -> Iterator[str]:
        return (k.decode("ascii") for k in self.raw)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)


def _keys_array(keys: Sequence[str]) -> np.ndarray:
    return keys.raw if isinstance(keys, SavedKeys) else np.asarray(keys, dtype="S40")


def save_vectors(vectors: IndexVectors, directory: Path, store_version: int) -> None:
    """Beside the lexical index; ``store_version`` ties the rows to the index saved with
    them. The arrays go into a new folder, then ``vectors.json`` naming it (by rename),
    then the previous save's arrays are removed: cut short, the last save stays whole."""
    directory.mkdir(parents=True, exist_ok=True)
    sentences, labels = vectors.sentences.quantised(), vectors.labels.quantised()
    saved = write_arrays(directory, VECTOR_ARRAYS, {
        "keys": _keys_array(vectors.sentences.keys),
        "vectors": np.asarray(vectors.sentences.matrix, np.float16),
        "codes": sentences.codes, "scales": sentences.scales,
        "label_keys": _keys_array(vectors.labels.keys),
        "label_vectors": np.asarray(vectors.labels.matrix, np.float16),
        "label_codes": labels.codes, "label_scales": labels.scales})
    manifest = {"format": FORMAT, "model": vectors.model, "store_version": store_version,
                "rows": len(vectors.sentences), "units": len(vectors.labels),
                "unit_ids": list(vectors.unit_ids), "label_texts": list(vectors.label_texts),
                "arrays": saved}
    tmp = directory / (VECTORS_FILE + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    tmp.replace(directory / VECTORS_FILE)
    remove_stale(directory, VECTOR_ARRAYS, keep=saved["folder"])
    (directory / OLD_VECTORS_FILE).unlink(missing_ok=True)


def load_vectors(directory: Path, model: str, store_version: int, rows: int,
                 units: int) -> IndexVectors | None:
    """The saved vectors if they belong to this index (model, store version, row counts),
    mapped (format 4) or read from a ``vectors.npz`` saved before (formats 2 and 3)."""
    path = directory / VECTORS_FILE
    if not path.exists():
        return _load_npz(directory / OLD_VECTORS_FILE, model, store_version, rows, units)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if (meta.get("format") != FORMAT or meta.get("model") != model
                or meta.get("store_version") != store_version or meta.get("rows") != rows
                or meta.get("units") != units):
            return None
        arrays = read_arrays(directory, meta["arrays"])
        sentences = _saved_rows(arrays, model, "keys", "vectors", "codes", "scales")
        labels = _saved_rows(arrays, model, "label_keys", "label_vectors", "label_codes", "label_scales")
        ids, texts = [str(u) for u in meta["unit_ids"]], [str(t) for t in meta["label_texts"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(sentences) != rows or len(labels) != units or len(ids) != units or len(texts) != units:
        return None
    return IndexVectors(sentences, labels, ids, texts)


def _load_npz(path: Path, model: str, store_version: int, rows: int, units: int) -> IndexVectors | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            if (int(data["format"]) not in READABLE_FORMATS or str(data["model"]) != model
                    or int(data["store_version"]) != store_version or len(data["keys"]) != rows
                    or len(data["label_keys"]) != units):
                return None
            saved = {name: data[name] for name in data.files}
            sentences = _saved_rows(saved, model, "keys", "vectors", "codes", "scales")
            labels = _saved_rows(saved, model, "label_keys", "label_vectors", "label_codes", "label_scales")
            texts = [str(t) for t in data["label_texts"]]
            ids = [str(u) for u in data["unit_ids"]]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    return IndexVectors(sentences, labels, ids, texts)


def _saved_rows(data: dict[str, np.ndarray], model: str, keys: str, vectors: str, codes: str,
                scales: str) -> SentenceVectors:
    """Saved rows with their int8 copy when it was saved (formats 3 and 4) and fits them;
    else that copy is made again when first needed."""
    matrix = data[vectors]
    if matrix.ndim != 2 or len(data[keys]) != len(matrix):
        raise ValueError(f"{len(data[keys])} keys for {matrix.shape} vectors")
    int8 = None
    if codes in data and scales in data:
        saved = Int8Rows(data[codes], data[scales])
        if (saved.codes.dtype == np.int8 and saved.codes.shape == matrix.shape
                and saved.scales.shape == (len(matrix),)):
            int8 = Int8Rows(saved.codes, saved.scales.astype(np.float32))
    return SentenceVectors(model, SavedKeys(data[keys]), matrix, int8=int8)


# -- a precomputed cache shipped with a knowledge folder -------------------------------

SEED_DIR = ".laoshifu"


def seed_path(folder: Path, model: str) -> Path:
    """Where a knowledge folder may carry precomputed vectors (hidden: import skips it)."""
    return Path(folder) / SEED_DIR / f"vectors-{model}.npz"


def write_seed(path: Path, model: str, texts: Sequence[str], matrix: np.ndarray) -> None:
    """Save normalised texts with their vectors, so a reader can check every key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    order = np.argsort(np.asarray(texts, dtype=object).astype(str), kind="stable")
    np.savez_compressed(path, format=np.int64(SEED_FORMAT), model=np.str_(model),
                        texts=np.asarray([texts[i] for i in order], dtype=str),
                        vectors=np.asarray(matrix, np.float16)[order])


@dataclass(frozen=True)
class SeedReport:
    path: str
    vectors: int  # stored (texts already in the store count too)
    checked: int  # re-embedded and compared


class SeedMismatch(ValueError):
    """A seed file whose vectors this model does not reproduce: it is ignored."""


def seed_vectors(path: Path, source: VectorSource, check: int = 3,
                 min_cosine: float = 0.98) -> SeedReport:
    """Load a precomputed cache into the store. It is only a cache: every entry is keyed
    by the hash of its own text, and a few are re-embedded first to prove that the file
    was made by this model."""
    with np.load(path, allow_pickle=False) as data:
        if int(data["format"]) != SEED_FORMAT or str(data["model"]) != source.embedder.model_id:
            raise SeedMismatch(f"{path}: made for model {str(data['model'])!r}, "
                               f"not {source.embedder.model_id!r}")
        texts = [str(t) for t in data["texts"]]
        matrix = data["vectors"].astype(np.float32)
    if len(texts) != len(matrix):
        raise SeedMismatch(f"{path}: {len(texts)} texts but {len(matrix)} vectors")
    sample = random.Random(len(texts)).sample(range(len(texts)), min(check, len(texts)))
    if sample:
        fresh = source.embedder.passages([texts[i] for i in sample])
        worst = float(min(np.dot(fresh[j], matrix[i]) for j, i in enumerate(sample)))
        if worst < min_cosine:
            raise SeedMismatch(f"{path}: vectors differ from this model's (cosine {worst:.3f})")
    # Keyed by the hash of the very text the vector was made from; a text not in
    # normal form would never be looked up, so it is dropped.
    vectors = {text_key(t): v for t, v in zip(texts, matrix) if embedding_text(t) == t}
    if source.store is not None:
        source.store.put_vectors(source.embedder.model_id, vectors)
    return SeedReport(str(path), len(vectors), len(sample))


class FileVectorCache:
    """Vectors by text hash in one npz file: the store's ``get_vectors``/``put_vectors``
    for tools that run without a store (benchmarks)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                for model, key, vector in zip(data["models"], data["keys"], data["vectors"]):
                    self._vectors[(str(model), key.decode("ascii"))] = vector.astype(np.float32)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass  # no cache yet, or a damaged one: start afresh

    def get_vectors(self, model: str, text_hashes) -> dict[str, np.ndarray]:
        return {h: self._vectors[(model, h)] for h in text_hashes if (model, h) in self._vectors}

    def put_vectors(self, model: str, vectors) -> None:
        self._vectors.update({(model, h): np.asarray(v, np.float32) for h, v in vectors.items()})
        if not self._vectors:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        items = list(self._vectors.items())
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, models=np.asarray([m for (m, _), _ in items], dtype=str),
                 keys=np.asarray([h for (_, h), _ in items], dtype="S40"),
                 vectors=np.asarray([v for _, v in items], np.float16))
        tmp.replace(self.path)
