"""Shared fixtures: a fresh home and store per test, and the example knowledge base."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "go-silicon-steel"

# Lexical search unless a test asks for semantic search itself: embedding the example
# knowledge base takes about a minute, and answers must not depend on the model.
os.environ["LAOSHIFU_SEMANTIC"] = "off"


@pytest.fixture(autouse=True)
def _process_temp_dir_restored():
    """Commands and the web app point the process's temporary files into their home
    (scratch.use_home_tmp); one test's home must not become the next test's /tmp (a long
    temp path broke Chromium's socket in later browser tests)."""
    import tempfile

    saved = {name: os.environ.get(name) for name in ("TMPDIR", "MPLCONFIGDIR")}
    saved_tempdir = tempfile.tempdir
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    tempfile.tempdir = saved_tempdir


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
    from laoshifu.knowledge.folders import import_folder

    import_folder(store, EXAMPLE)
    return store


def run_cli(*args: str, home: Path, input: str | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real ``laoshifu`` command in a subprocess on ``home``."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    full_env["LAOSHIFU_HOME"] = str(home)
    full_env["LAOSHIFU_SEMANTIC"] = "off"
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "laoshifu.cli", *args], capture_output=True,
                          text=True, input=input, env=full_env, timeout=timeout, cwd=ROOT)


@pytest.fixture
def cli(home):
    def _run(*args: str, **kwargs):
        return run_cli(*args, home=home, **kwargs)
    return _run


# -- PostgreSQL: LAOSHIFU_TEST_PG_URL, or a throwaway cluster from scripts/pg-test-server --
PG_INITDB = Path("/usr/lib/postgresql/15/bin/initdb")


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a PostgreSQL server to make test databases on (skips if there is none)."""
    url = os.environ.get("LAOSHIFU_TEST_PG_URL")
    if url:
        yield url
        return
    if not PG_INITDB.exists():
        pytest.skip("no PostgreSQL: set LAOSHIFU_TEST_PG_URL or apt-get install postgresql-15")
    done = subprocess.run(["bash", str(ROOT / "scripts" / "pg-test-server")], capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        pytest.skip(f"could not start PostgreSQL: {done.stderr.strip()[-300:]}")
    url_line, stop_line = done.stdout.strip().splitlines()[-2:]
    try:
        yield url_line.split("=", 1)[1]
    finally:
        subprocess.run(["bash", "-c", stop_line.split(": ", 1)[1]], capture_output=True, timeout=60)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database for one test (CREATE DATABASE per test)."""
    import uuid

    import psycopg

    admin_url = pg_server
    name = f"lsf_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
