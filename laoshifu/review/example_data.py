"""Realistic example production data for the decarburizing line, with known faults.

A line-day at 1 Hz for a process's parameters (windows read from the knowledge base),
coils of different grades and thicknesses, normal noise, and injected faults whose spans
are written to ``faults.json`` so that the review can be checked against known answers.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import LaoshifuError, Problem
from ..progress import Progress, steps
from ..knowledge.units import Parameter, Rule, Unit, format_number
from ..knowledge.vocabulary import Vocabulary
from .material import GradeCodes, row_windows

GRADES = (("HiB", 0.23), ("HiB", 0.27), ("CGO", 0.30), ("CGO", 0.27))
UNMATCHED_COLUMN = "备用AI_07"
EXTRA_KB_DIR = "kb-extra"
# Which parameter each fault prefers (falls back to another two-sided parameter).
PREFER = {"excursion": ("露点",), "rule": ("氢气比例",), "stuck_sensor": ("张力", "炉压"),
          "drift": ("炉温", "加湿水温")}


@dataclass(frozen=True)
class Fault:
    kind: str
    parameter: str
    column: str
    start: str
    end: str
    rule_id: str | None = None
    detail: str = ""

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass
class ExampleSpec:
    out: Path
    days: int = 3
    last_day: date = date(2026, 7, 22)
    seed: int = 7
    fmt: str = "parquet"  # or "csv"
    shape: str = "wide"  # or "long"
    params: int = 0  # pad to this many parameters with synthetic ones
    hours: float = 24.0  # length of each day's data, from 00:00
    line: str = "3"
    process: str = "脱碳退火"
    faults: bool = True
    hz: float = 1.0


@dataclass
class _Signal:
    key: str
    name: str
    column: str
    windows: list[Parameter]
    synthetic: bool = False


@dataclass
class ExampleResult:
    files: list[Path] = field(default_factory=list)  # the daily data files
    faults: list[Fault] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # column -> parameter name
    extra_kb: Path | None = None
    faults_file: Path | None = None

    @property
    def written(self) -> list[Path]:
        """Every file written: the data files, faults.json and any synthetic windows."""
        extra = [self.extra_kb / "parameters.csv"] if self.extra_kb else []
        return self.files + ([self.faults_file] if self.faults_file else []) + extra


def generate(units: Sequence[Unit], spec: ExampleSpec, progress: Progress | None = None
             ) -> ExampleResult:
    """Write ``spec.days`` daily files and ``faults.json`` into ``spec.out`` (``progress``
    told of each day written)."""
    params = [u for u in units if isinstance(u, Parameter) and u.process == spec.process]
    if not params:
        raise LaoshifuError(Problem(f"no parameters of process {spec.process!r}",
                                    hint="import examples/go-silicon-steel, or pass --kb"))
    spec.out.mkdir(parents=True, exist_ok=True)
    signals = _signals(params)
    result = ExampleResult()
    if spec.params > len(signals):
        extra = _synthetic_parameters(spec.params - len(signals), spec.process, spec.seed)
        result.extra_kb = _write_extra_kb(spec.out / EXTRA_KB_DIR, extra)
        signals += _signals(extra, synthetic=True)
    rules = [u for u in units if isinstance(u, Rule) and u.process in ("", spec.process)]
    vocab = Vocabulary.from_units([*params, *[u for u in units if u.kind == "term"]])
    result.columns = {s.column: s.name for s in signals}
    rng = np.random.default_rng(spec.seed)
    for offset in steps(progress, "days", range(spec.days - 1, -1, -1)):
        day = spec.last_day - timedelta(days=offset)
        faulty = spec.faults and offset == 0
        table, faults = _day(signals, spec, day, rng, faulty, rules, vocab)
        result.faults += faults
        path = spec.out / f"dcl-line{spec.line}-{day.isoformat()}.{spec.fmt}"
        _write(table, path, spec)
        result.files.append(path)
    result.faults_file = spec.out / "faults.json"
    result.faults_file.write_text(
        json.dumps([f.to_dict() for f in result.faults], ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    return result


def _signals(params: Sequence[Parameter], synthetic: bool = False) -> list[_Signal]:
    by_key: dict[str, list[Parameter]] = {}
    for p in params:
        by_key.setdefault(f"{p.process}:{p.name}", []).append(p)
    folded = Counter(ws[0].symbol.casefold() for ws in by_key.values() if ws[0].symbol)
    out = []
    for i, (key, windows) in enumerate(sorted(by_key.items())):
        first = windows[0]
        # Historians name tags both ways: the symbol (DP) or the Chinese name (露点); a
        # symbol that differs from another only in case (t_DC, T_DC) is not a safe tag.
        usable = first.symbol and folded[first.symbol.casefold()] == 1
        column = first.symbol if (i % 2 and usable) else first.name
        out.append(_Signal(key, first.name, column, windows, synthetic))
    return out


def _synthetic_parameters(n: int, process: str, seed: int) -> list[Parameter]:
    rng = np.random.default_rng(seed + 1000)
    out: list[Parameter] = []
    for i in range(1, n + 1):
        target = float(np.round(rng.uniform(10, 900), 1))
        half = float(np.round(target * rng.uniform(0.03, 0.15), 2))
        name, symbol = f"测点{i:04d}", f"AI_{i:04d}"
        common = dict(process=process, name=name, symbol=symbol, unit="", status="approved",
                      source_file=f"{EXTRA_KB_DIR}/parameters.csv")
        if i % 10 == 0:  # some windows depend on thickness, as real ones do
            out.append(Parameter(id=f"syn-{i:04d}-thin", title=name, target=target,
                                 lower=target - half, upper=target + half,
                                 condition="厚度<=0.23", **common))
            out.append(Parameter(id=f"syn-{i:04d}-thick", title=name, target=target + half / 2,
                                 lower=target - half / 2, upper=target + 1.5 * half,
                                 condition="厚度>0.23", **common))
        else:
            out.append(Parameter(id=f"syn-{i:04d}", title=name, target=target,
                                 lower=target - half, upper=target + half, **common))
    return out


def _write_extra_kb(folder: Path, params: list[Parameter]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "process", "name", "symbol", "english", "unit", "target", "lower",
                     "upper", "condition", "rationale", "tags"])
    for p in params:
        writer.writerow([p.id, p.process, p.name, p.symbol, "", p.unit, format_number(p.target),
                         format_number(p.lower), format_number(p.upper), p.condition,
                         "合成测点，用于性能测试。", "synthetic"])
    (folder / "parameters.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return folder


def _coils(n: int, hz: float, rng: np.random.Generator, day: date
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coil = np.empty(n, dtype=object)
    grade = np.empty(n, dtype=object)
    thickness = np.empty(n)
    i, number = 0, 1
    while i < n:
        length = int(rng.integers(20 * 60, 40 * 60) * hz)
        g, t = GRADES[int(rng.integers(len(GRADES)))]
        coil[i:i + length] = f"D{day:%y%m%d}{number:03d}"
        grade[i:i + length] = g
        thickness[i:i + length] = t
        i += length
        number += 1
    return coil, grade, thickness


def _day(signals: list[_Signal], spec: ExampleSpec, day: date, rng: np.random.Generator,
         faulty: bool, rules: list[Rule], vocab: Vocabulary):
    n = int(spec.hours * 3600 * spec.hz)
    start = datetime.combine(day, datetime.min.time())
    step_ms = int(round(1000 / spec.hz))
    time_ms = np.arange(n, dtype=np.int64) * step_ms
    coil, grade, thickness = _coils(n, spec.hz, rng, day)
    columns: dict[str, np.ndarray] = {}
    scales: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    codes = GradeCodes.of(grade)
    for s in signals:
        lower, upper, center, _, _ = row_windows(s.windows, codes, thickness, n)
        half = _half_width(lower, upper, center)
        sigma = half / 12
        phase = rng.uniform(0, 2 * math.pi)
        period = rng.uniform(2, 6) * 3600 * spec.hz
        wander = 0.5 * sigma * np.sin(2 * math.pi * np.arange(n) / period + phase)
        noise = rng.standard_normal(n) * sigma
        values = center + wander + noise
        one_sided_zero = np.nan_to_num(lower, nan=-np.inf) >= center  # e.g. 0 ~ 0.4 ambient H2
        values = np.where(one_sided_zero, center + np.abs(wander + noise), values)
        columns[s.column] = values
        scales[s.column] = (lower, upper, center, sigma)
    faults: list[Fault] = []
    keep = np.ones(n, dtype=bool)
    if faulty:
        faults, keep = _inject(signals, columns, scales, spec, start, time_ms, rules, vocab)
    for s in signals:
        sigma = np.nanmedian(scales[s.column][3])
        decimals = int(min(6, max(1, math.ceil(-math.log10(sigma)) + 2))) if sigma > 0 else 3
        columns[s.column] = np.round(columns[s.column], decimals)
    if not any(s.synthetic for s in signals):
        # A tag the knowledge base does not know: the review must list it, not drop it.
        columns[UNMATCHED_COLUMN] = np.round(rng.normal(4.0, 0.2, n), 3)
    table = {"time": np.datetime64(start, "ms") + time_ms.astype("timedelta64[ms]"),
             "line": np.full(n, spec.line, dtype=object), "coil": coil, "grade": grade,
             "thickness": thickness, **columns}
    return {k: v[keep] for k, v in table.items()}, faults


def _half_width(lower: np.ndarray, upper: np.ndarray, center: np.ndarray) -> np.ndarray:
    up = upper - center
    down = center - lower
    half = np.fmin(np.where(up > 0, up, np.nan), np.where(down > 0, down, np.nan))
    return np.where(np.isnan(half), np.maximum(np.abs(center) * 0.05, 1.0), half)


def _pick(kind: str, signals: list[_Signal], used: set[str]) -> _Signal | None:
    real = [s for s in signals if not s.synthetic and s.column not in used]
    for name in PREFER[kind]:
        for s in real:
            if s.name == name and s.windows[0].lower is not None and s.windows[0].upper is not None:
                return s
    two_sided = [s for s in real if all(w.lower is not None and w.upper is not None
                                        for w in s.windows) and len(s.windows) == 1]
    return two_sided[0] if two_sided else None


def _inject(signals, columns, scales, spec: ExampleSpec, start: datetime, time_ms: np.ndarray,
            rules: list[Rule], vocab: Vocabulary):
    n = len(time_ms)
    seconds = n / spec.hz
    faults: list[Fault] = []
    used: set[str] = set()

    def at(index: int) -> str:
        return (start + timedelta(milliseconds=int(time_ms[index]))).isoformat()

    def span(fraction: float, duration_s: float) -> tuple[int, int]:
        a = int(fraction * n)
        return a, min(n - 1, a + int(duration_s * spec.hz) - 1)

    # 1. dew point above its window for a few minutes.
    s = _pick("excursion", signals, used)
    if s:
        used.add(s.column)
        a, b = span(0.15, min(600, max(120, 0.07 * seconds)))
        lower, upper, center, sigma = scales[s.column]
        columns[s.column][a:b + 1] = upper[a] + 6 * sigma[a] + columns[s.column][a:b + 1] - center[a]
        faults.append(Fault("excursion", s.name, s.column, at(a), at(b),
                            detail=f"above {format_number(float(upper[a]))}"))

    # 2. hydrogen ratio drops below its window: an emergency rule fires.
    s = _pick("rule", signals, used)
    if s:
        used.add(s.column)
        a, b = span(0.40, min(300, max(120, 0.05 * seconds)))
        lower, upper, center, sigma = scales[s.column]
        level, fired = _rule_level(s, float(lower[a]), float(upper[a]), float(sigma[a]), rules, vocab)
        columns[s.column][a:b + 1] = level + columns[s.column][a:b + 1] - center[a]
        faults.append(Fault("excursion", s.name, s.column, at(a), at(b),
                            detail=f"below {format_number(float(lower[a]))}"))
        for rule_id in fired:
            faults.append(Fault("rule", s.name, s.column, at(a), at(b), rule_id=rule_id))

    # 3. a sensor frozen at one value.
    s = _pick("stuck_sensor", signals, used)
    if s:
        used.add(s.column)
        a, b = span(0.52, min(1200, max(900, 0.15 * seconds)))
        columns[s.column][a:b + 1] = columns[s.column][a]
        faults.append(Fault("stuck_sensor", s.name, s.column, at(a), at(b)))

    # 4. a slow drift toward the upper limit that has not crossed it yet.
    s = _pick("drift", signals, used)
    if s:
        used.add(s.column)
        a = int(0.58 * n)
        lower, upper, center, sigma = scales[s.column]
        ramp = np.linspace(0.0, 0.5, n - a) * (upper[a:] - center[a:])
        columns[s.column][a:] += ramp
        faults.append(Fault("drift", s.name, s.column, at(a), at(n - 1),
                            detail=f"toward {format_number(float(upper[a]))}"))

    # 5. the historian lost a few minutes of every tag.
    a, b = span(0.28, min(360, max(120, 0.05 * seconds)))
    keep = np.ones(n, dtype=bool)
    keep[a:b + 1] = False
    faults.append(Fault("gap", "*", "*", at(a), at(b)))
    return faults, keep


def _rule_level(signal: _Signal, lower: float, upper: float, sigma: float,
                rules: list[Rule], vocab: Vocabulary) -> tuple[float, list[str]]:
    """A level below the window that makes a rule on this quantity alone fire for sure."""
    from ..diagnosis.diagnose import parsed_rules

    # Rules that this quantity alone decides (``氢气比例 < 50 or 水氢比 > 0.4`` counts).
    own = [(r, c) for r, c in parsed_rules(rules, vocab) if c is not None and signal.key in c.keys]
    # Every other quantity sits at its target, as it does in the generated data.
    normal = {k: ps[0].target for k, ps in vocab.parameters.items() if ps[0].target is not None}
    half = (upper - lower) / 2
    for level in (lower - 0.5 * half, lower - half, lower - 2 * half, lower * 0.5, lower * 0.25):
        fired = [r.id for r, c in own
                 if c.holds({**normal, signal.key: level - 6 * sigma})
                 and c.holds({**normal, signal.key: level + 6 * sigma})]
        if fired:
            return level, sorted(fired)
    return lower - 0.5 * half, []


def _write(table: dict[str, np.ndarray], path: Path, spec: ExampleSpec) -> None:
    import duckdb
    import pyarrow as pa

    if spec.shape == "long":
        table = _to_long(table)
    arrow = pa.table({k: pa.array(v) for k, v in table.items()})
    from ..scratch import spill_dir

    con = duckdb.connect(config={"temp_directory": spill_dir()})
    # DuckDB draws its own bar on long queries, on stdout too: ours is on stderr, on a terminal.
    con.execute("SET enable_progress_bar = false")
    con.register("t", arrow)
    target = str(path).replace("'", "''")
    if spec.fmt == "csv":
        con.execute(f"COPY (SELECT * FROM t) TO '{target}' (HEADER, DELIMITER ',')")
    else:
        con.execute(f"COPY (SELECT * FROM t) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    con.close()


def _to_long(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    fixed = ("time", "line", "coil", "grade", "thickness")
    names = [k for k in table if k not in fixed]
    n = len(table["time"])
    # Historian exports usually carry the coil's grade and thickness on every reading.
    out = {k: np.tile(table[k], len(names)) for k in fixed}
    out["parameter"] = np.repeat(np.array(names, dtype=object), n)
    out["value"] = np.concatenate([table[k] for k in names])
    order = np.argsort(out["time"], kind="stable")
    return {k: v[order] for k, v in out.items()}
