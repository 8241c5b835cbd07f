"""The ``laoshifu`` command: a thin layer that parses, calls the library, renders."""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys

import click

from .. import scratch
from ..errors import LaoshifuError

# Read by OpenBLAS when numpy loads it (after this): its default pool, a thread per core
# started at import, costs a cold command ~0.1 s of CPU for nothing: our arithmetic is
# matrix-vector products (einsum), never threaded BLAS; a server has a process per worker.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The interpreter's last collections at exit walk every object the imports made (~60 ms for
# SQLAlchemy's alone); the process is ending, its memory goes back whole.
atexit.register(gc.freeze)

# Each module adds its commands to ``main``; a new surface is one line here. A command is
# imported only when it runs (a cold ``laoshifu ask`` need not load DuckDB, the import
# formats or the web app); ``--help`` imports them all. tests/cli/test_lazy_commands.py
# checks this table against what each module's ``register`` adds.
COMMAND_MODULES = {
    "knowledge": ("import", "export", "status", "list", "show", "history"),
    "ask": ("ask", "questions", "answer", "dismiss", "merge", "eval"),
    "diagnose": ("diagnose",),
    "review": ("review", "example-data"),
    "users": ("user", "token", "serve"),
    "training": ("train", "progress", "drills"),
    "operations": ("backup", "restore"),
    "llm": ("model", "export-training", "mcp"),
    "capture": ("capture", "gaps"),
}
_MODULE_OF = {command: module for module, names in COMMAND_MODULES.items() for command in names}


class _Group(click.Group):
    """Commands registered by their modules, each module imported on first use."""

    def __init__(self, *args, **kwargs) -> None:
        self._loaded: set[str] = set()
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:  # type: ignore[override]
        for module in COMMAND_MODULES:  # every command: help, listings, typo suggestions
            self._load(module)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def _load(self, module: str) -> None:
        if module not in self._loaded:
            self._loaded.add(module)
            importlib.import_module(f"{__name__}.{module}").register(self)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._commands[name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _MODULE_OF.get(cmd_name)
        if module is None:
            return self.commands.get(cmd_name)
        self._load(module)
        return self._commands.get(cmd_name)

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
