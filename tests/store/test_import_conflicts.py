"""A re-import never silently overwrites what was changed in the store since the folder's
last import (issue 9, item 1): it names the conflict and refuses, unless told which side wins."""

import shutil
import sqlite3

import pytest

from laoshifu.errors import Conflict
from laoshifu.knowledge.folders import import_folder

from ..conftest import EXAMPLE
from ..knowledge.test_folders import PARAMS, make_kb


def _approve_web_edit(store, unit_id="dc-dp", **changes):
    live = store.get_unit("main", unit_id)
    store.save_unit("main", live.with_changes(status="draft", **changes), actor="li",
                    comment="网页改的")
    return store.decide_pending("main", unit_id, True, actor="wang")


def test_reimporting_the_unchanged_folder_keeps_an_approved_web_edit(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    _approve_web_edit(store, upper=67.0)
    with pytest.raises(Conflict) as caught:
        import_folder(store, kb)
    problem = caught.value.problems[0]
    assert problem.field == "dc-dp"
    assert "approve by wang" in problem.message and "--ours" in problem.hint
    unit = store.get_unit("main", "dc-dp")
    assert (unit.upper, unit.version) == (67.0, 3)
    assert [info["change"] for _, info in store.history("main", "dc-dp")] == ["import", "draft", "approve"]


def test_ours_keeps_the_store_and_imports_the_rest(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    _approve_web_edit(store, upper=67.0)
    (kb / "parameters.csv").write_text(PARAMS.replace("75,65,85", "70,60,80"), encoding="utf-8")
    report, _ = import_folder(store, kb, on_conflict="ours")
    assert report.updated == ["dc-h2"] and report.kept == ["dc-dp"]
    assert [c.unit_id for c in report.conflicts] == ["dc-dp"]
    assert store.get_unit("main", "dc-dp").upper == 67.0
    assert store.get_unit("main", "dc-h2").lower == 60.0


def test_theirs_takes_the_folder(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    _approve_web_edit(store, upper=67.0)
    report, _ = import_folder(store, kb, on_conflict="theirs")
    assert report.updated == ["dc-dp"] and report.conflicts == []
    unit = store.get_unit("main", "dc-dp")
    assert (unit.upper, unit.version) == (65.0, 4)


def test_after_export_into_the_folder_the_import_is_clean(store, tmp_path):
    from laoshifu.knowledge.folders import export_base

    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    _approve_web_edit(store, upper=67.0)
    shutil.rmtree(kb)
    export_base(store, kb)
    report, _ = import_folder(store, kb)
    assert report.conflicts == [] and not report.changed
    (kb / "parameters.csv").write_text(
        (kb / "parameters.csv").read_text(encoding="utf-8").replace("67", "66"), encoding="utf-8")
    report, _ = import_folder(store, kb)  # the folder is in step again: its change goes in
    assert report.updated == ["dc-dp"] and store.get_unit("main", "dc-dp").upper == 66.0


def test_a_unit_retired_in_the_web_and_still_in_the_folder_is_a_conflict(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    store.set_status("main", "p-start", "retired", actor="wang", change="retire", comment="不用了")
    with pytest.raises(Conflict, match="retire by wang"):
        import_folder(store, kb)
    assert store.get_unit("main", "p-start").status == "retired"


def test_a_unit_edited_in_the_web_and_removed_from_the_folder_is_not_retired(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    _approve_web_edit(store, "p-start", steps=("吹氮", "检漏", "通氢"))
    (kb / "procedures/p.md").unlink()
    with pytest.raises(Conflict, match="no longer in the folder"):
        import_folder(store, kb)
    report, _ = import_folder(store, kb, on_conflict="ours")
    assert report.retired == [] and store.get_unit("main", "p-start").status == "approved"


def test_a_unit_retired_by_the_folder_comes_back_without_conflict(store, tmp_path):
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    text = (kb / "procedures/p.md").read_text(encoding="utf-8")
    (kb / "procedures/p.md").unlink()
    assert import_folder(store, kb)[0].retired == ["p-start"]
    (kb / "procedures/p.md").write_text(text, encoding="utf-8")
    report, _ = import_folder(store, kb)
    assert report.updated == ["p-start"] and store.get_unit("main", "p-start").status == "approved"


def test_the_folder_is_recognised_from_another_path(store, tmp_path):
    """The same folder from another checkout (or a zip of it) retires what it dropped."""
    first = make_kb(tmp_path / "a" / "kb")
    import_folder(store, first)
    second = tmp_path / "b" / "kb"
    shutil.copytree(first, second)
    (second / "procedures/p.md").unlink()
    assert import_folder(store, second)[0].retired == ["p-start"]


def test_a_store_from_before_migration_5_knows_what_each_folder_held(tmp_path):
    from laoshifu.store import Store

    path = tmp_path / "old.db"
    store = Store.open(f"sqlite:///{path}")
    kb = make_kb(tmp_path / "kb")
    import_folder(store, kb)
    _approve_web_edit(store, upper=67.0)
    store.close()
    with sqlite3.connect(path) as conn:  # as a store made before migration 5 looked
        conn.execute("ALTER TABLE units DROP COLUMN import_hash")
        conn.execute("UPDATE units SET origin = ?", (str(kb.resolve()),))
        conn.execute("DELETE FROM schema_migrations WHERE version = 5")
    store = Store.open(f"sqlite:///{path}")
    with pytest.raises(Conflict, match="dc-dp"):
        import_folder(store, kb)
    (kb / "procedures/p.md").unlink()
    report, _ = import_folder(store, kb, on_conflict="ours")
    assert report.retired == ["p-start"]  # the old absolute-path origin is the same folder
    store.close()


def test_cli_names_the_conflict_and_make_run_imports_only_into_an_empty_store(cli, home, tmp_path):
    from laoshifu.store import Store

    kb = make_kb(tmp_path / "kb")
    assert cli("import", str(kb)).returncode == 0
    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    _approve_web_edit(store, upper=67.0)
    store.close()
    refused = cli("import", str(kb))
    assert refused.returncode == 2
    assert "dc-dp" in refused.stderr and "approve by wang" in refused.stderr
    skipped = cli("import", "--if-empty", str(EXAMPLE))
    assert skipped.returncode == 0 and "already holds" in skipped.stdout
    kept = cli("import", "--ours", str(kb))
    assert kept.returncode == 0 and "kept the store's dc-dp (approve by wang" in kept.stdout
