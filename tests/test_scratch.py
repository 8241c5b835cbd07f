"""Temporary files stay under LAOSHIFU_HOME/tmp: no font cache in ~/.cache, no DuckDB spill
in the working folder, no uploads spooled to /tmp (issue 14, item 28)."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT, run_cli

PROBE = ("import os, tempfile; from laoshifu.cli import main; "
         "main(['status'], standalone_mode=False); "
         "print(tempfile.gettempdir()); print(os.environ['TMPDIR']); print(os.environ['MPLCONFIGDIR'])")


def _env(home, fake_home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LAOSHIFU_") and k not in ("MPLCONFIGDIR", "TMPDIR", "XDG_CACHE_HOME")}
    env.update(LAOSHIFU_HOME=str(home), LAOSHIFU_SEMANTIC="off", HOME=str(fake_home))
    return env


def test_every_command_puts_temporary_files_under_the_home(tmp_path):
    home, fake_home = tmp_path / "home", tmp_path / "user"
    fake_home.mkdir()
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=_env(home, fake_home), cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    tmp = home / "tmp"
    # what the web server spools uploads into, what zips unpack into, DuckDB, matplotlib
    assert done.stdout.splitlines()[-3:] == [str(tmp), str(tmp), str(tmp / "matplotlib")]
    assert oct(tmp.stat().st_mode & 0o777) == "0o700"


def test_a_review_writes_nothing_outside_the_home(tmp_path, example_dir):
    home, fake_home, work = tmp_path / "home", tmp_path / "user", tmp_path / "work"
    fake_home.mkdir()
    work.mkdir()
    env = _env(home, fake_home)
    for args in (["example-data", str(tmp_path / "data"), "--days", "1", "--hours", "2",
                  "--kb", str(example_dir)],
                 ["review", str(tmp_path / "data"), "--kb", str(example_dir), "--out",
                  str(tmp_path / "out")]):
        done = subprocess.run([sys.executable, "-m", "laoshifu.cli", *args], capture_output=True,
                              text=True, env=env, cwd=work, timeout=300)
        assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").glob("review-*.html"))) == 1
    assert list(fake_home.iterdir()) == []  # no ~/.cache/matplotlib, no ~/.config
    assert list(work.iterdir()) == []  # no ./.tmp
    assert any((home / "tmp" / "matplotlib").glob("fontlist-*.json"))


def test_duckdb_spills_into_the_temporary_folder(tmp_path, monkeypatch, example_dir):
    import tempfile

    from laoshifu.review.load import open_data

    done = run_cli("example-data", str(tmp_path / "data"), "--days", "1", "--hours", "1",
                   "--kb", str(example_dir), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "spill-here"))
    data = open_data(tmp_path / "data", [])
    spill = data.con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert spill.startswith(str(tmp_path / "spill-here" / "laoshifu-duckdb-"))
