"""`make bench`: every speed figure of issue 13 in one table, with its baseline, target and
the command that reproduces it; written to benchmarks/results.json for comparison between
runs (scripts/readme-performance puts the table in the README).

Each figure comes from its own benchmark, run here one after the other (a progress bar on
a terminal); each benchmark measures ours and its baseline side by side in one run.

    .venv/bin/python benchmarks/bench.py [--quick] [--only review,web,cold,import]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results.json"
PY = ".venv/bin/python"


def _last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in the benchmark's output")


def _run(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # load.py exits 1 when its own targets are missed
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return _last_json(done.stdout)


def review(shape: str, quick: bool) -> list[dict]:
    hours = "2" if quick else "24"
    command = f"{PY} benchmarks/review_speed.py --shape {shape}" + (" --hours 2" if quick else "")
    r = _run(["benchmarks/review_speed.py", "--shape", shape, "--hours", hours])
    label = f"review, {shape} ({r['readings'] / 1e6:.0f} M readings)"
    return [
        {"figure": f"{label}: window check, pandas ÷ ours", "ours": r["ratio_windows"],
         "unit": "×", "baseline": f"pandas {r['pandas']['s']:.2f} s, ours {r['ours_windows']['s']:.2f} s",
         "target": "≥ 5×", "met": r["ratio_windows"] >= 5, "command": command},
        {"figure": f"{label}: ours end to end", "ours": r["ours"]["s"], "unit": "s",
         "baseline": f"{r['ours']['cpu_s']:.2f} s CPU; pandas window check alone {r['pandas']['s']:.2f} s",
         "target": "≤ 3 s", "met": r["ours"]["s"] <= 3, "command": command},
    ]


def web(quick: bool) -> list[dict]:
    """load.py on ours, then on the code before issue 13 (cold_ask's baseline revision)."""
    import tempfile

    from cold_ask import BASELINE_REV, extract

    seconds = "15" if quick else "60"
    args = [str(ROOT / "benchmarks" / "load.py"), "--seconds", seconds, "--think", "0", "--json"]
    r = _run(args)  # answers kept (the default), and worked out every time ("uncached")
    with tempfile.TemporaryDirectory(prefix="laoshifu-bench-") as tmp:
        tree = extract(BASELINE_REV, Path(tmp))
        # Run outside the checkout: ``-m`` would put its laoshifu/ first on sys.path.
        done = subprocess.run([sys.executable, *args, "--answer-cache", "off"], cwd=tmp,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
        before = _last_json(done.stdout)
    command = f"{PY} benchmarks/load.py --seconds {seconds} --think 0"
    uncached, floor = r["uncached"], r["floor"]
    return [
        {"figure": "web, 50 apprentices, no pause: server CPU per ask (answers kept)",
         "ours": r["server_cpu_ms_per_request"], "unit": "ms",
         "baseline": f"worked out every time {uncached['server_cpu_ms_per_request']} ms; before: "
                     f"{before['server_cpu_ms_per_request']} ms; floor (GET /api/v1/me) "
                     f"{floor['server_cpu_ms_per_request']} ms", "target": "≤ 1 ms",
         "met": r["server_cpu_ms_per_request"] <= 1, "command": command},
        {"figure": "web, 50 apprentices, no pause: p95 (answers kept)", "ours": r["p95_ms"], "unit": "ms",
         "baseline": f"worked out every time {uncached['p95_ms']} ms; before: {before['p95_ms']} ms; "
                     f"{r['requests_per_s']} vs {uncached['requests_per_s']} vs {before['requests_per_s']} req/s; "
                     f"errors {r['errors']}, {uncached['errors']}, {before['errors']}; mean-latency floor "
                     f"{floor['mean_latency_floor_ms']} ms (load generator "
                     f"{floor['client_cpu_ms_per_request']} ms CPU a request, same cores)",
         "target": "≤ 100 ms", "met": r["p95_ms"] <= 100, "command": command},
    ]


def cold(quick: bool) -> list[dict]:
    runs, units = ("3", 10_000) if quick else ("10", 100_000)
    r = _run(["benchmarks/cold_ask.py", "--runs", runs, "--units", str(units), "--json"])["results"]
    command = f"{PY} benchmarks/cold_ask.py --runs {runs} --units {units}"
    rows = []
    floor = r.get("libraries an answer needs (floor)", {}).get("ours")
    for mode in ("lexical", "hybrid"):
        row = r[f"laoshifu ask ({mode})"]
        shown_floor = (f"; floor (interpreter, click, SQLAlchemy, numpy, jieba's dictionary) "
                       f"{floor['wall_s']:.2f} s, CPU {floor['cpu_s']:.2f} s") if floor else ""
        rows.append({"figure": f"cold `laoshifu ask`, {mode} (wall; CPU)",
                     "ours": row["ours"]["wall_s"], "unit": "s",
                     "baseline": f"before: {row['baseline']['wall_s']:.2f} s; CPU {row['ours']['cpu_s']:.2f} "
                                 f"vs {row['baseline']['cpu_s']:.2f} s{shown_floor}",
                     "target": "≤ 0.5 s", "met": row["ours"]["wall_s"] <= 0.5, "command": command})
    for mode in ("lexical", "hybrid"):
        row = r[f"laoshifu ask, {units:,} units ({mode})"]
        synthetic = " (synthetic vectors)" if mode == "hybrid" else ""
        rows.append({"figure": f"cold `laoshifu ask` at {units:,} units, {mode}{synthetic} (wall; CPU)",
                     "ours": row["ours"]["wall_s"], "unit": "s",
                     "baseline": f"before: {row['baseline']['wall_s']:.2f} s; CPU {row['ours']['cpu_s']:.2f} "
                                 f"vs {row['baseline']['cpu_s']:.2f} s",
                     "target": "≤ 1.5 s", "met": row["ours"]["wall_s"] <= 1.5, "command": command})
    return rows


def import_speed(quick: bool) -> list[dict]:
    units = "20000" if quick else "100000"
    r = _run(["benchmarks/import_throughput.py", "--units", units, "--json"])
    command = f"{PY} benchmarks/import_throughput.py --units {units}"
    return [{"figure": f"import, {r['units']:,} units / {r['mb']} MB", "ours": round(r["ours"]["mb_per_s"], 2),
             "unit": "MB/s", "baseline": f"raw insert, no parsing: {r['baseline']['mb_per_s']:.0f} MB/s; "
                                         f"ours {r['ours']['process_seconds']:.1f} s, of which writing "
                                         f"{r['ours']['write_s']:.1f} s (SQLite alone: {r['write_floor_s']:.1f} s)",
             "target": "≥ 10 MB/s", "met": r["ours"]["mb_per_s"] >= 10, "command": command}]


BENCHMARKS = {"review": lambda q: review("wide", q) + review("long", q), "web": web, "cold": cold,
              "import": import_speed}


def _shown(value: float, unit: str) -> str:
    digits = {"s": 2, "ms": 1, "×": 1, "MB/s": 1}.get(unit, 2)
    return f"{value:.{digits}f} {unit}"


def table(rows: list[dict]) -> str:
    lines = ["| figure | ours | baseline (same run) | target | met | reproduce |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['figure']} | **{_shown(r['ours'], r['unit'])}** | {r['baseline']} | {r['target']} | "
                     f"{'yes' if r['met'] else 'no'} | `{r['command']}` |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs (a smoke run)")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    args = parser.parse_args()
    chosen = [b for b in args.only.split(",") if b in BENCHMARKS]
    from laoshifu.progress import bars, report

    rows: list[dict] = []
    started = time.perf_counter()
    with bars() as progress:
        for i, name in enumerate(chosen):
            report(progress, "benchmarks", i, len(chosen))
            rows += [{**row, "bench": name} for row in BENCHMARKS[name](args.quick)]
        report(progress, "benchmarks", len(chosen), len(chosen))
    print(table(rows))
    load = os.getloadavg()
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else None
    if previous and set(chosen) != set(BENCHMARKS):  # a subset: the other rows stay as they were
        kept = [r for r in previous.get("rows", []) if r.get("bench") not in chosen]
        rows = sorted(kept + rows, key=lambda r: list(BENCHMARKS).index(r.get("bench", "review")))
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": args.quick,
              "machine": {"cores": os.cpu_count(), "load_average": [round(x, 1) for x in load]},
              "seconds": round(time.perf_counter() - started), "rows": rows}
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)} (load average {load[0]:.1f} on {os.cpu_count()} cores)")
    if previous:
        before = {r["figure"]: r for r in previous.get("rows", [])}
        for r in rows:
            if r["figure"] in before:
                print(f"  {r['figure']}: {before[r['figure']]['ours']:g} → {r['ours']:g} {r['unit']}")


if __name__ == "__main__":
    main()
