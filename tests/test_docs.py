"""The documentation keeps up with the code: every command is documented and has help."""

import click
import pytest

from laoshifu.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "laoshifu"):
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        yield full, command
        if isinstance(command, click.Group):
            yield from _commands(command, full)


@pytest.mark.parametrize("name,command", list(_commands(main)), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert command.help and command.help.strip(), f"{name} has no help text"
    assert f"`{name}" in README, f"{name} is not in README.md"


def test_readme_shows_the_two_setup_commands():
    assert "make run" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
