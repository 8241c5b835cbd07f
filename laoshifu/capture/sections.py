"""Handbook sections from a captured document: the handbook importer's own machinery
(ids from the heading path, levels, order), cited by page and line."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..formats.handbook import _Heading, _sections
from .document import Document, SourceLine
from .lexicon import Lexicon
from .pdf import join_lines
from .proposals import Proposal


def section_proposals(document: Document, lexicon: Lexicon, process: str = "") -> list[Proposal]:
    """One section per heading (and one for text before the first), as the handbook
    importer makes them from Markdown; each cites the page and line of its heading."""
    headings = [_Heading(line=1, level=0, title="")]
    starts: list[SourceLine | None] = [document.lines[0] if document.lines else None]
    previous: SourceLine | None = None
    for line in document.lines:
        if line.heading:
            headings.append(_Heading(len(starts), line.heading, line.text.strip()))
            starts.append(line)
            previous = None
            continue
        text = headings[-1].text
        if previous is not None and previous.continues and text:
            text[-1] = join_lines(text[-1], line.text)
        else:
            text.append(line.text)
        previous = line
    for index, heading in enumerate(headings):
        heading.line = index  # the index into starts, mapped back below
    title = PurePosixPath(document.name).stem
    units, problems = _sections(headings, document.name, title, {}, [])
    out = []
    for unit in units:
        start = starts[unit.source_line] or SourceLine("", document.name, 1)
        heading = headings[unit.source_line]
        found = lexicon.process_in(" ".join([*unit.path, unit.title])) or process  # type: ignore[attr-defined]
        fields = {"id": unit.id, "title": unit.title, "level": unit.level, "path": list(unit.path),  # type: ignore[attr-defined]
                  "order": unit.order, "process": found, "body": unit.body}  # type: ignore[attr-defined]
        sentence = "\n".join([heading.title, *heading.text]).strip()
        out.append(Proposal("section", fields, start, sentence, by="heading"))
    return out
