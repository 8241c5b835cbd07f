"""Review one line-day: windows, excursions, drift, rules fired, data problems, plan."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from threading import Thread
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ..diagnosis.diagnose import parsed_rules
from ..errors import LaoshifuError, Problem
from ..progress import Progress, report
from ..knowledge.units import Parameter, Procedure, Rule, Unit
from ..knowledge.vocabulary import Vocabulary
from . import drift, quality, rules, screen, windows
from . import long as longdata
from .days import DayChoice, choose_day, count_days, implausible_issue, insufficient, today
from .load import DataIssue, ProductionData, fetch, fetch_material, line_filter, open_data
from .material import GradeCodes
from .model import Finding, ParameterSummary, iso
from .parquet import ParquetDay
from .plan import Plan, make_plan

KIND_ORDER = {"insufficient_data": -1, "rule": 0, "excursion": 1, "drift": 2, "stuck_sensor": 3,
              "gap": 4}
MATRIX_CELLS = 64_000_000  # values (8 bytes each) fetched at once: parameters × rows


@dataclass
class ReviewOptions:
    day: str | None = None  # ISO date; default: the latest day holding most of the data
    line: str | None = None
    process: str | None = None
    merge_seconds: float = 60  # out-of-window rows closer than this are one excursion
    stuck_seconds: float = 600
    gap_seconds: float = 30
    chunk: int = 128  # parameter columns fetched and checked together
    charts: int = 12  # parameters charted in the HTML report (0: none)
    threads: int | None = None  # DuckDB threads (default: one per core)
    memory_limit: str | None = "1.5GB"  # DuckDB spills to disk beyond this
    max_rows: int = 2_000_000  # rows a day may hold (23 a second); refused beyond
    today: date | None = None  # to tell future rows from real ones (default: the clock's)
    # Excursions only: no rules, drift, stuck sensors, gaps or missing values; a Parquet
    # column whose min/max statistics lie inside its window is not even read (screen.py).
    windows_only: bool = False
    progress: Progress | None = None  # told of the columns read and checked


@dataclass
class DayReview:
    day: str
    line: str | None
    process: str | None
    source: str
    files: list[str]
    shape: str
    rows: int = 0
    first: str = ""
    last: str = ""
    step_seconds: float = 1.0
    previous_days: list[str] = field(default_factory=list)
    parameters: list[ParameterSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    issues: list[DataIssue] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # column -> parameter
    unmatched: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # parameters without a window
    rules_checked: int = 0
    rules_skipped: list[str] = field(default_factory=list)
    plan: Plan | None = None
    choice: DayChoice | None = None  # how the day was chosen
    units: dict[str, Unit] = field(default_factory=dict)  # cited units by id
    series: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> chart envelope

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day, "day_choice": self.choice.to_dict() if self.choice else None,
            "line": self.line, "process": self.process, "source": self.source,
            "shape": self.shape, "rows": self.rows, "first": self.first, "last": self.last,
            "step_seconds": self.step_seconds, "previous_days": self.previous_days,
            "findings": [f.to_dict() for f in self.findings],
            "parameters": [p.to_dict() for p in self.parameters],
            "data_issues": [i.to_dict() for i in self.issues],
            "columns": {"matched": self.matched, "unmatched": self.unmatched},
            "unchecked_parameters": self.unchecked,
            "rules": {"checked": self.rules_checked, "not_in_data": self.rules_skipped},
            "plan": self.plan.to_dict() if self.plan else None,
        }


def review_day(path: Path | str, units: Sequence[Unit], options: ReviewOptions | None = None
               ) -> DayReview:
    """Open the data under ``path`` and review one day of one line."""
    options = options or ReviewOptions()
    vocab = Vocabulary.from_units(units)
    data = open_data(path, vocab, options.process, threads=options.threads,
                     memory_limit=options.memory_limit)
    try:
        return review_data(data, units, vocab, options, str(path))
    finally:
        data.con.close()


def _import_charting() -> None:
    from .report_html import import_charting

    import_charting()


def review_data(data: ProductionData, units: Sequence[Unit], vocab: Vocabulary,
                options: ReviewOptions, source: str = "") -> DayReview:
    line = _pick_line(data, options.line)
    counts = count_days(data, line, options.today or today())
    set_aside = implausible_issue(data, line, counts)
    days = list(counts.plausible)
    if not days:
        for_line = f" for line {line}" if line else ""
        if set_aside:
            raise LaoshifuError(Problem(
                f"no rows at a plausible time{for_line}: "
                f"{set_aside.count:,} rows on {', '.join(sorted(counts.implausible))} "
                f"(before 2000 or after 2200), first in {set_aside.where}", file=source,
                hint="check the data logger's clock"))
        message = "no rows with a readable time" + for_line
        unread = [i for i in data.issues if i.kind == "bad_time"]
        if unread:  # say which times could not be read, and where
            raise LaoshifuError(Problem(
                f"{message}: {unread[0].detail.removesuffix('; skipped')} in {unread[0].where}",
                file=source, field=unread[0].column,
                hint="write times as YYYY-MM-DD hh:mm:ss, e.g. 2026-07-22 08:00:00"))
        raise LaoshifuError(Problem(message, file=source))
    choice = choose_day(counts, options.day)
    day = choice.day
    if day not in counts.plausible:
        aside = f"; {counts.implausible[day]:,} rows on it are at implausible times" \
            if day in counts.implausible else ""
        raise LaoshifuError(Problem(f"no data for {day}{aside}", file=source,
                                    hint=f"the data covers {days[0]} … {days[-1]}"))
    if choice.rows > options.max_rows:
        raise LaoshifuError(Problem(
            f"{day} has {choice.rows:,} rows, more than the {options.max_rows:,} a day's review "
            f"reads ({options.max_rows / 86_400:.0f} a second)", file=source,
            hint="look for repeated rows or times in the data, or raise the limit with --max-rows"))
    start = date.fromisoformat(day)
    day_start, day_end = start.isoformat(), (start + timedelta(days=1)).isoformat()
    review = DayReview(day, line, data.process, source, [Path(f).name for f in data.files],
                       data.shape, previous_days=[d for d in days if d < day],
                       issues=list(data.issues) + ([set_aside] if set_aside else []),
                       unmatched=list(data.unmatched),
                       matched={c.source: c.name for c in data.columns}, choice=choice)

    order_issues = quality.order_issues(data, line, day_start, day_end)
    review.issues += order_issues
    dedupe = any(i.kind == "duplicate_time" for i in order_issues)
    # Rows already in time order, once each, can be read without sorting them again.
    in_order = not order_issues
    material = fetch_material(data, line, day_start, day_end, dedupe)
    time_ms = material["time"]
    review.rows = int(time_ms.size)
    if not time_ms.size:
        raise LaoshifuError(Problem(f"no rows on {day}", file=source))
    step_ms = quality.sample_step_ms(time_ms)
    review.step_seconds = step_ms / 1000
    review.first, review.last = iso(time_ms[0]), iso(time_ms[-1])
    gap_ms = max(int(options.gap_seconds * 1000), 10 * step_ms)
    merge_ms = max(int(options.merge_seconds * 1000), step_ms)
    windows_only = options.windows_only
    if options.charts and not windows_only:
        # Charts are drawn last: matplotlib is imported meanwhile, as the day's readings are
        # decoded (DuckDB and pyarrow release the GIL).
        Thread(target=_import_charting, name="laoshifu-import-charting").start()
    findings: list[Finding] = [] if windows_only else quality.gaps(time_ms, step_ms, gap_ms)
    thin = insufficient(choice, review.rows, review.step_seconds)
    if thin:
        findings.append(thin)
    # Parameters fetched together: fewer when the day has many rows, to bound memory.
    chunk_size = max(1, min(options.chunk, MATRIX_CELLS // review.rows))

    grades = GradeCodes.of(material["grade"]) if "grade" in data.roles else None
    thickness = material["thickness"] if "thickness" in data.roles else None
    coils = material["coil"] if "coil" in data.roles else None
    params_by_key = {k: v for k, v in vocab.parameters.items()}
    stuck_ms = int(options.stuck_seconds * 1000)
    stuck_rows = max(2, int(stuck_ms / step_ms) - 1)

    checked = [c for c in data.columns if c.key in params_by_key]
    cache: dict[str, np.ndarray] = {}  # wide data: columns already read (rules, charts)
    day_minutes = None
    check = _ColumnCheck(review, params_by_key, time_ms, grades, thickness, coils, step_ms,
                         merge_ms, stuck_ms, stuck_rows, windows_only=windows_only)
    drifting = None
    if data.shape == "long" and windows_only:
        findings += _check_long_windows(data, check, checked, line, day_start, day_end, chunk_size)
    elif data.shape == "long":
        # Drift reads the same minute aggregate that screens the windows, so it runs first
        # and the parameters it flags are read (for charts) in the one fetch of the day.
        stats = _long_stats(data, line, day_start, day_end, review)
        drifting = _drift(data, vocab, line, days, day, review, stats)
        _, _, rule_keys = _rule_inputs(data, units, vocab)
        by_key = {c.key: c.sql for c in data.columns}
        also = [by_key[k] for k in rule_keys] + [by_key[f.key] for f in drifting
                                                   if f.key in by_key][:options.charts]
        findings += _check_long(data, check, checked, stats, line, day_start, day_end,
                                chunk_size, also=list(dict.fromkeys(also)))
    else:
        # Each column is read once: checked, its minute means kept for drift, and kept
        # whole when rules read it or it has a finding (its chart).
        to_read = checked
        if windows_only:
            cleared = screen.unread(checked, screen.value_ranges(data), check.bounds)
            for c in cleared:
                check.summary(c, 0)  # inside its window all day (missing values not counted)
            done = {c.sql for c in cleared}
            to_read = [c for c in checked if c.sql not in done]
            keep: set[str] = set()
        else:
            _, _, rule_keys = _rule_inputs(data, units, vocab)
            keep = {c.sql for c in data.columns if c.key in set(rule_keys)}
            day_minutes = drift.DayMinutes.of(time_ms, material.get("grade") if grades is not None
                                              else None, thickness)
        parquet = ParquetDay.of(data, material)  # Parquet columns decoded by pyarrow

        def read(chunk) -> dict[str, np.ndarray]:
            arrays = fetch(data, [c.sql for c in chunk], line, day_start, day_end, dedupe,
                           sort=not in_order, rows=parquet)
            if in_order and not np.array_equal(arrays["time"], time_ms):
                arrays = fetch(data, [c.sql for c in chunk], line, day_start, day_end, dedupe)
            return arrays

        chunks = [to_read[b:b + chunk_size] for b in range(0, len(to_read), chunk_size)]
        for k, (chunk, arrays) in enumerate(zip(chunks, _read_ahead(read, chunks))):
            report(options.progress, "columns", k * chunk_size, len(to_read))
            found = check.columns(chunk, arrays, day_minutes)
            flagged = {f.key for f in found}
            cache.update({c.sql: arrays[c.sql] for c in chunk if c.sql in keep or c.key in flagged})
            findings += found
            del arrays
        report(options.progress, "columns", len(to_read), len(to_read))
        review.parameters += [check.summaries[c.sql] for c in checked]
        review.issues += [check.issues[c.sql] for c in checked if c.sql in check.issues]
    review.unchecked = [c.name for c in data.columns if c.key not in params_by_key]

    if not windows_only:
        findings += _rules(data, units, vocab, line, day_start, day_end, dedupe, time_ms, step_ms,
                           merge_ms, review, cache)
        findings += drifting if drifting is not None else _drift(data, vocab, line, days, day,
                                                                 review, today=day_minutes)
    review.findings = sorted(findings, key=lambda f: (f.start, KIND_ORDER.get(f.kind, 9),
                                                      f.parameter or "", f.rule_id or ""))
    review.units = {u.id: u for u in units if isinstance(u, (Parameter, Rule, Procedure))
                    or u.kind == "note"}
    review.plan = make_plan(review, units, vocab)
    if options.charts:
        review.series = _series(data, review, vocab, line, day_start, day_end, dedupe, time_ms,
                                grades, thickness, options.charts, cache)
    return review


def _read_ahead(read: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
    """``read(item)`` for each item in order, the next one read while the caller works on
    the last: DuckDB releases the GIL as it decodes, so numpy's checks of one chunk of
    columns run on the other core. Only this thread's worker uses the connection."""
    if len(items) < 2:
        yield from map(read, items)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="laoshifu-read") as pool:
        pending = pool.submit(read, items[0])
        for item in items[1:]:
            done = pending.result()
            pending = pool.submit(read, item)
            yield done
            del done
        yield pending.result()


@dataclass
class _ColumnCheck:
    """Windows, excursions, stuck sensors and missing values for columns of one day."""

    review: DayReview
    params_by_key: dict[str, list[Parameter]]
    time_ms: np.ndarray
    grades: GradeCodes | None
    thickness: np.ndarray | None
    coils: np.ndarray | None
    step_ms: int
    merge_ms: int
    stuck_ms: int
    stuck_rows: int
    windows_only: bool = False  # excursions only: no stuck sensors, no missing values
    summaries: dict[str, ParameterSummary] = field(default_factory=dict)
    issues: dict[str, DataIssue] = field(default_factory=dict)
    _bounds: dict[str, windows.Bounds] = field(default_factory=dict)

    def bounds(self, column) -> windows.Bounds:
        if column.key not in self._bounds:
            self._bounds[column.key] = windows.bounds_for(
                self.params_by_key[column.key], self.grades, self.thickness, self.time_ms.size)
        return self._bounds[column.key]

    def summary(self, column, missing: int) -> ParameterSummary:
        params = self.params_by_key[column.key]
        rows = self.review.rows
        summary = ParameterSummary(
            column.key, column.name, column.unit, column.source,
            windows=[{"unit_id": p.id, "window": p.window_text(), "condition": p.condition,
                      "source": p.source} for p in params],
            rows=rows, missing=missing)
        b = self.bounds(column)
        summary.checked_rows = rows if np.ndim(b.index) == 0 else int((b.index >= 0).sum())
        if b.missing and summary.checked_rows == 0:
            summary.note = f"window depends on {'/'.join(b.missing)}, which the data lacks"
        self.summaries[column.sql] = summary
        return summary

    def columns(self, chunk, arrays: Mapping[str, np.ndarray],
                minutes: drift.DayMinutes | None = None) -> list[Finding]:
        """Check columns of the day (float arrays, NaN where missing), one at a time;
        record summaries and issues (and each column's minute means, when asked)."""
        findings: list[Finding] = []
        for column in chunk:
            values = arrays[column.sql]
            bounds = self.bounds(column)
            missing = None if self.windows_only else np.isnan(values)
            count = 0 if missing is None else int(np.count_nonzero(missing))
            summary = self.summary(column, count)
            if windows.out_of_window(values, bounds):
                findings += windows.excursions(summary, values, self.time_ms, bounds,
                                               self.params_by_key[column.key], self.coils,
                                               self.step_ms, self.merge_ms)
            if self.windows_only:
                continue
            if quality.repeats(values) >= self.stuck_rows:
                findings += quality.stuck_findings(column.name, column.key, values, self.time_ms,
                                                   self.stuck_ms)
            issue = quality.missing_issue(column.name, column.source, values, self.time_ms) \
                if count else None
            if issue:
                self.issues[column.sql] = issue
            if minutes is not None:
                minutes.add(column.sql, values, missing if count else None)
        return findings


def _long_stats(data: ProductionData, line, day_start, day_end, review: DayReview
                ) -> longdata.MinuteStats:
    stats = longdata.day_stats(data, line, day_start, day_end)
    duplicated = longdata.deduplicate(data, stats, line, day_start, day_end)
    if duplicated:
        review.issues.append(duplicated)
        stats = longdata.day_stats(data, line, day_start, day_end)
    return stats


def _check_long(data: ProductionData, check: _ColumnCheck, checked, stats: longdata.MinuteStats,
                line, day_start, day_end, chunk_size: int, also: Sequence[str] = ()
                ) -> list[Finding]:
    """Long data: screen every parameter in one DuckDB pass, fetch only those that need it."""
    review = check.review
    index = {c.sql: i for i, c in enumerate(data.columns)}
    screened = longdata.screen(stats, [data.columns[index[c.sql]] for c in checked],
                               [check.bounds(c) for c in checked], check.time_ms, check.stuck_ms)
    need = screened.flagged if check.windows_only else \
        screened.flagged | screened.stuck | (screened.missing > 0)
    fetched = [c for c, n in zip(checked, need) if n]
    findings: list[Finding] = []
    for begin in range(0, len(fetched), chunk_size):
        chunk = fetched[begin:begin + chunk_size]
        # The first read also takes the columns rules need (``also``), so they are read once.
        extra = list(also) if begin == 0 and len(fetched) + len(also) <= chunk_size else []
        arrays = fetch(data, [c.sql for c in chunk] + extra, line, day_start, day_end)
        findings += check.columns(chunk, arrays)
        del arrays
    for c in checked:
        if c.sql not in check.summaries:
            check.summary(c, 0)  # screened: inside its window all day, nothing missing
    review.parameters += [check.summaries[c.sql] for c in checked]
    review.issues += [check.issues[c.sql] for c in checked if c.sql in check.issues]
    return findings


def _check_long_windows(data: ProductionData, check: _ColumnCheck, checked, line, day_start,
                        day_end, chunk_size: int) -> list[Finding]:
    """Long data, windows only: the parameters whose readings' range on the day may leave
    their window are read, the first reading of a repeated time counting, and checked; no
    minute aggregate."""
    ranges = longdata.value_ranges(data, line, day_start, day_end)
    cleared = {c.sql for c in screen.unread(checked, ranges, check.bounds)}
    fetched = [c for c in checked if c.sql not in cleared]
    findings: list[Finding] = []
    for begin in range(0, len(fetched), chunk_size):
        chunk = fetched[begin:begin + chunk_size]
        arrays = longdata.fetch_long(data, [c.sql for c in chunk], line, day_start, day_end,
                                     first_row=True)
        findings += check.columns(chunk, arrays)
    for c in checked:
        if c.sql not in check.summaries:
            check.summary(c, 0)  # its readings' range lies inside its window
    check.review.parameters += [check.summaries[c.sql] for c in checked]
    return findings


def chart_keys(review: DayReview, limit: int) -> list[str]:
    """Parameters worth a chart: those with findings, rules' quantities first."""
    keys: dict[str, None] = {}
    for f in sorted(review.findings, key=lambda f: KIND_ORDER.get(f.kind, 9)):
        if f.kind == "rule":
            for k in f.detail.get("keys", []):
                keys[k] = None
        elif f.key:
            keys[f.key] = None
    return list(keys)[:limit]


def _series(data, review: DayReview, vocab: Vocabulary, line, day_start, day_end, dedupe,
            time_ms, grades, thickness, limit: int, cache: Mapping[str, np.ndarray] | None = None
            ) -> dict[str, dict[str, Any]]:
    by_key = {c.key: c for c in data.columns}
    keys = [k for k in chart_keys(review, limit) if k in by_key]
    if not keys:
        return {}
    arrays = _read(data, [by_key[k].sql for k in keys], line, day_start, day_end, dedupe, cache)
    bucket = max(1, time_ms.size // 720)  # a point every two minutes over a day
    edges = np.arange(0, time_ms.size, bucket)
    out = {}
    for k in keys:
        values = arrays[by_key[k].sql]
        entry: dict[str, Any] = {"name": vocab.names[k], "unit": by_key[k].unit,
                                 "symbol": next((p.symbol for p in vocab.parameters.get(k, []) if p.symbol), ""),
                                 "time": time_ms[edges]}
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing bucket
            entry["min"] = np.fmin.reduceat(values, edges)
            entry["max"] = np.fmax.reduceat(values, edges)
        if k in vocab.parameters:
            b = windows.bounds_for(vocab.parameters[k], grades, thickness, time_ms.size)
            entry["lower"] = np.broadcast_to(b.lower, time_ms.shape)[edges]
            entry["upper"] = np.broadcast_to(b.upper, time_ms.shape)[edges]
        out[k] = entry
    return out



def _pick_line(data: ProductionData, line: str | None) -> str | None:
    lines = data.lines()
    if line is not None:
        if lines and str(line) not in lines:
            raise LaoshifuError(Problem(f"no data for line {line}",
                                        hint=f"lines in the data: {', '.join(lines)}"))
        return str(line)
    if len(lines) > 1:
        raise LaoshifuError(Problem(f"the data has {len(lines)} lines: {', '.join(lines)}",
                                    hint="choose one with --line"))
    return lines[0] if lines else None


def _read(data, sql_columns: Sequence[str], line, day_start, day_end, dedupe,
          cache: Mapping[str, np.ndarray] | None) -> Mapping[str, np.ndarray]:
    """The day's columns: those already read from ``cache``, the rest fetched."""
    cache = cache or {}
    missing = [c for c in sql_columns if c not in cache]
    fetched = fetch(data, missing, line, day_start, day_end, dedupe) if missing else {}
    return {**fetched, **{c: cache[c] for c in sql_columns if c in cache}}


def _rule_inputs(data, units, vocab):
    """Rules the data can evaluate, those it cannot, and the quantities they read."""
    process = data.process
    candidates = [u for u in units if isinstance(u, Rule) and u.condition
                  and (process is None or not u.process or u.process == process)]
    present = {c.key for c in data.columns}
    ok, skipped = rules.evaluable(parsed_rules(candidates, vocab), present)
    return ok, skipped, sorted({k for _, c in ok for k in c.keys if k in present})


def _rules(data, units, vocab, line, day_start, day_end, dedupe, time_ms, step_ms, merge_ms,
           review: DayReview, cache: Mapping[str, np.ndarray] | None = None) -> list[Finding]:
    ok, skipped, keys = _rule_inputs(data, units, vocab)
    review.rules_checked = len(ok)
    review.rules_skipped = [r.id for r in skipped]
    if not keys:
        return []
    by_key = {c.key: c for c in data.columns}
    arrays = _read(data, [by_key[k].sql for k in keys], line, day_start, day_end, dedupe, cache)
    columns = {k: arrays[by_key[k].sql] for k in keys}
    return rules.fire(ok, columns, time_ms, step_ms, merge_ms, vocab.names)


def _drift(data: ProductionData, vocab: Vocabulary, line, days: list[str], day: str,
           review: DayReview, stats: longdata.MinuteStats | None = None,
           today: drift.DayMinutes | None = None) -> list[Finding]:
    columns = [c for c in data.columns if c.key in vocab.parameters]
    if not columns:
        return []
    first = days[max(0, days.index(day) - 7)]  # at most a week back
    end = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    if stats is not None:
        result = longdata.minute_means(data, columns, line, first, day, end, stats)
        return _drift_findings(data, vocab, columns, result, day)
    # The review day's minute means were gathered while its columns were checked: only the
    # previous days are aggregated here.
    if today is None:
        result = _minute_means(data, columns, line, first, end)
    else:
        result = _minute_means(data, columns, line, first, day) if first < day else \
            {"minute": np.zeros(0, np.int64), "grade": np.zeros(0, dtype=object),
             "thickness": np.zeros(0), **{c.sql: np.zeros(0) for c in columns}}
        result = {"minute": np.concatenate([np.asarray(result["minute"]), today.minute_ms]),
                  "grade": np.concatenate([np.asarray(result["grade"], dtype=object), today.grades]),
                  "thickness": np.concatenate([np.asarray(result["thickness"], dtype=float),
                                               today.thickness]),
                  **{c.sql: np.concatenate([np.ma.filled(np.ma.asarray(result[c.sql], dtype=float),
                                                         np.nan), today.means[c.sql]])
                     for c in columns}}
    return _drift_findings(data, vocab, columns, result, day)


def _minute_means(data: ProductionData, columns, line, start: str, end: str) -> dict:
    where, params = line_filter(data, line)
    aggregates = ", ".join(f"avg({c.sql}) AS {c.sql}" for c in columns)
    sql = (f"SELECT epoch_ms(time_bucket(INTERVAL 1 minute, time)) AS minute, "
           f"coalesce(any_value(grade), '') AS grade, coalesce(median(thickness), 'NaN'::DOUBLE) AS thickness, "
           f"{aggregates} FROM {data.relation} WHERE time >= ?::TIMESTAMP AND time < ?::TIMESTAMP"
           f"{where} GROUP BY 1 ORDER BY 1")
    return data.con.execute(sql, [start, end, *params]).fetchnumpy()


def _drift_findings(data: ProductionData, vocab: Vocabulary, columns, result, day: str
                    ) -> list[Finding]:
    minute = np.asarray(result["minute"])
    grades = GradeCodes.of(np.asarray(result["grade"])) if "grade" in data.roles else None
    thickness = np.asarray(result["thickness"], dtype=float) if "thickness" in data.roles else None
    day_start_ms = int((datetime.fromisoformat(day) - datetime(1970, 1, 1)).total_seconds() * 1000)
    findings = []
    for c in columns:
        values = np.ma.filled(np.ma.asarray(result[c.sql], dtype=float), np.nan)
        series = drift.MinuteSeries(minute, values, grades, thickness)
        found = drift.find_drift(c.name, c.key, c.unit, vocab.parameters[c.key], series, day_start_ms)
        if found:
            findings.append(found)
    return findings
