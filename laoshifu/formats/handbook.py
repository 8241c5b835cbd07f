"""Handbooks (Markdown, TXT, DOCX) split at their headings into ``section`` units."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterable, Mapping

from ..errors import LaoshifuError, Problem
from ..knowledge.units import Section, Unit
from ..knowledge.validate import Where, build_unit
from . import word, yamlio

HANDBOOK_SUFFIXES = (".md", ".markdown", ".txt", ".docx")

# A heading, and the attributes at its end: ``## 露点 {#hb-dp status=draft author="Wang Shifu"}``.
# A value is bare, or in double quotes with \" and \\ for a quote and a backslash. The
# block starts at the heading's first '{#' (a title cannot hold one), so a line is read
# in one pass whatever it holds.
_MD_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_VALUE = r'(?:"(?:[^"\\]|\\.)*"|[^\s}"]*)'
_ID_BLOCK = re.compile(r'\{#([A-Za-z0-9][\w.\-]*)((?:\s+\w+=' + _VALUE + r')*)\s*\}\s*$')
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
            headings = _docx_headings(data if isinstance(data, bytes) else data.encode(), file)
        except LaoshifuError as exc:
            return [], exc.problems
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
        if _is_fence(line):
            in_fence = not in_fence
            headings[-1].text.append(line)
            continue
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            hashes, rest = match.groups()
            start = rest.find("{#")
            block = _ID_BLOCK.match(rest, start) if start >= 0 else None
            if block:
                headings.append(_Heading(number, len(hashes), rest[:start].strip(), block.group(1),
                                         _parse_attrs(block.group(2))))
            else:
                headings.append(_Heading(number, len(hashes), rest.strip()))
        else:
            headings[-1].text.append(_unescape(line, in_fence))
    return headings


# Body text that would read as structure is written with one more leading backslash, and
# read back with one less: a heading line outside code fences, a fence that would leave
# the rest of the file inside a code block, and any line already escaped that way. So a
# body cannot turn into sections (with their own id, status and author) on export → import.
def _is_fence(line: str) -> bool:
    return line.lstrip().startswith(("```", "~~~"))


def _escapable(line: str, in_fence: bool) -> bool:
    """A line that needs a backslash added on export (or has one to remove on import)."""
    core = line.lstrip("\\")
    if core != line and _is_fence(core):
        return True
    return not in_fence and _MD_HEADING.match(core) is not None


def _unescape(line: str, in_fence: bool) -> str:
    return line[1:] if line.startswith("\\") and _escapable(line, in_fence) else line


def _escape_body(body: str) -> str:
    lines = body.split("\n")
    fences = [i for i, line in enumerate(lines) if _is_fence(line)]
    # An odd number of fences: the last one opens a block the next heading would fall into.
    unclosed = fences[-1] if len(fences) % 2 else -1
    out, in_fence = [], False
    for i, line in enumerate(lines):
        if i == unclosed:
            out.append("\\" + line)
        elif _is_fence(line):
            in_fence = not in_fence
            out.append(line)
        else:
            out.append("\\" + line if _escapable(line, in_fence) else line)
    return "\n".join(out)


_ATTR = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s}"]*))')


def _parse_attrs(text: str) -> dict[str, str]:
    return {m.group(1): re.sub(r'\\(["\\])', r"\1", m.group(2)) if m.group(2) is not None
            else m.group(3) for m in _ATTR.finditer(text)}


def _attr_text(value: str) -> str:
    # A value with a space (an author "Wang Shifu", a tag "high temp"), a brace or a quote
    # is quoted; a value that could not be read back would leave the whole attribute list
    # in the title, and the section with the file's status instead of its own.
    if not re.search(r'[\s}"]', value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


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


def _docx_headings(data: bytes, file: str) -> list[_Heading]:
    headings = [_Heading(line=1, level=0, title="")]
    for paragraph in word.read_paragraphs(data, file):
        if paragraph.level:
            headings.append(_Heading(paragraph.number, paragraph.level, paragraph.text.strip()))
        else:
            headings[-1].text.append(paragraph.text)
    return headings


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
        unknown = sorted(set(heading.attrs) - set(_SECTION_ATTRS))
        if unknown:
            problems.append(Problem(f"unknown heading attribute {unknown[0]!r}", file=file,
                                    line=heading.line, field=unknown[0],
                                    hint=", ".join(_SECTION_ATTRS)))
            continue
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
    preamble = sections[0] if _can_be_preamble(sections[0], sections[1:]) else None
    headed = sections[1:] if preamble else sections
    # The front matter holds the preamble's attributes (it has no heading to carry them),
    # else those every section shares; a heading carries only what differs from it.
    if preamble is not None:
        shared = {name: _attr(preamble, name) for name in _SECTION_ATTRS}
    else:
        shared = {name: _attr(headed[0], name) for name in _SECTION_ATTRS}
        for name in _SECTION_ATTRS:
            if any(_attr(s, name) != shared[name] for s in headed):
                shared[name] = ""
    meta: dict[str, Any] = {"title": preamble.title} if preamble is not None else {}
    for name in _SECTION_ATTRS:
        if shared[name]:
            meta[name] = shared[name].split(";") if name == "tags" else shared[name]
    out = []
    if meta:
        out.append("---\n" + yamlio.dump(meta) + "---")
    if preamble is not None:
        out.append(_escape_body(preamble.body))
    for s in headed:
        # Text from before a first heading that is no longer first gets a heading of its
        # own: written bare, it would join the section above (and take its status). A
        # level stored before levels were checked (1e20) is written as the deepest one.
        level = min(max(getattr(s, "level", 1), 1), 6)
        attrs = "".join(f" {name}={_attr_text(_attr(s, name))}" for name in _SECTION_ATTRS
                        if _attr(s, name) != shared[name] and _attr(s, name))
        out.append(f"{'#' * level} {s.title} {{#{s.id}{attrs}}}")
        if s.body:
            out.append(_escape_body(s.body))
    return "\n".join(out) + "\n"


def _can_be_preamble(first: Unit, others: list[Unit]) -> bool:
    """Whether ``first`` can be written as text before the first heading: it is such text,
    it gets its id back from there, and every attribute it puts in the front matter, the
    others can override."""
    if getattr(first, "level", 1) != 0 or not first.body.strip():
        return False
    if first.id != _derived_id(_id_stem(export_name(first.source_file)), (), first.title, set()):
        return False  # the id read back would be another
    return all(_attr(other, name) for name in _SECTION_ATTRS if _attr(first, name)
               for other in others)


def _attr(unit: Unit, name: str) -> str:
    value = getattr(unit, name)
    return ";".join(value) if isinstance(value, tuple) else (value or "")
