"""Migration 11 adds what password changes and closed questions need to an older store."""

from __future__ import annotations

import sqlite3

from laoshifu.people import accounts
from laoshifu.store import Store


def test_migration_11_adds_the_columns_to_an_older_store(tmp_path):
    path = tmp_path / "old.db"
    store = Store.open(f"sqlite:///{path}")
    accounts.add_user(store, "wang", "master", "old-password-1")
    store.close()
    with sqlite3.connect(path) as conn:  # as a store made before migration 11 looked
        conn.execute("ALTER TABLE users DROP COLUMN must_change_password")
        for column in ("closed_by", "closed_at", "close_reason", "merged_into"):
            conn.execute(f"ALTER TABLE questions DROP COLUMN {column}")
        conn.execute("DELETE FROM schema_migrations WHERE version = 11")
    store = Store.open(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        users = [row[1] for row in conn.execute("PRAGMA table_info(users)")]
        questions = [row[1] for row in conn.execute("PRAGMA table_info(questions)")]
        flags = conn.execute("SELECT name, must_change_password FROM users").fetchall()
    assert "must_change_password" in users
    assert {"closed_by", "closed_at", "close_reason", "merged_into"} <= set(questions)
    assert flags == [("wang", 0)]  # accounts that existed keep working as they did
    assert accounts.verify_password(store, "wang", "old-password-1") is not None
    store.close()
