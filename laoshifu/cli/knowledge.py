"""import, export, status, show, history."""

from __future__ import annotations

from pathlib import Path

import click

import unicodedata

from ..knowledge import folders as knowledge, listing
from ..config import HOME_FROM_DEFAULT, HOME_FROM_ENV, HOME_FROM_FOLDER, load_settings
from ..knowledge.units import KIND_LABELS, KINDS, STATUSES, Unit, format_number
from ..progress import bars
from .common import base_option, echo_json, json_option, open_store, plant_time
from .semantic import describe_prepare, mode_for_status, prepare_after_import


def register(main: click.Group) -> None:
    for command in (import_cmd, export_cmd, status_cmd, list_cmd, show_cmd, history_cmd):
        main.add_command(command)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@base_option
@click.option("--dry-run", is_flag=True, help="Check everything and report, write nothing.")
@click.option("--actor", default="import", show_default=True, help="Who is importing (audit log).")
@click.option("--ours", "on_conflict", flag_value="ours",
              help="Keep the store's version of units changed there since the last import.")
@click.option("--theirs", "--force", "on_conflict", flag_value="theirs",
              help="Take the folder's version even over changes made in the store.")
@click.option("--if-empty", is_flag=True,
              help="Import only when the base holds no units yet (first start).")
@json_option
def import_cmd(path: Path, base: str, dry_run: bool, actor: str, on_conflict: str | None,
               if_empty: bool, as_json: bool) -> None:
    """Check a knowledge-base folder and store it (all or nothing).

    A unit changed in the store (web edit, approval) since this folder was last imported
    is never overwritten silently: the import is refused and names it, unless --ours or
    --theirs says which side wins.
    """
    store = open_store()
    if if_empty and (held := store.list_units(base, statuses=None)):
        message = (f"base {base!r} already holds {len(held)} units: not importing {path} "
                   "(import without --if-empty to update it)")
        echo_json({"base": base, "skipped": True, "units": len(held)}) if as_json \
            else click.echo(message)
        return
    with bars(enabled=not as_json) as progress:
        report, contents = knowledge.import_folder(store, path, base=base, actor=actor,
                                                   dry_run=dry_run,
                                                   on_conflict=on_conflict or "refuse",
                                                   progress=progress)
        prepared = None if dry_run else prepare_after_import(store, path, base, progress)
    if as_json:
        echo_json({**report.to_dict(), "files": len(contents.files), "skipped": contents.skipped,
                   **({"search": prepared.mode.to_dict()} if prepared else {})})
        return
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {path} into base {base!r}: {len(contents.units)} units from "
               f"{len(contents.files)} files")
    click.echo(f"  created {len(report.created)}, updated {len(report.updated)}, "
               f"unchanged {len(report.unchanged)}, retired {len(report.retired)}")
    for conflict in report.conflicts:
        click.echo(f"  kept the store's {conflict.unit_id} ({conflict.change} by "
                   f"{conflict.changed_by} at {plant_time(conflict.changed_at)})")
    if contents.skipped:
        click.echo(f"  skipped (not knowledge): {', '.join(contents.skipped)}")
    if prepared is not None:
        click.echo(describe_prepare(prepared))


@click.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@base_option
@click.option("--include-retired", is_flag=True, help="Also write retired units.")
def export_cmd(path: Path, base: str, include_retired: bool) -> None:
    """Write the knowledge base back as an authoring folder."""
    store = open_store()
    files = knowledge.export_base(store, path, base=base, include_retired=include_retired)
    click.echo(f"exported base {base!r} to {path}: {len(files)} files")
    # An export is the authoring text, not a backup: say loudly what it does not hold.
    gaps = knowledge.export_gaps(store, base, include_retired)
    click.echo(click.style("注意 not in this export: ", fg="yellow", bold=True) + gaps.describe()
               + ". Importing it elsewhere loses them; `laoshifu backup PATH` keeps everything.",
               err=True)


@click.command("status")
@base_option
@json_option
def status_cmd(base: str, as_json: bool) -> None:
    """What is stored, by kind and process."""
    store = open_store()
    status = knowledge.status(store, base)
    mode = mode_for_status(store, base)
    where = store_location()
    if as_json:
        echo_json({**status.to_dict(), "search": mode.to_dict(), "store": where})
        return
    click.echo(f"存储 store {where['home']}  ({_HOME_FROM[where['from']]})")
    click.echo(f"  database {where['database']}")
    click.echo(f"知识库 base {status.base}  (store version {status.store_version})")
    click.echo("approved units by kind:")
    for kind in KINDS:
        click.echo(f"  {kind:<10} {KIND_LABELS[kind]:<5} {status.counts[kind]:>6}")
    click.echo(f"  {'total':<16} {sum(status.counts.values()):>6}")
    click.echo(f"drafts {status.drafts}, retired {status.retired}, open questions {status.open_questions}")
    if status.by_process:
        click.echo("by process:")
        for process, kinds in sorted(status.by_process.items()):
            parts = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
            click.echo(f"  {process or '(none)'}: {parts}")
    click.echo(f"search: {mode.describe()}")


_HOME_FROM = {HOME_FROM_ENV: "from LAOSHIFU_HOME", HOME_FROM_FOLDER: "found in this folder",
              HOME_FROM_DEFAULT: "the default; LAOSHIFU_HOME sets another"}


def store_location() -> dict[str, str]:
    """Where the store is and why there: a user who sees an empty base learns it at once."""
    settings = load_settings()
    return {"home": str(settings.home), "from": settings.home_from,
            "database": settings.database_shown}


@click.command("list")
@base_option
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only units of this kind.")
@click.option("--process", default="", help="Only units of this process (工序), e.g. 脱碳退火.")
@click.option("--query", "-q", default="", help="Only units with all these words (id, title, text).")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Only units in this status (default: approved and draft).")
@json_option
def list_cmd(base: str, kind: str | None, process: str, query: str, status: str | None,
             as_json: bool) -> None:
    """List unit ids with kind, process, version and title (the ids show and history take)."""
    units = listing.list_units(open_store(), base, kind or "", process, query, status or "")
    if as_json:
        echo_json({"base": base, "count": len(units), "units": [u.to_dict() for u in units]})
        return
    if not units:
        click.echo("no units match (没有符合条件的条目)", err=True)
        return
    id_width = max(len(u.id) for u in units)
    process_width = max(_width(u.process or "—") for u in units)
    for u in units:
        mark = "" if u.status == "approved" else f"  [{u.status}]"
        click.echo(f"{u.id:<{id_width}}  {u.kind:<9}  {_pad(u.process or '—', process_width)}  "
                   f"v{u.version:<3} {u.title}{mark}")


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@click.command("show")
@click.argument("unit_id")
@base_option
@json_option
def show_cmd(unit_id: str, base: str, as_json: bool) -> None:
    """Show one unit as stored."""
    unit = open_store().require_unit(base, unit_id)
    if as_json:
        echo_json(unit.to_dict())
        return
    click.echo(render_unit(unit))


@click.command("history")
@click.argument("unit_id")
@base_option
@json_option
def history_cmd(unit_id: str, base: str, as_json: bool) -> None:
    """List every version of a unit: who changed it, when and how."""
    versions = open_store().history(base, unit_id)
    if as_json:
        echo_json([{**unit.to_dict(), **info} for unit, info in versions])
        return
    for unit, info in versions:
        click.echo(f"v{unit.version}  {plant_time(info['changed_at'])}  {info['change']:<8} "
                   f"{info['changed_by']:<12} {unit.status:<8} {unit.title}"
                   + (f"  — {info['comment']}" if info["comment"] else ""))


def render_unit(unit: Unit) -> str:
    lines = [f"{unit.title}  [{unit.kind} {KIND_LABELS[unit.kind]}]",
             f"id {unit.id}  v{unit.version}  {unit.status}  base {unit.base}",
             f"process {unit.process or '—'}  author {unit.author or '—'}  source {unit.source or '—'}"]
    if unit.tags:
        lines.append("tags " + ", ".join(unit.tags))
    data = unit.to_dict()
    skip = {"id", "kind", "title", "process", "tags", "author", "status", "version",
            "source_file", "source_line", "base", "created_at", "updated_at", "body"}
    for name, value in data.items():
        if name in skip or value in ("", [], None):
            continue
        if isinstance(value, list):
            lines.append(f"{name}:")
            lines += [f"  {i}. {v}" for i, v in enumerate(value, 1)]
        else:
            lines.append(f"{name}: {format_number(value) if isinstance(value, float) else value}")
    if unit.body:
        lines += ["", unit.body]
    return "\n".join(lines)
