"""Commands are imported when they run: the table in laoshifu/cli is what modules register."""

import importlib
import json
import subprocess
import sys

import click
from click.testing import CliRunner

from laoshifu.cli import COMMAND_MODULES, main


def test_table_matches_what_each_module_registers():
    for module, names in COMMAND_MODULES.items():
        group = click.Group()
        importlib.import_module(f"laoshifu.cli.{module}").register(group)
        assert tuple(group.commands) == names, module


def test_help_lists_every_command():
    listed = CliRunner().invoke(main, ["--help"]).output
    for names in COMMAND_MODULES.values():
        for name in names:
            assert f"  {name} " in listed


def _modules_after(*args: str) -> set[str]:
    probe = ("import sys, json; from laoshifu.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_command_imports_only_its_own_module():
    loaded = _modules_after("diagnose", "--help")
    assert "laoshifu.cli.diagnose" in loaded
    for other in ("laoshifu.cli.review", "laoshifu.cli.users", "laoshifu.cli.capture",
                  "laoshifu.cli.training", "duckdb", "fastapi", "lark"):
        assert other not in loaded, other
