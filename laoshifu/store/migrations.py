"""Numbered schema migrations: each runs once, in order, inside a transaction."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Connection, insert, inspect, select

from . import schema

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(number: int, name: str):
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((number, name, fn))
        MIGRATIONS.sort(key=lambda m: m[0])
        return fn
    return register


@migration(1, "units, versions, audit, bases, meta")
def _m001(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.meta, schema.bases, schema.units, schema.unit_versions, schema.audit])


@migration(2, "unanswered questions queue")
def _m002(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.questions])


@migration(3, "users, memberships, API tokens, sessions, login attempts, feedback")
def _m003(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.users, schema.memberships, schema.api_tokens, schema.sessions,
        schema.login_attempts, schema.feedback])


@migration(4, "drafts of approved units wait beside them (units.pending_version)")
def _m004(conn: Connection) -> None:
    # Stores made by migration 1 after this column joined the schema already have it.
    columns = {c["name"] for c in inspect(conn).get_columns("units")}
    if "pending_version" not in columns:
        conn.exec_driver_sql("ALTER TABLE units ADD COLUMN pending_version INTEGER")


@migration(5, "units.import_hash: what the folder held at the last import")
def _m005(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("units")}
    if "import_hash" not in columns:
        conn.exec_driver_sql("ALTER TABLE units ADD COLUMN import_hash VARCHAR(64)")
    # The last version an import wrote is what the folder held then.
    conn.exec_driver_sql(
        "UPDATE units SET import_hash = (SELECT v.content_hash FROM unit_versions v "
        "WHERE v.base = units.base AND v.id = units.id AND v.change = 'import' "
        "ORDER BY v.version DESC LIMIT 1) WHERE import_hash IS NULL")


@migration(8, "generated answers: sentences the checker dropped (llm_rejections)")
def _m008(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.llm_rejections])


@migration(10, "sentence vectors for semantic search (embeddings)")
def _m010(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.embeddings])


@migration(7, "training: cards, learners' card state, review log, tracks, exams")
def _m007(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.training_cards, schema.training_state, schema.training_reviews,
        schema.training_tracks, schema.training_exams, schema.training_sync])


@migration(11, "users.must_change_password; questions closed without an answer (dismissed, merged)")
def _m011(conn: Connection) -> None:
    # Stores made by migration 1/3 after these columns joined the schema already have them.
    wanted = {
        "users": {"must_change_password": "INTEGER NOT NULL DEFAULT 0"},
        "questions": {"closed_by": "TEXT", "closed_at": "VARCHAR(32)", "close_reason": "TEXT",
                      "merged_into": "INTEGER"},
    }
    for table, columns in wanted.items():
        present = {c["name"] for c in inspect(conn).get_columns(table)}
        for name, ddl in columns.items():
            if name not in present:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}")


def applied(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.scalars(select(schema.schema_migrations.c.version)))


def migrate(conn: Connection) -> list[int]:
    """Apply every migration not yet applied; return their numbers."""
    schema.metadata.create_all(conn, tables=[schema.schema_migrations])
    done = applied(conn)
    ran = []
    for number, name, fn in MIGRATIONS:
        if number in done:
            continue
        fn(conn)
        conn.execute(insert(schema.schema_migrations).values(
            version=number, name=name, applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds")))
        ran.append(number)
    return ran


def latest() -> int:
    return MIGRATIONS[-1][0]
