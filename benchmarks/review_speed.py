"""Benchmark: review one line-day (700 parameters at 1 Hz, ~60 M readings, Parquet).

Ours (``laoshifu.review``: DuckDB + numpy, end to end with charts and reports) against a
plain pandas implementation of the same window check (per-row windows by thickness,
excursions merged within 60 s, worst value and when, time out of window, coils).
Each runs in its own subprocess so that peak memory (ru_maxrss) is its own.

    .venv/bin/python benchmarks/review_speed.py [--params 700] [--hours 24] [--keep DIR]

Targets: ours ≤ 15 s and ≤ 2 GB peak on a 2-core machine, ≥ 5× faster than pandas.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
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


def run_ours(data_dir: Path) -> dict:
    from laoshifu.review.daily import ReviewOptions, review_day
    from laoshifu.review.report_html import write_reports

    start = time.perf_counter()
    units = _units(data_dir)
    review = review_day(data_dir, units, ReviewOptions(charts=12))
    write_reports(review, data_dir / "report")
    seconds = time.perf_counter() - start
    excursions = sum(p.excursions for p in review.parameters)
    return {"seconds": seconds, "parameters": len(review.parameters), "rows": review.rows,
            "excursions": excursions, "findings": len(review.findings)}


def run_pandas(data_dir: Path) -> dict:
    """What a careful engineer would write with pandas alone."""
    import numpy as np
    import pandas as pd

    from laoshifu.vocabulary import Vocabulary
    from laoshifu.validate import material_condition

    start = time.perf_counter()
    units = _units(data_dir)
    vocab = Vocabulary.from_units(units)
    frames = [pd.read_parquet(p) for p in sorted(data_dir.glob("*.parquet"))]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["time"].dt.normalize() == pd.Timestamp("2026-07-22")]
    if "parameter" in df.columns:  # long historian export: one row per reading
        df = df.pivot_table(index=["time", "line"], columns="parameter", values="value",
                            aggfunc="first").reset_index()
        for column in ("coil", "grade", "thickness"):
            df[column] = None if column != "thickness" else np.nan
    df = df.sort_values("time").drop_duplicates("time").reset_index(drop=True)
    ops = {"<=": "le", "<": "lt", ">=": "ge", ">": "gt", "==": "eq"}
    excursions = 0
    checked = 0
    for column in df.columns:
        if column in ("time", "line", "coil", "grade", "thickness"):
            continue
        quantity = vocab.resolve(column, "脱碳退火")
        if quantity is None or quantity.key not in vocab.parameters:
            continue
        checked += 1
        s = df[column].astype(float)
        lower = pd.Series(np.nan, index=df.index)
        upper = pd.Series(np.nan, index=df.index)
        windows = sorted(vocab.parameters[quantity.key], key=lambda p: len(material_condition(p.condition)))
        for p in windows:
            mask = pd.Series(True, index=df.index)
            for key, op, value in material_condition(p.condition):
                if key in ("厚度", "thickness"):
                    mask &= getattr(df["thickness"], ops[op])(float(value))
                elif key in ("牌号", "grade"):
                    mask &= df["grade"].str.lower() == value.lower()
            lower[mask] = p.lower if p.lower is not None else -np.inf
            upper[mask] = p.upper if p.upper is not None else np.inf
        out = (s < lower) | (s > upper)
        if not out.any():
            continue
        over = np.maximum(s - upper, lower - s).where(out)
        flagged = df.loc[out, ["time", "coil"]].assign(over=over[out], value=s[out])
        new = flagged["time"].diff().dt.total_seconds().mul(1000).fillna(np.inf) > MERGE_MS
        flagged["episode"] = new.cumsum()
        summary = flagged.groupby("episode").agg(
            start=("time", "first"), end=("time", "last"), rows=("time", "size"),
            worst=("over", "max"), coils=("coil", lambda c: sorted(set(c))))
        worst_at = flagged.loc[flagged.groupby("episode")["over"].idxmax(), "time"]
        summary["worst_at"] = worst_at.to_numpy()
        excursions += len(summary)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "parameters": checked, "rows": len(df), "excursions": excursions}


def child(kind: str, data_dir: Path, params: int, hours: float, shape: str) -> None:
    if kind == "generate":
        generate(data_dir, params, hours, shape)
        print(json.dumps({}))
        return
    result = run_ours(data_dir) if kind == "ours" else run_pandas(data_dir)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
        ours = measure("ours", data_dir)
        pandas = measure("pandas", data_dir)
    readings = ours["rows"] * ours["parameters"]
    ratio = pandas["seconds"] / ours["seconds"]
    print(f"{'':<8}{'seconds':>10}{'peak MB':>10}{'parameters':>12}{'excursions':>12}")
    for name, r in (("ours", ours), ("pandas", pandas)):
        print(f"{name:<8}{r['seconds']:>10.2f}{r['peak_mb']:>10.0f}{r['parameters']:>12}{r['excursions']:>12}")
    print(f"{args.shape} Parquet, readings {readings:,}; pandas/ours = {ratio:.1f}×; targets: ours ≤ 15 s, ≤ 2048 MB, ≥ 5×")
    print(json.dumps({"shape": args.shape, "readings": readings, "ours_s": round(ours["seconds"], 3),
                      "ours_peak_mb": round(ours["peak_mb"]), "pandas_s": round(pandas["seconds"], 3),
                      "pandas_peak_mb": round(pandas["peak_mb"]), "ratio": round(ratio, 2),
                      "ok": ours["seconds"] <= 15 and ours["peak_mb"] <= 2048 and ratio >= 5}))


if __name__ == "__main__":
    main()
