"""Word (.docx) handbooks: checked as a zip first, then read paragraph by paragraph.

A .docx is a zip of XML. A small file can declare a document.xml of hundreds of MB
(python-docx parses all of it into memory), or hold tens of thousands of paragraphs;
both are refused before python-docx opens the file, with the file named.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from ..errors import LaoshifuError, Problem
from .encoding import max_file_bytes

MAX_XML_BYTES = 16 * 1024 * 1024  # the XML python-docx parses (a 3,000-page document)
MAX_MEMBERS = 5000
MAX_RATIO = 100  # uncompressed/compressed, for members over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_PARAGRAPHS = 50_000


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, shown as the "line" in messages
    level: int  # heading level, 0 for text
    text: str


def read_paragraphs(data: bytes, file: str) -> list[Paragraph]:
    """The paragraphs of a .docx with their heading levels, or a LaoshifuError."""
    check_archive(data, file)
    import docx  # python-docx; imported here because it is slow to load

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a broken file
        raise _refuse(f"cannot read this Word file: {exc}", file,
                      "save it again as .docx, or as Markdown") from None
    elements = document.element.body.p_lst
    if len(elements) > MAX_PARAGRAPHS:
        raise _refuse(f"the document has {len(elements)} paragraphs, more than {MAX_PARAGRAPHS}",
                      file, "split it into several files")
    # python-docx looks a paragraph's style up among all styles each time (about 1 ms, so
    # 20,000 paragraphs took over 25 s): look each style id up once.
    levels: dict[str | None, int] = {}
    out = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        style_id = paragraph._p.style
        if style_id not in levels:
            style = paragraph.style
            levels[style_id] = heading_level((style.name if style is not None else "") or "")
        text = paragraph.text
        out.append(Paragraph(number, levels[style_id] if text.strip() else 0, text))
    return out


def heading_level(style: str) -> int:
    if style in ("Title", "标题"):
        return 1
    match = re.match(r"^(?:Heading|标题)\s*(\d)$", style)
    return int(match.group(1)) if match else 0


def check_archive(data: bytes, file: str) -> None:
    """Refuse a .docx whose zip would unpack too large or is packed like a zip bomb.

    The sizes are those the zip declares: Python's zipfile never unpacks more than a
    member declares (and fails its CRC check if there is more)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise _refuse(f"cannot read this Word file: it is not a readable zip ({exc})", file,
                      "save it again as .docx, or as Markdown") from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(f"the Word file holds {len(members)} parts, more than {MAX_MEMBERS}", file)
    limit = max_file_bytes()
    xml_limit = min(MAX_XML_BYTES, limit)
    total = sum(info.file_size for info in members)
    xml = sum(info.file_size for info in members if info.filename.endswith((".xml", ".rels")))
    if total > limit:
        raise _refuse(f"the Word file unpacks to {_mb(total)}, over the {_mb(limit)} limit", file,
                      "split it into smaller files or raise LAOSHIFU_MAX_FILE_MB")
    if xml > xml_limit:
        raise _refuse(f"the Word file's text (XML) unpacks to {_mb(xml)}, over the {_mb(xml_limit)} "
                      "limit", file, "split it into smaller files")
    for info in members:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(f"part {info.filename!r} of the Word file is compressed "
                          f"{info.file_size // max(info.compress_size, 1)}:1 (a zip bomb?)", file)


def _mb(size: int) -> str:
    return f"{size / 1048576:.3g} MB"


def _refuse(message: str, file: str, hint: str | None = None) -> LaoshifuError:
    return LaoshifuError(Problem(message, file=file, hint=hint))
