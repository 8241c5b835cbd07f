"""Tracks: what the master wants a role or a person to know, and how its exams are set.

A track names processes and must-know units, and who it is for (``role:apprentice`` or
``user:xiao``). A learner's new cards come from his tracks (must-know units first); with
no track for him, from the whole knowledge base.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update

from ..people import permissions
from ..errors import LaoshifuError, NotFound, Problem
from ..people.permissions import ROLES
from ..store import Store, now, schema

DEFAULT_NEW_PER_DAY = 20
DEFAULT_EXAM_SIZE = 10
DEFAULT_PASS_MARK = 0.8
DEFAULT_TIME_LIMIT_MIN = 20


@dataclass(frozen=True)
class Track:
    base: str
    name: str
    processes: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # must-know unit ids, learnt first
    assignees: tuple[str, ...] = ("role:apprentice",)
    new_per_day: int = DEFAULT_NEW_PER_DAY
    exam_size: int = DEFAULT_EXAM_SIZE
    pass_mark: float = DEFAULT_PASS_MARK
    time_limit_min: int = DEFAULT_TIME_LIMIT_MIN
    id: int | None = None
    updated_by: str = ""
    updated_at: str = ""

    def applies_to(self, user) -> bool:
        return f"user:{user.name}" in self.assignees or f"role:{user.role}" in self.assignees

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "base": self.base, "name": self.name,
                "processes": list(self.processes), "units": list(self.units),
                "assignees": list(self.assignees), "new_per_day": self.new_per_day,
                "exam_size": self.exam_size, "pass_mark": self.pass_mark,
                "time_limit_min": self.time_limit_min, "updated_by": self.updated_by,
                "updated_at": self.updated_at}


@dataclass(frozen=True)
class Scope:
    """What one learner studies: processes ((): all), must-know units, new cards a day."""

    processes: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    new_per_day: int = DEFAULT_NEW_PER_DAY
    tracks: tuple[Track, ...] = field(default_factory=tuple)

    def covers(self, process: str) -> bool:
        return not self.processes or process in self.processes


def _track(row) -> Track:
    return Track(base=row.base, name=row.name, processes=tuple(json.loads(row.processes)),
                 units=tuple(json.loads(row.units)), assignees=tuple(json.loads(row.assignees)),
                 new_per_day=row.new_per_day, exam_size=row.exam_size, pass_mark=row.pass_mark,
                 time_limit_min=row.time_limit_min, id=row.id, updated_by=row.updated_by,
                 updated_at=row.updated_at)


def check_track(store: Store, track: Track) -> list[Problem]:
    """Every mistake in a track, each naming its field."""
    problems = []
    if not track.name.strip():
        problems.append(Problem("a track needs a name", field="name"))
    known = set(store.processes(track.base))
    for process in track.processes:
        if process not in known:
            problems.append(Problem(f"unknown process {process!r}", field="processes",
                                    hint=f"one of: {', '.join(sorted(known))}"))
    for unit_id in track.units:
        unit = store.get_unit(track.base, unit_id)
        if unit is None or unit.status != "approved":
            problems.append(Problem(f"no approved unit {unit_id!r}", field="units",
                                    hint="laoshifu list --status approved shows the unit ids"))
    if not track.assignees:
        problems.append(Problem("say who the track is for", field="assignees",
                                hint="role:apprentice or user:NAME"))
    for who in track.assignees:
        kind, _, name = who.partition(":")
        if kind not in ("role", "user") or not name or (kind == "role" and name not in ROLES):
            problems.append(Problem(f"{who!r} is not role:ROLE or user:NAME", field="assignees",
                                    hint=f"roles: {', '.join(ROLES)}"))
    if not 1 <= track.new_per_day <= 500:
        problems.append(Problem("new cards a day must be 1 to 500", field="new_per_day"))
    if not 1 <= track.exam_size <= 200:
        problems.append(Problem("an exam has 1 to 200 questions", field="exam_size"))
    if not 0 < track.pass_mark <= 1:
        problems.append(Problem("the pass mark is a share above 0 and at most 1 (0.8 = 80%)",
                                field="pass_mark"))
    if not 1 <= track.time_limit_min <= 600:
        problems.append(Problem("the time limit is 1 to 600 minutes", field="time_limit_min"))
    return problems


def save_track(store: Store, track: Track, user) -> Track:
    """Create or change a track (the master of its base, or an admin)."""
    permissions.check(user, "teach", track.base)
    problems = check_track(store, track)
    if problems:
        raise LaoshifuError(problems)
    t = schema.training_tracks
    values = {**{k: v for k, v in track.to_dict().items() if k not in ("id",)},
              "processes": json.dumps(list(track.processes), ensure_ascii=False),
              "units": json.dumps(list(track.units), ensure_ascii=False),
              "assignees": json.dumps(list(track.assignees), ensure_ascii=False),
              "updated_by": user.name, "updated_at": now()}
    with store.transaction() as conn:
        if track.id is None:
            track_id = conn.execute(insert(t).values(**values)).inserted_primary_key[0]
        else:
            done = conn.execute(update(t).where(and_(t.c.id == track.id, t.c.base == track.base))
                                .values(**values)).rowcount
            if not done:
                raise NotFound(Problem(f"no track {track.id} in knowledge base {track.base!r}"))
            track_id = track.id
        store.audit(conn, user.name, "track.save", base=track.base, target=track.name,
                    detail=track.to_dict())
    return replace(track, id=track_id, updated_by=user.name, updated_at=values["updated_at"])


def delete_track(store: Store, base: str, track_id: int, user) -> None:
    permissions.check(user, "teach", base)
    t = schema.training_tracks
    with store.transaction() as conn:
        if not conn.execute(delete(t).where(and_(t.c.id == track_id, t.c.base == base))).rowcount:
            raise NotFound(Problem(f"no track {track_id} in knowledge base {base!r}"))
        store.audit(conn, user.name, "track.delete", base=base, target=str(track_id))


_LIST = select(schema.training_tracks).where(
    schema.training_tracks.c.base == bindparam("base")).order_by(schema.training_tracks.c.id)


def list_tracks(store: Store, base: str) -> list[Track]:
    with store.read() as conn:
        return [_track(r) for r in conn.execute(_LIST, {"base": base})]


def _like(text: str) -> str:
    return "%" + json.dumps(text, ensure_ascii=False).replace("\\", "\\\\").replace(
        "%", "\\%").replace("_", "\\_") + "%"


_FOR = select(schema.training_tracks).where(and_(
    schema.training_tracks.c.base == bindparam("base"),
    or_(schema.training_tracks.c.assignees.like(bindparam("as_user"), escape="\\"),
        schema.training_tracks.c.assignees.like(bindparam("as_role"), escape="\\")))
).order_by(schema.training_tracks.c.id)


def tracks_for(store: Store, base: str, user) -> list[Track]:
    """The tracks meant for ``user`` (picked in SQL: a base may have a track per person)."""
    with store.read() as conn:
        rows = conn.execute(_FOR, {"base": base, "as_user": _like(f"user:{user.name}"),
                                   "as_role": _like(f"role:{user.role}")})
        return [t for t in map(_track, rows) if t.applies_to(user)]


def scope_for(store: Store, base: str, user) -> Scope:
    """What ``user`` learns in ``base``: the union of his tracks (everything when none)."""
    mine = tuple(tracks_for(store, base, user))
    if not mine:
        return Scope()
    processes: dict[str, None] = {}
    units: dict[str, None] = {}
    for t in mine:
        processes.update(dict.fromkeys(t.processes))
        units.update(dict.fromkeys(t.units))
    # A track without processes means "all of them".
    everything = any(not t.processes for t in mine)
    return Scope(() if everything else tuple(processes), tuple(units),
                 max(t.new_per_day for t in mine), mine)
