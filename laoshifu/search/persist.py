"""Save/load an index as plain arrays (npz) + JSON: no pickle, so loading is safe and fast."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from laoshifu.search.bm25 import Columns, ScorerStats, Vocabulary
from laoshifu.search.documents import FIELDS
from laoshifu.search.index import Index, RankingParams, _strings
from laoshifu.text.segment import Analyzer

FORMAT = 1
_INT_ARRAYS = (
    "passage_unit",
    "passage_order",
    "sentence_passage",
    "sentence_order",
    "sentence_start",
    "sentence_end",
)


def save_index(index: Index, directory: str | Path) -> None:
    """Write ``arrays.npz`` (matrices, row tables) and ``meta.json`` (strings, settings)."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {name: getattr(index.t, name) for name in _INT_ARRAYS}
    for name, matrix in [*zip(FIELDS, index.fields), ("sentences", index.sentences)]:
        # Saved column-major, the layout queries read, so a loaded index answers at once;
        # term counts fit 16 bits, halving the largest array.
        matrix = matrix.tocsc()
        arrays[f"{name}.data"] = np.minimum(matrix.data, 65535).astype(np.uint16)
        arrays[f"{name}.indices"] = matrix.indices
        arrays[f"{name}.indptr"] = matrix.indptr
        arrays[f"{name}.shape"] = np.asarray(matrix.shape, np.int64)
    arrays["sentence_text_ends"] = np.cumsum([len(x) for x in index.t.sentence_text], dtype=np.int64)
    # The ranking statistics, so a loaded index scores its first question at once.
    for name, scorer in zip(("fields", "sentences"), index._ready()):
        arrays[f"stats.{name}.df"] = scorer.stats.df
        for i, lengths in enumerate(scorer.stats.lengths):
            arrays[f"stats.{name}.length{i}"] = lengths
    np.savez(path / "arrays.npz", **arrays)
    meta = {
        "format": FORMAT,
        "analyzer": index.analyzer.spec(),
        "params": index.params.to_dict(),
        "vocab": index.vocab.tokens,
        "unit_ids": index.t.unit_ids,
        "unit_title": index.t.unit_title,
        "unit_kind": index.t.unit_kind.tolist(),
        "unit_process": index.t.unit_process.tolist(),
        # One string + offsets loads far faster than a million-element JSON list.
        "sentence_text": "".join(index.t.sentence_text),
    }
    # Write then rename, so a reader never sees half a file.
    tmp = path / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path / "meta.json")


class JoinedStrings(Sequence[str]):
    """Many strings kept as one, sliced on demand: a loaded index answers without first
    splitting a million sentences. Becomes a plain list when the index is changed."""

    def __init__(self, joined: str, ends: np.ndarray):
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
        return self.joined[start:int(self.ends[i])]

    def append(self, text: str) -> None:
        raise TypeError("JoinedStrings is read-only; Index.add turns it into a list first")


def load_index(directory: str | Path, analyzer: Analyzer | None = None) -> Index:
    """Reopen a saved index; the analyzer is rebuilt from its saved lexicon unless given."""
    path = Path(directory)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: index format {meta.get('format')!r}, expected {FORMAT}; rebuild it")
    index = Index(analyzer or Analyzer.from_spec(meta["analyzer"]), RankingParams.from_dict(meta["params"]))
    index.vocab = Vocabulary(meta["vocab"])
    t = index.t
    t.unit_ids, t.unit_title = meta["unit_ids"], meta["unit_title"]
    t.unit_kind, t.unit_process = _strings(meta["unit_kind"]), _strings(meta["unit_process"])
    with np.load(path / "arrays.npz", allow_pickle=False) as arrays:
        for name in _INT_ARRAYS:
            setattr(t, name, arrays[name])

        t.sentence_text = JoinedStrings(meta["sentence_text"], arrays["sentence_text_ends"])

        def matrix(name: str) -> Columns:
            data = arrays[f"{name}.data"].astype(np.float32)
            shape = tuple(int(n) for n in arrays[f"{name}.shape"])
            return Columns(data, arrays[f"{name}.indices"], arrays[f"{name}.indptr"], shape)

        index.fields = [matrix(name) for name in FIELDS]
        index.sentences = matrix("sentences")
        if "stats.fields.df" in arrays.files:  # (an index saved before they were kept: computed)
            index.__dict__["_saved_stats"] = tuple(
                ScorerStats([arrays[f"stats.{name}.length{i}"] for i in range(count)],
                            arrays[f"stats.{name}.df"])
                for name, count in (("fields", len(FIELDS)), ("sentences", 1)))
    return index
