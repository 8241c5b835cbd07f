"""What was captured: lines of text, each with where it came from (a page, a line, an
image) and, for OCR, how sure the reader was; tables as tables."""

from __future__ import annotations

from dataclasses import dataclass, field

# An OCR line read with less confidence than this is marked for the master to check.
LOW_CONFIDENCE = 0.90

KINDS = ("text", "pdf", "scan", "image")


@dataclass(frozen=True)
class SourceLine:
    text: str
    file: str  # the citation's file: "handbook.pdf p.37", "shift-note.txt", "page-1a2b3c4d.png"
    line: int  # 1-based, on that page or in that file
    confidence: float | None = None  # OCR only
    image: str = ""  # the stored page image this line was read from
    heading: int = 0  # a heading's level (1 = 第X章 / the largest font), 0 for body text
    restored: tuple[str, ...] = ()  # what unit normalisation changed after OCR
    continues: bool = False  # OCR: the line was wrapped and its sentence runs on

    @property
    def citation(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def uncertain(self) -> bool:
        """Read by OCR with low confidence: the master compares it with the image."""
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE

    def to_dict(self) -> dict:
        return {"text": self.text, "citation": self.citation, "confidence": self.confidence,
                "uncertain": self.uncertain, "image": self.image, "heading": self.heading,
                "restored": list(self.restored)}


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    file: str
    line: int  # the line of the page the table starts at

    @property
    def citation(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Document:
    """A captured source: its name as the master gave it, what kind of source it was, its
    lines in reading order, its tables, and the page images kept for comparison."""

    name: str
    kind: str
    lines: list[SourceLine] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    pages: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def uncertain_lines(self) -> list[SourceLine]:
        return [line for line in self.lines if line.uncertain]


def text_document(text: str, name: str) -> Document:
    """Pasted or typed text: one source line per line, cited as ``name:line``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [SourceLine(line, name, number) for number, line in enumerate(text.split("\n"), 1)]
    return Document(name, "text", lines)
