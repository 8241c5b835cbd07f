"""Saved sentence vectors: mapped .npy files (format 4), a format-3 vectors.npz still
loading, and saves cut short leaving the previous vectors whole."""

from __future__ import annotations

import json

import numpy as np
import pytest

from laoshifu.search import build_index
from laoshifu.search import mapped
from laoshifu.search.semantic import SemanticIndex, load_vectors, save_vectors
from laoshifu.search.semantic import vectors as vectors_module
from laoshifu.search.semantic.quantised import quantise
from laoshifu.search.semantic.vectors import SavedKeys

from .test_persist import is_mapped
from .test_quantised import FixedQuery, near_duplicates


@pytest.fixture
def saved(units):
    index = build_index(units)
    vectors, base = near_duplicates(index)
    return index, vectors, base


def ranked(index, vectors, base) -> list:
    semantic = SemanticIndex(index, FixedQuery(base), vectors, full_pass="int8")
    return [(h.unit_id, h.index, h.score) for h in semantic.search_sentences("露点", 5)]


def manifest(directory) -> dict:
    return json.loads((directory / "vectors.json").read_text(encoding="utf-8"))


def write_format_3(vectors, directory, store_version: int) -> None:
    """vectors.npz as the code before mapped arrays wrote it (with the int8 copies)."""
    sentences, labels = quantise(vectors.sentences.matrix), quantise(vectors.labels.matrix)
    np.savez(directory / "vectors.npz", format=np.int64(3), model=np.str_(vectors.model),
             store_version=np.int64(store_version),
             keys=np.asarray(vectors.sentences.keys, dtype="S40"),
             vectors=np.asarray(vectors.sentences.matrix, np.float16),
             codes=sentences.codes, scales=sentences.scales,
             label_keys=np.asarray(vectors.labels.keys, dtype="S40"),
             label_vectors=np.asarray(vectors.labels.matrix, np.float16),
             label_codes=labels.codes, label_scales=labels.scales,
             label_texts=np.asarray(vectors.label_texts, dtype=str),
             unit_ids=np.asarray(vectors.unit_ids, dtype=str))


def test_saved_vectors_are_mapped_and_rank_as_they_were_built(saved, tmp_path):
    index, vectors, base = saved
    rows, n = len(vectors.sentences), len(index)
    save_vectors(vectors, tmp_path, store_version=3)
    meta = manifest(tmp_path)
    assert (meta["format"], meta["model"], meta["store_version"], meta["rows"], meta["units"]) == \
        (4, "fixed", 3, rows, n)
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [meta["arrays"]["folder"]]
    loaded = load_vectors(tmp_path, "fixed", 3, rows, n)
    assert all(is_mapped(a) for a in (loaded.sentences.matrix, loaded.sentences.int8.codes,
                                      loaded.labels.matrix, loaded.labels.int8.codes))
    assert np.array_equal(loaded.sentences.matrix, vectors.sentences.matrix)
    assert np.array_equal(loaded.sentences.int8.codes, quantise(vectors.sentences.matrix).codes)
    assert isinstance(loaded.sentences.keys, SavedKeys)  # decoded only when read
    assert loaded.sentences.keys == vectors.sentences.keys == [f"s{i}" for i in range(rows)]
    assert loaded.sentences.keys[2] == "s2" and loaded.sentences.keys[1:3] == ["s1", "s2"]
    assert (loaded.unit_ids, loaded.label_texts) == (vectors.unit_ids, vectors.label_texts)
    assert ranked(index, loaded, base) == ranked(index, vectors, base)
    assert load_vectors(tmp_path, "fixed", 4, rows, n) is None  # another store version
    assert load_vectors(tmp_path, "fixed", 3, rows - 1, n) is None
    # loaded vectors saved again (keys still undecoded) are the same vectors
    save_vectors(loaded, tmp_path, store_version=4)
    again = load_vectors(tmp_path, "fixed", 4, rows, n)
    assert again.sentences.keys == vectors.sentences.keys and ranked(index, again, base) == ranked(index, vectors, base)
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 1


def test_vectors_saved_in_format_3_still_load_with_their_int8_copy(saved, tmp_path, monkeypatch):
    index, vectors, base = saved
    expected = ranked(index, vectors, base)
    write_format_3(vectors, tmp_path, 5)

    def not_again(matrix):
        raise AssertionError("the saved int8 copy was made again")

    monkeypatch.setattr(vectors_module, "quantise", not_again)
    loaded = load_vectors(tmp_path, "fixed", 5, len(vectors.sentences), len(index))
    assert loaded.sentences.int8 is not None and loaded.sentences.keys == vectors.sentences.keys
    assert ranked(index, loaded, base) == expected
    monkeypatch.undo()
    save_vectors(loaded, tmp_path, 5)  # the next save writes format 4 and drops the old file
    assert not (tmp_path / "vectors.npz").exists() and manifest(tmp_path)["format"] == 4
    assert ranked(index, load_vectors(tmp_path, "fixed", 5, len(vectors.sentences), len(index)), base) == \
        ranked(index, vectors, base)


def test_a_vectors_save_cut_short_leaves_the_previous_vectors_whole(saved, tmp_path, monkeypatch):
    index, vectors, base = saved
    rows, n = len(vectors.sentences), len(index)
    save_vectors(vectors, tmp_path, store_version=1)
    calls = []

    def save_then_fail(path, array, allow_pickle):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        with open(path, "wb") as handle:
            np.lib.format.write_array(handle, array)

    monkeypatch.setattr(mapped.np, "save", save_then_fail)
    with pytest.raises(OSError, match="disk full"):
        save_vectors(vectors, tmp_path, store_version=2)
    monkeypatch.undo()
    assert not calls[0].parent.exists()
    assert load_vectors(tmp_path, "fixed", 2, rows, n) is None
    assert ranked(index, load_vectors(tmp_path, "fixed", 1, rows, n), base) == ranked(index, vectors, base)


def test_damaged_saved_vectors_are_not_used(saved, tmp_path):
    index, vectors, base = saved
    rows, n = len(vectors.sentences), len(index)
    save_vectors(vectors, tmp_path, store_version=1)
    folder = tmp_path / manifest(tmp_path)["arrays"]["folder"]
    codes = folder / "codes.npy"
    codes.write_bytes(codes.read_bytes()[:-10])  # cut short
    assert load_vectors(tmp_path, "fixed", 1, rows, n) is None
    np.save(codes, np.zeros((rows, 16), np.int8))  # another shape than the manifest's
    assert load_vectors(tmp_path, "fixed", 1, rows, n) is None
    (tmp_path / "vectors.json").write_text('{"format": 4, "model": "fixed", "store_version": 1, "rows": '
                                           f'{rows}, "units": {n}, "arrays": {{"folder": "../x"}}}}')
    assert load_vectors(tmp_path, "fixed", 1, rows, n) is None
    (tmp_path / "vectors.json").write_text("not json")
    assert load_vectors(tmp_path, "fixed", 1, rows, n) is None
