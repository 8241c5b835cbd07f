"""The store: an engine, transactions, migrations, and a change counter."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, update

from ..errors import LaoshifuError, Problem
from ..knowledge.units import is_base_name
from . import migrations, schema
from .damage import damaged, is_damage


def check_base_name(name: str) -> None:
    if not is_base_name(name):
        raise LaoshifuError(Problem(f"bad knowledge base name {name!r}", field="base",
                                    hint="letters, digits, '-', '_' and '.', at most 64 characters"))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A small pool: opening a SQLite connection (and its PRAGMAs) per query costs
        # more than most queries.
        engine = create_engine(url, pool_size=5, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # WAL lets readers work while an import writes; busy_timeout waits for a
            # writer instead of failing at once.
            cursor = dbapi_conn.cursor()
            # A new store's pages are 16 KB (SQLite's default is 4 KB): a unit's row is
            # about 1 KB, and a 100,000-unit import wrote 30% faster into a 10% smaller
            # file. Only a file not yet written takes it; an existing store keeps its own.
            cursor.execute("PRAGMA page_size=16384")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)

        @event.listens_for(engine, "handle_error")
        def _damaged(context):
            # One line naming the file and the way out, never a traceback.
            if is_damage(context.original_exception):
                raise damaged(path, context.original_exception) from None

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # A writer takes the write lock up front: a deferred BEGIN that reads and then
            # writes fails at once ("database is locked") when another writer got there
            # first, while BEGIN IMMEDIATE waits its turn under busy_timeout.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("writer") else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class Store:
    """One knowledge store (SQLite file or PostgreSQL database)."""

    def __init__(self, url: str):
        self.url = url
        # Transactions this object committed that moved the change counter (bump_version):
        # readers in this process (the index cache, the answers kept) look at the store
        # at once after one. Other writes (a question queued, a login) change no answer.
        self.local_writes = 0
        self.engine = _engine(url)
        self.dialect = self.engine.dialect.name

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> "Store":
        store = cls(url)
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> list[int]:
        with self.transaction() as conn:
            ran = migrations.migrate(conn)
            if conn.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "store_id")) is None:
                # Names this store, so an index saved for another one is never mistaken for it.
                conn.execute(insert(schema.meta).values(key="store_id", value=uuid.uuid4().hex))
            return ran

    def store_id(self) -> str:
        with self.read() as conn:
            return conn.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "store_id")) or ""

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One all-or-nothing unit of work."""
        with self.engine.connect() as conn:
            # conn.info lives as long as the pooled connection: set it on every checkout.
            conn.info["writer"] = True
            conn.info["changed"] = False
            with conn.begin():
                yield conn
            changed = conn.info["changed"]
        if changed:  # committed: readers in this process look at the store at once
            self.local_writes += 1

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.info["writer"] = False
            yield conn

    # -- the change counter: workers reload their index when it moves ------------------
    def version(self) -> int:
        with self.read() as conn:
            value = conn.scalar(select(schema.meta.c.value).where(schema.meta.c.key == "store_version"))
        return int(value or 0)

    @staticmethod
    def bump_version(conn: Connection) -> int:
        conn.info["changed"] = True  # counted in local_writes once committed
        # FOR UPDATE: two PostgreSQL writers must not both read n and both write n + 1.
        current = conn.scalar(select(schema.meta.c.value).where(
            schema.meta.c.key == "store_version").with_for_update())
        if current is None:
            conn.execute(insert(schema.meta).values(key="store_version", value="1"))
            return 1
        new = int(current) + 1
        conn.execute(update(schema.meta).where(schema.meta.c.key == "store_version").values(value=str(new)))
        return new

    @staticmethod
    def audit(conn: Connection, actor: str, action: str, base: str = "", target: str = "",
              version: int | None = None, detail: Any = "") -> None:
        conn.execute(insert(schema.audit).values(
            at=now(), actor=actor or "system", action=action, base=base, target=target,
            version=version,
            detail=detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)))

    def audit_log(self, base: str | None = None, limit: int = 100) -> list[dict]:
        query = select(schema.audit).order_by(schema.audit.c.seq.desc()).limit(limit)
        if base:
            query = query.where(schema.audit.c.base == base)
        with self.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def upsert(self, table):
        """This back end's INSERT with ON CONFLICT clauses (imported when first written:
        the PostgreSQL dialect loads every driver it knows, a cold read need not)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        return dialect_insert(table)

    def ensure_base(self, conn: Connection, name: str, actor: str = "system") -> None:
        exists = conn.scalar(select(schema.bases.c.name).where(schema.bases.c.name == name))
        if not exists:
            check_base_name(name)
            # Another worker may create the same base at the same moment: let one win.
            created = conn.execute(self.upsert(schema.bases).values(
                name=name, title=name, created_at=now()).on_conflict_do_nothing()).rowcount
            if created:
                self.audit(conn, actor, "base.create", base=name, target=name)

    def bases(self) -> list[str]:
        with self.read() as conn:
            return list(conn.scalars(select(schema.bases.c.name).order_by(schema.bases.c.name)))
