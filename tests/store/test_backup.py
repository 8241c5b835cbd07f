"""Backup and restore: every table comes back, while the store is written to, through a
crash, and never over a store that holds something."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from laoshifu.errors import Conflict, LaoshifuError
from laoshifu.store import Store, schema
from laoshifu.store.backup import backup, contents, restore

from ..conftest import EXAMPLE
from ..training.conftest import right_response

AT = datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)
# Tables a working plant's store has rows in; the rich store below fills each (tables
# added later are copied all the same: backup and restore go over the whole schema).
FILLED = ["bases", "units", "unit_versions", "audit", "questions", "users", "memberships",
          "api_tokens", "sessions", "login_attempts", "feedback", "training_cards",
          "training_state", "training_reviews", "training_tracks", "training_exams",
          "training_sync", "embeddings"]


def _fill(store: Store) -> None:
    """A store as a plant's looks after a while: drafts, history, retired units, accounts,
    tokens, sessions, failed logins, questions, feedback, training, sentence vectors."""
    from laoshifu.people import accounts, logins, sessions
    from laoshifu.answer import asking, feedback
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.training import exams, study, tracks
    from laoshifu.knowledge.units import Note

    import_folder(store, EXAMPLE)
    accounts.add_user(store, "wang", "master", "password-123")
    accounts.add_user(store, "li", "engineer", "password-123")
    accounts.add_user(store, "xiao", "apprentice", "password-123")
    wang, li, xiao = (accounts.get_user(store, n) for n in ("wang", "li", "xiao"))
    accounts.create_token(store, "wang", "laptop")
    sessions.start(store, "xiao")
    logins.attempt(store, "xiao", "wrong password", "10.0.0.7")
    note = store.get_unit("main", "note-dp-instrument") or store.list_units("main", kinds=["note"])[0]
    store.save_unit("main", note.with_changes(body=note.body + "\n补充：冬天更要注意。"), "wang",
                    comment="winter")
    store.save_unit("main", note.with_changes(body=note.body + "\n草稿：待审。", status="draft"), "li",
                    comment="a draft waiting")
    store.save_unit("main", Note(id="note-old", title="旧笔记", body="不再适用。", status="approved"), "wang")
    store.set_status("main", "note-old", "retired", "wang", "retire", comment="obsolete")
    asking.ask(store, "main", "火星上的退火炉怎么开？", xiao)  # not sure: queued
    feedback.record(store, "main", "露点控制在多少？", False, xiao, "没说清楚", ["dc-dew-point"])
    track = tracks.save_track(store, tracks.Track(base="main", name="新徒弟", processes=("脱碳退火",)), wang)
    assert track.id
    queue = study.today_queue(store, "main", xiao, at=AT)
    item = queue.items[0]
    study.answer(store, "main", xiao, item.card.unit_id, item.card.slot, right_response(item.card), at=AT)
    exams.start_exam(store, "main", xiao, "脱碳退火", at=AT)
    store.put_vectors("test-model", {"a" * 40: np.ones(4), "b" * 40: np.zeros(4)})


@pytest.fixture(scope="module")
def rich_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rich") / "laoshifu.db"
    store = Store.open(f"sqlite:///{path}")
    _fill(store)
    store.close()
    return path


@pytest.fixture
def rich(rich_template, home) -> Store:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rich_template, home / "laoshifu.db")
    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    yield store
    store.close()


def _new_store(tmp_path: Path, name: str) -> Store:
    (tmp_path / name).mkdir()
    return Store.open(f"sqlite:///{tmp_path / name / 'laoshifu.db'}")


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order; the store's own identity left out."""
    out = {}
    with store.read() as conn:
        for table in schema.metadata.sorted_tables:
            rows = [tuple(r) for r in conn.execute(select(table))]
            if table.name == "meta":
                rows = [r for r in rows if r[0] not in ("store_id", "store_version")]
            if table.name == "schema_migrations":
                rows = [r[:2] for r in rows]  # not when each ran
            if table.name == "audit":
                rows = [r for r in rows if r[3] != "store.restore"]
            out[table.name] = sorted(rows, key=repr)
    return out


def test_the_rich_store_has_rows_in_every_table(rich):
    counts = contents(rich)
    assert [name for name in FILLED if not counts[name]] == []


def test_restore_brings_back_every_row_of_every_table(rich, tmp_path):
    report = backup(rich, tmp_path / "b.sqlite")
    assert report.path == tmp_path / "b.sqlite" and report.method == "sqlite online backup"
    assert report.tables["units"] == 345 and report.tables["unit_versions"] == 348
    assert oct((tmp_path / "b.sqlite").stat().st_mode & 0o777) == "0o600"
    fresh = _new_store(tmp_path, "fresh")
    restored = restore(fresh, tmp_path / "b.sqlite")
    assert restored.migrated == [] and restored.tables["users"] == 3
    assert dump(fresh) == dump(rich)
    # a pending draft, history and the retired unit are there as they were
    assert fresh.get_pending("main", rich.pending_drafts("main")[0].id).status == "draft"
    assert fresh.get_unit("main", "note-old").status == "retired"
    # a new store identity (an index saved for the old one is never trusted), a counter
    # past the old one (running workers reload), and the restore is in the audit log
    assert fresh.store_id() != rich.store_id()
    assert fresh.version() == rich.version() + 1
    assert fresh.audit_log(limit=1)[0]["action"] == "store.restore"


def test_restore_then_export_is_identical(rich, tmp_path):
    from laoshifu.knowledge.folders import export_base

    backup(rich, tmp_path / "b.sqlite")
    fresh = _new_store(tmp_path, "fresh")
    restore(fresh, tmp_path / "b.sqlite")
    before, after = tmp_path / "before", tmp_path / "after"
    assert export_base(rich, before, include_retired=True) == export_base(fresh, after, include_retired=True)
    files = sorted(p.relative_to(before) for p in before.rglob("*") if p.is_file())
    assert len(files) == 23
    for name in files:
        assert (after / name).read_bytes() == (before / name).read_bytes(), name


def test_the_restored_store_works_on(rich, tmp_path):
    from laoshifu.people import accounts, logins

    backup(rich, tmp_path / "b.sqlite")
    fresh = _new_store(tmp_path, "fresh")
    restore(fresh, tmp_path / "b.sqlite")
    assert logins.attempt(fresh, "wang", "password-123", "10.0.0.8").user.name == "wang"
    accounts.add_user(fresh, "liu", "apprentice", "password-123")  # ids and audit go on
    assert fresh.audit_log(limit=1)[0]["action"] == "user.add"


def test_restore_refuses_a_store_that_is_not_empty(rich, tmp_path, example_dir):
    backup(rich, tmp_path / "b.sqlite")
    other = _new_store(tmp_path, "other")
    other.save_unit("main", rich.get_unit("main", "note-old"), "someone")
    before = dump(other)
    with pytest.raises(Conflict) as caught:
        restore(other, tmp_path / "b.sqlite")
    assert "the store is not empty (2 audit, 1 bases" in str(caught.value)
    assert "new, empty place" in str(caught.value)
    assert dump(other) == before


@pytest.mark.parametrize("make,message", [
    (lambda p: None, "no such backup file"),
    (lambda p: p.write_text("units,versions\n", encoding="utf-8"), "not a Laoshifu backup (not an SQLite file)"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (a)").connection.commit(),
     "not a Laoshifu backup (it has no store tables)"),
], ids=["missing", "text", "other-sqlite"])
def test_restore_refuses_what_is_not_a_backup(tmp_path, make, message):
    path = tmp_path / "b.sqlite"
    make(path)
    fresh = _new_store(tmp_path, "fresh")
    with pytest.raises(LaoshifuError) as caught:
        restore(fresh, path)
    assert str(caught.value) == f"{path}: {message}"
    assert not any(contents(fresh).values())


def test_restore_refuses_a_damaged_backup(rich, tmp_path):
    backup(rich, tmp_path / "b.sqlite")
    data = bytearray((tmp_path / "b.sqlite").read_bytes())
    data[len(data) // 2:len(data) // 2 + 65536] = os.urandom(65536)
    (tmp_path / "b.sqlite").write_bytes(bytes(data))
    fresh = _new_store(tmp_path, "fresh")
    with pytest.raises(LaoshifuError) as caught:
        restore(fresh, tmp_path / "b.sqlite")
    assert str(caught.value).startswith(f"{tmp_path / 'b.sqlite'}: the backup is damaged (")
    assert str(caught.value).endswith("(hint: use an older backup)")
    assert not any(contents(fresh).values())


def test_restore_refuses_a_backup_from_a_newer_version(rich, tmp_path):
    backup(rich, tmp_path / "b.sqlite")
    with sqlite3.connect(tmp_path / "b.sqlite") as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    fresh = _new_store(tmp_path, "fresh")
    with pytest.raises(LaoshifuError, match=r"made by a newer Laoshifu \(migrations \[999\]"):
        restore(fresh, tmp_path / "b.sqlite")


def test_an_older_backup_is_migrated_first(rich, tmp_path):
    backup(rich, tmp_path / "b.sqlite")
    with sqlite3.connect(tmp_path / "b.sqlite") as conn:  # as made before migration 10
        conn.execute("DROP TABLE embeddings")
        conn.execute("DELETE FROM schema_migrations WHERE version = 10")
    fresh = _new_store(tmp_path, "fresh")
    report = restore(fresh, tmp_path / "b.sqlite")
    assert report.migrated == [10] and report.tables["embeddings"] == 0
    assert report.tables["units"] == 345


def test_backup_into_a_folder_names_the_file_by_time(rich, tmp_path):
    report = backup(rich, tmp_path)
    assert report.path.parent == tmp_path
    assert report.path.name.startswith("laoshifu-") and report.path.suffix == ".sqlite"


def test_backup_refuses_a_missing_folder_and_the_store_itself(rich, tmp_path, home):
    with pytest.raises(LaoshifuError, match="the folder for the backup does not exist"):
        backup(rich, tmp_path / "nowhere" / "b.sqlite")
    with pytest.raises(LaoshifuError, match="cannot overwrite the store itself"):
        backup(rich, home / "laoshifu.db")


# -- while the store is written to ---------------------------------------------------------
def test_backups_during_concurrent_writes_are_consistent_snapshots(store, tmp_path):
    """A writer thread saves units (unit + version + audit + counter in one transaction)
    while backups are taken: each backup holds whole transactions only."""
    from laoshifu.knowledge.units import Note

    stop = threading.Event()
    written = []

    def writer():
        i = 0
        while not stop.is_set():
            store.save_unit("main", Note(id=f"n{i}", title=f"笔记{i}", body="露点。" * 50,
                                         status="approved"), "writer")
            written.append(i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    seen = []
    try:
        while len(written) < 5:
            pass
        for k in range(8):
            seen.append(backup(store, tmp_path / f"b{k}.sqlite"))
    finally:
        stop.set()
        thread.join(timeout=60)
    assert len(written) > 20
    units = [r.tables["units"] for r in seen]
    assert units == sorted(units) and units[-1] > units[0]
    for report in seen:
        with sqlite3.connect(report.path) as conn:
            n_units, n_versions, n_audit = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                            for t in ("units", "unit_versions", "audit"))
            counter = int(conn.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0])
        # every save wrote a unit, its version, an audit row and moved the counter together
        assert n_units == n_versions == counter
        assert n_audit == n_units + 1  # and base.create once
    # the store was not disturbed
    assert len(store.list_units("main")) == len(written)


CHILD = textwrap.dedent("""
    import sys, time
    from laoshifu.store import Store, backup as backups

    real = backups._verified_counts

    def pause(path, *args, **kwargs):
        counts = real(path, *args, **kwargs)
        # the new copy is complete beside the old backup, not yet renamed over it
        print("COPIED", flush=True)
        time.sleep(120)
        return counts

    backups._verified_counts = pause
    backups.backup(Store.open(sys.argv[1]), sys.argv[2])
""")


def test_kill_9_during_backup_leaves_the_old_backup_and_the_store(rich, tmp_path):
    from laoshifu.knowledge.units import Note

    old = backup(rich, tmp_path / "b.sqlite")
    old_bytes = old.path.read_bytes()
    rich.save_unit("main", Note(id="n-new", title="新笔记", body="新的。", status="approved"), "wang")
    before = dump(rich)
    child = subprocess.Popen([sys.executable, "-c", CHILD, rich.url, str(old.path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "COPIED"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert old.path.read_bytes() == old_bytes
    leftovers = list(tmp_path.glob(".b.sqlite.*.tmp"))
    assert [p.name for p in leftovers] == [f".b.sqlite.{child.pid}.tmp"]
    assert dump(rich) == before
    with sqlite3.connect(Path(rich.engine.url.database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the next backup clears the dead one's leftover and holds the new unit
    again = backup(rich, tmp_path / "b.sqlite")
    assert list(tmp_path.glob(".b.sqlite.*.tmp")) == []
    assert again.tables["units"] == old.tables["units"] + 1


# -- PostgreSQL ------------------------------------------------------------------------------
def test_postgres_round_trip(rich, tmp_path, pg_url):
    """SQLite backup -> PostgreSQL -> logical backup -> SQLite: nothing changes; the
    restored PostgreSQL store goes on numbering its rows."""
    backup(rich, tmp_path / "from-sqlite.sqlite")
    pg = Store.open(pg_url)
    try:
        restore(pg, tmp_path / "from-sqlite.sqlite")
        assert dump(pg) == dump(rich)
        report = backup(pg, tmp_path / "from-pg.sqlite")
        assert report.method == "logical copy (repeatable read)"
        with pg.transaction() as conn:  # sequences continue past the restored ids
            pg.audit(conn, "test", "after.restore")
        back = _new_store(tmp_path, "back")
        restore(back, tmp_path / "from-pg.sqlite")
        assert dump(back) == dump(rich)
    finally:
        pg.close()


# -- the commands ----------------------------------------------------------------------------
def test_backup_and_restore_commands(rich, tmp_path, cli, home):
    done = cli("backup", str(tmp_path / "b.sqlite"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backed up the store to {tmp_path / 'b.sqlite'} (")
    assert "units 345, unit_versions 348" in done.stdout
    refused = cli("restore", str(tmp_path / "b.sqlite"))
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "the store is not empty" in refused.stderr
    empty = tmp_path / "empty-home"
    from ..conftest import run_cli
    restored = run_cli("restore", str(tmp_path / "b.sqlite"), home=empty)
    assert restored.returncode == 0, restored.stderr
    assert "units 345, unit_versions 348" in restored.stdout
    again = Store.open(f"sqlite:///{empty / 'laoshifu.db'}")
    assert dump(again) == dump(rich)
    again.close()


def test_export_says_loudly_what_it_leaves_out(rich, tmp_path, cli):
    done = cli("export", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert ("注意 not in this export: 1 drafts waiting for review, 2 earlier versions, "
            "1 retired units, 2 queued questions, 1 feedback, users, tokens, audit log and "
            "training records. Importing it elsewhere loses them; `laoshifu backup PATH` "
            "keeps everything.") in done.stderr
