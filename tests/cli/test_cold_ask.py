"""A cold ``laoshifu ask`` loads only what an answer needs, with one BLAS thread."""

import json
import os
import subprocess
import sys

from ..conftest import EXAMPLE, ROOT

QUESTION = "脱碳退火的露点一般控制在多少？"
PROBE = ("import sys, json, os; from laoshifu.cli import main\n"
         "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
         "print(json.dumps({'modules': sorted(sys.modules),"
         " 'blas': os.environ.get('OPENBLAS_NUM_THREADS')}))")


def _probe(home, *args: str, env: dict | None = None) -> dict:
    full = {k: v for k, v in os.environ.items()
            if not k.startswith("LAOSHIFU_") and k != "OPENBLAS_NUM_THREADS"}
    full.update(LAOSHIFU_HOME=str(home), LAOSHIFU_SEMANTIC="off", **(env or {}))
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          env=full, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_cold_ask_loads_no_parser_yaml_or_scipy(cli, home):
    assert cli("import", str(EXAMPLE)).returncode == 0
    assert cli("ask", "--no-record", QUESTION).returncode == 0  # builds and saves the index
    found = _probe(home, "ask", "--no-record", QUESTION)
    loaded = set(found["modules"])
    assert "laoshifu.answer" in loaded  # it did answer
    for unneeded in ("laoshifu.condition_parser", "yaml", "numpy.ma", "scipy", "duckdb", "lark",
                     "fastapi"):
        assert unneeded not in loaded, unneeded
    assert found["blas"] == "1"


def test_a_blas_thread_count_given_is_kept(home):
    assert _probe(home, "--help", env={"OPENBLAS_NUM_THREADS": "3"})["blas"] == "3"
