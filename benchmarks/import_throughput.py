"""Import throughput: a generated knowledge base of 100,000 units / ~50 MB of Chinese text.

Measured side by side in one run, each in its own process (for a clean peak memory):
  ours      `laoshifu import` end to end with LAOSHIFU_SEMANTIC=off, process start to
            finish: read, detect encoding, parse, validate every unit and every rule
            condition, version and write in one transaction;
  baseline  the floor for the same bytes: read every file and insert its raw text into
            SQLite in one transaction, with no parsing or checks.
Semantic search's cost is reported apart: the same import in auto (the default), and the
embedding that search.semantic: on would add, timed on a sample of sentences.

    python benchmarks/import_throughput.py [--units 100000] [--sample 200] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
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


# What `laoshifu import` does: import the folder, then prepare semantic search (with
# LAOSHIFU_SEMANTIC=off that step does nothing; in auto it counts the base's sentences and
# embeds them when there are at most 20,000).
OURS = """
import json, sys, time
from pathlib import Path
from laoshifu.store import Store
from laoshifu.knowledge.folders import import_folder
from laoshifu.cli.semantic import prepare_after_import
store = Store.open("sqlite:///" + sys.argv[2])
started = time.perf_counter()
marks = {}
def progress(stage, done, total):  # the library's progress reports mark its phases
    marks.setdefault((stage, done), time.perf_counter())
report, contents = import_folder(store, sys.argv[1], progress=progress)
written = time.perf_counter()
prepared = prepare_after_import(store, Path(sys.argv[1]), "main")
done = time.perf_counter()
out = {"seconds": done - started, "import_s": written - started, "semantic_s": done - written,
       "read_s": marks[("writing", 0)] - started, "write_s": written - marks[("writing", 0)],
       "items": len(contents.units), "mode": prepared.mode.name, "sentences": prepared.sentences}
if len(sys.argv) > 3 and prepared.sentences:
    # The embedding that search.semantic: on would do, timed on a sample and scaled.
    from laoshifu.search.documents import unit_passages
    from laoshifu.search.semantic import shared_embedder
    sample = [s.text for u in contents.units[::max(1, len(contents.units) // 64)]
              for p in unit_passages(u) for s in p.sentences][:int(sys.argv[3])]
    embedder = shared_embedder()
    embedder.passages(sample[:8])  # the model loaded and warm
    t = time.perf_counter()
    embedder.passages(sample)
    out["embed_s_per_sentence"] = (time.perf_counter() - t) / len(sample)
print(json.dumps(out))
"""

BASELINE = """
import json, sys, time, sqlite3, pathlib
t = time.perf_counter()
conn = sqlite3.connect(sys.argv[2])
conn.execute("create table raw (path text primary key, body text)")
rows = [(str(p), p.read_text(encoding="utf-8")) for p in sorted(pathlib.Path(sys.argv[1]).rglob("*")) if p.is_file()]
with conn:
    conn.executemany("insert into raw values (?, ?)", rows)
print(json.dumps({"seconds": time.perf_counter() - t, "items": len(rows)}))
"""


# The floor of writing: our rows (made beforehand, not timed) into our schema by SQLite
# alone, in one transaction: every unit is stored twice (current and version 1) with its
# indexes, through the WAL, so SQLite writes about 4× the folder's bytes, twice.
FLOOR = """
import json, sqlite3, sys, time
from laoshifu.formats.folder import read_folder
from laoshifu.store import Store
from laoshifu.store.units import _unit_row, _version_row, _written
units = read_folder(sys.argv[1]).units
rows = {"units": [], "unit_versions": []}
for u in units:
    w = _written(u)
    rows["units"].append({**_unit_row(u, "main", 1, "folder:kb", "t", "t", w), "import_hash": w[0]})
    rows["unit_versions"].append(_version_row(u, "main", 1, "import", "t", "import", written=w))
Store.open("sqlite:///" + sys.argv[2]).close()  # the schema, its indexes, WAL
conn = sqlite3.connect(sys.argv[2], isolation_level=None)
conn.execute("PRAGMA synchronous=NORMAL")
t = time.perf_counter()
conn.execute("BEGIN IMMEDIATE")
for table, batch in rows.items():
    names = list(batch[0])
    conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                     [tuple(r[n] for n in names) for r in batch])
conn.execute("COMMIT")
conn.close()
print(json.dumps({"seconds": time.perf_counter() - t, "items": len(units)}))
"""


def measure(code: str, folder: Path, db: Path, *args: str, semantic: str = "off") -> dict:
    """One run in its own process: wall and CPU seconds, its output, the peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    env = {**os.environ, "LAOSHIFU_HOME": str(db.parent / f"home-{db.stem}"), "LAOSHIFU_SEMANTIC": semantic}
    proc = subprocess.run([sys.executable, "-c", code, str(folder), str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # ru_maxrss of children is the largest child so far: run the smaller one first.
    return {**out, "process_seconds": wall,
            "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "peak_mb": max(after.ru_maxrss, before.ru_maxrss) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200,
                        help="sentences embedded to time semantic search's embedding")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "kb"
        folder.mkdir()
        size = generate(folder, args.units)
        mb = size / 1e6
        baseline = measure(BASELINE, folder, Path(tmp) / "raw.db")
        ours = measure(OURS, folder, Path(tmp) / "ours.db")
        floor = measure(FLOOR, folder, Path(tmp) / "floor.db")
        auto = measure(OURS, folder, Path(tmp) / "auto.db", str(args.sample), semantic="auto")
    for row in (ours, baseline):
        row["mb_per_s"] = mb / row["process_seconds"]
    print(f"generated knowledge base: {ours['items']} units, {mb:.1f} MB; "
          f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"{'':34} {'seconds':>8} {'CPU s':>7} {'MB/s':>7} {'peak MB':>8}")
    for name, row in (("ours, LAOSHIFU_SEMANTIC=off", ours), ("baseline: raw insert", baseline)):
        print(f"{name:34} {row['process_seconds']:8.1f} {row['cpu_seconds']:7.1f} "
              f"{row['mb_per_s']:7.2f} {row['peak_mb']:8.0f}")
    print(f"ours runs at {ours['mb_per_s'] / baseline['mb_per_s']:.0%} of the raw-insert floor "
          f"(targets: >= 10 MB/s, <= 1024 MB peak)")
    start_up = ours["process_seconds"] - ours["seconds"]
    print(f"where ours goes: start-up {start_up:.1f} s, reading and checking "
          f"{ours['read_s']:.1f} s, writing {ours['write_s']:.1f} s (floor: SQLite alone "
          f"writing the same rows into our schema {floor['seconds']:.1f} s)")
    semantic = {"auto_extra_s": auto["semantic_s"], "auto_mode": auto["mode"],
                "sentences": auto["sentences"]}
    print(f"semantic search, reported apart: in auto (the default) `laoshifu import` adds "
          f"{auto['semantic_s']:.1f} s to count the base's {auto['sentences']:,} sentences and stays "
          f"{auto['mode']} (auto embeds up to 20,000)", end="")
    if "embed_s_per_sentence" in auto:
        semantic["embed_s_per_sentence"] = auto["embed_s_per_sentence"]
        semantic["embed_all_s"] = auto["embed_s_per_sentence"] * auto["sentences"]
        print(f"; with search.semantic: on it would embed them at "
              f"{auto['embed_s_per_sentence'] * 1000:.1f} ms a sentence ({args.sample} timed): "
              f"about {semantic['embed_all_s'] / 3600:.1f} h once, then only new sentences")
    else:
        print()
    if args.json:
        print(json.dumps({"mb": round(mb, 1), "units": ours["items"], "load_average": load,
                          "write_floor_s": round(floor["seconds"], 3),
                          "ours": {k: round(v, 3) for k, v in ours.items() if isinstance(v, float)},
                          "baseline": {k: round(v, 3) for k, v in baseline.items() if isinstance(v, float)},
                          "semantic": {k: round(v, 4) if isinstance(v, float) else v
                                       for k, v in semantic.items()}}))


if __name__ == "__main__":
    main()
