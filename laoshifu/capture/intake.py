"""One capture, start to end: read the source (text, PDF, scanned PDF, photo), propose
units from it (sections, tables, sentences; a model's proposals when one is configured),
and validate every proposal as the importer would. Nothing is written here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import LaoshifuError, Problem
from ..formats.encoding import decode
from ..knowledge.units import Unit
from .document import Document, SourceLine, text_document
from .extract import Extraction, Sentence, extract
from .images import IMAGE_SUFFIXES, store_image
from .lexicon import Lexicon
from .proposals import Proposal, new_id, validate
from .sections import section_proposals
from .tables import table_proposals

TEXT_SUFFIXES = (".txt", ".md", ".text", "")
MAX_TEXT_CHARS = 2_000_000


@dataclass
class Capture:
    document: Document
    proposals: list[Proposal] = field(default_factory=list)
    leftovers: list[Sentence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # rows or pages that could not be read
    model: str = ""  # the model that proposed too, if any

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.proposals:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out

    def to_dict(self) -> dict:
        return {"source": self.document.name, "kind": self.document.kind, "pages": self.document.pages,
                "images": self.document.images, "model": self.model,
                "lines": [line.to_dict() for line in self.document.lines],
                "uncertain_lines": [line.citation for line in self.document.uncertain_lines],
                "proposals": [p.to_dict() for p in self.proposals],
                "problems": [p.to_dict() for p in self.problems]}


def read_source(data: bytes, filename: str, images: Path, lexicon: Lexicon | None = None,
                process: str = "") -> Document:
    """The captured document of one upload (or of text typed on stdin, named ``-``)."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "capture.txt"
    suffix = PurePosixPath(name).suffix.lower()
    if not data:
        raise LaoshifuError(Problem("nothing to capture: the file is empty", file=name, field="file"))
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        from . import ocr
        from .pdf import read_pdf

        def read_scan(png: bytes, cite: str, image: str) -> list[SourceLine]:
            return ocr.read_image(png, cite, image, lexicon, process)
        return read_pdf(data, name, images, read_scan if ocr.available() else None)
    if suffix in IMAGE_SUFFIXES:
        from . import ocr

        stored = store_image(images, data, name)
        lines = ocr.read_image(data, stored, stored, lexicon, process)
        if not lines:
            raise LaoshifuError(Problem("no text was found in the image", file=name, field="file",
                                        hint="a sharper photo, straight on, in good light"))
        return Document(name, "image", lines, images=[stored], pages=1)
    if suffix not in TEXT_SUFFIXES:
        raise LaoshifuError(Problem(f"cannot capture {suffix} files", file=name, field="file",
                                    hint="text (.txt, .md), a PDF, or a photo (.png, .jpg)"))
    text = decode(data, name) if isinstance(data, bytes) else data
    if len(text) > MAX_TEXT_CHARS:
        raise LaoshifuError(Problem(f"the text is over {MAX_TEXT_CHARS:,} characters", file=name,
                                    field="file", hint="capture it a chapter at a time"))
    return text_document(text, name)


def propose(document: Document, context: list[Unit], process: str = "",
            model_proposals=None) -> Capture:
    """Everything the document offers as drafts, validated; ``model_proposals`` (the
    configured model's, if any) are checked by the same validation and kept only when
    they pass."""
    lexicon = Lexicon.from_units(context)
    capture = Capture(document)
    handbook = document.kind != "text" and any(line.heading for line in document.lines)
    if handbook:
        capture.proposals += section_proposals(document, lexicon, process)
    for lines, local in _by_process(document.lines, lexicon, process):
        found: Extraction = extract(lines, lexicon, local)
        capture.proposals += found.proposals
        capture.leftovers += found.leftovers
    for table in document.tables:
        local = _process_before(document.lines, table.file, table.line, lexicon, process)
        proposals, problems = table_proposals(table, lexicon, local)
        capture.proposals += proposals
        capture.problems += problems
    if not handbook and capture.leftovers:
        capture.proposals.append(_note(document, capture.leftovers, process, lexicon))
    if model_proposals is not None:
        extra, name = model_proposals(document, lexicon, process)
        capture.model = name
        capture.proposals += extra
    capture.proposals = _one_per_id(capture.proposals)
    validate(capture.proposals, context)
    if model_proposals is not None:
        capture.proposals = [p for p in capture.proposals if p.by != "model" or p.valid]
    return capture


def _by_process(lines: list[SourceLine], lexicon: Lexicon, process: str):
    """Runs of lines under headings that name the same process (第三章 脱碳退火)."""
    stack: list[tuple[int, str]] = []
    run: list[SourceLine] = []
    current = process
    for line in lines:
        if line.heading:
            while stack and stack[-1][0] >= line.heading:
                stack.pop()
            stack.append((line.heading, line.text))
            named = lexicon.process_in(" ".join(t for _l, t in stack)) or process
            if named != current and run:
                yield run, current
                run = []
            current = named
        run.append(line)
    if run:
        yield run, current


def _process_before(lines: list[SourceLine], file: str, line: int, lexicon: Lexicon, process: str) -> str:
    """The process of the section a table sits in."""
    stack: list[tuple[int, str]] = []
    for source in lines:
        if _page(source.file) > _page(file) or (source.file == file and source.line > line):
            break
        if source.heading:
            while stack and stack[-1][0] >= source.heading:
                stack.pop()
            stack.append((source.heading, source.text))
    return lexicon.process_in(" ".join(t for _l, t in stack)) or process


def _page(file: str) -> int:
    _, _, page = file.rpartition(" p.")
    return int(page) if page.isdigit() else 0


def _note(document: Document, leftovers: list[Sentence], process: str, lexicon: Lexicon) -> Proposal:
    """What the master said that fits no pattern stays his words: an experience note."""
    body = "\n".join(s.text for s in leftovers)
    first = leftovers[0]
    title = first.text.strip().rstrip("。！!；;，,")[:24] or document.name
    found = lexicon.process_in(body) or process
    fields = {"id": new_id("note", document.name, body), "title": title, "process": found,
              "context": f"录入自 {document.name}", "body": body}
    return Proposal("note", fields, first.source, body)


def _one_per_id(proposals: list[Proposal]) -> list[Proposal]:
    """The same unit proposed twice (a window in a sentence and in a table): the first."""
    seen: set[str] = set()
    out = []
    for p in proposals:
        if p.id and p.id in seen:
            continue
        seen.add(p.id)
        out.append(p)
    return out
