"""A damaged store file: one line naming it and the way out, exit 2; never a traceback."""

from __future__ import annotations

import os
import sqlite3

import pytest

from laoshifu.store import Store
from laoshifu.store.damage import StoreDamaged, is_damage

from ..conftest import EXAMPLE


def _garble_middle(path) -> None:
    # Everything past the first quarter: whatever pages an answer reads (with 16 KB pages
    # a 200 KB patch in the middle could miss every one this question needs).
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 4)
        f.write(os.urandom(size - size // 4))


def test_a_file_that_is_not_a_database(home, cli):
    home.mkdir(parents=True)
    (home / "laoshifu.db").write_bytes(b"\x89PNG" + bytes(range(256)) * 400)
    done = cli("status")
    assert done.returncode == 2
    assert done.stderr == (f"error: {home / 'laoshifu.db'}: the store is damaged (file is not a "
                           "database); restore it from a backup (hint: keep the damaged file aside, "
                           "then `laoshifu restore BACKUP` into an empty LAOSHIFU_HOME)\n")
    with pytest.raises(StoreDamaged):
        Store.open(f"sqlite:///{home / 'laoshifu.db'}")


def test_damaged_pages_found_while_answering(home, cli):
    assert cli("import", str(EXAMPLE)).returncode == 0
    _garble_middle(home / "laoshifu.db")
    done = cli("ask", "露点控制在多少？")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "the store is damaged (database disk image is malformed)" in done.stderr


def test_busy_and_other_errors_are_not_damage():
    assert not is_damage(sqlite3.OperationalError("database is locked"))
    assert not is_damage(ValueError("file is not a database"))
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = 11
    assert is_damage(corrupt)
