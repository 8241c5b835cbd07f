"""Benchmark: review one line-day (700 parameters at 1 Hz, ~60 M readings, Parquet).

Side by side, each in its own subprocess (so that peak memory, ru_maxrss, is its own):
  ours end to end   ``laoshifu.review`` (DuckDB + numpy): windows, rules, drift, stuck
                    sensors, gaps, missing values, charts and the three reports;
  ours windows      the same window check as pandas, alone (``ReviewOptions(windows_only=
                    True)``): a Parquet column (wide) or a tag (long) whose min/max cannot
                    leave its window is not read;
  ours windows, every column read   the same, with that screen turned off;
  pandas            a plain pandas implementation of the window check alone (per-row
                    windows by grade and thickness, excursions merged within 60 s, worst
                    value and when, time out of window, coils): for wide data, column by
                    column over one DataFrame; for long data, a merge with a small windows
                    table, a boolean mask and runs per parameter (no pivot).
All must count the same excursions per parameter. Wall and CPU seconds (user + system of
the process, all its threads): on a shared 2-core machine the wall clock also counts
waiting for a core.

    .venv/bin/python benchmarks/review_speed.py [--shape wide|long] [--params 700] [--hours 24] [--keep DIR]

Targets (issue 13): ours windows ≥ 5× faster than pandas, ours end to end ≤ 3 s; ≤ 2 GB peak.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "examples" / "go-silicon-steel"
MERGE_MS = 60_000
DAY = "2026-07-22"
PROCESS = "脱碳退火"
ROLE_COLUMNS = ("time", "line", "coil", "grade", "thickness")
OPS = {"<=": "le", "<": "lt", ">=": "ge", ">": "gt", "==": "eq", "!=": "ne"}
KINDS = {"ours": "ours end to end", "ours-windows": "ours windows (screened)",
         "ours-windows-all": "ours windows, every column read", "floor": "floor: readings by (tag, minute)",
         "floor-wide": "floor: every value decoded once", "pandas": "pandas window check"}
# Wide: the screen's share shows by turning it off; the end-to-end review's floor is
# DuckDB decoding every value of the day once (summed, nothing kept). Long: that floor is
# one DuckDB pass grouping every reading by (tag, minute), counted and nothing else.
SHAPE_KINDS = {"wide": ("ours", "ours-windows", "ours-windows-all", "floor-wide", "pandas"),
               "long": ("ours", "ours-windows", "floor", "pandas")}
# Where the end-to-end review's time goes: these functions are timed as it runs.
PHASES = (("laoshifu.review.daily", "open_data", "open the files"),
          ("laoshifu.review.daily", "_long_stats", "(tag, minute) pass"),
          ("laoshifu.review.daily", "fetch", "read columns"),
          ("laoshifu.review.daily", "_drift", "drift"),
          ("laoshifu.review.report_html", "_chart", "charts"),
          ("laoshifu.review.report_html", "write_reports", "reports (with charts)"))


def _units(data_dir: Path):
    from laoshifu.formats.folder import read_folder

    units = []
    for folder in (KB, data_dir / "kb-extra"):
        if folder.exists():
            units += [u for u in read_folder(folder).units if u.status == "approved"]
    return units


def generate(out: Path, params: int, hours: float, shape: str) -> None:
    from laoshifu.formats.folder import read_folder
    from laoshifu.review.example_data import ExampleSpec, generate as write

    units = read_folder(KB).units
    spec = ExampleSpec(out, days=1, params=params, hours=hours, last_day=date(2026, 7, 22),
                       shape=shape)
    write(units, spec)


def run_ours(data_dir: Path, kind: str = "ours") -> dict:
    from laoshifu.review import report_html, screen
    from laoshifu.review.daily import ReviewOptions, review_day

    windows_only = kind != "ours"
    if kind == "ours-windows-all":
        screen.unread = lambda columns, ranges, bounds: []  # every column read
    phases = _timed_phases() if kind == "ours" else {}
    start = time.perf_counter()
    units = _units(data_dir)
    review = review_day(data_dir, units, ReviewOptions(charts=0 if windows_only else 12, threads=2,
                                                       memory_limit="1.5GB",
                                                       windows_only=windows_only))
    if not windows_only:
        report_html.write_reports(review, data_dir / "report")  # looked up now: it may be timed
    seconds = time.perf_counter() - start
    per_key = {p.key: p.excursions for p in review.parameters if p.excursions}
    return {"seconds": seconds, "parameters": len(review.parameters), "rows": review.rows,
            "excursions": sum(per_key.values()), "per_parameter": per_key,
            "findings": len(review.findings), "phases": {k: round(v, 3) for k, v in phases.items()}}


def _timed_phases() -> dict[str, float]:
    """Wall seconds spent in each of ``PHASES`` while the review runs (filled in later)."""
    import importlib

    spent: dict[str, float] = {}
    for module_name, name, label in PHASES:
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            continue

        def timed(*args, _inner=getattr(module, name), _label=label, **kwargs):
            t = time.perf_counter()
            try:
                return _inner(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - t
        setattr(module, name, timed)
    return spent


def run_floor_wide(data_dir: Path) -> dict:
    """Every value of the day decoded once by DuckDB and summed: nothing kept, nothing checked."""
    import duckdb
    import pyarrow.parquet as pq

    files = [str(p) for p in sorted(data_dir.glob("*.parquet"))]
    names = [n for n in pq.read_schema(files[0]).names if n not in ROLE_COLUMNS]
    con = duckdb.connect()
    con.execute("SET threads = 2")
    start = time.perf_counter()
    total = con.execute(f"SELECT {' + '.join(f'coalesce(sum({_sql_name(n)}), 0)' for n in names)} "
                        "FROM read_parquet(?)", [files]).fetchone()[0]
    return {"seconds": time.perf_counter() - start, "total": total, "per_parameter": None,
            "parameters": 0, "rows": 0, "excursions": 0}


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def run_floor(data_dir: Path) -> dict:
    """The one pass the long review cannot do without: readings grouped by (tag, minute)."""
    import duckdb

    files = [str(p) for p in sorted(data_dir.glob("*.parquet"))]
    con = duckdb.connect()
    con.execute("SET threads = 2")
    start = time.perf_counter()
    groups = con.execute(
        "SELECT count(*) FROM (SELECT parameter, epoch_ms(time) // 60000, count(*) FROM "
        "read_parquet(?) GROUP BY ALL)", [files]).fetchone()[0]
    return {"seconds": time.perf_counter() - start, "groups": groups, "per_parameter": None,
            "parameters": 0, "rows": 0, "excursions": 0}


def _resolve(vocab, names):
    """Column names (or tags) → parameter key, for those with a window."""
    out = {}
    for name in names:
        quantity = vocab.resolve(str(name), PROCESS)
        if quantity is not None and quantity.key in vocab.parameters:
            out[name] = quantity.key
    return out


def _window_columns(frame, windows):
    """Per row of ``frame`` (grade, thickness): lower and upper of the most specific window.

    Rows no window applies to get NaN (not checked), as in ``laoshifu.review``.
    """
    import numpy as np
    import pandas as pd

    from laoshifu.knowledge.validate import material_condition

    lower = pd.Series(np.nan, index=frame.index)
    upper = pd.Series(np.nan, index=frame.index)
    for p in sorted(windows, key=lambda p: (len(material_condition(p.condition)), p.id)):
        mask = pd.Series(True, index=frame.index)
        for key, op, value in material_condition(p.condition):
            if key in ("厚度", "thickness"):
                mask &= getattr(frame["thickness"], OPS[op])(float(value))
            elif key in ("牌号", "grade"):
                mask &= frame["grade"].astype(str).str.lower() == value.lower()
            else:
                mask &= False
        lower[mask] = p.lower if p.lower is not None else -np.inf
        upper[mask] = p.upper if p.upper is not None else np.inf
    return lower, upper


def run_pandas(data_dir: Path) -> dict:
    """What a careful engineer would write with pandas alone, for either shape."""
    import pandas as pd
    import pyarrow.parquet as pq

    from laoshifu.knowledge.vocabulary import Vocabulary

    start = time.perf_counter()
    vocab = Vocabulary.from_units(_units(data_dir))
    files = sorted(data_dir.glob("*.parquet"))
    day = pd.Timestamp(DAY)
    if "parameter" in pq.read_schema(files[0]).names:
        result = _pandas_long(files, vocab, day)
    else:
        result = _pandas_wide(files, vocab, day)
    result["seconds"] = time.perf_counter() - start
    result["excursions"] = sum(result["per_parameter"].values())
    return result


def _pandas_wide(files, vocab, day) -> dict:
    import numpy as np
    import pandas as pd

    df = pd.concat([pd.read_parquet(p, filters=[("time", ">=", day),
                                                ("time", "<", day + pd.Timedelta(days=1))])
                    for p in files], ignore_index=True)
    df = df.sort_values("time", kind="stable").drop_duplicates("time").reset_index(drop=True)
    keys = _resolve(vocab, [c for c in df.columns if c not in ROLE_COLUMNS])
    per_key = {}
    for column, key in keys.items():
        s = df[column].astype(float)
        lower, upper = _window_columns(df, vocab.parameters[key])
        out = (s < lower) | (s > upper)
        if not out.any():
            continue
        over = np.maximum(s - upper, lower - s).where(out)
        flagged = df.loc[out, ["time", "coil"]].assign(over=over[out], value=s[out])
        new = flagged["time"].diff().dt.total_seconds().mul(1000).fillna(np.inf) > MERGE_MS
        flagged["episode"] = new.cumsum()
        summary = _episodes(flagged)
        per_key[key] = len(summary)
    return {"parameters": len(keys), "rows": len(df), "per_parameter": per_key}


def _pandas_long(files, vocab, day) -> dict:
    import numpy as np
    import pandas as pd

    # Tags, coils and grades as categories (read straight from the Parquet dictionaries).
    df = pd.concat([pd.read_parquet(p, filters=[("time", ">=", day),
                                                ("time", "<", day + pd.Timedelta(days=1))],
                                    read_dictionary=["line", "coil", "grade", "parameter"])
                    for p in files], ignore_index=True)
    # The first reading of a parameter at a time counts (the day is one line's).
    df = df[~df.duplicated(["time", "parameter"])]
    # A small windows table: each tag × each material of the day → its window.
    keys = _resolve(vocab, df["parameter"].cat.categories)
    materials = df[["grade", "thickness"]].drop_duplicates().reset_index(drop=True)
    parts = []
    for tag, key in keys.items():
        lower, upper = _window_columns(materials, vocab.parameters[key])
        parts.append(materials.assign(parameter=tag, lower=lower, upper=upper))
    windows = pd.concat(parts, ignore_index=True).dropna(subset=["lower", "upper"], how="all")
    windows["parameter"] = pd.Categorical(windows["parameter"],
                                          categories=df["parameter"].cat.categories)
    windows["grade"] = pd.Categorical(windows["grade"], categories=df["grade"].cat.categories)
    checked = df.merge(windows, on=["parameter", "grade", "thickness"], how="inner")
    out = (checked["value"] < checked["lower"]) | (checked["value"] > checked["upper"])
    flagged = checked.loc[out, ["parameter", "time", "coil", "value", "lower", "upper"]]
    flagged = flagged.assign(over=np.maximum(flagged["value"] - flagged["upper"],
                                             flagged["lower"] - flagged["value"]))
    flagged = flagged.sort_values(["parameter", "time"]).reset_index(drop=True)
    gap = flagged.groupby("parameter", observed=True)["time"].diff().dt.total_seconds().mul(1000)
    flagged["episode"] = (gap.isna() | (gap > MERGE_MS)).cumsum()
    summary = _episodes(flagged)
    summary["parameter"] = flagged.groupby("episode")["parameter"].first()
    counts = summary.groupby("parameter", observed=True).size()
    per_key = {keys[tag]: int(n) for tag, n in counts.items() if n}
    return {"parameters": len(keys), "rows": int(df["time"].nunique()), "per_parameter": per_key}


def _episodes(flagged):
    """Per excursion: start, end, rows out, worst excess and when, coils."""
    summary = flagged.groupby("episode").agg(
        start=("time", "first"), end=("time", "last"), rows=("time", "size"),
        worst=("over", "max"), coils=("coil", lambda c: sorted({str(x) for x in c if x})))
    summary["worst_at"] = flagged.loc[flagged.groupby("episode")["over"].idxmax(), "time"].to_numpy()
    return summary


def child(kind: str, data_dir: Path, params: int, hours: float, shape: str) -> None:
    if kind == "generate":
        generate(data_dir, params, hours, shape)
        print(json.dumps({}))
        return
    before = resource.getrusage(resource.RUSAGE_SELF)
    if kind == "pandas":
        result = run_pandas(data_dir)
    elif kind == "floor":
        result = run_floor(data_dir)
    elif kind == "floor-wide":
        result = run_floor_wide(data_dir)
    else:
        result = run_ours(data_dir, kind)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_seconds"] = (usage.ru_utime - before.ru_utime) + (usage.ru_stime - before.ru_stime)
    result["peak_mb"] = usage.ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, data_dir: Path, args=None) -> dict:
    # A fresh interpreter per measurement: ru_maxrss is then that run's own peak (the
    # parent stays small, since a child's count starts from what it inherits at fork).
    extra = [str(args.params), str(args.hours), args.shape] if args else ["0", "0", "wide"]
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(data_dir), *extra],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=int, default=700)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--keep", type=Path, help="Generate into (or reuse) this folder.")
    parser.add_argument("--shape", choices=("wide", "long"), default="wide",
                        help="wide: a column per parameter; long: a row per reading")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, folder, params, hours, shape = args.child
        child(kind, Path(folder), int(params), float(hours), shape)
        return
    with tempfile.TemporaryDirectory(prefix="laoshifu-bench-") as tmp:
        data_dir = args.keep or Path(tmp)
        if not list(data_dir.glob("*.parquet")):
            t0 = time.perf_counter()
            measure("generate", data_dir, args)
            print(f"generated {args.params} parameters × {args.hours:g} h at 1 Hz ({args.shape}) "
                  f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        runs = {kind: measure(kind, data_dir) for kind in SHAPE_KINDS[args.shape]}
    ours, pandas = runs["ours"], runs["pandas"]
    readings = ours["rows"] * ours["parameters"]
    # Same check, same answer: excursions per parameter must agree.
    for kind, r in runs.items():
        if not kind.startswith("floor") and r["per_parameter"] != pandas["per_parameter"]:
            raise SystemExit(f"excursions differ: {kind} {r['per_parameter']} pandas {pandas['per_parameter']}")
    print(f"{args.shape} Parquet, {readings:,} readings, load average {os.getloadavg()[0]:.1f}")
    print(f"{'':<34}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}{'excursions':>12}{'pandas/this':>13}")
    for kind, r in runs.items():
        excursions = "—" if kind.startswith("floor") else r["excursions"]
        print(f"{KINDS[kind]:<34}{r['seconds']:>8.2f}{r['cpu_seconds']:>8.2f}{r['peak_mb']:>9.0f}"
              f"{excursions:>12}{pandas['seconds'] / r['seconds']:>12.1f}×")
    print("where ours end to end goes (wall s): " + ", ".join(
        f"{label} {seconds:.2f}" for label, seconds in ours["phases"].items()))
    ratio = pandas["seconds"] / runs["ours-windows"]["seconds"]
    print(f"targets: ours windows ≥ 5× pandas (now {ratio:.1f}×), ours end to end ≤ 3 s "
          f"(now {ours['seconds']:.2f} s), peak ≤ 2048 MB")
    print(json.dumps({"shape": args.shape, "readings": readings, "load": os.getloadavg()[0],
                      **{kind.replace("-", "_"): {"s": round(r["seconds"], 3),
                                                  "cpu_s": round(r["cpu_seconds"], 3),
                                                  "peak_mb": round(r["peak_mb"])}
                         for kind, r in runs.items()},
                      "phases": ours["phases"], "ratio_windows": round(ratio, 2),
                      "ratio_end_to_end": round(pandas["seconds"] / ours["seconds"], 2),
                      "ok": ours["seconds"] <= 3 and ratio >= 5
                      and max(r["peak_mb"] for r in runs.values() if r is not pandas) <= 2048}))


if __name__ == "__main__":
    main()
