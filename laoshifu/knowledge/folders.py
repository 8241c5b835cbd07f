"""Capture: import a knowledge-base folder into the store, export it back, summarise it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from .. import collector
from ..errors import LaoshifuError, NotFound, Problem
from ..progress import Progress, report as report_progress
from ..store import ImportReport, Store, schema
from ..store.core import check_base_name
from .units import DEFAULT_BASE, KINDS, Parameter, Term, Unit

if TYPE_CHECKING:
    from ..formats.folder import FolderContents

# The authoring formats and the validator are imported by the functions that read or write
# folders: ``ask`` and ``status`` use this module without them.


def import_folder(store: Store, path: Path | str, base: str = DEFAULT_BASE,
                  actor: str = "import", dry_run: bool = False, on_conflict: str = "refuse",
                  origin: str | None = None, progress: Progress | None = None
                  ) -> tuple[ImportReport, FolderContents]:
    """Validate a whole folder, then write it in one transaction (or nothing at all).

    Units changed in the store since this folder's last import are not overwritten unless
    ``on_conflict="theirs"`` (see ``Store.apply_import``).
    """
    # An import makes millions of objects that all stay alive until it ends.
    with collector.paused():
        return _import_folder(store, path, base, actor, dry_run, on_conflict, origin, progress)


def _import_folder(store: Store, path: Path | str, base: str, actor: str, dry_run: bool,
                   on_conflict: str, origin: str | None, progress: Progress | None
                   ) -> tuple[ImportReport, FolderContents]:
    from ..formats.folder import read_folder
    from .validate import check_units

    check_base_name(base)
    path = Path(path)
    contents = read_folder(path, progress)
    origin = origin or folder_origin(path)
    problems = list(contents.problems)
    if not problems and not contents.units:
        # An emptied or wrong folder would otherwise retire everything imported from it.
        raise LaoshifuError(Problem(
            "no knowledge files found in this folder", file=str(path),
            hint="a knowledge base has parameters.csv, glossary.yaml, handbook/ or .md units "
                 "(docs/authoring.md)"))
    # Units stored from elsewhere still count: a rule may name a parameter that the
    # master entered in the web app.
    others = _stored_elsewhere(store, base, {u.id for u in contents.units})
    context = [u for u in others if isinstance(u, (Parameter, Term))]
    # The checks across units run even when some files had errors, so that one check
    # (a --dry-run, an upload) reports everything to fix, not one stage at a time.
    across = check_units(contents.units, known_ids={u.id for u in others}, context=context)
    if problems:
        across = [_maybe_unread(p) for p in across]
    if problems or across:
        # Each file's own problems first: a unit that cannot be read may cause some of the
        # others, and those first fifty are the ones shown.
        raise LaoshifuError(capped(_in_file_order(problems) + _in_file_order(across)))
    report_progress(progress, "writing", 0, 1)
    report = store.apply_import(base, contents.units, origin=origin, actor=actor, dry_run=dry_run,
                                on_conflict=on_conflict, same_origin=_same_origin(origin))
    report_progress(progress, "writing", 1, 1)
    return report, contents


def _stored_elsewhere(store: Store, base: str, incoming: set[str]) -> list[Unit]:
    """The base's approved and draft units that the folder does not hold (in ``list_units``'
    order). Only those are read: a re-import of 100,000 units read them all back (1.7 s)
    to keep none."""
    ids = [i for i in store.versions_map(base, statuses=("approved", "draft")) if i not in incoming]
    return sorted(store.get_units(base, ids).values(), key=lambda u: (u.kind, u.id))


# More than this many problems in one import are counted, not listed: the first fifty
# show what is wrong, the rest would bury them.
MAX_PROBLEMS_SHOWN = 50


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> list[Problem]:
    """The first ``limit`` problems and one line saying how many more there are."""
    if len(problems) <= limit:
        return problems
    more = len(problems) - limit
    return problems[:limit] + [Problem(
        f"… and {more} more problem{'s' if more != 1 else ''} not shown ({len(problems)} in all)",
        hint="fix these and check again")]


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0))


def _maybe_unread(problem: Problem) -> Problem:
    """A reference to a missing unit or an unknown name may be a unit that a file with
    errors could not give: say so, rather than send the author looking for a typo."""
    if problem.field in ("parameters", "condition") and problem.message.startswith(
            ("refers to missing unit", "unknown name")):
        note = "or a unit in a file with errors that could not be read"
        return replace(problem, hint=f"{problem.hint}; {note}" if problem.hint else note)
    return problem


def is_empty(store: Store, base: str = DEFAULT_BASE) -> bool:
    """No approved unit to answer from: a new store, or not the store one meant."""
    return not any(by_status.get("approved", 0) for by_status in store.counts(base).values())


def folder_origin(path: Path) -> str:
    """A folder's stable name as the origin of its units: the same folder uploaded as a
    zip, or imported from another checkout, is recognised (and retires what it dropped)."""
    return "folder:" + (path.resolve().name or "kb")


def _same_origin(origin: str):
    # Stores written before origins were names hold the folder's absolute path.
    name = origin.removeprefix("folder:")

    def same(stored: str) -> bool:
        return stored == origin or (stored.startswith("/") and Path(stored).name == name)
    return same


def export_base(store: Store, path: Path | str, base: str = DEFAULT_BASE,
                include_retired: bool = False) -> list[str]:
    from ..formats.folder import write_folder

    statuses = ("approved", "draft", "retired") if include_retired else ("approved", "draft")
    units = store.list_units(base, statuses=statuses)
    if not units:
        raise LaoshifuError(f"knowledge base {base!r} is empty: nothing to export")
    return write_folder(units, path)


@dataclass(frozen=True)
class ExportGaps:
    """What an export of one base leaves out: it writes each unit's current text only."""

    pending_drafts: int  # drafts waiting beside approved units
    earlier_versions: int  # history
    retired: int  # 0 with include_retired
    questions: int
    feedback: int

    def describe(self) -> str:
        parts = [f"{n} {what}" for n, what in (
            (self.pending_drafts, "drafts waiting for review"), (self.earlier_versions, "earlier versions"),
            (self.retired, "retired units"), (self.questions, "queued questions"),
            (self.feedback, "feedback")) if n]
        return ", ".join(parts + ["users, tokens, audit log and training records"])


def export_gaps(store: Store, base: str = DEFAULT_BASE, include_retired: bool = False) -> ExportGaps:
    u, v = schema.units, schema.unit_versions

    def count(table, *where) -> int:
        with store.read() as conn:
            return int(conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    pending = count(u, u.c.base == base, u.c.pending_version.is_not(None))
    return ExportGaps(
        pending_drafts=pending,
        # every version that is neither a unit's current one nor a waiting draft
        earlier_versions=max(0, count(v, v.c.base == base) - count(u, u.c.base == base) - pending),
        retired=0 if include_retired else count(u, u.c.base == base, u.c.status == "retired"),
        questions=count(schema.questions, schema.questions.c.base == base),
        feedback=count(schema.feedback, schema.feedback.c.base == base))


def require_base(store: Store, base: str) -> None:
    """Refuse a knowledge base that does not exist (a typo must not create one)."""
    bases = store.bases()
    if bases and base not in bases:
        raise NotFound(Problem(f"no knowledge base {base!r}", field="base",
                               hint=f"bases here: {', '.join(bases)}"))


@dataclass
class Status:
    base: str
    counts: dict[str, int]  # approved units by kind
    drafts: int
    retired: int
    by_process: dict[str, dict[str, int]]
    open_questions: int
    store_version: int

    def to_dict(self) -> dict:
        return {"base": self.base, "counts": self.counts, "drafts": self.drafts,
                "retired": self.retired, "by_process": self.by_process,
                "open_questions": self.open_questions, "store_version": self.store_version}


def status(store: Store, base: str = DEFAULT_BASE) -> Status:
    require_base(store, base)
    counts = store.counts(base)
    approved = {kind: counts.get(kind, {}).get("approved", 0) for kind in KINDS}
    return Status(
        base=base,
        counts=approved,
        drafts=sum(c.get("draft", 0) for c in counts.values()),
        retired=sum(c.get("retired", 0) for c in counts.values()),
        by_process=store.counts_by_process(base),
        open_questions=len(store.list_questions(base)),
        store_version=store.version(),
    )
