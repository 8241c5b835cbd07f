"""A knowledge-base folder: read every file in it, or write a store back out."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from ..errors import LaoshifuError, Problem
from ..progress import Progress, steps
from ..knowledge.units import Parameter, Section, Term, Unit
from . import yamlio
from .encoding import check_size, max_file_bytes, read_text
from .glossary import parse_glossary, render_glossary
from .handbook import HANDBOOK_SUFFIXES, export_name, parse_handbook, render_handbook
from .markdown_units import parse_units, render_units
from .parameters_csv import parse_parameters, render_parameters

CONFIG_FILE = "laoshifu.yaml"
PARAMETERS_FILE = "parameters.csv"
GLOSSARY_FILE = "glossary.yaml"
HANDBOOK_DIR = "handbook"
_DEFAULT_KEYS = {"author", "status", "process", "tags"}


@dataclass
class FolderContents:
    """Everything read from a folder: units, the problems found, and files skipped."""

    root: Path
    units: list[Unit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def read_folder(root: Path | str, progress: Progress | None = None) -> FolderContents:
    """Every knowledge file under ``root`` (``progress`` told of each file read)."""
    root = Path(root)
    if not root.is_dir():
        raise LaoshifuError(Problem("not a folder", file=str(root),
                                    hint="give the knowledge-base folder, e.g. examples/go-silicon-steel"))
    contents = FolderContents(root)
    defaults, per_file = _read_config(root, contents)
    limit = max_file_bytes()
    for path in steps(progress, "files", list(_walk(root))):
        rel = path.relative_to(root).as_posix()
        try:
            units, problems = _read_file(path, rel, {**defaults, **per_file.get(rel, {})}, limit)
        except LaoshifuError as exc:
            contents.problems += exc.problems
            continue
        if units is None:
            contents.skipped.append(rel)
            continue
        contents.files.append(rel)
        contents.units += units
        contents.problems += problems
    return contents


def _walk(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _read_config(root: Path, contents: FolderContents
                 ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``defaults`` for every unit, and ``files``: defaults for one file (a .txt or .docx
    handbook has no front matter to name its process in)."""
    path = root / CONFIG_FILE
    if not path.exists():
        return {}, {}
    data, lines, problems = yamlio.load_with_lines(read_text(path, CONFIG_FILE), CONFIG_FILE)
    contents.problems += problems
    if data is None or problems:
        return {}, {}
    if not isinstance(data, dict):
        contents.problems.append(Problem("laoshifu.yaml must be 'key: value' lines",
                                         file=CONFIG_FILE, line=1))
        return {}, {}
    for key in set(data) - {"defaults", "files"}:
        contents.problems.append(Problem(f"unknown setting {key!r}", file=CONFIG_FILE,
                                         line=lines.get(key), field=key, hint="defaults, files"))
    defaults = _defaults(data.get("defaults") or {}, "defaults", lines.get("defaults"), contents)
    per_file: dict[str, dict[str, Any]] = {}
    files = data.get("files") or {}
    if not isinstance(files, dict):
        contents.problems.append(Problem("files must map a file to its defaults",
                                         file=CONFIG_FILE, line=lines.get("files"), field="files"))
        return defaults, {}
    for name, values in files.items():
        if not (root / str(name)).is_file():
            contents.problems.append(Problem(f"files names {name!r}, which is not in the folder",
                                             file=CONFIG_FILE, line=lines.get("files"),
                                             field="files", hint="paths are relative to the folder"))
            continue
        per_file[str(name)] = _defaults(values or {}, f"files.{name}", lines.get("files"), contents)
    return defaults, per_file


def _defaults(values: Any, where: str, line: int | None, contents: FolderContents) -> dict[str, Any]:
    if not isinstance(values, dict):
        contents.problems.append(Problem(f"{where} must be 'field: value' lines",
                                         file=CONFIG_FILE, line=line, field=where))
        return {}
    for key in set(values) - _DEFAULT_KEYS:
        contents.problems.append(Problem(f"unknown default {key!r}", file=CONFIG_FILE, line=line,
                                         field=f"{where}.{key}", hint="author, status, process, tags"))
    return {k: v for k, v in values.items() if k in _DEFAULT_KEYS}


def _read_file(path: Path, rel: str, defaults: dict[str, Any], limit: int):
    """Units and problems of one file, or (None, []) when the file is not knowledge."""
    parts = PurePosixPath(rel).parts
    suffix = path.suffix.lower()
    if rel == CONFIG_FILE:
        return [], []  # read already, as the defaults
    if path.name.lower() == "readme.md":
        return None, []
    if parts[0] == HANDBOOK_DIR and suffix in HANDBOOK_SUFFIXES:
        check_size(path, rel, limit)
        data = path.read_bytes() if suffix == ".docx" else read_text(path, rel, limit)
        return parse_handbook(data, rel, defaults)
    if rel == PARAMETERS_FILE:
        return parse_parameters(read_text(path, rel, limit), rel, defaults)
    if rel == GLOSSARY_FILE:
        return parse_glossary(read_text(path, rel, limit), rel, defaults)
    if suffix in (".md", ".markdown"):
        return parse_units(read_text(path, rel, limit), rel, defaults)
    return None, []


def write_folder(units: Iterable[Unit], root: Path | str) -> list[str]:
    """Write units in the authoring format; return the files written (relative paths)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    by_file: dict[str, list[Unit]] = defaultdict(list)
    params: list[Parameter] = []
    terms: list[Term] = []
    for unit in sorted(units, key=lambda u: (u.source_file, u.source_line, u.id)):
        if isinstance(unit, Parameter):
            params.append(unit)
        elif isinstance(unit, Term):
            terms.append(unit)
        elif isinstance(unit, Section):
            by_file[export_name(unit.source_file)].append(unit)
        else:
            by_file[_units_file(unit)].append(unit)
    if params:
        files[PARAMETERS_FILE] = render_parameters(params)
    if terms:
        files[GLOSSARY_FILE] = render_glossary(terms)
    for name, group in by_file.items():
        if PurePosixPath(name).parts[0] == HANDBOOK_DIR:
            files[name] = render_handbook(group)
        else:
            files[name] = render_units(group)
    for name, text in sorted(files.items()):
        _write_atomic(root / name, text)
    return sorted(files)


def _units_file(unit: Unit) -> str:
    source = unit.source_file
    if source and source.endswith((".md", ".markdown")) and not source.startswith(HANDBOOK_DIR + "/"):
        return source
    return f"{unit.kind}/{unit.kind}s.md" if unit.kind != "qa" else "qa/answered.md"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)
