"""Editing and review: engineers write drafts, the master approves or rejects them."""

from __future__ import annotations

import difflib
from typing import Iterable

from ..people import permissions
from ..errors import Conflict, LaoshifuError, Problem
from ..store import Store
from ..text import normalize
from .units import Unit, format_number
from .validate import check_units


def save_edit(store: Store, base: str, unit: Unit, user, comment: str = "",
              expected_version: int | None = None) -> Unit:
    """Store a created or edited unit: an engineer's becomes a draft for the master."""
    permissions.check(user, "edit", base)
    is_master = permissions.allowed(user.role, "approve")
    if not is_master:
        unit = unit.with_changes(status="draft")
    old = store.get_unit(base, unit.id)
    if expected_version == 0 and old is not None:
        # A new unit whose id is taken: say so, rather than "changed by someone else".
        raise Conflict(Problem(f"a unit with id {unit.id!r} already exists ({old.kind}, "
                               f"{old.status}: {old.title})", field="id",
                               hint="choose another id, or open that unit and edit it"))
    if expected_version is None and old is not None:
        expected_version = _unseen_version(store, base, old)
    others = [u for u in store.list_units(base, statuses=("approved", "draft")) if u.id != unit.id]
    problems = check_units([unit], known_ids={u.id for u in others}, context=others)
    if problems:
        raise LaoshifuError(problems)
    if is_master:
        # A master may record whose words these are (an interview, a colleague's note).
        author = unit.author or (old.author if old else "") or user.name
    else:
        # Anyone else's draft keeps the unit's author; who drafted it is the version's changed_by.
        author = old.author if old and old.author else user.name
    unit = unit.with_changes(author=author,
                             source_file=unit.source_file or (old.source_file if old else ""),
                             source_line=unit.source_line or (old.source_line if old else 0))
    saved = store.save_unit(base, unit, actor=user.name, change="edit" if old else "create",
                            comment=comment, expected_version=expected_version)
    return saved


def _unseen_version(store: Store, base: str, old: Unit) -> int:
    """The version an edit that named none replaces; refused if it would replace a draft
    waiting for review, which its writer would never see again."""
    waiting = store.get_pending(base, old.id) or (old if old.status == "draft" else None)
    if waiting is not None:
        who = _drafted_by(store, base, waiting)
        raise Conflict(Problem(
            f"a draft of {old.id!r} (v{waiting.version} by {who}) is waiting for review: "
            "saving would replace it", field="version",
            hint=f"look at the draft first, then save with expected_version={waiting.version}"))
    # Nothing waits: still refuse if someone saves between this read and the write.
    return old.version


def _drafted_by(store: Store, base: str, draft: Unit) -> str:
    return next((info["changed_by"] for u, info in store.history(base, draft.id)
                 if u.version == draft.version), "?")


def drafts(store: Store, base: str) -> list[Unit]:
    """New units in draft, and drafts waiting beside approved units."""
    return sorted([*store.list_units(base, statuses=("draft",)), *store.pending_drafts(base)],
                  key=lambda u: u.id)


def current_draft(store: Store, base: str, unit_id: str) -> Unit:
    """What an editor edits: the waiting draft if there is one, else the unit."""
    return store.get_pending(base, unit_id) or store.require_unit(base, unit_id)


def approve(store: Store, base: str, unit_id: str, user, version: int | None,
            comment: str = "") -> Unit:
    """Publish the draft the master reviewed, ``version``; if another draft replaced it
    since, nothing is published (``Conflict``) and he reviews the new one."""
    permissions.check(user, "approve", base)
    version = _reviewed(version)
    if (decided := _decide_pending(store, base, unit_id, True, user, comment, version)) is not None:
        return decided
    approved = store.set_status(base, unit_id, "approved", user.name, "approve", comment,
                                expected_version=version)
    return approved


def reject(store: Store, base: str, unit_id: str, user, comment: str,
           version: int | None) -> Unit:
    """Turn the reviewed draft down: the approved version stays (or comes back), a new unit
    is retired."""
    permissions.check(user, "approve", base)
    if not comment.strip():
        raise LaoshifuError(Problem("say why the draft is rejected", field="comment",
                                    hint="the engineer reads this comment"))
    version = _reviewed(version)
    if (decided := _decide_pending(store, base, unit_id, False, user, comment, version)) is not None:
        return decided
    approved = [u for u, _info in store.history(base, unit_id) if u.status == "approved"]
    if approved:
        restored = approved[-1].with_changes(status="approved")
        result = store.save_unit(base, restored, actor=user.name, change="reject", comment=comment,
                                 expected_version=version)
    else:
        result = store.set_status(base, unit_id, "retired", user.name, "reject", comment,
                                  expected_version=version)
    return result


def _decide_pending(store: Store, base: str, unit_id: str, approve: bool, user, comment: str,
                    version: int) -> Unit | None:
    """An edit of an approved unit is decided as its pending version; a new unit must be a
    draft, decided by the caller (None)."""
    if store.get_pending(base, unit_id) is not None:
        return store.decide_pending(base, unit_id, approve, user.name, comment,
                                    expected_version=version)
    unit = store.require_unit(base, unit_id)
    if unit.status != "draft":
        raise LaoshifuError(Problem(f"{unit_id} is {unit.status}, not a draft", field="status"))
    return None


def _reviewed(version: int | None) -> int:
    if version is None:
        raise LaoshifuError(Problem("say which version of the draft you reviewed", field="version",
                                    hint="the review page sends it; through the API, give "
                                         "the draft's version from /drafts"))
    return version


def retire(store: Store, base: str, unit_id: str, user, comment: str) -> Unit:
    """Stop answering from a unit; the reason stays in its history and the audit log."""
    permissions.check(user, "approve", base)
    comment = (comment or "").strip()
    if not comment:
        raise LaoshifuError(Problem("say why the unit is retired", field="comment",
                                    hint="the reason is kept in the unit's history"))
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
        from ..errors import NotFound
        raise NotFound(Problem(f"no unit {unit_id!r} in knowledge base {base!r}"))
    return unit


def render_lines(unit: Unit, with_status: bool = True) -> list[str]:
    """A unit as 'field: value' lines, the text the diff compares."""
    lines = []
    skipped = ("kind",) if with_status else ("kind", "status")
    for name, value in unit.content().items():
        if name in skipped:
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


def diff(store: Store, base: str, unit_id: str, old: int, new: int,
         with_status: bool = True) -> list[str]:
    """Unified diff of two versions; without status for a draft under review (approved →
    draft is how every draft differs, not what the engineer changed)."""
    versions = {u.version: u for u, _ in store.history(base, unit_id)}
    missing = [v for v in (old, new) if v not in versions]
    if missing:
        raise LaoshifuError(Problem(f"{unit_id} has no version {missing[0]}", field="version"))
    return list(difflib.unified_diff(render_lines(versions[old], with_status),
                                     render_lines(versions[new], with_status),
                                     f"v{old}", f"v{new}", lineterm="", n=3))


def processes(units: Iterable[Unit]) -> list[str]:
    return sorted({u.process for u in units if u.process})
