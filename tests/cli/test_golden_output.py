"""Exact CLI output for the example knowledge base, and the README's example kept true."""

import re

from ..conftest import ROOT

GOLDEN = ROOT / "tests" / "cli" / "golden"


def test_status_output_is_exact(cli, example_dir, home):
    cli("import", str(example_dir))
    shown = cli("status").stdout.replace(str(home), "$LAOSHIFU_HOME")  # a new home every run
    assert shown == (GOLDEN / "status.txt").read_text(encoding="utf-8")


def test_the_readme_ask_example_is_what_ask_prints(cli, example_dir):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ \.venv/bin/laoshifu ask \"(.+?)\"\n(.*?)```", readme, re.S)
    question, shown = block.group(1), block.group(2)
    cli("import", str(example_dir))
    printed = cli("ask", question).stdout
    for line in shown.splitlines():
        if "……" in line:  # elided in the README: the start must match
            assert line.split("……")[0] in printed, line
        else:
            assert line in printed.splitlines(), line
