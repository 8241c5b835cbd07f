"""Shared fixtures: a fresh home and store per test, and the example knowledge base."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "go-silicon-steel"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh LAOSHIFU_HOME; nothing leaks from the user's environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("LAOSHIFU_HOME", str(path))
    monkeypatch.delenv("LAOSHIFU_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def store(home):
    from laoshifu.store import Store

    s = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    yield s
    s.close()


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def example_store(store):
    from laoshifu.knowledge import import_folder

    import_folder(store, EXAMPLE)
    return store


def run_cli(*args: str, home: Path, input: str | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real ``laoshifu`` command in a subprocess on ``home``."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    full_env["LAOSHIFU_HOME"] = str(home)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "laoshifu.cli", *args], capture_output=True,
                          text=True, input=input, env=full_env, timeout=timeout, cwd=ROOT)


@pytest.fixture
def cli(home):
    def _run(*args: str, **kwargs):
        return run_cli(*args, home=home, **kwargs)
    return _run
