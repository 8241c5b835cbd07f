"""Open production data (CSV or Parquet; long or wide; one file or a folder) with DuckDB.

Every file becomes one normalised relation ``data``: time, line, coil, grade, thickness,
file, row, and (wide data) one DOUBLE column per recognised parameter (``p0``, ``p1``…).
Long data is not pivoted: ``data`` holds one row per time (no parameter columns) and the
readings stay in ``long_raw`` (time, line, file, row, parameter, value); see ``long.py``.
Column names are matched to parameters through the knowledge base's vocabulary; what
cannot be read is reported as a ``DataIssue`` with a count and a place, never raised.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

import duckdb
import numpy as np

from ..errors import LaoshifuError, Problem
from ..quantities import UnitMismatch, convert, normalize_unit
from ..scratch import spill_dir
from ..knowledge.units import Unit
from ..knowledge.vocabulary import Vocabulary

if TYPE_CHECKING:
    from .parquet import ParquetDay

SUFFIXES = (".parquet", ".pq", ".csv", ".csv.gz", ".tsv")
ROLES = {
    "time": ("time", "timestamp", "ts", "datetime", "date_time", "时间", "采集时间", "时刻"),
    "line": ("line", "line_id", "产线", "机组", "线号"),
    "coil": ("coil", "coil_id", "卷号", "钢卷号"),
    "grade": ("grade", "牌号", "钢种"),
    "thickness": ("thickness", "厚度", "规格"),
    "parameter": ("parameter", "param", "tag", "tag_name", "参数", "测点", "参数名"),
    "value": ("value", "val", "值", "数值"),
}
_HEADER_UNIT = re.compile(r"^(.*?)\s*[(\[（【](.+?)[)\]）】]\s*$")


@dataclass(frozen=True)
class DataIssue:
    """Something wrong with the data: what, how often, and where (file, time or row)."""

    kind: str
    count: int
    where: str
    detail: str = ""
    column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "count": self.count, "where": self.where,
                "detail": self.detail, "column": self.column}


@dataclass(frozen=True)
class DataColumn:
    """A data column recognised as a parameter."""

    source: str  # the header as written in the file (or the tag in long data)
    key: str
    name: str
    unit: str
    sql: str  # its column in the normalised relation
    converted_from: str = ""


@dataclass
class ProductionData:
    con: duckdb.DuckDBPyConnection
    files: list[str]
    shape: str  # "wide" or "long"
    columns: list[DataColumn] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    issues: list[DataIssue] = field(default_factory=list)
    process: str | None = None
    roles: set[str] = field(default_factory=set)
    relation: str = "data"
    readings: str = "long_raw"  # long data: the readings (a de-duplicated view once reviewed)
    tags: list[str] = field(default_factory=list)  # long data: every distinct parameter tag
    fetched: dict[tuple, np.ndarray] = field(default_factory=dict)  # long data: columns read
    only_line: str | None = None  # long data: the line every reading names, if just one
    # Parquet files: path → each column's name and type as DuckDB reads them.
    parquet_columns: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def column(self, key: str) -> DataColumn | None:
        return next((c for c in self.columns if c.key == key), None)

    def lines(self) -> list[str]:
        if "line" not in self.roles:
            return []
        rows = self.con.execute(
            f"SELECT DISTINCT line FROM {self.relation} WHERE line IS NOT NULL ORDER BY 1").fetchall()
        return [r[0] for r in rows]


def line_filter(data: ProductionData, line: str | None) -> tuple[str, list]:
    if line is None or "line" not in data.roles or data.only_line == str(line):
        return "", []  # no filter, or one that every row passes (a compare per reading)
    return " AND line = ?", [str(line)]


def data_files(path: Path) -> list[Path]:
    """One file, or every data file in a folder (daily files), sorted by name."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise LaoshifuError(Problem("no such file or folder", file=str(path)))
    files = sorted(p for p in path.iterdir()
                   if p.is_file() and p.name.lower().endswith(SUFFIXES) and not p.name.startswith("."))
    if not files:
        raise LaoshifuError(Problem("no CSV or Parquet files in this folder", file=str(path),
                                    hint="daily files such as dcl-2026-07-22.parquet"))
    return files


def _role(name: str) -> str | None:
    folded = name.strip().casefold()
    for role, names in ROLES.items():
        if folded in names:
            return role
    return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def infer_process(vocab: Vocabulary, names: Iterable[str]) -> str | None:
    """The process most column names belong to (a line's data is one process)."""
    counts: Counter[str] = Counter()
    for name in names:
        processes = {vocab.processes.get(k, "") for k in vocab.candidates(_split_unit(name)[0])}
        counts.update(processes)
    if not counts:
        return None
    ranked = counts.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _split_unit(header: str) -> tuple[str, str]:
    match = _HEADER_UNIT.match(header)
    return (match.group(1).strip(), match.group(2).strip()) if match else (header.strip(), "")


@dataclass
class _File:
    path: Path
    table: str  # relation holding the raw rows with __row
    names: list[str]
    types: list[str]
    csv: bool


def open_data(path: Path | str, units_or_vocab: Sequence[Unit] | Vocabulary,
              process: str | None = None, *, threads: int | None = None,
              memory_limit: str | None = "1.5GB") -> ProductionData:
    """Open every data file under ``path`` and recognise its columns.

    ``threads`` (default: DuckDB's, one per core) and ``memory_limit`` bound DuckDB; past
    the limit it spills to a temporary directory instead of growing.
    """
    path = Path(path)
    vocab = units_or_vocab if isinstance(units_or_vocab, Vocabulary) \
        else Vocabulary.from_units(units_or_vocab)
    con = duckdb.connect(config={"temp_directory": spill_dir()})
    # DuckDB draws its own bar on long queries, on stdout too: ours is on stderr, on a terminal.
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = {_literal(memory_limit)}")
    files = data_files(path)
    issues: list[DataIssue] = []
    opened: list[_File] = []
    for i, file in enumerate(files):
        handle = _open_file(con, file, i, issues)
        if handle:
            opened.append(handle)
    if not opened:
        raise LaoshifuError(Problem("none of the data files could be read", file=str(path),
                                    hint="; ".join(f"{x.where}: {x.detail}" for x in issues)[:500]))
    all_names = [n for f in opened for n in f.names]
    shape = "long" if {"parameter", "value"} <= {_role(n) for n in all_names} else "wide"
    data = ProductionData(con, [str(f.path) for f in opened], shape, issues=issues,
                          parquet_columns={str(f.path): list(zip(f.names, f.types))
                                           for f in opened if not f.csv})
    if shape == "wide":
        _build_wide(data, opened, vocab, process)
    else:
        _build_long(data, opened, vocab, process)
    if "time" not in data.roles:
        raise LaoshifuError(Problem("no time column", file=data.files[0],
                                    hint=f"name it one of: {', '.join(ROLES['time'])}"))
    return data


def _open_file(con, file: Path, i: int, issues: list[DataIssue]) -> _File | None:
    name = _literal(str(file))
    is_csv = not file.name.lower().endswith((".parquet", ".pq"))
    try:
        if is_csv:
            try:
                dialect = _csv_dialect(file)
            except UnicodeError:
                issues.append(DataIssue("unreadable_file", 1, file.name,
                                        "cannot read this file's text encoding; save it as "
                                        "UTF-8 (or GBK/GB18030, UTF-16)"))
                return None
            with _utf8_copy(file, dialect.codec) as readable:
                _read_csv(con, file, readable, i, dialect, issues)
            if dialect.decimal_comma:
                _decimal_points(con, f"raw{i}")
            relation = f"raw{i}"
        else:
            con.execute(f"CREATE TEMP VIEW raw{i} AS SELECT *, file_row_number + 1 AS __row "
                        f"FROM read_parquet({name}, file_row_number=true)")
            con.execute(f"SELECT count(*) FROM raw{i}").fetchone()  # reads the footer now
            relation = f"raw{i}"
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0][:200]
        kind = "truncated" if not is_csv else "unreadable_file"
        issues.append(DataIssue(kind, 1, file.name, f"cannot read: {message}"))
        return None
    names = [row[0] for row in described if row[0] not in ("__row", "file_row_number")]
    types = [row[1] for row in described if row[0] not in ("__row", "file_row_number")]
    return _File(file, relation, names, types, is_csv)


def _read_csv(con, file: Path, readable: Path, i: int, dialect: "_Dialect",
              issues: list[DataIssue]) -> None:
    """``raw{i}``: the CSV's rows as text; rows DuckDB cannot take are skipped and reported."""
    def read(path: Path) -> None:
        con.execute(
            f"CREATE TEMP TABLE raw{i} AS SELECT *, row_number() OVER () AS __row FROM "
            f"read_csv({_literal(str(path))}, all_varchar=true, header=true, "
            f"delim={_literal(dialect.delim)}, ignore_errors=true, store_rejects=true, "
            f"rejects_table='rej{i}', rejects_scan='scan{i}', max_line_size={MAX_LINE_BYTES})")

    try:
        read(readable)
    except duckdb.InvalidInputException as exc:
        # DuckDB gives up on the whole file at one overlong row (and calls it "Line 1"):
        # blank such rows out, read the rest, and name their lines.
        if "Maximum line size" not in str(exc):
            raise
        with _without_long_lines(readable, MAX_LINE_BYTES) as (shorter, long_lines):
            read(shorter)
            listed = ", ".join(map(str, long_lines[:5])) + (" …" if len(long_lines) > 5 else "")
            issues.append(DataIssue(
                "oversized_row", len(long_lines), f"{file.name}:{long_lines[0]}",
                f"rows longer than {MAX_LINE_BYTES // 1_000_000} MB skipped (lines {listed})"))
            _csv_rejects(con, file, i, issues, shorter, blank=len(long_lines))
        return
    _csv_rejects(con, file, i, issues, readable)


@contextmanager
def _without_long_lines(file: Path, limit: int) -> Iterator[tuple[Path, list[int]]]:
    """A copy of ``file`` whose lines longer than ``limit`` bytes are left empty, and their
    numbers (1 is the header). DuckDB skips empty lines, so other lines keep their numbers.
    Read in chunks: an overlong line is never held whole."""
    long_lines: list[int] = []
    with tempfile.TemporaryDirectory(prefix="laoshifu-csv-") as folder:
        target = Path(folder) / file.name
        with file.open("rb") as source, target.open("wb") as out:
            number, pending, dropping = 1, bytearray(), False
            for chunk in iter(lambda: source.read(1 << 20), b""):
                start = 0
                while True:
                    end = chunk.find(b"\n", start)
                    if not dropping:
                        pending += chunk[start:] if end < 0 else chunk[start:end + 1]
                        if len(pending) > limit:
                            dropping = True
                            pending.clear()
                            long_lines.append(number)
                    if end < 0:
                        break
                    out.write(b"\n" if dropping else pending)
                    pending.clear()
                    dropping = False
                    number += 1
                    start = end + 1
            out.write(pending)
        yield target, long_lines


@dataclass(frozen=True)
class _Dialect:
    codec: str | None  # to transcode from; None: UTF-8 already
    delim: str
    decimal_comma: bool = False


_SAMPLE_BYTES = 1 << 16
MAX_LINE_BYTES = 2_000_000  # DuckDB's default; a longer CSV row is skipped and reported
_DELIMITERS = (",", ";", "\t", "|")
_COMMA_NUMBER = re.compile(r"^[-+]?\d+,\d+$")
_POINT_NUMBER = re.compile(r"^[-+]?\d*\.\d+$")


def _csv_dialect(file: Path) -> _Dialect:
    """Encoding, separator and decimal mark of a CSV, from its first 64 KB.

    Plant PCs export GBK and UTF-16 files, and Excel in a European locale writes ';'
    between fields and ',' in numbers; DuckDB reads only UTF-8 and needs the separator.
    """
    tsv = file.name.lower().endswith(".tsv")
    if file.name.lower().endswith(".gz"):
        return _Dialect(None, "\t" if tsv else ",")
    with file.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    codec = _sniff_codec(sample)
    text = codecs.getincrementaldecoder(codec or "utf-8-sig")(errors="replace").decode(sample)
    lines = text.splitlines()
    if len(lines) > 1 and len(sample) == _SAMPLE_BYTES:
        lines = lines[:-1]  # the sample may end mid-row
    header = lines[0] if lines else ""
    if tsv:
        delim = "\t"
    else:
        counts = {d: header.count(d) for d in _DELIMITERS}
        delim = max(_DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
    decimal_comma = False
    if delim != ",":
        fields = [f.strip().strip('"') for line in lines[1:200] for f in line.split(delim)]
        decimal_comma = any(_COMMA_NUMBER.match(f) for f in fields) and \
            not any(_POINT_NUMBER.match(f) for f in fields)
    return _Dialect(codec, delim, decimal_comma)


def _sniff_codec(sample: bytes) -> str | None:
    """None for UTF-8 (with or without BOM), else the codec to transcode from."""
    if sample.startswith(codecs.BOM_UTF8):
        return None
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return None if codec == "utf-8" else codec
    raise UnicodeError("unknown text encoding")


@contextmanager
def _utf8_copy(file: Path, codec: str | None) -> Iterator[Path]:
    """``file`` itself when it is UTF-8, else a UTF-8 copy that lives for the block."""
    if codec is None:
        yield file
        return
    with tempfile.TemporaryDirectory(prefix="laoshifu-csv-") as folder:
        target = Path(folder) / file.name
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        with file.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
        yield target


def _decimal_points(con, table: str) -> None:
    """'0,23' → '0.23' in every column that is not a name (line, coil, grade, tag)."""
    names = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    textual = {"line", "coil", "grade", "parameter"}
    targets = [n for n in names if n != "__row" and _role(n) not in textual]
    if targets:
        sets = ", ".join(f"{_quote(n)} = replace({_quote(n)}, ',', '.')" for n in targets)
        con.execute(f"UPDATE {table} SET {sets}")


def _last_byte(path: Path) -> bytes:
    """The file's last byte (b"\\n" for an empty file), without reading the rest."""
    with path.open("rb") as handle:
        if not handle.seek(0, 2):
            return b"\n"
        handle.seek(-1, 2)
        return handle.read(1)


def _csv_rejects(con, file: Path, i: int, issues: list[DataIssue], read: Path | None = None,
                 blank: int = 0) -> None:
    read = read or file  # the bytes DuckDB read (a UTF-8 copy of a GBK/UTF-16 file)
    # One entry per line: DuckDB records a row with three missing fields three times.
    rows = con.execute(f"SELECT line, any_value(error_type), any_value(csv_line) FROM rej{i} "
                       "GROUP BY line ORDER BY line").fetchall()
    data = _last_byte(read)
    last_line = None
    if rows:
        total = con.execute(f"SELECT count(*) FROM raw{i}").fetchone()[0]
        last_line = total + len(rows) + 1 + blank  # header + accepted + rejected + blanked
    cut = rows and rows[-1][0] == last_line and data != b"\n"
    body = rows[:-1] if cut else rows
    if body:
        lines = ", ".join(str(r[0]) for r in body[:5]) + (" …" if len(body) > 5 else "")
        issues.append(DataIssue("malformed_rows", len(body), f"{file.name}:{body[0][0]}",
                                f"rows with the wrong number of fields skipped (lines {lines})"))
    if cut:
        issues.append(DataIssue("truncated", 1, f"{file.name}:{rows[-1][0]}",
                                "the file ends in the middle of a row (copy interrupted?); "
                                "the partial row was skipped"))
    elif data != b"\n" and read.stat().st_size:
        with read.open("rb") as handle:
            last = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) + 1
        issues.append(DataIssue("truncated", 1, f"{file.name}:{last}",
                                "the file does not end with a newline; its last row may be cut"))


def _resolve_columns(data: ProductionData, names: Iterable[str], vocab: Vocabulary,
                     process: str | None) -> dict[str, DataColumn]:
    names = list(dict.fromkeys(names))
    data.process = process or infer_process(vocab, names)
    out: dict[str, DataColumn] = {}
    taken: dict[str, str] = {}
    for header in names:
        quantity = vocab.resolve(header, data.process)
        written_unit = ""
        if quantity is None:
            base, written_unit = _split_unit(header)
            quantity = vocab.resolve(base, data.process) if written_unit else None
        if quantity is None:
            data.unmatched.append(header)
            continue
        unit = normalize_unit(quantity.unit)
        if written_unit and normalize_unit(written_unit) != unit:
            try:
                convert(1.0, written_unit, unit)
            except UnitMismatch:
                data.issues.append(DataIssue(
                    "unit_mismatch", 1, header,
                    f"cannot convert {written_unit} to {unit or 'no unit'}; column not used",
                    column=header))
                data.unmatched.append(header)
                continue
        if quantity.key in taken:
            data.issues.append(DataIssue(
                "duplicate_column", 1, header,
                f"also read as {vocab.names[quantity.key]} from column {taken[quantity.key]!r}; "
                "this one is not used", column=header))
            continue
        taken[quantity.key] = header
        converted = normalize_unit(written_unit) if written_unit and \
            normalize_unit(written_unit) != unit else ""
        out[header] = DataColumn(header, quantity.key, vocab.names[quantity.key], unit,
                                 f"p{len(out)}", converted)
    data.columns = list(out.values())
    return out


def linear_conversion(column: DataColumn) -> tuple[float, float]:
    """(a, b) with value_in_parameter_unit = a * value_as_written + b."""
    a = convert(1.0, column.converted_from, column.unit) - convert(0.0, column.converted_from, column.unit)
    return a, convert(0.0, column.converted_from, column.unit)


def _numeric(expr: str, column: DataColumn) -> str:
    value = f"TRY_CAST({expr} AS DOUBLE)"
    if column.converted_from:
        a, b = linear_conversion(column)
        value = f"({value} * {a!r} + {b!r})"
    return value


def _role_columns(f: _File) -> dict[str, str]:
    roles: dict[str, str] = {}
    for name in f.names:
        role = _role(name)
        if role and role not in roles:
            roles[role] = name
    return roles


def _role_select(f: _File, roles: dict[str, str], data: ProductionData) -> list[str]:
    parts = []
    casts = {"time": "TIMESTAMP", "line": "VARCHAR", "coil": "VARCHAR", "grade": "VARCHAR",
             "thickness": "DOUBLE"}
    for role, sql_type in casts.items():
        if role in roles:
            data.roles.add(role)
            written = f.types[f.names.index(roles[role])]
            # A column already of the right type is used as is, so that filters on it
            # reach the Parquet statistics (a cast would hide them).
            expr = _quote(roles[role]) if written == sql_type else \
                f"TRY_CAST({_quote(roles[role])} AS {sql_type})"
            parts.append(f"{expr} AS {role}")
        else:
            parts.append(f"CAST(NULL AS {sql_type}) AS {role}")
    parts.append(f"{_literal(f.path.name)} AS file")
    parts.append("__row AS row")
    return parts


def _build_wide(data: ProductionData, files: list[_File], vocab: Vocabulary,
                process: str | None) -> None:
    value_names = [n for f in files for n in f.names if _role(n) is None]
    columns = _resolve_columns(data, value_names, vocab, process)
    selects = []
    for f in files:
        roles = _role_columns(f)
        present = set(f.names)
        parts = _role_select(f, roles, data)
        for header, column in columns.items():
            parts.append(f"{_numeric(_quote(header), column)} AS {column.sql}" if header in present
                         else f"CAST(NULL AS DOUBLE) AS {column.sql}")
        selects.append(f"SELECT {', '.join(parts)} FROM {f.table}")
        _count_non_numeric(data, f, [h for h in columns if h in present], roles)
        _count_bad_time(data, f, roles)
    data.con.execute(f"CREATE TEMP VIEW data AS {' UNION ALL '.join(selects)}")


def _count_non_numeric(data: ProductionData, f: _File, headers: list[str],
                       roles: dict[str, str]) -> None:
    textual = [h for h in headers if f.types[f.names.index(h)] == "VARCHAR"]
    if not textual:
        return
    time_col = _quote(roles["time"]) if "time" in roles else "NULL"
    parts = []
    for h in textual:
        q = _quote(h)
        bad = f"{q} IS NOT NULL AND trim({q}) <> '' AND TRY_CAST({q} AS DOUBLE) IS NULL"
        parts += [f"count(*) FILTER (WHERE {bad})", f"arg_min({time_col}, __row) FILTER (WHERE {bad})",
                  f"min(__row) FILTER (WHERE {bad})", f"any_value({q}) FILTER (WHERE {bad})"]
    for start in range(0, len(parts), 400):  # stay well inside DuckDB's expression limits
        chunk = parts[start:start + 400]
        row = data.con.execute(f"SELECT {', '.join(chunk)} FROM {f.table}").fetchone()
        for j in range(0, len(chunk), 4):
            count, at_time, at_row, sample = row[j:j + 4]
            if count:
                header = textual[(start + j) // 4]
                data.issues.append(DataIssue(
                    "non_numeric", int(count), f"{f.path.name} row {at_row}" + (f" ({at_time})" if at_time else ""),
                    f"{count} values in {header!r} are not numbers (e.g. {sample!r}); read as missing",
                    column=header))


def _count_bad_time(data: ProductionData, f: _File, roles: dict[str, str]) -> None:
    if "time" not in roles:
        return
    q = _quote(roles["time"])
    count, first, sample = data.con.execute(
        f"SELECT count(*), min(__row), arg_min({q}, __row) FILTER (WHERE {q} IS NOT NULL) "
        f"FROM {f.table} WHERE {q} IS NULL OR TRY_CAST({q} AS TIMESTAMP) IS NULL").fetchone()
    if count:
        example = f" (e.g. {str(sample)!r})" if sample is not None else ""
        data.issues.append(DataIssue("bad_time", int(count), f"{f.path.name} row {first}",
                                     f"{count} rows without a readable time{example}; skipped",
                                     column=roles["time"]))


def _build_long(data: ProductionData, files: list[_File], vocab: Vocabulary,
                process: str | None) -> None:
    selects, texts = [], []
    # Each file's place among the names, as min() orders them (UTF-8 bytes: code points).
    by_name = sorted(f.path.name for f in files)
    for f in files:
        roles = _role_columns(f)
        parts = _role_select(f, roles, data) + [f"{by_name.index(f.path.name)} AS file_rank"]
        value = _quote(roles["value"])
        parts.append(f"CAST({_quote(roles['parameter'])} AS VARCHAR) AS parameter")
        if f.types[f.names.index(roles["value"])] == "VARCHAR":
            parts.append(f"TRY_CAST({value} AS DOUBLE) AS value")
            texts.append(f"SELECT {', '.join(parts[:-1])}, {value} AS raw_value FROM {f.table}")
        else:
            parts.append(f"CAST({value} AS DOUBLE) AS value")
        selects.append(f"SELECT {', '.join(parts)} FROM {f.table}")
        _count_bad_time(data, f, roles)
    con = data.con
    con.execute(f"CREATE TEMP VIEW long_raw AS {' UNION ALL '.join(selects)}")
    tags = [r[0] for r in con.execute(
        "SELECT DISTINCT parameter FROM long_raw WHERE parameter IS NOT NULL ORDER BY 1").fetchall()]
    data.tags = tags
    _resolve_columns(data, tags, vocab, process)
    if texts:  # only text values can fail to be numbers
        bad = con.execute(
            f"SELECT parameter, count(*), arg_min(time, row), arg_min(file, row), any_value(raw_value) "
            f"FROM ({' UNION ALL '.join(texts)}) WHERE raw_value IS NOT NULL AND trim(raw_value) <> '' "
            "AND TRY_CAST(raw_value AS DOUBLE) IS NULL GROUP BY parameter ORDER BY parameter").fetchall()
        for tag, count, at_time, at_file, sample in bad:
            data.issues.append(DataIssue("non_numeric", int(count), f"{at_file} ({at_time})",
                                         f"{count} values of {tag!r} are not numbers (e.g. {sample!r})",
                                         column=tag))
    # One row per time: what the day's order, material and gaps are read from. Readings
    # themselves are checked per day by ``long.py`` (duplicates included), never pivoted.
    # Data of one line (its min and max from the files' statistics, no scan) is grouped by
    # time alone: hashing each reading's line was half of this pass.
    low, high, with_line, rows = con.execute(
        "SELECT min(line), max(line), count(line), count(*) FROM long_raw").fetchone()
    one_line = with_line == 0 or (low == high and with_line == rows)
    if with_line and one_line:
        data.only_line = str(low)
    # The first file's name from the least rank: min() of a name for each reading was a
    # third of this pass.
    names = "[" + ", ".join(_literal(n) for n in by_name) + "]"
    con.execute(
        "CREATE TEMP TABLE data AS SELECT time, "
        + ("any_value(line) AS line" if one_line else "line")
        + ", any_value(coil) AS coil, any_value(grade) AS grade, any_value(thickness) AS thickness, "
        f"{names}[min(file_rank) + 1] AS file, min(row) AS row FROM long_raw "
        "WHERE time IS NOT NULL GROUP BY time" + ("" if one_line else ", line"))


def fetch(data: ProductionData, sql_columns: Sequence[str], line: str | None, start: str,
          end: str, dedupe: bool = True, sort: bool = True, rows: ParquetDay | None = None
          ) -> dict[str, np.ndarray]:
    """One day (or any span) of rows, sorted by time, one row per time, as numpy arrays.

    Parameter columns come back as float64 with NaN for missing; ``time`` as int64 ms.
    ``sort=False`` trusts the files' order (check the returned time against a sorted read).
    ``rows``: the same day's rows located in Parquet files, whose columns pyarrow decodes
    (at half DuckDB's CPU) when it can. Long data: only the parameters asked for are read
    and placed by time.
    """
    if rows is not None:
        by_sql = {c.sql: c for c in data.columns}
        arrays = rows.read([by_sql[s] for s in sql_columns])
        if arrays is not None:
            return arrays
    if data.shape == "long":
        from .long import fetch_long

        return fetch_long(data, sql_columns, line, start, end)
    where, params = line_filter(data, line)
    cols = ", ".join(sql_columns)  # NULL comes out as NaN (numeric_arrays)
    select = "epoch_ms(time) AS time" + (f", {cols}" if cols else "")
    qualify = " QUALIFY row_number() OVER (PARTITION BY time ORDER BY file, row) = 1" if dedupe else ""
    sql = (f"SELECT {select} FROM {data.relation} WHERE time >= ?::TIMESTAMP AND time < ?::TIMESTAMP"
           f"{where}{qualify}" + (" ORDER BY time" if sort else ""))
    return numeric_arrays(data.con, sql, [start, end, *params])


def numeric_arrays(con, sql: str, params: Sequence[Any]) -> dict[str, np.ndarray]:
    """A query's numeric columns as numpy arrays (NULL as NaN in floats), through Arrow:
    half the time of ``fetchnumpy`` for a day of wide columns, with a third of its page
    faults. The arrays may be read-only views of Arrow's buffers."""
    table = con.sql(sql, params=list(params)).to_arrow_table()
    return {name: arrow_numpy(table.column(name)) for name in table.column_names}


# Arrow's names of the number types read straight into numpy.
_NUMPY_TYPES = {"double": np.float64, "float": np.float32, "int64": np.int64, "int32": np.int32,
                "int16": np.int16, "int8": np.int8, "uint32": np.uint32, "uint16": np.uint16,
                "uint8": np.uint8}


def arrow_numpy(column) -> np.ndarray:
    """An Arrow column of numbers as one numpy array; with NULL, float64 with NaN.

    Read from Arrow's buffers: pyarrow's own ``to_numpy`` imports pandas on first use
    (0.4 s CPU, a tenth of a day's review) for conversions these columns never need.
    """
    dtype = _NUMPY_TYPES.get(str(column.type))
    if dtype is None:
        return column.to_numpy()  # other types: pyarrow's conversion
    parts = [_chunk_numpy(chunk, np.dtype(dtype)) for chunk in column.chunks]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


def _chunk_numpy(chunk, dtype: np.dtype) -> np.ndarray:
    validity, data = chunk.buffers()[:2]
    values = np.frombuffer(data, dtype=dtype, count=len(chunk),
                           offset=chunk.offset * dtype.itemsize)
    if not chunk.null_count:
        return values  # a read-only view
    bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), count=chunk.offset + len(chunk),
                         bitorder="little")[chunk.offset:]
    return np.where(bits.astype(bool), values, np.nan)  # integers too become float64


def fetch_material(data: ProductionData, line: str | None, start: str, end: str,
                   dedupe: bool = True) -> dict[str, np.ndarray]:
    """Coil, grade and thickness per row (same rows and order as ``fetch``), and each
    row's ``file_index`` and ``file_row`` (for ``parquet.ParquetDay``)."""
    where, params = line_filter(data, line)
    qualify = " QUALIFY row_number() OVER (PARTITION BY time ORDER BY file, row) = 1" if dedupe else ""
    # And where each row lies: its file (an index into ``data.files``) and row from 0.
    sql = (f"SELECT epoch_ms(time) AS time, coalesce(coil, '') AS coil, coalesce(grade, '') AS grade, "
           f"coalesce(thickness, 'NaN'::DOUBLE) AS thickness, "
           f"list_position(?::VARCHAR[], file) - 1 AS file_index, row - 1 AS file_row "
           f"FROM {data.relation} "
           f"WHERE time >= ?::TIMESTAMP AND time < ?::TIMESTAMP{where}{qualify} ORDER BY time")
    names = [Path(f).name for f in data.files]
    out = data.con.execute(sql, [names, start, end, *params]).fetchnumpy()
    return {k: np.asarray(v) for k, v in out.items()}

