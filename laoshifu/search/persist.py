"""Save/load an index as plain arrays + JSON: no pickle, so loading is safe and fast.

Format 2 (now): ``meta.json`` (strings, settings) names a folder of ``.npy`` files that a
load maps instead of reading (see ``mapped``); the sentences' text is one of them, UTF-8.
Format 1 (``arrays.npz`` and every sentence inside ``meta.json``) still loads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from laoshifu.search.bm25 import Columns, ScorerStats, Vocabulary
from laoshifu.search.documents import FIELDS
from laoshifu.search.index import Index, RankingParams, _strings
from laoshifu.search.mapped import read_arrays, remove_stale, write_arrays
from laoshifu.text.segment import Analyzer

FORMAT = 2
READABLE_FORMATS = (1, 2)
META = "meta.json"
ARRAYS = "arrays"  # the mapped folders' prefix
OLD_ARRAYS = "arrays.npz"  # format 1's
_INT_ARRAYS = (
    "passage_unit",
    "passage_order",
    "sentence_passage",
    "sentence_order",
    "sentence_start",
    "sentence_end",
)


def save_index(index: Index, directory: str | Path) -> None:
    """Write the arrays into a new folder, then ``meta.json`` naming it (by rename), then
    remove the previous save's arrays: cut short anywhere, the folder still holds the
    previous index whole (or nothing that loads)."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {name: getattr(index.t, name) for name in _INT_ARRAYS}
    for name, matrix in [*zip(FIELDS, index.fields), ("sentences", index.sentences)]:
        # Saved column-major, the layout queries read, and as float32, the type they
        # score with: a mapped index answers at once, without converting a copy.
        matrix = matrix.tocsc()
        arrays[f"{name}.data"] = np.asarray(matrix.data, np.float32)
        arrays[f"{name}.indices"] = matrix.indices
        arrays[f"{name}.indptr"] = matrix.indptr
        arrays[f"{name}.shape"] = np.asarray(matrix.shape, np.int64)
    # The sentences as one UTF-8 text and where each ends (bytes): a question slices out
    # the few it shows, nothing else of them is read.
    encoded = [text.encode("utf-8") for text in index.t.sentence_text]
    arrays["sentence_text"] = np.frombuffer(b"".join(encoded), np.uint8)
    arrays["sentence_text_ends"] = np.cumsum([len(x) for x in encoded], dtype=np.int64)
    # The ranking statistics, so a loaded index scores its first question at once.
    for name, scorer in zip(("fields", "sentences"), index._ready()):
        arrays[f"stats.{name}.df"] = scorer.stats.df
        for i, lengths in enumerate(scorer.stats.lengths):
            arrays[f"stats.{name}.length{i}"] = lengths
    saved = write_arrays(path, ARRAYS, arrays)
    meta = {
        "format": FORMAT,
        "analyzer": index.analyzer.spec(),
        "params": index.params.to_dict(),
        "vocab": index.vocab.tokens,
        "unit_ids": index.t.unit_ids,
        "unit_title": index.t.unit_title,
        "unit_kind": index.t.unit_kind.tolist(),
        "unit_process": index.t.unit_process.tolist(),
        "arrays": saved,
    }
    # Write then rename, so a reader never sees half a file.
    tmp = path / (META + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path / META)
    remove_stale(path, ARRAYS, keep=saved["folder"])
    (path / OLD_ARRAYS).unlink(missing_ok=True)


class JoinedStrings(Sequence[str]):
    """Many strings kept as one, sliced on demand: a loaded index answers without first
    splitting a million sentences. ``joined`` is a str (format 1, ``ends`` in characters)
    or UTF-8 bytes in a uint8 array (mapped, ``ends`` in bytes). Becomes a plain list when
    the index is changed."""

    def __init__(self, joined: str | np.ndarray, ends: np.ndarray):
        self.joined = joined
        self.ends = ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        start = int(self.ends[i - 1]) if i else 0
        part = self.joined[start:int(self.ends[i])]
        return part if isinstance(part, str) else part.tobytes().decode("utf-8")

    def append(self, text: str) -> None:
        raise TypeError("JoinedStrings is read-only; Index.add turns it into a list first")


def load_index(directory: str | Path, analyzer: Analyzer | None = None) -> Index:
    """Reopen a saved index; the analyzer is rebuilt from its saved lexicon unless given.
    A missing or damaged file raises OSError or ValueError (the caller rebuilds)."""
    path = Path(directory)
    meta = json.loads((path / META).read_text(encoding="utf-8"))
    if meta.get("format") not in READABLE_FORMATS:
        raise ValueError(f"{path}: index format {meta.get('format')!r}, expected {FORMAT}; rebuild it")
    index = Index(analyzer or Analyzer.from_spec(meta["analyzer"]), RankingParams.from_dict(meta["params"]))
    index.vocab = Vocabulary(meta["vocab"])
    t = index.t
    t.unit_ids, t.unit_title = meta["unit_ids"], meta["unit_title"]
    t.unit_kind, t.unit_process = _strings(meta["unit_kind"]), _strings(meta["unit_process"])
    if meta["format"] == 1:
        with np.load(path / OLD_ARRAYS, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        text = meta["sentence_text"]
    else:
        arrays = read_arrays(path, meta["arrays"])
        text = arrays["sentence_text"]
    for name in _INT_ARRAYS:
        setattr(t, name, arrays[name])
    t.sentence_text = JoinedStrings(text, arrays["sentence_text_ends"])

    def matrix(name: str) -> Columns:
        # format 1 kept counts in 16 bits; a float32 array is used as it is (mapped)
        data = np.asarray(arrays[f"{name}.data"], np.float32)
        shape = tuple(int(n) for n in arrays[f"{name}.shape"])
        return Columns(data, arrays[f"{name}.indices"], arrays[f"{name}.indptr"], shape)

    index.fields = [matrix(name) for name in FIELDS]
    index.sentences = matrix("sentences")
    if "stats.fields.df" in arrays:  # (an index saved before they were kept: computed)
        index.__dict__["_saved_stats"] = tuple(
            ScorerStats([arrays[f"stats.{name}.length{i}"] for i in range(count)],
                        arrays[f"stats.{name}.df"])
            for name, count in (("fields", len(FIELDS)), ("sentences", 1)))
    return index
