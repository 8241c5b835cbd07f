"""What a supervisor asks a running server: is the store reachable, are the indexes in
memory, which version runs. Nothing secret: no paths, URLs, names or counts of users."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version as package_version

from sqlalchemy.exc import SQLAlchemyError

from .store import Store
from .store.damage import StoreDamaged


@dataclass(frozen=True)
class Health:
    status: str  # ok | starting (indexes still loading) | store damaged | store unreachable
    version: str
    store: str  # ok | damaged | unreachable
    store_version: int | None = None
    # per base: ready (answering from the store's latest), updating (answering, catching up
    # at the next question), loading (not in memory yet)
    indexes: dict[str, str] = field(default_factory=dict)
    uptime_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.store == "ok"

    def to_dict(self) -> dict:
        return {"status": self.status, "version": self.version, "store": self.store,
                "store_version": self.store_version, "indexes": self.indexes,
                "uptime_s": round(self.uptime_s, 1)}


def laoshifu_version() -> str:
    try:
        return package_version("laoshifu")
    except PackageNotFoundError:
        return "unknown"


def check(store: Store, loaded: dict[str, int], uptime_s: float = 0.0) -> Health:
    """``loaded``: the bases whose index is in memory, with the store version of each."""
    try:
        current = store.version()
        bases = store.bases()
    except StoreDamaged:
        return Health("store damaged", laoshifu_version(), "damaged", uptime_s=uptime_s)
    except (SQLAlchemyError, OSError):
        return Health("store unreachable", laoshifu_version(), "unreachable", uptime_s=uptime_s)
    indexes = {base: "loading" if base not in loaded else
               "ready" if loaded[base] == current else "updating" for base in bases}
    status = "starting" if "loading" in indexes.values() else "ok"
    return Health(status, laoshifu_version(), "ok", current, indexes, uptime_s)
