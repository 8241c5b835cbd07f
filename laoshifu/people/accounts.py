"""Users, roles, knowledge-base memberships and API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, delete, insert, select, update

from ..errors import LaoshifuError, NotFound, Problem
from . import sessions
from .permissions import ROLES
from ..store import Store, now, schema
from ..knowledge.units import DEFAULT_BASE

_hasher = PasswordHasher()
TOKEN_PREFIX = "lsf_"
_NAME_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    bases: tuple[str, ...] = ()
    disabled: bool = False
    created_at: str = ""
    # A password someone else saw (generated and shown once): changed at the next login.
    must_change_password: bool = False

    def can_see(self, base: str) -> bool:
        return self.role == "admin" or base in self.bases

    def visible_bases(self, all_bases: list[str]) -> list[str]:
        return list(all_bases) if self.role == "admin" else [b for b in all_bases if b in self.bases]

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "bases": list(self.bases),
                "disabled": self.disabled, "created_at": self.created_at,
                "must_change_password": self.must_change_password}


@dataclass(frozen=True)
class NewToken:
    """A token as created: ``token`` is shown once and never stored."""

    id: int
    user: str
    name: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class Reset:
    """A password reset: the new password (shown once) and the API tokens it revoked."""

    password: str = field(repr=False)
    tokens_revoked: int = 0


def new_password() -> str:
    """16 URL-safe characters, never starting with '-' or '_': typed after a command
    (``--password …``) or read aloud, a leading dash reads as an option."""
    while True:
        password = secrets.token_urlsafe(12)
        if password[0].isalnum():
            return password


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_name(name: str) -> None:
    if not name or len(name) > 64 or not set(name) <= _NAME_OK:
        raise LaoshifuError(Problem(f"bad user name {name!r}", field="name",
                                    hint="letters, digits, '_', '.', '-', '@'; at most 64"))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise LaoshifuError(Problem(f"unknown role {role!r}", field="role",
                                    hint=f"one of: {', '.join(ROLES)}"))


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise LaoshifuError(Problem("password too short", field="password",
                                    hint="at least 8 characters"))


def _user(conn, row) -> User:
    m = schema.memberships
    bases = tuple(conn.scalars(select(m.c.base).where(m.c.user == row.name).order_by(m.c.base)))
    return User(row.name, row.role, bases, bool(row.disabled), row.created_at,
                bool(row.must_change_password))


def add_user(store: Store, name: str, role: str, password: str | None = None,
             bases: list[str] | tuple[str, ...] = (DEFAULT_BASE,), actor: str = "system") -> tuple[User, str]:
    """Create a user; return it and its password (generated when not given: then shown
    to whoever made the account, so the user must change it at the first login)."""
    _check_name(name)
    _check_role(role)
    generated = not password
    password = password or new_password()
    _check_password(password)
    u = schema.users
    with store.transaction() as conn:
        if conn.scalar(select(u.c.name).where(u.c.name == name)):
            raise LaoshifuError(Problem(f"user {name!r} already exists", field="name",
                                        hint="laoshifu user reset NAME gives a new password"))
        conn.execute(insert(u).values(name=name, role=role, password_hash=_hasher.hash(password),
                                      created_at=now(), disabled=0,
                                      must_change_password=int(generated)))
        for base in bases:
            store.ensure_base(conn, base, actor)
            conn.execute(insert(schema.memberships).values(user=name, base=base))
        store.audit(conn, actor, "user.add", target=name, detail={"role": role, "bases": list(bases)})
    return get_user(store, name), password


def get_user(store: Store, name: str) -> User:
    with store.read() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
        if row is None:
            raise NotFound(Problem(f"no user {name!r}", field="name"))
        return _user(conn, row)


def find_user(store: Store, name: str) -> User | None:
    try:
        return get_user(store, name)
    except NotFound:
        return None


def list_users(store: Store) -> list[User]:
    with store.read() as conn:
        rows = list(conn.execute(select(schema.users).order_by(schema.users.c.name)))
        return [_user(conn, r) for r in rows]


def count_users(store: Store) -> int:
    with store.read() as conn:
        return len(list(conn.scalars(select(schema.users.c.name))))


def _require_row(conn, name: str):
    row = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
    if row is None:
        raise NotFound(Problem(f"no user {name!r}", field="name"))
    return row


def _keep_an_admin(conn, name: str, doing: str) -> None:
    """Refuse a change that would leave no enabled administrator (nobody could manage users)."""
    u = schema.users
    # FOR UPDATE: two admins demoting each other at once must not both succeed (PostgreSQL;
    # SQLite's BEGIN IMMEDIATE already serialises writers).
    admins = set(conn.scalars(select(u.c.name).where(and_(u.c.role == "admin", u.c.disabled == 0))
                              .with_for_update()))
    if admins == {name}:
        raise LaoshifuError(Problem(f"{name!r} is the last administrator: {doing} would leave "
                                    "nobody to manage users", field="name",
                                    hint="make another user an administrator first"))


def set_role(store: Store, name: str, role: str, actor: str = "system") -> User:
    _check_role(role)
    with store.transaction() as conn:
        old = _require_row(conn, name)
        if role != "admin":
            _keep_an_admin(conn, name, f"making them {role}")
        conn.execute(update(schema.users).where(schema.users.c.name == name).values(role=role))
        store.audit(conn, actor, "user.role", target=name, detail={"from": old.role, "to": role})
    return get_user(store, name)


def set_disabled(store: Store, name: str, disabled: bool, actor: str = "system") -> User:
    with store.transaction() as conn:
        _require_row(conn, name)
        if disabled:
            _keep_an_admin(conn, name, "disabling them")
        conn.execute(update(schema.users).where(schema.users.c.name == name).values(
            disabled=int(disabled)))
        if disabled:
            conn.execute(delete(schema.sessions).where(schema.sessions.c.user == name))
        store.audit(conn, actor, "user.disable" if disabled else "user.enable", target=name)
    return get_user(store, name)


def reset_password(store: Store, name: str, password: str | None = None,
                   actor: str = "system") -> Reset:
    """Set a new password (generated when not given, and then to be changed at the next
    login); end the user's sessions and revoke their API tokens (a reset is what one does
    when the old password may be known)."""
    generated = not password
    password = password or new_password()
    _check_password(password)
    t = schema.api_tokens
    with store.transaction() as conn:
        _require_row(conn, name)
        conn.execute(update(schema.users).where(schema.users.c.name == name).values(
            password_hash=_hasher.hash(password), must_change_password=int(generated)))
        conn.execute(delete(schema.sessions).where(schema.sessions.c.user == name))
        revoked = conn.execute(update(t).where(and_(t.c.user == name, t.c.revoked == 0))
                               .values(revoked=1)).rowcount
        store.audit(conn, actor, "user.reset", target=name, detail={"tokens_revoked": revoked})
    return Reset(password, revoked)


def change_password(store: Store, name: str, current: str, new: str,
                    keep_session: str | None = None) -> User:
    """The user changes his own password: the current one first. His other sessions end
    (a changed password locks out whoever else knew the old one); ``keep_session`` is the
    one he is changing it from. API tokens are separate secrets and stay."""
    if verify_password(store, name, current) is None:
        raise LaoshifuError(Problem("the current password is wrong", field="current",
                                    hint="forgotten it? an administrator can reset it"))
    _check_password(new)
    if new == current:
        raise LaoshifuError(Problem("the new password is the old one", field="new",
                                    hint="choose a password nobody else has seen"))
    if new.lower() == name.lower():
        raise LaoshifuError(Problem("the password is the user name", field="new"))
    s = schema.sessions
    with store.transaction() as conn:
        conn.execute(update(schema.users).where(schema.users.c.name == name).values(
            password_hash=_hasher.hash(new), must_change_password=0))
        others = delete(s).where(s.c.user == name)
        if keep_session:
            others = others.where(s.c.id_hash != sessions.id_hash(keep_session))
        ended = conn.execute(others).rowcount
        store.audit(conn, name, "user.passwd", target=name, detail={"sessions_ended": ended})
    return get_user(store, name)


def set_bases(store: Store, name: str, bases: list[str], actor: str = "system") -> User:
    m = schema.memberships
    with store.transaction() as conn:
        _require_row(conn, name)
        conn.execute(delete(m).where(m.c.user == name))
        for base in sorted(set(bases)):
            store.ensure_base(conn, base, actor)
            conn.execute(insert(m).values(user=name, base=base))
        store.audit(conn, actor, "user.bases", target=name, detail=sorted(set(bases)))
    return get_user(store, name)


def verify_password(store: Store, name: str, password: str) -> User | None:
    """The user if the password is right and the account enabled, else None."""
    with store.read() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
    if row is None:
        # Spend the same time as a real check, so timing does not reveal user names.
        try:
            _hasher.verify(_dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if row.disabled:
        return None
    return get_user(store, name)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Made on first use, not at import: hashing costs ~0.1 s that every CLI command paid.
    return _hasher.hash("not-a-password")


def ensure_admin(store: Store) -> str | None:
    """On first start with no users, create ``admin``; return its first password, shown
    once and to be changed at the first login."""
    if count_users(store):
        return None
    _, password = add_user(store, "admin", "admin", bases=(DEFAULT_BASE,), actor="system")
    return password


# -- API tokens ----------------------------------------------------------------------
def create_token(store: Store, user: str, name: str = "", actor: str = "system") -> NewToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    t = schema.api_tokens
    with store.transaction() as conn:
        _require_row(conn, user)
        result = conn.execute(insert(t).values(user=user, name=name, token_hash=hash_token(token),
                                               created_at=now(), revoked=0))
        token_id = result.inserted_primary_key[0]
        store.audit(conn, actor, "token.create", target=user, detail={"id": token_id, "name": name})
    return NewToken(token_id, user, name, token)


def list_tokens(store: Store, user: str | None = None) -> list[dict]:
    t = schema.api_tokens
    query = select(t.c.id, t.c.user, t.c.name, t.c.created_at, t.c.last_used, t.c.revoked).order_by(t.c.id)
    if user:
        query = query.where(t.c.user == user)
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def revoke_token(store: Store, token_id: int, actor: str = "system") -> dict:
    """Revoke token ``token_id``; return it as ``list_tokens`` shows it."""
    t = schema.api_tokens
    with store.transaction() as conn:
        done = conn.execute(update(t).where(t.c.id == token_id).values(revoked=1)).rowcount
        if not done:
            raise NotFound(Problem(f"no token {token_id}", field="id",
                                   hint="laoshifu token list shows the ids"))
        store.audit(conn, actor, "token.revoke", target=str(token_id))
        row = conn.execute(select(t.c.id, t.c.user, t.c.name, t.c.created_at, t.c.last_used,
                                  t.c.revoked).where(t.c.id == token_id)).one()
    return dict(row._mapping)


def user_for_token(store: Store, token: str) -> User | None:
    t = schema.api_tokens
    digest = hash_token(token)
    with store.read() as conn:
        row = conn.execute(select(t).where(and_(t.c.token_hash == digest, t.c.revoked == 0))).first()
    if row is None:
        return None
    user = find_user(store, row.user)
    if user is None or user.disabled:
        return None
    if not row.last_used or row.last_used[:16] != now()[:16]:
        # At most one write a minute per token, not one per request.
        with store.transaction() as conn:
            conn.execute(update(t).where(t.c.id == row.id).values(last_used=now()))
    return user


# -- knowledge bases -----------------------------------------------------------------
def create_base(store: Store, name: str, actor: str = "system") -> None:
    from ..knowledge.units import ID_PATTERN
    if not ID_PATTERN.match(name) or len(name) > 64:
        raise LaoshifuError(Problem(f"bad knowledge base name {name!r}", field="base",
                                    hint="letters, digits, '-', '_' and '.'"))
    with store.transaction() as conn:
        store.ensure_base(conn, name, actor)
