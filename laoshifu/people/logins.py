"""A login attempt: throttled per account and per address, counted before the password is
checked, and audited without keeping what a stranger typed.

Each attempt is counted as a failure in one transaction *before* the password is checked
and forgiven when it was right, so simultaneous guesses cannot all pass a count none of
them has written yet. The account throttle (the name from this address) allows a few
typos; the address throttle catches an attacker who varies the name.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import accounts, sessions
from .accounts import User
from ..store import Store, schema

MAX_NAME = 64  # no account has a longer name (accounts._check_name)
# Failures allowed before the first delay; after that the wait doubles each time.
ACCOUNT_FREE_FAILURES = 3
ADDRESS_FREE_FAILURES = 20
BASE_DELAY_S = 2
MAX_DELAY_S = 15 * 60
# Failures older than this (with no lock running) are forgotten.
FORGET_AFTER_S = 3600


@dataclass(frozen=True)
class Attempt:
    """What became of a login: the user, or a refusal (``wait_s`` > 0: throttled, the
    password was not even checked)."""

    user: User | None
    wait_s: int = 0


def attempt(store: Store, username: str, password: str, address: str) -> Attempt:
    """Check ``username``/``password`` from ``address``, throttled and audited."""
    name_ok = 0 < len(username) <= MAX_NAME
    keys = [(address_key(address), ADDRESS_FREE_FAILURES)]
    if name_ok:
        keys.append((account_key(username, address), ACCOUNT_FREE_FAILURES))
    wait = _count_failure_first(store, keys)
    if wait:
        return Attempt(None, wait)
    user = accounts.verify_password(store, username, password) if name_ok else None
    if user is None:
        _audit(store, audit_name(store, username), "login.fail", address)
        return Attempt(None)
    _forgive(store, keys)
    _audit(store, user.name, "login", address)
    return Attempt(user)


def account_key(username: str, address: str) -> str:
    return f"user:{username.lower()[:MAX_NAME]}|{address[:64]}"


def address_key(address: str) -> str:
    return f"addr:{address[:64]}"


def audit_name(store: Store, username: str) -> str:
    """How a failed login's name goes into the audit log: an account's name as it is; any
    other text (a typo, a password typed into the wrong field) as ``?`` and a keyed hash,
    so repeats can be told apart without the text ever being shown."""
    if not username:
        return "?"
    if len(username) <= MAX_NAME and accounts.find_user(store, username) is not None:
        return username
    digest = hmac.new(sessions.secret(store).encode(), username.encode("utf-8", "replace"),
                      hashlib.sha256).hexdigest()
    return "?" + digest[:8]


def _delay(failures: int, free: int) -> int:
    if failures < free:
        return 0
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (failures - free))


def _at(delta_s: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=delta_s)).isoformat(timespec="seconds")


def _seconds_until(stamp: str) -> int:
    left = (datetime.fromisoformat(stamp) - datetime.now(timezone.utc)).total_seconds()
    return max(0, int(left + 0.999))


def _count_failure_first(store: Store, keys: list[tuple[str, int]]) -> int:
    """Seconds to wait if any key is locked (nothing counted); else count this attempt as a
    failure on every key, in one transaction, and return 0."""
    a = schema.login_attempts
    dialect_insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    now, forget_before = _at(), _at(-FORGET_AFTER_S)
    with store.transaction() as conn:
        # Old, unlocked counts go: the table holds recent failures only.
        conn.execute(delete(a).where(and_(a.c.last_failure < forget_before, a.c.locked_until < now)))
        rows = {}
        for key, _free in keys:
            conn.execute(dialect_insert(a).values(key=key, failures=0, last_failure=now,
                                                  locked_until=now).on_conflict_do_nothing())
            # FOR UPDATE: two PostgreSQL workers must not both read n and both write n + 1
            # (SQLite's BEGIN IMMEDIATE already serialises writers).
            rows[key] = conn.execute(select(a).where(a.c.key == key).with_for_update()).one()
        wait = max(_seconds_until(row.locked_until) for row in rows.values())
        if wait:
            return wait
        now = _at()  # after waiting for the rows: a lock must run from when it is written
        for key, free in keys:
            failures = rows[key].failures + 1
            conn.execute(update(a).where(a.c.key == key).values(
                failures=failures, last_failure=now, locked_until=_at(_delay(failures, free))))
    return 0


def _forgive(store: Store, keys: list[tuple[str, int]]) -> None:
    """The password was right: clear the account's count, take back this attempt from the
    address (other names' failures from there stay counted)."""
    a = schema.login_attempts
    with store.transaction() as conn:
        for key, free in keys:
            if key.startswith("user:"):
                conn.execute(delete(a).where(a.c.key == key))
                continue
            row = conn.execute(select(a).where(a.c.key == key).with_for_update()).first()
            if row is None:
                continue
            failures = max(0, row.failures - 1)
            values = {"failures": failures}
            if failures < free:
                values["locked_until"] = _at()
            conn.execute(update(a).where(a.c.key == key).values(**values))


def _audit(store: Store, actor: str, action: str, address: str) -> None:
    with store.transaction() as conn:
        store.audit(conn, actor, action, target=address[:64])
