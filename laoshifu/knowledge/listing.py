"""Which units a knowledge base holds, one line each: the ids that show, history, edits
and error hints ask for."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LaoshifuError, Problem
from .folders import require_base
from ..store import Store
from ..text import normalize
from .units import DEFAULT_BASE, KINDS, STATUSES, Unit

# Without --status: what is answered from and what waits for review, not retired units.
LIVE_STATUSES = ("approved", "draft")


@dataclass(frozen=True)
class Listed:
    id: str
    kind: str
    process: str
    version: int
    status: str
    title: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def check_filters(kind: str = "", status: str = "") -> None:
    """A misspelt kind or status is an error: filtered by it, "nothing" would read as
    "there is none"."""
    if kind and kind not in KINDS:
        raise LaoshifuError(Problem(f"unknown kind {kind!r}", field="kind",
                                    hint=f"one of: {', '.join(KINDS)}"))
    if status and status not in STATUSES:
        raise LaoshifuError(Problem(f"unknown status {status!r}", field="status",
                                    hint=f"one of: {', '.join(STATUSES)}"))


def list_units(store: Store, base: str = DEFAULT_BASE, kind: str = "", process: str = "",
               query: str = "", status: str = "") -> list[Listed]:
    """Units of ``base`` by kind, process and status (default: approved and draft), and
    with every word of ``query`` in their id, title, process, tags or text (width, script
    and case folded: "ＤＰ" and "露點" find DP and 露点)."""
    require_base(store, base)
    check_filters(kind, status)
    statuses = (status,) if status else LIVE_STATUSES
    units = store.list_units(base, kinds=[kind] if kind else None, statuses=statuses,
                             process=process or None)
    if process and not units:
        _require_process(store, base, process)
    words = normalize(query).split()
    if words:
        units = [u for u in units if all(w in _haystack(u) for w in words)]
    return [Listed(u.id, u.kind, u.process, u.version, u.status, u.title) for u in units]


def _require_process(store: Store, base: str, process: str) -> None:
    """A misspelt process would list nothing, which reads as "there is none"."""
    known = sorted({u.process for u in store.list_units(base, statuses=None) if u.process})
    if process not in known:
        raise LaoshifuError(Problem(f"no process {process!r} in knowledge base {base!r}",
                                    field="process",
                                    hint=f"processes here: {', '.join(known) or 'none yet'}"))


def _haystack(unit: Unit) -> str:
    return normalize(" ".join([unit.id, unit.title, unit.process, " ".join(unit.tags),
                               unit.search_text()]))
