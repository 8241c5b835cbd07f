"""Reading and writing units with their versions and audit records."""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Iterable

from sqlalchemy import Connection, and_, func, insert, select, update

from .. import collector
from ..errors import Conflict, LaoshifuError, NotFound, Problem
from ..knowledge.units import STATUSES, Unit, unit_from_dict
from . import schema
from .core import Store, now


@dataclass
class ImportReport:
    base: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    # Units changed outside the folder (web edits, approvals) since its last import whose
    # folder text differs: kept as stored (``ours``) or overwritten (``theirs``).
    conflicts: list["ImportConflict"] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)

    def to_dict(self) -> dict:
        return {"base": self.base, "dry_run": self.dry_run, "created": len(self.created),
                "updated": len(self.updated), "unchanged": len(self.unchanged),
                "retired": len(self.retired), "kept": len(self.kept),
                "conflicts": [c.to_dict() for c in self.conflicts]}


@dataclass(frozen=True)
class ImportConflict:
    """A unit the folder would change although the store's version was made elsewhere."""

    unit_id: str
    changed_by: str
    changed_at: str
    change: str  # how the store's version was made: edit, approve, retire, answer…
    removed: bool = False  # the folder no longer has the unit at all

    def to_dict(self) -> dict:
        return {"unit_id": self.unit_id, "changed_by": self.changed_by,
                "changed_at": self.changed_at, "change": self.change, "removed": self.removed}


ON_CONFLICT = ("refuse", "ours", "theirs")
# From this many units read back at once, the cycle collector waits until they are made.
MANY_UNITS = 10_000


def _payload(unit: Unit) -> str:
    data = unit.to_dict()
    for name in ("version", "base", "created_at", "updated_at"):
        data.pop(name, None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
# ``_JSON.encode`` of a dict builds a C encoder for every call: one made once and kept
# gives the same text (an import encodes 100,000 units; 4.5 → 3.4 µs a unit).
_ENCODE = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    None, _JSON.default, json.encoder.encode_basestring, None, _JSON.key_separator,
    _JSON.item_separator, True, False, True)
_PLACE_BEFORE: dict[type, str] = {}


def _written(unit: Unit) -> tuple[str, str]:
    """A unit's content hash and stored payload: equal to ``unit.content_hash()`` and
    ``_payload(unit)``, from one reading of its fields and one JSON encoding (an import
    writes 100,000 of them).

    The payload is the content's JSON with the unit's place (source_file, source_line)
    added, so it is made by putting the place into that JSON where sorted keys put it:
    before the first key that sorts after them. That key's ``, "key": `` can only be
    the key itself: inside a JSON string every quote is escaped.
    """
    data = unit.content()
    text = "".join(_ENCODE(data, 0)) if _ENCODE else _JSON.encode(data)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    before = _PLACE_BEFORE.get(type(unit))
    if before is None:
        keys = sorted(data)
        following = [k for k in keys if k > "source_file"]
        if not following or following[0] < "source_line" or not keys[0] < "source_file":
            return digest, _payload(unit)  # a unit shaped otherwise: the plain way
        before = _PLACE_BEFORE[type(unit)] = f', "{following[0]}": '
    at = text.index(before)
    line = unit.source_line  # JSON writes an int as str() does, with no encoder call
    place = (f', "source_file": {_JSON.encode(unit.source_file)}, "source_line": '
             f'{line if type(line) is int else _JSON.encode(line)}')
    return digest, text[:at] + place + text[at:]


def _row_to_unit(row) -> Unit:
    data = json.loads(row.payload)
    data.update(version=row.version, base=row.base, status=row.status)
    if hasattr(row, "created_at"):
        data.update(created_at=row.created_at, updated_at=row.updated_at)
    else:
        data.update(created_at="", updated_at=row.changed_at)
    return unit_from_dict(data)


# The columns of a unit's row and of a version's row, in the tables' order: an import makes
# its rows as tuples in this order (100,000 units make 200,000 rows; a dict for each, turned
# back into a tuple for the driver, cost three times as much as the tuple).
_UNIT_COLUMNS = ("base", "id", "kind", "version", "status", "title", "process", "content_hash",
                 "payload", "source_file", "source_line", "origin", "created_at", "updated_at")
_IMPORTED_COLUMNS = _UNIT_COLUMNS + ("import_hash",)
_VERSION_COLUMNS = ("base", "id", "version", "kind", "status", "content_hash", "payload",
                    "changed_by", "changed_at", "change", "comment")


def _unit_values(unit: Unit, base: str, version: int, origin: str, created_at: str, at: str,
                 written: tuple[str, str] | None = None) -> tuple:
    content_hash, payload = written or _written(unit)
    return (base, unit.id, unit.kind, version, unit.status, unit.title, unit.process,
            content_hash, payload, unit.source_file, unit.source_line, origin, created_at, at)


def _version_values(unit: Unit, base: str, version: int, actor: str, at: str, change: str,
                    comment: str = "", written: tuple[str, str] | None = None) -> tuple:
    content_hash, payload = written or _written(unit)
    return (base, unit.id, version, unit.kind, unit.status, content_hash, payload, actor, at,
            change, comment)


def _unit_row(unit: Unit, base: str, version: int, origin: str, created_at: str, at: str,
              written: tuple[str, str] | None = None) -> dict:
    return dict(zip(_UNIT_COLUMNS, _unit_values(unit, base, version, origin, created_at, at,
                                                written)))


def _version_row(unit: Unit, base: str, version: int, actor: str, at: str, change: str,
                 comment: str = "", written: tuple[str, str] | None = None) -> dict:
    return dict(zip(_VERSION_COLUMNS, _version_values(unit, base, version, actor, at, change,
                                                      comment, written)))


@dataclass
class Rows:
    """Rows of one table as tuples of ``columns``' values."""

    columns: tuple[str, ...]
    values: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)

    def dicts(self) -> list[dict]:
        return [dict(zip(self.columns, v)) for v in self.values]


def _insert_rows(conn: Connection, table, rows: list[dict] | Rows) -> None:
    """Insert rows that all have the same keys. On SQLite they go straight to the driver's
    executemany: SQLAlchemy's handling of each row's parameters took as long as SQLite's
    writing them (PostgreSQL's driver already sends many rows in one statement)."""
    if not rows:
        return
    keys = list(rows.columns if isinstance(rows, Rows) else rows[0])
    dicts = rows.dicts if isinstance(rows, Rows) else lambda: rows
    statement = insert(table)
    if conn.dialect.name == "sqlite":
        compiled = statement.compile(dialect=conn.dialect, column_keys=keys)
        names = compiled.positiontup or []
        # Only when each bind is one of the row's values: no column default to fill in,
        # no type that converts a value on its way to the driver.
        if len(names) > 1 and sorted(names) == sorted(keys) and all(
                table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) is None
                for n in names):
            if isinstance(rows, Rows) and names == keys:
                params = rows.values  # already in the statement's order
            else:
                values = itemgetter(*names)
                params = [values(row) for row in dicts()]
            conn.exec_driver_sql(compiled.string, params)
            return
    conn.execute(statement, dicts())


def _reordered(conn: Connection, base: str, units: list[Unit], existing: dict,
               hashes: dict[str, str]) -> set[str]:
    """Ids of units whose only change is their position in the file (a section's order):
    inserting a section must not make a new version of every section after it."""
    candidates = {u.id: u for u in units if u.id in existing and "order" in u.__dataclass_fields__
                  and existing[u.id].content_hash != hashes[u.id]}
    same: set[str] = set()
    ids = list(candidates)
    for start in range(0, len(ids), 500):
        for row in conn.execute(select(schema.units.c.id, schema.units.c.payload).where(and_(
                schema.units.c.base == base, schema.units.c.id.in_(ids[start:start + 500])))):
            unit = candidates[row.id]
            old = unit_from_dict({**json.loads(row.payload), "status": existing[row.id].status})
            if old.with_changes(order=unit.order).content_hash() == unit.content_hash():  # type: ignore[attr-defined]
                same.add(row.id)
    return same


def _latest_version(conn: Connection, base: str, unit_id: str) -> int:
    """The highest version ever stored (a rejected draft's number is never reused)."""
    v = schema.unit_versions
    return conn.scalar(select(func.max(v.c.version)).where(
        and_(v.c.base == base, v.c.id == unit_id))) or 0


def _conflicts(conn: Connection, base: str, contested: dict[str, bool],
               existing: dict) -> list[ImportConflict]:
    """Who made each contested unit's stored version, and when."""
    v = schema.unit_versions
    out = []
    for unit_id in sorted(contested):
        row = conn.execute(select(v.c.changed_by, v.c.changed_at, v.c.change).where(and_(
            v.c.base == base, v.c.id == unit_id,
            v.c.version == existing[unit_id].version))).first()
        out.append(ImportConflict(unit_id, row.changed_by if row else "",
                                  row.changed_at if row else "", row.change if row else "",
                                  removed=contested[unit_id]))
    return out


def _conflict_problem(c: ImportConflict) -> Problem:
    what = "is no longer in the folder" if c.removed else "differs in the folder"
    return Problem(
        f"unit {c.unit_id!r} was changed in the store ({c.change} by {c.changed_by or '?'} at "
        f"{c.changed_at or '?'}) since this folder was last imported, and {what}",
        field=c.unit_id,
        hint="--ours keeps the store's version, --theirs takes the folder's; "
             "`laoshifu export DIR` writes the store's versions out to compare")


def _replaced(unit_id: str, seen: int, now_waiting: int) -> Problem:
    return Problem(f"the draft of {unit_id!r} changed since it was opened: v{seen} was reviewed, "
                   f"v{now_waiting} is waiting now", field="version",
                   hint="reload the review page and decide on the new draft")


class UnitsMixin:
    """Unit persistence on a ``Store``."""

    def get_unit(self: Store, base: str, unit_id: str) -> Unit | None:
        with self.read() as conn:
            row = conn.execute(select(schema.units).where(
                and_(schema.units.c.base == base, schema.units.c.id == unit_id))).first()
        return _row_to_unit(row) if row else None

    def get_units(self: Store, base: str, unit_ids: Iterable[str]) -> dict[str, Unit]:
        """Several units by id, in one query per 500 ids."""
        ids = list(dict.fromkeys(unit_ids))
        out: dict[str, Unit] = {}
        with self.read() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for row in conn.execute(select(schema.units).where(and_(
                        schema.units.c.base == base, schema.units.c.id.in_(chunk)))):
                    out[row.id] = _row_to_unit(row)
        return out

    def versions_map(self: Store, base: str, statuses: Iterable[str] = ("approved",)) -> dict[str, int]:
        """{id: version} of the units with these statuses: cheap, for change detection."""
        query = select(schema.units.c.id, schema.units.c.version).where(and_(
            schema.units.c.base == base, schema.units.c.status.in_(list(statuses))))
        with self.read() as conn:
            return {row.id: row.version for row in conn.execute(query)}

    def processes(self: Store, base: str) -> list[str]:
        query = select(schema.units.c.process).where(and_(
            schema.units.c.base == base, schema.units.c.status == "approved",
            schema.units.c.process != "")).distinct()
        with self.read() as conn:
            return sorted(conn.scalars(query))

    def require_unit(self, base: str, unit_id: str) -> Unit:
        unit = self.get_unit(base, unit_id)
        if unit is None:
            raise NotFound(Problem(f"no unit {unit_id!r} in knowledge base {base!r}",
                                   hint="laoshifu list shows the unit ids"))
        return unit

    def list_units(self: Store, base: str, kinds: Iterable[str] | None = None,
                   statuses: Iterable[str] | None = ("approved",),
                   process: str | None = None) -> list[Unit]:
        u = schema.units
        # Only what a unit is made of; all rows in one fetch (a base may hold 100,000).
        query = select(u.c.payload, u.c.version, u.c.base, u.c.status, u.c.created_at,
                       u.c.updated_at).where(u.c.base == base)
        if kinds:
            query = query.where(u.c.kind.in_(list(kinds)))
        if statuses:
            query = query.where(u.c.status.in_(list(statuses)))
        if process:
            query = query.where(u.c.process == process)
        query = query.order_by(u.c.kind, u.c.id)
        with self.read() as conn:
            rows = conn.execute(query).all()
        # A large base read back (100,000 units: 1.9 → 1.5 s) with the cycle collector off.
        with collector.paused() if len(rows) >= MANY_UNITS else nullcontext():
            return [_row_to_unit(row) for row in rows]

    def history(self: Store, base: str, unit_id: str) -> list[tuple[Unit, dict]]:
        """Every version, oldest first, with who changed it, when and how."""
        query = select(schema.unit_versions).where(and_(
            schema.unit_versions.c.base == base, schema.unit_versions.c.id == unit_id)
        ).order_by(schema.unit_versions.c.version)
        with self.read() as conn:
            rows = list(conn.execute(query))
        if not rows:
            raise NotFound(Problem(f"no unit {unit_id!r} in knowledge base {base!r}",
                                   hint="laoshifu list shows the unit ids"))
        return [(_row_to_unit(r), {"changed_by": r.changed_by, "changed_at": r.changed_at,
                                   "change": r.change, "comment": r.comment}) for r in rows]

    def counts(self: Store, base: str) -> dict[str, dict[str, int]]:
        """{kind: {status: n}}."""
        query = select(schema.units.c.kind, schema.units.c.status, func.count()).where(
            schema.units.c.base == base).group_by(schema.units.c.kind, schema.units.c.status)
        out: dict[str, dict[str, int]] = {}
        with self.read() as conn:
            for kind, status, n in conn.execute(query):
                out.setdefault(kind, {})[status] = n
        return out

    def counts_by_process(self: Store, base: str) -> dict[str, dict[str, int]]:
        """{process: {kind: n}} over approved units."""
        query = select(schema.units.c.process, schema.units.c.kind, func.count()).where(and_(
            schema.units.c.base == base, schema.units.c.status == "approved")
        ).group_by(schema.units.c.process, schema.units.c.kind)
        out: dict[str, dict[str, int]] = {}
        with self.read() as conn:
            for process, kind, n in conn.execute(query):
                out.setdefault(process or "", {})[kind] = n
        return out

    def apply_import(self: Store, base: str, units: list[Unit], origin: str, actor: str,
                     dry_run: bool = False, batch: int = 2000, on_conflict: str = "refuse",
                     same_origin=None) -> ImportReport:
        """Write a validated folder in one transaction: new, changed, retired units.

        A unit whose stored version was made outside the folder since the folder's last
        import (an edit or approval in the web app) is a conflict when the folder's text
        differs: ``refuse`` raises ``Conflict`` naming each, ``ours`` keeps the store's
        version, ``theirs`` takes the folder's. ``same_origin(stored_origin)`` says whether
        a stored unit came from this folder (for retiring what the folder no longer has).
        """
        if on_conflict not in ON_CONFLICT:
            raise LaoshifuError(Problem(f"unknown conflict choice {on_conflict!r}",
                                        field="on_conflict", hint=", ".join(ON_CONFLICT)))
        same_origin = same_origin or (lambda stored: stored == origin)
        report = ImportReport(base=base, dry_run=dry_run)
        at = now()
        with self.transaction() as conn:
            existing = {r.id: r for r in conn.execute(select(
                schema.units.c.id, schema.units.c.content_hash, schema.units.c.status,
                schema.units.c.version, schema.units.c.origin, schema.units.c.created_at,
                schema.units.c.source_file, schema.units.c.source_line,
                schema.units.c.pending_version, schema.units.c.import_hash,
            ).where(schema.units.c.base == base))}
            v = schema.unit_versions
            latest = dict(conn.execute(select(v.c.id, func.max(v.c.version)).where(
                v.c.base == base).group_by(v.c.id)).all())
            new_rows, new_versions = Rows(_IMPORTED_COLUMNS), Rows(_VERSION_COLUMNS)
            moved, pointers = [], []
            seen = set()
            # Each unit's hash and payload are made once: first for the sections that may
            # only have moved, then, in the loop, for the rest.
            written = {u.id: _written(u) for u in units
                       if u.id in existing and "order" in u.__dataclass_fields__}
            reordered = _reordered(conn, base, units, existing,
                                   {unit_id: w[0] for unit_id, w in written.items()})
            contested: dict[str, bool] = {}  # id -> removed from the folder
            if not dry_run:
                self.ensure_base(conn, base, actor)
            # New rows are written batch by batch as they are made, not all kept until the
            # end (a 100,000-unit import peaked at 600 MB, now 330 MB); a conflict found
            # later rolls the whole transaction back, so nothing of a refused import is kept.
            for unit in units:
                if len(new_versions) >= batch and not dry_run:
                    _insert_rows(conn, schema.units, new_rows)
                    _insert_rows(conn, schema.unit_versions, new_versions)
                    new_rows, new_versions = Rows(_IMPORTED_COLUMNS), Rows(_VERSION_COLUMNS)
                self._classify(unit, written.pop(unit.id, None) or _written(unit), existing,
                               latest, reordered, origin, actor, at, on_conflict, report,
                               contested, new_rows, new_versions, moved, pointers)
                seen.add(unit.id)
            if not dry_run:
                _insert_rows(conn, schema.units, new_rows)
                _insert_rows(conn, schema.unit_versions, new_versions)
            for unit_id, values in pointers:
                # Same words, moved within the folder: keep the pointer right (the payload
                # too, which show and citations read), no new version.
                conn.execute(update(schema.units).where(and_(
                    schema.units.c.base == base, schema.units.c.id == unit_id)).values(**values))
            for unit_id, old in existing.items():
                if same_origin(old.origin) and unit_id not in seen and old.status != "retired":
                    if old.import_hash != old.content_hash and on_conflict != "theirs":
                        contested[unit_id] = True
                    else:
                        report.retired.append(unit_id)
            report.conflicts = _conflicts(conn, base, contested, existing)
            report.kept = sorted(contested)
            if report.conflicts and on_conflict == "refuse":
                raise Conflict([_conflict_problem(c) for c in report.conflicts])
            if dry_run:
                conn.rollback()
                return report
            for row in moved:
                conn.execute(update(schema.units).where(and_(
                    schema.units.c.base == base, schema.units.c.id == row["id"])).values(**row))
            for unit_id in report.retired:
                self._set_status(conn, base, unit_id, "retired", actor, "import",
                                 "no longer in the imported folder")
            if report.retired:
                # Retired by the folder itself: if the unit comes back, it is no conflict.
                conn.execute(update(schema.units).where(and_(
                    schema.units.c.base == base, schema.units.c.id.in_(report.retired))).values(
                    import_hash=schema.units.c.content_hash))
            if report.changed:
                self.audit(conn, actor, "import", base=base, target=origin, detail=report.to_dict())
                self.bump_version(conn)
        return report

    @staticmethod
    def _classify(unit: Unit, written: tuple[str, str], existing: dict, latest: dict,
                  reordered: set[str], origin: str, actor: str, at: str, on_conflict: str,
                  report: ImportReport, contested: dict[str, bool], new_rows: Rows,
                  new_versions: Rows, moved: list, pointers: list) -> None:
        """One unit of an import: new, changed (a new version, or a conflict), or the same
        words (perhaps moved in the folder: its pointer is updated)."""
        base = report.base
        folder_hash, payload = written
        old = existing.get(unit.id)
        if old is None:
            report.created.append(unit.id)
            new_rows.values.append(
                (*_unit_values(unit, base, 1, origin, at, at, written), folder_hash))
            new_versions.values.append(
                _version_values(unit, base, 1, actor, at, "import", written=written))
        elif old.content_hash != folder_hash and unit.id not in reordered:
            if old.import_hash != old.content_hash and on_conflict != "theirs":
                contested[unit.id] = False
                return
            report.updated.append(unit.id)
            version = latest.get(unit.id, old.version) + 1
            moved.append({**_unit_row(unit, base, version, origin, old.created_at, at, written),
                          "import_hash": folder_hash})
            new_versions.values.append(_version_values(unit, base, version, actor, at, "import",
                                                       written=written))
        else:
            report.unchanged.append(unit.id)
            if (old.source_file, old.source_line, old.origin, old.import_hash) != (
                    unit.source_file, unit.source_line, origin, folder_hash) \
                    or unit.id in reordered:
                pointers.append((unit.id, {"source_file": unit.source_file,
                                           "source_line": unit.source_line, "origin": origin,
                                           "payload": payload, "content_hash": folder_hash,
                                           "import_hash": folder_hash}))

    def save_unit(self: Store, base: str, unit: Unit, actor: str, change: str = "edit",
                  comment: str = "", expected_version: int | None = None) -> Unit:
        """Create a unit or store a new version of it (forms, API, the master's answers).

        A draft of an approved unit does not replace it: it waits as a pending version
        while the approved one is still answered from, until the master decides.
        """
        at = now()
        u = schema.units
        with self.transaction() as conn:
            self.ensure_base(conn, base, actor)
            old = conn.execute(select(u.c.version, u.c.created_at, u.c.content_hash, u.c.origin,
                                      u.c.status, u.c.pending_version).where(
                and_(u.c.base == base, u.c.id == unit.id))).first()
            latest = _latest_version(conn, base, unit.id) if old else 0
            # What an editor saw: the waiting draft if there is one, else the live version.
            seen = max(old.version, old.pending_version or 0) if old else 0
            if expected_version is not None and seen != expected_version:
                raise Conflict(Problem(
                    f"unit {unit.id!r} was changed by someone else (now version {seen})",
                    field="version", hint="reload it and make your change again"))
            version = latest + 1
            if old is not None and unit.status == "draft" and old.status == "approved":
                pending = self._pending(conn, base, unit.id, old.pending_version)
                if pending is not None and pending.content_hash() == unit.content_hash():
                    return pending
                if old.content_hash == unit.with_changes(status="approved").content_hash():
                    return self.get_unit(base, unit.id)  # type: ignore[return-value]
                conn.execute(insert(schema.unit_versions).values(
                    **_version_row(unit, base, version, actor, at, "draft", comment)))
                conn.execute(update(u).where(and_(u.c.base == base, u.c.id == unit.id)).values(
                    pending_version=version))
                self.audit(conn, actor, "unit.draft", base=base, target=unit.id, version=version,
                           detail=comment)
                self.bump_version(conn)
                return unit.with_changes(version=version, base=base)
            if old is not None and old.content_hash == unit.content_hash():
                return self.get_unit(base, unit.id)  # type: ignore[return-value]
            row = _unit_row(unit, base, version, old.origin if old else "",
                            old.created_at if old else at, at)
            # Publishing directly settles any draft that was waiting.
            row["pending_version"] = None
            if old is None:
                conn.execute(insert(u).values(**row))
            else:
                conn.execute(update(u).where(and_(u.c.base == base, u.c.id == unit.id)).values(**row))
            conn.execute(insert(schema.unit_versions).values(
                **_version_row(unit, base, version, actor, at, change if old else "create", comment)))
            self.audit(conn, actor, f"unit.{change if old else 'create'}", base=base,
                       target=unit.id, version=version, detail=comment)
            self.bump_version(conn)
        return unit.with_changes(version=version, base=base)

    @staticmethod
    def _pending(conn: Connection, base: str, unit_id: str, version: int | None) -> Unit | None:
        if not version:
            return None
        v = schema.unit_versions
        row = conn.execute(select(v).where(and_(v.c.base == base, v.c.id == unit_id,
                                                v.c.version == version))).first()
        return _row_to_unit(row) if row else None

    def get_pending(self: Store, base: str, unit_id: str) -> Unit | None:
        """The draft waiting beside an approved unit, if any."""
        u = schema.units
        with self.read() as conn:
            version = conn.scalar(select(u.c.pending_version).where(
                and_(u.c.base == base, u.c.id == unit_id)))
            return self._pending(conn, base, unit_id, version)

    def pending_drafts(self: Store, base: str) -> list[Unit]:
        u, v = schema.units, schema.unit_versions
        query = select(v).join(u, and_(u.c.base == v.c.base, u.c.id == v.c.id,
                                       u.c.pending_version == v.c.version)).where(
            u.c.base == base).order_by(v.c.id)
        with self.read() as conn:
            return [_row_to_unit(row) for row in conn.execute(query)]

    def decide_pending(self: Store, base: str, unit_id: str, approve: bool, actor: str,
                       comment: str = "", expected_version: int | None = None) -> Unit:
        """The master approves a waiting draft (it becomes the live version) or rejects it
        (the approved version simply stays). ``expected_version`` is the draft he reviewed:
        if another draft replaced it meanwhile, nothing is decided (``Conflict``)."""
        at = now()
        u = schema.units
        with self.transaction() as conn:
            old = conn.execute(select(u).where(and_(u.c.base == base, u.c.id == unit_id))).first()
            pending = self._pending(conn, base, unit_id, old.pending_version if old else None)
            if pending is None:
                raise NotFound(Problem(f"no draft of {unit_id!r} is waiting in {base!r}"))
            if expected_version is not None and pending.version != expected_version:
                raise Conflict(_replaced(unit_id, expected_version, pending.version))
            if approve:
                version = _latest_version(conn, base, unit_id) + 1
                unit = pending.with_changes(status="approved")
                row = _unit_row(unit, base, version, old.origin, old.created_at, at)
                row["pending_version"] = None
                conn.execute(update(u).where(and_(u.c.base == base, u.c.id == unit_id)).values(**row))
                conn.execute(insert(schema.unit_versions).values(
                    **_version_row(unit, base, version, actor, at, "approve", comment)))
                self.audit(conn, actor, "unit.approve", base=base, target=unit_id,
                           version=version, detail=comment)
            else:
                conn.execute(update(u).where(and_(u.c.base == base, u.c.id == unit_id)).values(
                    pending_version=None))
                self.audit(conn, actor, "unit.reject", base=base, target=unit_id,
                           version=pending.version, detail=comment)
            self.bump_version(conn)
        return self.require_unit(base, unit_id)

    def set_status(self: Store, base: str, unit_id: str, status: str, actor: str,
                   change: str, comment: str = "", expected_version: int | None = None) -> Unit:
        """A new version with another status; ``expected_version`` refuses (``Conflict``)
        if the unit moved past the version the user decided on."""
        if status not in STATUSES:
            raise LaoshifuError(Problem(f"unknown status {status!r}", field="status"))
        with self.transaction() as conn:
            self._set_status(conn, base, unit_id, status, actor, change, comment,
                             expected_version)
            self.bump_version(conn)
        return self.require_unit(base, unit_id)

    def _set_status(self: Store, conn: Connection, base: str, unit_id: str, status: str,
                    actor: str, change: str, comment: str,
                    expected_version: int | None = None) -> None:
        row = conn.execute(select(schema.units).where(and_(
            schema.units.c.base == base, schema.units.c.id == unit_id))).first()
        if row is None:
            raise NotFound(Problem(f"no unit {unit_id!r} in knowledge base {base!r}"))
        if expected_version is not None and row.version != expected_version:
            raise Conflict(_replaced(unit_id, expected_version, row.version))
        unit = _row_to_unit(row).with_changes(status=status)
        at = now()
        version = _latest_version(conn, base, unit_id) + 1
        conn.execute(update(schema.units).where(and_(
            schema.units.c.base == base, schema.units.c.id == unit_id)).values(
            status=status, version=version, updated_at=at, content_hash=unit.content_hash(),
            payload=_payload(unit)))
        conn.execute(insert(schema.unit_versions).values(
            **_version_row(unit, base, version, actor, at, change, comment)))
        self.audit(conn, actor, f"unit.{change}", base=base, target=unit_id, version=version,
                   detail=comment)
