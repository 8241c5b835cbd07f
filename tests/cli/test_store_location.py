"""The plain command and ``make`` use the same store; status says which; asking an empty
base warns (issue 9 #4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from laoshifu.config import HOME_FROM_DEFAULT, HOME_FROM_ENV, HOME_FROM_FOLDER, load_settings

from ..conftest import EXAMPLE, ROOT


def _laoshifu(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The command as a user runs it: no LAOSHIFU_HOME unless ``env`` sets one."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("LAOSHIFU_", "XDG_"))}
    full.update(LAOSHIFU_SEMANTIC="off", PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "laoshifu.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=full, timeout=120)


def test_the_working_folders_store_is_found(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / ".laoshifu-home").mkdir(parents=True)
    xdg = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert _laoshifu("import", str(EXAMPLE), cwd=checkout, env=xdg).returncode == 0
    # `make run` put the store in .laoshifu-home: the README's plain ask answers from it.
    done = _laoshifu("ask", "脱碳退火的露点一般控制在多少？", cwd=checkout, env=xdg)
    assert done.returncode == 0, done.stderr
    assert "不确定" not in done.stdout and "dc-dew-point" in done.stdout
    assert "warning" not in done.stderr
    assert (checkout / ".laoshifu-home" / "laoshifu.db").exists()
    assert not (tmp_path / "xdg" / "laoshifu").exists()


def test_home_choice_order(tmp_path):
    (tmp_path / ".laoshifu-home").mkdir()
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    from laoshifu.config import find_home
    assert find_home(env, cwd=tmp_path) == ((tmp_path / ".laoshifu-home").resolve(), HOME_FROM_FOLDER)
    assert find_home({**env, "LAOSHIFU_HOME": str(tmp_path / "mine")}, cwd=tmp_path) == (
        tmp_path / "mine", HOME_FROM_ENV)
    assert find_home(env, cwd=tmp_path / "xdg") == (tmp_path / "xdg" / "laoshifu", HOME_FROM_DEFAULT)


def test_status_names_the_store(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / ".laoshifu-home").mkdir(parents=True)
    home = (checkout / ".laoshifu-home").resolve()
    done = _laoshifu("status", cwd=checkout, env={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"存储 store {home}  (found in this folder)",
        f"  database sqlite:///{home}/laoshifu.db"]
    elsewhere = tmp_path / "elsewhere"
    done = _laoshifu("status", "--json", cwd=checkout, env={"LAOSHIFU_HOME": str(elsewhere)})
    assert json.loads(done.stdout)["store"] == {
        "home": str(elsewhere), "from": "LAOSHIFU_HOME",
        "database": f"sqlite:///{elsewhere}/laoshifu.db"}


def test_status_hides_a_database_password(tmp_path):
    settings = load_settings(env={"LAOSHIFU_HOME": str(tmp_path),
                                  "LAOSHIFU_DATABASE_URL": "postgresql://lsf:s3cret@db/laoshifu"})
    assert settings.database_shown == "postgresql://lsf:***@db/laoshifu"


def test_asking_an_empty_base_warns(tmp_path):
    done = _laoshifu("ask", "脱碳退火的露点一般控制在多少？", cwd=tmp_path,
                     env={"LAOSHIFU_HOME": str(tmp_path / "empty")})
    assert done.returncode == 0
    assert "不确定" in done.stdout
    assert done.stderr.startswith("注意 warning: 知识库 'main' 里还没有已批准的知识")
    assert f"is empty in the store at {tmp_path / 'empty'}" in done.stderr


def test_asking_a_filled_base_does_not_warn(cli):
    assert cli("import", str(EXAMPLE)).returncode == 0
    done = cli("ask", "--json", "脱碳退火的露点一般控制在多少？")
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["refused"] is False


def test_a_removed_working_folder_falls_back_to_the_default(tmp_path, monkeypatch):
    from laoshifu.config import find_home

    def gone():
        raise FileNotFoundError("the working folder was removed")
    monkeypatch.setattr(Path, "cwd", staticmethod(gone))
    assert find_home({"XDG_DATA_HOME": str(tmp_path)}) == (tmp_path / "laoshifu", HOME_FROM_DEFAULT)
