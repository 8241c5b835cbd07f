"""A command closes its store before it exits: the writes are in laoshifu.db itself, not left
in the write-ahead log (a copy of laoshifu.db alone would miss them)."""

from __future__ import annotations

import sqlite3

from ..conftest import EXAMPLE


def test_an_import_leaves_its_writes_in_the_database_file(home, cli):
    assert cli("import", str(EXAMPLE)).returncode == 0
    wal = home / "laoshifu.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    copy = home.parent / "copy.db"
    copy.write_bytes((home / "laoshifu.db").read_bytes())  # the file alone, as a user copies it
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select count(*) from units").fetchone()[0] > 300
