"""The ``laoshifu`` command: a thin layer that parses, calls the library, renders."""

from __future__ import annotations

import importlib
import sys

import click

from .. import scratch
from ..errors import LaoshifuError

# Each module adds its commands to ``main``; a new surface is one line here.
_COMMAND_MODULES = ("knowledge", "ask", "diagnose", "review", "users", "training", "operations", "llm",
                    "capture")


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LaoshifuError as exc:
            # User mistakes are shown plainly, without a traceback.
            click.echo(click.style("error: ", fg="red", bold=True) + exc.render(), err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="laoshifu")
def main() -> None:
    """老师傅 Laoshifu — a digital master who never retires."""
    scratch.use_home_tmp()  # temporary files under LAOSHIFU_HOME/tmp, not /tmp or ~/.cache


for _name in _COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(main)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
