"""Login sessions and the signing secret (both in the store; throttling is in logins.py)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from ..store import Store, schema

SESSION_HOURS = 12


def _at(delta_s: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=delta_s)).isoformat(timespec="seconds")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def id_hash(sid: str) -> str:
    """How a session id is stored: only its hash, so the table leaks no live session."""
    return _sha(sid)


def secret(store: Store) -> str:
    """The cookie-signing secret, made once and shared by every worker through the store."""
    m = schema.meta
    with store.read() as conn:
        value = conn.scalar(select(m.c.value).where(m.c.key == "session_secret"))
    if value:
        return value
    try:
        with store.transaction() as conn:
            conn.execute(insert(m).values(key="session_secret", value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another worker made it first
    with store.read() as conn:
        return conn.scalar(select(m.c.value).where(m.c.key == "session_secret"))


@dataclass(frozen=True)
class Session:
    sid: str
    user: str
    csrf: str


def start(store: Store, user: str) -> Session:
    """A fresh session id and CSRF token: a new id at every login defeats fixation."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    s = schema.sessions
    with store.transaction() as conn:
        conn.execute(delete(s).where(s.c.expires_at < _at()))
        conn.execute(insert(s).values(id_hash=_sha(sid), user=user, csrf=csrf, created_at=_at(),
                                      expires_at=_at(SESSION_HOURS * 3600)))
    return Session(sid, user, csrf)


def lookup(store: Store, sid: str) -> Session | None:
    s = schema.sessions
    with store.read() as conn:
        row = conn.execute(select(s).where(s.c.id_hash == _sha(sid))).first()
    if row is None or row.expires_at < _at():
        return None
    return Session(sid, row.user, row.csrf)


def end(store: Store, sid: str) -> None:
    with store.transaction() as conn:
        conn.execute(delete(schema.sessions).where(schema.sessions.c.id_hash == _sha(sid)))

