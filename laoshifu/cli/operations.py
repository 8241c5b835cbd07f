"""backup, restore: keeping the store safe while it runs day and night."""

from __future__ import annotations

from pathlib import Path

import click

from ..store import backup as backups
from ..progress import bars
from .common import echo_json, json_option, open_store


def register(main: click.Group) -> None:
    main.add_command(backup_cmd)
    main.add_command(restore_cmd)


def _tables(tables: dict[str, int]) -> str:
    shown = ("units", "unit_versions", "audit", "users", "api_tokens", "questions", "feedback",
             "training_state", "embeddings")
    return ", ".join(f"{name} {tables[name]}" for name in shown if name in tables)


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def backup_cmd(path: Path, as_json: bool) -> None:
    """Copy the whole store (every table) to PATH, safely while the server runs.

    PATH is a file, or a folder to write laoshifu-YYYYMMDD-HHMMSS.sqlite into. The copy is
    written beside it and renamed only when complete and checked.
    """
    with bars(enabled=not as_json) as progress:
        report = backups.backup(open_store(), path, progress)
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(f"backed up the store to {report.path} ({report.bytes / 1048576:.1f} MB, "
               f"{report.seconds:.1f} s, {report.method})")
    click.echo(f"  {_tables(report.tables)}")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def restore_cmd(path: Path, as_json: bool) -> None:
    """Read the backup at PATH into the configured store, which must be empty.

    Everything comes back: units with drafts and history, audit, users, tokens, the
    question queue, feedback, training records, sentence vectors. All or nothing.
    """
    with bars(enabled=not as_json) as progress:
        report = backups.restore(open_store(), path, actor="cli", progress=progress)
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(f"restored {report.source} ({report.seconds:.1f} s)")
    click.echo(f"  {_tables(report.tables)}")
    if report.migrated:
        click.echo(f"  brought up to date with migrations {', '.join(map(str, report.migrated))}")
