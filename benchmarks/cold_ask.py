"""Cold `laoshifu ask`: a new process, from start to the printed answer, ours vs the code
before issue 13, side by side and interleaved (so both see the same machine load).

The baseline is the ``laoshifu/`` tree of a git revision (default: the commit before the
start-up work), extracted to a temporary folder and run with the same interpreter and
libraries. Both trees are byte-compiled first: a cold start is a new process, not a first
compile. Each figure is the median of ``--runs`` runs, as wall time and as CPU time (user +
system of the child): on a shared 2-core machine waiting for a core inflates the wall clock,
the CPU time is what the command costs. Lexical search (LAOSHIFU_SEMANTIC=off) and hybrid
(auto: the embedding model is loaded to embed the question) are measured separately.

    .venv/bin/python benchmarks/cold_ask.py [--runs 10] [--baseline REV] [--json]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "go-silicon-steel"
BASELINE_REV = "62c1a45d584cf0f5dd5dc27aeb1e3a927a6eb6d5"  # before issue 13's start-up work
QUESTION = "脱碳退火的露点一般控制在多少？"
TARGET_S = 0.5
MODES = {"lexical": "off", "hybrid": "auto"}
# What any lexical answer from the SQLite store costs before our own code: the interpreter,
# click, SQLAlchemy with its SQLite dialect, numpy (one BLAS thread, as the CLI sets it) and
# jieba's dictionary (rjieba's Jieba(), which every analyzer builds); no collection at exit,
# as the CLI. Both trees pay it alike.
LIBRARY_FLOOR = """
import atexit, gc, os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import click, numpy, sqlalchemy, sqlalchemy.dialects.sqlite
import importlib.machinery, importlib.util, pathlib
spec = importlib.util.find_spec("rjieba")  # its Jieba class, as laoshifu/text/segment.py loads it
binary = next(pathlib.Path(next(iter(spec.submodule_search_locations))).glob("rjieba.*.so"))
loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(binary))
module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
    "rjieba.rjieba", binary, loader=loader))
loader.exec_module(module)
module.Jieba()
atexit.register(gc.freeze)
"""


def extract(rev: str, into: Path) -> Path:
    """The ``laoshifu`` package as it was at ``rev``."""
    archive = subprocess.run(["git", "archive", rev, "laoshifu"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def compiled(tree: Path) -> None:
    compileall.compile_dir(str(tree / "laoshifu"), quiet=1)


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one child process run to its end."""
    started = time.perf_counter()
    # Not run in the checkout: ``-m`` puts the working folder first on sys.path, which
    # would shadow the baseline's tree.
    child = subprocess.Popen(args, env=env, cwd=env["LAOSHIFU_HOME"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status:
        raise SystemExit(f"{' '.join(args)} failed: {child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def env_for(tree: Path | None, home: Path, mode: str) -> dict:
    env = {**os.environ, "LAOSHIFU_HOME": str(home), "LAOSHIFU_SEMANTIC": MODES[mode],
           "LAOSHIFU_SEMANTIC_THREADS": "1"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def import_breakdown(env: dict, args: list[str]) -> dict[str, float]:
    """Self time of imports by top-level package (``python -X importtime``), ms."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], env=env, cwd=env["LAOSHIFU_HOME"],
                          capture_output=True, text=True)
    totals: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            totals[match.group(2).split(".")[0]] += int(match.group(1)) / 1000
    return dict(totals.most_common(8))


def measure(runs: int, rev: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="laoshifu-cold-") as tmp:
        tmp = Path(tmp)
        base_tree = extract(rev, tmp / "baseline")
        compiled(base_tree)
        compiled(ROOT)
        home = tmp / "home"
        # The example with its sentence vectors (hybrid), and the saved index of each mode.
        home.mkdir()
        subprocess.run([sys.executable, "-m", "laoshifu.cli", "import", str(EXAMPLE)], check=True,
                       env=env_for(None, home, "hybrid"), cwd=home, capture_output=True)
        ask = ["-m", "laoshifu.cli", "ask", "--no-record", QUESTION]
        cases = {"python -c pass (interpreter floor)": (["-c", "pass"], ("lexical",)),
                 "libraries an answer needs (floor)": (["-c", LIBRARY_FLOOR], ("lexical",)),
                 "import laoshifu.cli": (["-c", "import laoshifu.cli"], ("lexical",)),
                 "laoshifu ask": (ask, tuple(MODES))}
        for mode in MODES:
            for tree in (None, base_tree):
                timed([sys.executable, *ask], env_for(tree, home, mode))  # saves the index
        probe = "import laoshifu; print(laoshifu.__file__)"
        where = subprocess.run([sys.executable, "-c", probe], env=env_for(base_tree, home, "lexical"),
                               cwd=home, capture_output=True, text=True).stdout
        assert where.startswith(str(base_tree)), where  # the baseline runs its own code
        results: dict = {}
        for name, (args, modes) in cases.items():
            for mode in modes:
                samples: dict[str, list[tuple[float, float]]] = {"ours": [], "baseline": []}
                for _ in range(runs):  # interleaved: both see the same load
                    for system, tree in (("ours", None), ("baseline", base_tree)):
                        samples[system].append(timed([sys.executable, *args],
                                                     env_for(tree, home, mode)))
                key = name if len(modes) == 1 else f"{name} ({mode})"
                results[key] = {system: {"wall_s": statistics.median(w for w, _ in s),
                                         "cpu_s": statistics.median(c for _, c in s),
                                         "cpu_min_s": min(c for _, c in s)}
                                for system, s in samples.items()}
        results["imports, ours lexical ask (ms self time by package)"] = import_breakdown(
            env_for(None, home, "lexical"), ask)
        results["imports, baseline lexical ask (ms self time by package)"] = import_breakdown(
            env_for(base_tree, home, "lexical"), ask)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--baseline", default=BASELINE_REV, help="git revision to compare with")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args()
    results = measure(args.runs, args.baseline)
    load = os.getloadavg()[0]
    print(f"cold start, median of {args.runs} runs each, interleaved; load average {load:.1f} on "
          f"{os.cpu_count()} cores; baseline = laoshifu/ at {args.baseline[:10]}")
    print(f"{'':<42}{'ours wall':>10}{'ours CPU':>10}{'base wall':>11}{'base CPU':>10}{'CPU ×':>7}")
    for name, row in results.items():
        if "ours" not in row:
            continue
        ours, base = row["ours"], row["baseline"]
        print(f"{name:<42}{ours['wall_s']:>10.3f}{ours['cpu_s']:>10.3f}{base['wall_s']:>11.3f}"
              f"{base['cpu_s']:>10.3f}{base['cpu_s'] / ours['cpu_s']:>7.1f}")
    for name, row in results.items():
        if "ours" not in row:
            print(f"{name}: " + ", ".join(f"{k} {v:.0f}" for k, v in row.items()))
    print(f"target: cold `laoshifu ask` ≤ {TARGET_S} s (lexical and hybrid reported apart)")
    if args.json:
        print(json.dumps({"load": load, "runs": args.runs, "baseline": args.baseline,
                          "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
