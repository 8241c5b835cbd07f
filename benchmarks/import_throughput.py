"""Import throughput: a generated knowledge base of 100,000 units / ~50 MB of Chinese text.

Measured side by side in one run, each in its own process (for a clean peak memory):
  ours      `laoshifu import` end to end: read, detect encoding, parse, validate every
            unit and every rule condition, version and write in one transaction;
  baseline  the floor for the same bytes: read every file and insert its raw text into
            SQLite in one transaction, with no parsing or checks.

    python benchmarks/import_throughput.py [--units 100000] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "go-silicon-steel"
UNITS_PER_FILE = 50


def sentences() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (EXAMPLE / "handbook").glob("*.md"))
    found = [s.strip() for s in re.split(r"(?<=[。！？])", text) if len(s.strip()) > 12]
    return [s for s in found if not s.startswith(("#", "-", "id:", "---"))]


def generate(root: Path, total: int, seed: int = 1) -> int:
    """Write a folder of ``total`` units; return its size in bytes."""
    rng = random.Random(seed)
    pool = sentences()
    n_params = total // 10
    n_rules = total // 20
    n_sections = total // 5
    n_notes = total - n_params - n_rules - n_sections
    with open(root / "parameters.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "process", "name", "symbol", "unit", "target", "lower", "upper", "rationale"])
        for i in range(n_params):
            low = rng.randint(10, 800)
            writer.writerow([f"p{i}", f"工序{i % 40}", f"参数{i}", f"P{i}", "℃", low + 5, low, low + 10,
                             "".join(rng.sample(pool, 3))])

    def body() -> str:
        return "".join(rng.sample(pool, 4))

    def write_units(folder: str, count: int, make) -> None:
        (root / folder).mkdir(exist_ok=True)
        for start in range(0, count, UNITS_PER_FILE):
            blocks = [make(i) for i in range(start, min(start + UNITS_PER_FILE, count))]
            (root / folder / f"f{start // UNITS_PER_FILE:05d}.md").write_text("\n".join(blocks), encoding="utf-8")

    write_units("rules", n_rules, lambda i: (
        f"---\nid: r{i}\nkind: rule\ntitle: 规则{i}\nprocess: 工序{(i * 2 % n_params) % 40}\n"
        f"condition: 参数{i * 2 % n_params} > {rng.randint(900, 999)} and P{i * 2 % n_params + 1} < 5\n"
        f"diagnosis: {rng.choice(pool)}\nactions:\n  - {rng.choice(pool)}\n  - {rng.choice(pool)}\n---\n{body()}\n"))
    write_units("notes", n_notes, lambda i: (
        f"---\nid: n{i}\nkind: note\ntitle: 笔记{i}\nprocess: 工序{i % 40}\ntags: [经验]\n---\n{body()}\n"))
    (root / "handbook").mkdir(exist_ok=True)
    per_file = 500
    for start in range(0, n_sections, per_file):
        parts = [f"## 第{i}节 {{#s{i}}}\n{body()}\n" for i in range(start, min(start + per_file, n_sections))]
        (root / "handbook" / f"h{start // per_file:04d}.md").write_text("# 手册\n" + "\n".join(parts), encoding="utf-8")
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


OURS = """
import sys, time
from laoshifu.store import Store
from laoshifu.knowledge import import_folder
store = Store.open("sqlite:///" + sys.argv[2])
t = time.perf_counter()
report, contents = import_folder(store, sys.argv[1])
print(time.perf_counter() - t, len(contents.units))
"""

BASELINE = """
import sys, time, sqlite3, pathlib
t = time.perf_counter()
conn = sqlite3.connect(sys.argv[2])
conn.execute("create table raw (path text primary key, body text)")
rows = [(str(p), p.read_text(encoding="utf-8")) for p in sorted(pathlib.Path(sys.argv[1]).rglob("*")) if p.is_file()]
with conn:
    conn.executemany("insert into raw values (?, ?)", rows)
print(time.perf_counter() - t, len(rows))
"""


def measure(code: str, folder: Path, db: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    wall = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(folder), str(db)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    out = proc.stdout.split()
    wall = time.perf_counter() - wall
    # ru_maxrss of children is the largest child so far: run the smaller one first.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": float(out[0]), "process_seconds": wall, "items": int(out[1]),
            "peak_mb": max(peak, before) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "kb"
        folder.mkdir()
        size = generate(folder, args.units)
        mb = size / 1e6
        baseline = measure(BASELINE, folder, Path(tmp) / "raw.db")
        ours = measure(OURS, folder, Path(tmp) / "ours.db")
    for row in (ours, baseline):
        row["mb_per_s"] = mb / row["process_seconds"]
    print(f"generated knowledge base: {ours['items']} units, {mb:.1f} MB")
    print(f"{'':10} {'seconds':>8} {'MB/s':>7} {'peak MB':>8}")
    for name, row in (("ours", ours), ("baseline", baseline)):
        print(f"{name:10} {row['process_seconds']:8.1f} {row['mb_per_s']:7.2f} {row['peak_mb']:8.0f}")
    print(f"ours runs at {ours['mb_per_s'] / baseline['mb_per_s']:.0%} of the raw-insert floor "
          f"(targets: >= 2 MB/s, <= 1024 MB peak)")
    if args.json:
        print(json.dumps({"mb": round(mb, 1), "units": ours["items"],
                          "ours": {k: round(v, 3) for k, v in ours.items()},
                          "baseline": {k: round(v, 3) for k, v in baseline.items()}}))


if __name__ == "__main__":
    main()
