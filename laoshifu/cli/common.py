"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import json
from typing import Any

import click

from ..config import load_settings
from ..store import Store
from ..units import DEFAULT_BASE

base_option = click.option("--base", default=DEFAULT_BASE, show_default=True,
                           help="Knowledge base (one per production line).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


def plant_time(value) -> str:
    """A stored UTC time as the plant's clock reads it (``timezone`` setting, else the
    machine's): ``2026-07-22 14:05``."""
    from .. import localtime

    return localtime.show(value, localtime.plant_zone(load_settings().timezone))


def open_store() -> Store:
    return Store.open(load_settings().database_url)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
