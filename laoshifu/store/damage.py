"""A damaged store file says so in one line, with what to do, instead of a traceback."""

from __future__ import annotations

import sqlite3

from ..errors import LaoshifuError, Problem

# SQLite's primary result codes for a file that is not (or no longer) a database.
_CORRUPT, _NOTADB = 11, 26


class StoreDamaged(LaoshifuError):
    """The store's file is damaged: only a backup helps."""


def is_damage(exc: BaseException) -> bool:
    """Whether a DB-API error says the SQLite file itself is damaged (not busy, not locked)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_CORRUPT, _NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def damaged(path: str, exc: BaseException) -> StoreDamaged:
    return StoreDamaged(Problem(
        f"the store is damaged ({exc}); restore it from a backup", file=path,
        hint="keep the damaged file aside, then `laoshifu restore BACKUP` into an empty "
             "LAOSHIFU_HOME"))
