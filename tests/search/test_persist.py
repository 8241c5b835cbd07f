"""A saved index: mapped .npy files (format 2), the format-1 npz still loading, and saves
cut short leaving the previous index whole."""

from __future__ import annotations

import json
import mmap

import numpy as np
import pytest

from laoshifu.search import build_index
from laoshifu.search import mapped, persist
from laoshifu.search.documents import FIELDS
from laoshifu.search.persist import load_index, save_index
from laoshifu.knowledge.units import Note

QUESTION = "高温退火的保温温度是多少？"
BEST = "保温温度约1200℃，以完成二次再结晶和净化。"


@pytest.fixture
def index(units):
    return build_index(units)


def answers(index) -> list:
    """What asking reads from an index: units ranked, sentences ranked, with their scores."""
    return [[(h.unit_id, h.score) for h in index.search(q, k=4)] +
            [(h.unit_id, h.index, h.text, h.score) for h in index.search_sentences(q, k=4)]
            for q in (QUESTION, "脱碳退火的露点一般控制在多少？", "氧化镁涂层老是结垢怎么办")]


def is_mapped(array: np.ndarray) -> bool:
    while array is not None and not isinstance(array, mmap.mmap):
        array = array.base
    return array is not None


def write_format_1(index, directory) -> None:
    """The index as the code before mapped arrays saved it: arrays.npz (counts in 16 bits)
    and every sentence inside meta.json."""
    arrays = {name: getattr(index.t, name) for name in persist._INT_ARRAYS}
    for name, matrix in [*zip(FIELDS, index.fields), ("sentences", index.sentences)]:
        matrix = matrix.tocsc()
        arrays[f"{name}.data"] = np.minimum(matrix.data, 65535).astype(np.uint16)
        arrays[f"{name}.indices"] = matrix.indices
        arrays[f"{name}.indptr"] = matrix.indptr
        arrays[f"{name}.shape"] = np.asarray(matrix.shape, np.int64)
    arrays["sentence_text_ends"] = np.cumsum([len(x) for x in index.t.sentence_text], dtype=np.int64)
    np.savez(directory / "arrays.npz", **arrays)
    meta = {"format": 1, "analyzer": index.analyzer.spec(), "params": index.params.to_dict(),
            "vocab": index.vocab.tokens, "unit_ids": index.t.unit_ids, "unit_title": index.t.unit_title,
            "unit_kind": index.t.unit_kind.tolist(), "unit_process": index.t.unit_process.tolist(),
            "sentence_text": "".join(index.t.sentence_text)}
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def test_a_saved_index_is_mapped_and_answers_as_it_was_built(index, tmp_path):
    expected = answers(index)
    assert expected[0][4][2] == BEST  # the best sentence of the first question
    save_index(index, tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert meta["format"] == 2 and "sentence_text" not in meta
    folders = [p.name for p in tmp_path.iterdir() if p.is_dir()]
    assert folders == [meta["arrays"]["folder"]] and folders[0].startswith("arrays-")
    loaded = load_index(tmp_path)
    assert answers(loaded) == expected
    assert all(is_mapped(a) for a in (loaded.sentences.data, loaded.fields[2].indices,
                                      loaded.t.sentence_passage, loaded.t.sentence_text.joined))
    assert loaded.sentences.data.dtype == np.float32  # scored as it is, no converted copy
    assert list(loaded.t.sentence_text) == list(index.t.sentence_text)
    assert loaded.t.sentence_text[-1] == index.t.sentence_text[-1]
    assert loaded.t.sentence_text[1:3] == index.t.sentence_text[1:3]


def test_a_mapped_index_can_be_changed_like_a_built_one(index, units, tmp_path):
    save_index(index, tmp_path)
    loaded = load_index(tmp_path)  # its arrays are read-only mappings
    new = Note(id="note-new", title="保温时间", process="高温退火", body="保温时间不少于20小时。")
    for changed in (index, loaded):
        changed.remove(["sec-hta"])
        changed.add([new])
    assert answers(loaded) == answers(index)
    assert loaded.search_sentences("保温时间多长？", k=1)[0].unit_id == "note-new"
    save_index(loaded, tmp_path)  # saved over the folder it was mapped from
    assert answers(load_index(tmp_path)) == answers(index)


def test_an_index_saved_in_format_1_still_loads_and_is_saved_anew(index, tmp_path):
    expected = answers(index)
    write_format_1(index, tmp_path)
    old = load_index(tmp_path)
    assert answers(old) == expected
    save_index(old, tmp_path)
    assert not (tmp_path / "arrays.npz").exists()
    assert json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))["format"] == 2
    assert answers(load_index(tmp_path)) == expected


def test_a_save_cut_short_leaves_the_previous_index_whole(index, tmp_path, monkeypatch):
    expected = answers(index)
    save_index(index, tmp_path)
    first = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))["arrays"]["folder"]
    index.remove(["sec-hta"])  # the next save would change the answers
    written = []

    def save_then_fail(path, array, allow_pickle):
        if len(written) == 5:
            raise KeyboardInterrupt  # as a Ctrl-C halfway through the arrays
        written.append(path)
        with open(path, "wb") as handle:
            np.lib.format.write_array(handle, array)

    monkeypatch.setattr(mapped.np, "save", save_then_fail)
    with pytest.raises(KeyboardInterrupt):
        save_index(index, tmp_path)
    monkeypatch.undo()
    assert len(written) == 5 and not written[0].parent.exists()  # its own folder removed
    assert answers(load_index(tmp_path)) == expected

    # Killed after every array was written, before meta.json named them (nothing cleaned up)
    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(persist.json, "dumps", killed)
    with pytest.raises(SystemExit):
        save_index(index, tmp_path)
    monkeypatch.undo()
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2  # the dead save's folder
    assert answers(load_index(tmp_path)) == expected
    save_index(index, tmp_path)  # the next save removes both earlier folders
    folders = [p.name for p in tmp_path.iterdir() if p.is_dir()]
    assert len(folders) == 1 and folders[0] != first
    assert [hit.unit_id for hit in load_index(tmp_path).search(QUESTION, k=4)] == \
        [hit.unit_id for hit in index.search(QUESTION, k=4)]


def test_a_loaded_index_keeps_answering_after_another_process_saves_over_it(index, tmp_path):
    expected = answers(index)
    save_index(index, tmp_path)
    worker = load_index(tmp_path)  # a web worker with the index mapped
    index.remove(["sec-hta"])
    save_index(index, tmp_path)  # another worker's save: the first folder is removed
    assert answers(worker) == expected  # its pages stay mapped until it lets go
    assert answers(load_index(tmp_path)) == answers(index)


def test_a_damaged_saved_index_is_refused_not_half_loaded(index, tmp_path):
    save_index(index, tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    folder = tmp_path / meta["arrays"]["folder"]
    data = folder / "sentences.data.npy"
    data.write_bytes(data.read_bytes()[:-8])  # a file cut short
    with pytest.raises(ValueError):
        load_index(tmp_path)
    (folder / "sentences.data.npy").unlink()
    with pytest.raises(FileNotFoundError):
        load_index(tmp_path)
    for name in ("../elsewhere", "arrays-0123456789ab/.."):
        meta["arrays"]["folder"] = name
        (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        with pytest.raises(ValueError, match="no array folder named"):
            load_index(tmp_path)
    meta["format"] = 9
    (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="index format 9, expected 2; rebuild it"):
        load_index(tmp_path)


def test_an_empty_index_saves_and_loads(tmp_path):
    empty = build_index([])
    save_index(empty, tmp_path)
    loaded = load_index(tmp_path)
    assert len(loaded) == 0 and loaded.search(QUESTION) == [] and list(loaded.t.sentence_text) == []
