"""Editing and review: engineers write drafts, the master approves or rejects them."""

from __future__ import annotations

import difflib
from typing import Iterable

from . import permissions
from .errors import LaoshifuError, Problem
from .store import Store
from .text import normalize
from .units import Unit, format_number
from .validate import check_units


def save_edit(store: Store, base: str, unit: Unit, user, comment: str = "",
              expected_version: int | None = None) -> Unit:
    """Store a created or edited unit: an engineer's becomes a draft for the master."""
    permissions.check(user, "edit", base)
    if not permissions.allowed(user.role, "approve"):
        unit = unit.with_changes(status="draft")
    old = store.get_unit(base, unit.id)
    if expected_version == 0 and old is not None:
        # A new unit whose id is taken: say so, rather than "changed by someone else".
        raise LaoshifuError(Problem(f"a unit with id {unit.id!r} already exists ({old.kind}, "
                                    f"{old.status}: {old.title})", field="id",
                                    hint="choose another id, or open that unit and edit it"))
    others = [u for u in store.list_units(base, statuses=("approved", "draft")) if u.id != unit.id]
    problems = check_units([unit], known_ids={u.id for u in others}, context=others)
    if problems:
        raise LaoshifuError(problems)
    unit = unit.with_changes(author=unit.author or user.name,
                             source_file=unit.source_file or (old.source_file if old else ""),
                             source_line=unit.source_line or (old.source_line if old else 0))
    saved = store.save_unit(base, unit, actor=user.name, change="edit" if old else "create",
                            comment=comment, expected_version=expected_version)
    return saved


def drafts(store: Store, base: str) -> list[Unit]:
    """New units in draft, and drafts waiting beside approved units."""
    return sorted([*store.list_units(base, statuses=("draft",)), *store.pending_drafts(base)],
                  key=lambda u: u.id)


def current_draft(store: Store, base: str, unit_id: str) -> Unit:
    """What an editor edits: the waiting draft if there is one, else the unit."""
    return store.get_pending(base, unit_id) or store.require_unit(base, unit_id)


def approve(store: Store, base: str, unit_id: str, user, comment: str = "") -> Unit:
    permissions.check(user, "approve", base)
    if store.get_pending(base, unit_id) is not None:
        return store.decide_pending(base, unit_id, True, user.name, comment)
    unit = store.require_unit(base, unit_id)
    if unit.status != "draft":
        raise LaoshifuError(Problem(f"{unit_id} is {unit.status}, not a draft", field="status"))
    approved = store.set_status(base, unit_id, "approved", user.name, "approve", comment)
    return approved


def reject(store: Store, base: str, unit_id: str, user, comment: str) -> Unit:
    """Turn a draft down: the approved version stays (or comes back), a new unit is retired."""
    permissions.check(user, "approve", base)
    if not comment.strip():
        raise LaoshifuError(Problem("say why the draft is rejected", field="comment",
                                    hint="the engineer reads this comment"))
    if store.get_pending(base, unit_id) is not None:
        return store.decide_pending(base, unit_id, False, user.name, comment)
    unit = store.require_unit(base, unit_id)
    if unit.status != "draft":
        raise LaoshifuError(Problem(f"{unit_id} is {unit.status}, not a draft", field="status"))
    approved = [u for u, _info in store.history(base, unit_id) if u.status == "approved"]
    if approved:
        restored = approved[-1].with_changes(status="approved")
        result = store.save_unit(base, restored, actor=user.name, change="reject", comment=comment)
    else:
        result = store.set_status(base, unit_id, "retired", user.name, "reject", comment)
    return result


def retire(store: Store, base: str, unit_id: str, user, comment: str = "") -> Unit:
    permissions.check(user, "approve", base)
    retired = store.set_status(base, unit_id, "retired", user.name, "retire", comment)
    return retired


def visible_statuses(user) -> tuple[str, ...]:
    if permissions.allowed(user.role, "read_drafts"):
        return ("approved", "draft", "retired")
    return ("approved",)


def search_units(store: Store, base: str, user, query: str = "", kind: str = "",
                 process: str = "", status: str = "") -> list[Unit]:
    """Browse units a user may see: by kind, process, status and words in them."""
    permissions.check(user, "read", base)
    statuses = visible_statuses(user)
    if status:
        statuses = tuple(s for s in statuses if s == status)
        if not statuses:
            return []
    units = store.list_units(base, kinds=[kind] if kind else None, statuses=statuses,
                             process=process or None)
    # Width, script and case folded on both sides: "ＤＰ" and "露點" find DP and 露点.
    words = [w for w in normalize(query).split() if w]
    if words:
        units = [u for u in units if all(w in _haystack(u) for w in words)]
    return units


def _haystack(unit: Unit) -> str:
    return normalize(" ".join([unit.id, unit.title, unit.process, " ".join(unit.tags),
                               unit.search_text()]))


def get_visible(store: Store, base: str, unit_id: str, user) -> Unit:
    permissions.check(user, "read", base)
    unit = store.require_unit(base, unit_id)
    if unit.status not in visible_statuses(user):
        # A draft an apprentice may not see is, for them, not there.
        from .errors import NotFound
        raise NotFound(Problem(f"no unit {unit_id!r} in knowledge base {base!r}"))
    return unit


def render_lines(unit: Unit) -> list[str]:
    """A unit as 'field: value' lines, the text the diff compares."""
    lines = []
    for name, value in unit.content().items():
        if name in ("kind",):
            continue
        if isinstance(value, (list, tuple)):
            lines.append(f"{name}:")
            lines += [f"  - {v}" for v in value]
        elif isinstance(value, float):
            lines.append(f"{name}: {format_number(value)}")
        elif name == "body":
            continue
        else:
            lines.append(f"{name}: {'' if value is None else value}")
    lines += ["body:", *unit.body.splitlines()]
    return lines


def diff(store: Store, base: str, unit_id: str, old: int, new: int) -> list[str]:
    versions = {u.version: u for u, _ in store.history(base, unit_id)}
    missing = [v for v in (old, new) if v not in versions]
    if missing:
        raise LaoshifuError(Problem(f"{unit_id} has no version {missing[0]}", field="version"))
    return list(difflib.unified_diff(render_lines(versions[old]), render_lines(versions[new]),
                                     f"v{old}", f"v{new}", lineterm="", n=3))


def processes(units: Iterable[Unit]) -> list[str]:
    return sorted({u.process for u in units if u.process})
