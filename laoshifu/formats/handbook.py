"""Handbooks (Markdown, TXT, DOCX) split at their headings into ``section`` units."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterable, Mapping

from ..errors import Problem
from ..units import Section, Unit
from ..validate import Where, build_unit
from . import yamlio

HANDBOOK_SUFFIXES = (".md", ".markdown", ".txt", ".docx")

_MD_HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*(?:\{#([A-Za-z0-9][\w.\-]*)((?:\s+\w+=(?:"[^"]*"|[^\s}"]*))*)\s*\})?\s*$')
_TXT_CHAPTER = re.compile(r"^\s*(第[一二三四五六七八九十百零〇两\d]+)([章篇节部])\s*(\S.{0,60})?$")
_TXT_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})[\s、]\s*([^。！？!?；;，,]{1,40})$")
_SECTION_ATTRS = ("process", "author", "status", "tags")


@dataclass
class _Heading:
    line: int
    level: int
    title: str
    explicit_id: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


def parse_handbook(data: bytes | str, file: str, defaults: Mapping[str, Any] | None = None
                   ) -> tuple[list[Section], list[Problem]]:
    """Sections of one handbook file; ``data`` is text, or bytes for .docx."""
    suffix = PurePosixPath(file).suffix.lower()
    meta: dict[str, Any] = {}
    problems: list[Problem] = []
    if suffix == ".docx":
        try:
            headings = _docx_headings(data if isinstance(data, bytes) else data.encode())
        except Exception as exc:  # python-docx raises several types for a broken file
            return [], [Problem(f"cannot read this Word file: {exc}", file=file,
                                hint="save it again as .docx, or as Markdown")]
    else:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        if suffix in (".md", ".markdown"):
            meta, body_start, problems = _front_matter(text, file)
            if problems:
                return [], problems
            headings = _markdown_headings(text.split("\n"), body_start)
        else:
            headings = _text_headings(text.split("\n"))
    base_fields = {k: v for k, v in (defaults or {}).items()}
    base_fields.update({k: v for k, v in meta.items() if k in _SECTION_ATTRS})
    doc_title = str(meta.get("title") or PurePosixPath(file).stem)
    return _sections(headings, file, doc_title, base_fields, problems)


def _front_matter(text: str, file: str) -> tuple[dict[str, Any], int, list[Problem]]:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, 0, []
    for end in range(1, len(lines)):
        if lines[end].rstrip() == "---":
            data, _lines, problems = yamlio.load_with_lines("\n".join(lines[1:end]), file, 2)
            if problems:
                return {}, 0, problems
            if data is not None and not isinstance(data, dict):
                return {}, 0, [Problem("front matter must be 'field: value' lines", file=file, line=2)]
            unknown = set(data or {}) - {"title", *_SECTION_ATTRS}
            if unknown:
                name = sorted(unknown)[0]
                return {}, 0, [Problem(f"unknown handbook field {name!r}", file=file,
                                       line=_lines.get(name, 2), field=name,
                                       hint="title, process, tags, author, status")]
            return dict(data or {}), end + 1, []
    return {}, 0, [Problem("front matter is not closed by a '---' line", file=file, line=1)]


def _markdown_headings(lines: list[str], start: int) -> list[_Heading]:
    headings = [_Heading(line=start + 1, level=0, title="")]
    in_fence = False
    for number, line in enumerate(lines[start:], start=start + 1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            hashes, title, explicit, attrs = match.groups()
            headings.append(_Heading(number, len(hashes), title.strip(), explicit or "",
                                     _parse_attrs(attrs or "")))
        else:
            headings[-1].text.append(line)
    return headings


_ATTR = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s}"]*))')


def _parse_attrs(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTR.finditer(text)}


def _attr_text(value: str) -> str:
    # A value with a space (an author "Wang Shifu", a tag "high temp") is quoted.
    return f'"{value}"' if re.search(r'[\s}]', value) else value


def _text_headings(lines: list[str]) -> list[_Heading]:
    headings = [_Heading(line=1, level=0, title="")]
    for number, line in enumerate(lines, start=1):
        level, title = _text_heading(line)
        if level:
            headings.append(_Heading(number, level, title))
        else:
            headings[-1].text.append(line)
    return headings


def _text_heading(line: str) -> tuple[int, str]:
    chapter = _TXT_CHAPTER.match(line)
    if chapter:
        return (2 if chapter.group(2) == "节" else 1), line.strip()
    numbered = _TXT_NUMBERED.match(line)
    if numbered:
        return numbered.group(1).count(".") + 1, line.strip()
    return 0, ""


def _docx_headings(data: bytes) -> list[_Heading]:
    import docx  # python-docx; imported here because it is slow to load

    document = docx.Document(io.BytesIO(data))
    headings = [_Heading(line=1, level=0, title="")]
    for number, paragraph in enumerate(document.paragraphs, start=1):
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _docx_level(style)
        text = paragraph.text.strip()
        if level and text:
            headings.append(_Heading(number, level, text))
        else:
            headings[-1].text.append(paragraph.text)
    return headings


def _docx_level(style: str) -> int:
    if style in ("Title", "标题"):
        return 1
    match = re.match(r"^(?:Heading|标题)\s*(\d)$", style)
    return int(match.group(1)) if match else 0


def _sections(headings: list[_Heading], file: str, doc_title: str, base_fields: dict[str, Any],
              problems: list[Problem]) -> tuple[list[Section], list[Problem]]:
    sections: list[Section] = []
    stack: list[_Heading] = []
    used: set[str] = set()
    stem = _id_stem(file)
    for order, heading in enumerate(headings):
        body = "\n".join(heading.text).strip("\n")
        if heading.level == 0:
            if not body.strip():
                continue
            title, path = doc_title, ()
        else:
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            title, path = heading.title, tuple(h.title for h in stack)
            stack.append(heading)
        unit_id = heading.explicit_id or _derived_id(stem, path, title, used)
        used.add(unit_id)
        fields: dict[str, Any] = dict(base_fields)
        fields.update(heading.attrs)
        fields.update({"id": unit_id, "title": title, "level": heading.level,
                       "path": list(path), "order": order})
        unit, errors = build_unit(fields, Where(file, heading.line, {}), body=body, kind="section")
        problems += errors
        if unit is not None:
            sections.append(unit)  # type: ignore[arg-type]
    return sections, problems


def _id_stem(file: str) -> str:
    """The file's name without suffix, with its folders below ``handbook/`` when it has
    any: two ``intro.md`` in different folders must not make the same section ids."""
    path = PurePosixPath(file)
    parts = path.parts[1:] if path.parts[:1] == ("handbook",) else path.parts
    return "/".join([*parts[:-1], path.stem]) if len(parts) > 1 else path.stem


def _derived_id(stem: str, path: tuple[str, ...], title: str, used: set[str]) -> str:
    # Made from the heading path, not the position, so inserting a section elsewhere
    # does not change the ids (and so the history) of the others.
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "hb"
    digest = hashlib.sha1("/".join([stem, *path, title]).encode("utf-8")).hexdigest()[:8]
    unit_id = f"sec-{slug}-{digest}"
    n = 2
    while unit_id in used:
        unit_id = f"sec-{slug}-{digest}-{n}"
        n += 1
    return unit_id


def export_name(source_file: str) -> str:
    """Handbooks are written back as Markdown, whatever they were read from."""
    path = PurePosixPath(source_file or "handbook/handbook.md")
    if path.suffix.lower() in (".md", ".markdown"):
        return str(path)
    return str(path.with_suffix(".md"))


def render_handbook(sections: Iterable[Unit]) -> str:
    sections = sorted(sections, key=lambda s: (getattr(s, "order", 0), s.source_line))
    if not sections:
        return ""
    common = {name: _attr(sections[0], name) for name in _SECTION_ATTRS}
    for name in _SECTION_ATTRS:
        if any(_attr(s, name) != common[name] for s in sections):
            common[name] = ""
    meta: dict[str, Any] = {}
    preamble = [s for s in sections if getattr(s, "level", 1) == 0]
    if preamble:
        meta["title"] = preamble[0].title
    for name in _SECTION_ATTRS:
        if common[name]:
            meta[name] = common[name].split(";") if name == "tags" else common[name]
    out = []
    if meta:
        out.append("---\n" + yamlio.dump(meta) + "---")
    for s in sections:
        level = getattr(s, "level", 1)
        if level == 0:
            out.append(s.body)
            continue
        attrs = "".join(f" {name}={_attr_text(_attr(s, name))}" for name in _SECTION_ATTRS
                        if _attr(s, name) != common[name] and _attr(s, name))
        out.append(f"{'#' * level} {s.title} {{#{s.id}{attrs}}}")
        if s.body:
            out.append(s.body)
    return "\n".join(out) + "\n"


def _attr(unit: Unit, name: str) -> str:
    value = getattr(unit, name)
    return ";".join(value) if isinstance(value, tuple) else (value or "")
