"""Long commands show progress bars on a terminal (stderr a TTY), never with --json or in a pipe."""

import os
import pty
import select
import subprocess
import sys

from ..conftest import ROOT

EXAMPLE = ROOT / "examples" / "go-silicon-steel"


def _run_on_terminal(args, home):
    """Run laoshifu with stderr on a pseudo-terminal; (stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    env.update(LAOSHIFU_HOME=str(home), LAOSHIFU_SEMANTIC="off", COLUMNS="100")
    child = subprocess.Popen([sys.executable, "-m", "laoshifu.cli", *args], stdout=subprocess.PIPE,
                             stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    shown = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        elif child.poll() is not None:
            break
    out = child.stdout.read()
    child.wait(60)
    os.close(master)
    assert child.returncode == 0, shown.decode(errors="replace")
    return out.decode(), shown.decode(errors="replace")


def test_example_data_and_review_show_bars_on_a_terminal(tmp_path):
    data = tmp_path / "data"
    _, shown = _run_on_terminal(["example-data", str(data), "--days", "2", "--hours", "0.2",
                                 "--kb", str(EXAMPLE)], tmp_path)
    assert "days" in shown and "2/2" in shown
    _, shown = _run_on_terminal(["review", str(data), "--kb", str(EXAMPLE), "--out",
                                 str(tmp_path / "report")], tmp_path)
    assert "columns" in shown and "charts" in shown


def test_json_and_pipes_show_no_bars(tmp_path):
    data = tmp_path / "data"
    out, shown = _run_on_terminal(["example-data", str(data), "--days", "2", "--hours", "0.2",
                                   "--kb", str(EXAMPLE), "--json"], tmp_path)
    assert out.lstrip().startswith("{") and "days" not in shown and "━" not in shown
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    piped = subprocess.run([sys.executable, "-m", "laoshifu.cli", "review", str(data), "--kb",
                            str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT,
                           env={**env, "LAOSHIFU_HOME": str(tmp_path)})
    assert piped.returncode == 0 and "━" not in piped.stderr and "columns" not in piped.stderr


def test_import_shows_files_on_a_terminal(tmp_path):
    _, shown = _run_on_terminal(["import", str(EXAMPLE)], tmp_path)
    assert "files" in shown and "writing" in shown
