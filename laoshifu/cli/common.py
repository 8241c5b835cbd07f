"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import atexit
import json
from typing import Any

import click

from ..config import load_settings
from ..store import Store
from ..knowledge.units import DEFAULT_BASE

base_option = click.option("--base", default=DEFAULT_BASE, show_default=True,
                           help="Knowledge base (one per production line).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


def plant_time(value) -> str:
    """A stored UTC time as the plant's clock reads it (``timezone`` setting, else the
    machine's): ``2026-07-22 14:05``."""
    from .. import localtime

    return localtime.show(value, localtime.plant_zone(load_settings().timezone))


def open_store() -> Store:
    store = Store.open(load_settings().database_url)
    # Closed before the command exits (atexit runs this before the gc.freeze registered
    # earlier): the freeze keeps connections from being finalised, and an unclosed SQLite
    # store leaves its writes in the -wal file instead of checkpointing them into
    # laoshifu.db, so a copy of laoshifu.db alone would miss them.
    atexit.register(store.close)
    return store


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
