"""Backup and restore of the whole store: every table of the schema, in one SQLite file.

Whatever the store runs on, a backup is an SQLite file holding the store's own tables:
from SQLite it is SQLite's online backup (one consistent snapshot while the server goes on
writing), from PostgreSQL a copy of the same tables made in one repeatable-read
transaction. It is written beside its final name and renamed into place only when
complete and checked, so a crash never leaves half a backup under that name and never
harms an older one. Restore reads a backup into an empty store (SQLite or PostgreSQL), all
or nothing; a backup made before later migrations is migrated on a copy first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Table, create_engine, func, insert, inspect, select, update

from ..errors import Conflict, LaoshifuError, Problem
from ..progress import Progress, report, steps
from . import migrations, schema
from .core import Store

SQLITE_HEADER = b"SQLite format 3\x00"
BATCH = 1000
# Tables whose rows say what the store is rather than what it holds.
_BOOKKEEPING = ("meta", "schema_migrations")
# meta keys that belong to the store a backup is restored into, not to the backup.
_OWN_META = ("store_id", "store_version")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    seconds: float
    method: str  # how the snapshot was taken
    tables: dict[str, int] = field(default_factory=dict)  # rows per table

    def to_dict(self) -> dict:
        return {"path": str(self.path), "bytes": self.bytes, "seconds": round(self.seconds, 3),
                "method": self.method, "tables": self.tables}


@dataclass(frozen=True)
class RestoreReport:
    source: Path
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)
    migrated: list[int] = field(default_factory=list)  # migrations the backup lacked

    def to_dict(self) -> dict:
        return {"source": str(self.source), "seconds": round(self.seconds, 3),
                "tables": self.tables, "migrated": self.migrated}


# -- backup ------------------------------------------------------------------------------
def backup(store: Store, path: Path | str, progress: Progress | None = None) -> BackupReport:
    """Write a consistent copy of every table of ``store`` to ``path`` (a file, or a folder
    to put a timestamped file in); ``progress`` is told of the tables copied (SQLite's
    online backup copies the file in one step, one snapshot)."""
    started = time.perf_counter()
    target = _target(Path(path))
    own = _sqlite_path(store)
    if own is not None and target.exists() and target.resolve() == own.resolve():
        raise LaoshifuError(Problem("a backup cannot overwrite the store itself", file=str(target)))
    _remove_stale(target)
    partial = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        # Password and token hashes and the session secret are inside: owner only.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        if own is not None:
            report(progress, "copying", 0, 1)
            _sqlite_snapshot(own, partial)
            report(progress, "copying", 1, 1)
            method = "sqlite online backup"
        else:
            _logical_snapshot(store, partial, progress)
            method = "logical copy (repeatable read)"
        tables = _verified_counts(partial, "the copy of the store")
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(target, target.stat().st_size, time.perf_counter() - started, method, tables)


def _target(path: Path) -> Path:
    if path.is_dir():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        return path / f"laoshifu-{stamp}.sqlite"
    if not path.parent.is_dir():
        raise LaoshifuError(Problem("the folder for the backup does not exist", file=str(path.parent),
                                    hint="create it first, or name an existing folder"))
    return path


def _sqlite_path(store: Store) -> Path | None:
    if store.dialect != "sqlite":
        return None
    database = store.engine.url.database
    if not database or database == ":memory:":
        raise LaoshifuError(Problem("an in-memory store has nothing on disk to back up"))
    return Path(database)


def _remove_stale(target: Path) -> None:
    """Partial files left by a backup that was killed (its process is gone)."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        pid = leftover.name[len(target.name) + 2:-len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sqlite_snapshot(database: Path, out: Path) -> None:
    # One backup step copies every page inside one read transaction: a snapshot, while
    # WAL lets writers go on meanwhile.
    with closing(sqlite3.connect(database, timeout=30)) as source, \
            closing(sqlite3.connect(out)) as copy:
        source.backup(copy)
        # The copy is one self-contained file, not a WAL database with side files.
        copy.execute("PRAGMA journal_mode=DELETE")


def _logical_snapshot(store: Store, out: Path, progress: Progress | None = None) -> None:
    copy = create_engine(f"sqlite:///{out}")
    try:
        schema.metadata.create_all(copy)
        with store.engine.connect() as source:
            source = source.execution_options(isolation_level="REPEATABLE READ")
            with source.begin(), copy.begin() as sink:
                for table in steps(progress, "tables", schema.metadata.sorted_tables):
                    _copy_rows(source, sink, table)
    finally:
        copy.dispose()


def _copy_rows(source: Connection, sink: Connection, table: Table) -> int:
    rows = 0
    result = source.execution_options(yield_per=BATCH).execute(select(table))
    for batch in result.mappings().partitions(BATCH):
        sink.execute(insert(table), [dict(row) for row in batch])
        rows += len(batch)
    return rows


def _verified_counts(path: Path, what: str, where: str | None = None) -> dict[str, int]:
    """Rows per table of a backup file, after SQLite's own check of it."""
    where = where or str(path)
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    if verdict != "ok":
        raise LaoshifuError(Problem(f"{what} is damaged ({verdict})", file=where,
                                    hint="take the backup again (is the store itself damaged?)"
                                    if what.startswith("the copy") else "use an older backup"))
    engine = create_engine(f"sqlite:///{path}")
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {t.name: conn.scalar(select(func.count()).select_from(t))
                    for t in schema.metadata.sorted_tables if t.name in present}
    finally:
        engine.dispose()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- restore -----------------------------------------------------------------------------
def restore(store: Store, path: Path | str, actor: str = "restore",
            progress: Progress | None = None) -> RestoreReport:
    """Read the backup at ``path`` into ``store``, which must hold nothing yet (``progress``
    told of the tables read)."""
    started = time.perf_counter()
    source = Path(path)
    _check_empty(store, contents(store))
    with tempfile.TemporaryDirectory(prefix="laoshifu-restore-") as scratch:
        copy, migrated = _migrated_copy(source, Path(scratch) / "backup.sqlite")
        engine = create_engine(f"sqlite:///{copy}")
        try:
            with engine.connect() as backup_conn, store.transaction() as conn:
                # Checked again inside the write lock: nothing may have arrived meanwhile.
                _check_empty(store, _contents(conn))
                tables = {}
                for table in steps(progress, "tables", schema.metadata.sorted_tables):
                    if table.name in _BOOKKEEPING:
                        continue
                    tables[table.name] = _copy_rows(backup_conn, conn, table)
                    _continue_ids(store, conn, table)
                _take_meta(store, conn, backup_conn)
                store.audit(conn, actor, "store.restore", detail={"backup": source.name, **tables})
        finally:
            engine.dispose()
    return RestoreReport(source, time.perf_counter() - started, tables, migrated)


def contents(store: Store) -> dict[str, int]:
    """Rows per table, bookkeeping tables left out: all zero in an empty store."""
    with store.read() as conn:
        return _contents(conn)


def _contents(conn: Connection) -> dict[str, int]:
    return {t.name: conn.scalar(select(func.count()).select_from(t))
            for t in schema.metadata.sorted_tables if t.name not in _BOOKKEEPING}


def _check_empty(store: Store, counts: dict[str, int]) -> None:
    held = {name: n for name, n in counts.items() if n}
    if held:
        listed = ", ".join(f"{n} {name}" for name, n in sorted(held.items(), key=lambda x: -x[1])[:4])
        raise Conflict(Problem(
            f"the store is not empty ({listed}): restore only into an empty store",
            file=_describe(store),
            hint="point LAOSHIFU_HOME (or LAOSHIFU_DATABASE_URL) at a new, empty place and "
                 "restore there; nothing was changed"))


def _describe(store: Store) -> str:
    return str(_sqlite_path(store)) if store.dialect == "sqlite" \
        else store.engine.url.render_as_string(hide_password=True)


def _migrated_copy(source: Path, copy: Path) -> tuple[Path, list[int]]:
    """A checked copy of the backup at ``source``, migrated to this version's schema."""
    where = str(source)
    if not source.is_file():
        raise LaoshifuError(Problem("no such backup file", file=where))
    with open(source, "rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise LaoshifuError(Problem("not a Laoshifu backup (not an SQLite file)", file=where))
    shutil.copyfile(source, copy)
    _verified_counts(copy, "the backup", where)
    with closing(sqlite3.connect(copy)) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "schema_migrations", "units"} <= names:
            raise LaoshifuError(Problem("not a Laoshifu backup (it has no store tables)", file=where))
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    unknown = sorted(applied - {number for number, _name, _fn in migrations.MIGRATIONS})
    if unknown:
        raise LaoshifuError(Problem(
            f"the backup was made by a newer Laoshifu (migrations {unknown} are unknown here)",
            file=where, hint="install that version (or newer) to restore it"))
    migrated_store = Store.open(f"sqlite:///{copy}", migrate=False)
    try:
        ran = migrated_store.migrate()
    finally:
        migrated_store.close()
    return copy, ran


def _continue_ids(store: Store, conn: Connection, table: Table) -> None:
    """PostgreSQL's id sequences do not see ids inserted explicitly: move them past them."""
    column = table.autoincrement_column
    if store.dialect != "postgresql" or column is None:
        return
    highest = select(func.coalesce(func.max(column), 0)).scalar_subquery()
    conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, column.name),
                                    highest + 1, False)))


def _take_meta(store: Store, conn: Connection, backup_conn: Connection) -> None:
    """The backup's settings (the session secret, …), but this store's own identity: a
    restored store is a new line of history, so no index saved for another is trusted; its
    change counter moves past both, so running workers reload."""
    m = schema.meta
    theirs = {row.key: row.value for row in backup_conn.execute(select(m))}
    ours = {row.key: row.value for row in conn.execute(select(m))}
    for key, value in theirs.items():
        if key in _OWN_META:
            continue
        if key in ours:
            conn.execute(update(m).where(m.c.key == key).values(value=value))
        else:
            conn.execute(insert(m).values(key=key, value=value))
    counter = max(int(theirs.get("store_version") or 0), int(ours.get("store_version") or 0)) + 1
    if "store_version" in ours:
        conn.execute(update(m).where(m.c.key == "store_version").values(value=str(counter)))
    else:
        conn.execute(insert(m).values(key="store_version", value=str(counter)))
