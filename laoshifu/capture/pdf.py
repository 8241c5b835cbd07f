"""PDF handbooks: text with its headings, page by page, cited as ``handbook.pdf p.37``.

Headings are recovered from font sizes (larger than the body text) and numbering (第X章,
1.1, 一、); lines repeated at the top or bottom of most pages (headers, footers, page
numbers) are dropped; a paragraph's lines are joined without spaces between Chinese
characters; tables are read as tables. A page without a text layer (a scan) is rendered
and read by OCR, its image kept beside the lines it produced.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import LaoshifuError, Problem
from .document import Document, SourceLine, Table

# The share of the page's height at the top and at the bottom where headers/footers live.
_MARGIN = 0.09
_PAGE_NUMBER = re.compile(r"^[\s\-—–·•]*(?:第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}|[-—]\s*\d{1,4}\s*[-—]|"
                          r"page\s*\d+(?:\s*of\s*\d+)?|\d{1,4}\s*/\s*\d{1,4})[\s\-—–·•]*$", re.I)
_CHAPTER = re.compile(r"^\s*第[一二三四五六七八九十百零〇两\d]+[章篇部]\s*\S")
_SECTION = re.compile(r"^\s*第[一二三四五六七八九十百零〇两\d]+节\s*\S")
_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})[\s、]\s*[^。！？!?；;，,]{1,40}$")
_CHINESE_NUMBERED = re.compile(r"^\s*[一二三四五六七八九十]{1,3}、\s*[^。！？!?；;，,]{1,30}$")
_SENTENCE_END = ("。", "！", "？", "!", "?", "；", ";", "：", ":")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

# How a scanned page is read: (PNG bytes, citation file, stored image name) → lines.
PageReader = Callable[[bytes, str, str], list[SourceLine]]


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float


def read_pdf(data: bytes, name: str, images: Path | None = None,
             read_scan: PageReader | None = None) -> Document:
    """The handbook's lines and tables. Pages with no text are rendered into ``images``
    and read by ``read_scan`` (OCR); without it they are reported as unread."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError, ValueError, TypeError, KeyError, OSError) as exc:
        raise LaoshifuError(Problem(f"not a readable PDF ({type(exc).__name__})", file=name,
                                    field="file", hint="save it again as PDF, or upload page images")) from None
    document = Document(name, "pdf")
    with pdf:
        pages = []
        try:
            for page in pdf.pages:
                pages.append(_page_lines(page))
        except Exception as exc:  # pdfminer raises many types on a damaged file
            raise LaoshifuError(Problem(f"the PDF cannot be read: page {len(pages) + 1} is damaged "
                                        f"({type(exc).__name__})", file=name, field="file")) from None
        document.pages = len(pages)
        repeated = _repeated_margins(pages, [p.height for p in pdf.pages])
        body_size = _body_size(pages)
        sizes = _heading_sizes(pages, body_size)
        scans = 0
        for number, (page, (lines, tables)) in enumerate(zip(pdf.pages, pages), start=1):
            cite = f"{name} p.{number}"
            if not lines and not tables:
                if read_scan is None or images is None:
                    continue
                scans += 1
                image_name, png = _render(page, name, number, images)
                document.images.append(image_name)
                document.lines += read_scan(png, cite, image_name)
                continue
            kept = [line for line in lines if not _is_margin(line, page.height, repeated)]
            document.lines += _paragraphs(kept, cite, body_size, sizes)
            for top, rows in tables:
                at = 1 + sum(1 for line in kept if line.top < top)
                document.tables.append(Table(rows, cite, at))
        if scans and scans == len(pages):
            document.kind = "scan"
    if not document.lines and not document.tables:
        hint = ("a scanned PDF needs the OCR package rapidocr-onnxruntime" if read_scan is None
                else "the PDF holds no text that could be read")
        raise LaoshifuError(Problem("no text found in the PDF", file=name, field="file", hint=hint))
    return document


def _page_lines(page) -> tuple[list[_Line], list[tuple[float, tuple[tuple[str, ...], ...]]]]:
    tables = []
    boxes = []
    for found in page.find_tables():
        rows = tuple(tuple(_cell(c) for c in row) for row in found.extract())
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append((found.bbox[1], rows))
            boxes.append(found.bbox)
    lines = []
    for raw in page.extract_text_lines(return_chars=True):
        chars = [c for c in raw["chars"] if not _inside(c, boxes)]
        # pdfplumber's own text keeps the spaces between words; chars hold none.
        text = (raw["text"] if len(chars) == len(raw["chars"]) else "".join(c["text"] for c in chars)).strip()
        if not text:
            continue
        lines.append(_Line(text, raw["top"], raw["bottom"], raw["x0"], raw["x1"],
                           max(round(c.get("size", 0), 1) for c in chars)))
    return lines, tables


def _cell(value) -> str:
    return re.sub(r"\s*\n\s*", "", str(value or "")).strip()


def _inside(char: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _shape(text: str) -> str:
    """A margin line with its numbers blanked: 第 3 页 and 第 4 页 are one footer."""
    return re.sub(r"\d+", "#", "".join(text.split()))


def _repeated_margins(pages, heights: list[float]) -> set[str]:
    counts: Counter[str] = Counter()
    for (lines, _tables), height in zip(pages, heights):
        counts.update({_shape(line.text) for line in lines if _in_margin(line, height)})
    enough = max(2, (len(pages) + 1) // 2)
    return {shape for shape, n in counts.items() if n >= enough}


def _in_margin(line: _Line, height: float) -> bool:
    return line.bottom <= height * _MARGIN or line.top >= height * (1 - _MARGIN)


def _is_margin(line: _Line, height: float, repeated: set[str]) -> bool:
    if not _in_margin(line, height):
        return False
    return _shape(line.text) in repeated or bool(_PAGE_NUMBER.match(line.text))


def _body_size(pages) -> float:
    sizes: Counter[float] = Counter()
    for lines, _tables in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_sizes(pages, body: float) -> list[float]:
    """Font sizes used for headings, largest first (their rank is the heading level)."""
    found = {line.size for lines, _t in pages for line in lines
             if line.size >= body * 1.15 and len(line.text) <= 40}
    return sorted(found, reverse=True)


def _heading_level(line: _Line, body: float, sizes: list[float]) -> int:
    text = line.text
    if len(text) > 40 or text.endswith(_SENTENCE_END[:6]):
        return 0
    if line.size in sizes:
        return min(sizes.index(line.size) + 1, 6)
    if _CHAPTER.match(text):
        return 1
    if _SECTION.match(text):
        return 2
    numbered = _NUMBERED.match(text)
    if numbered:
        return min(numbered.group(1).count(".") + 2, 6)
    if _CHINESE_NUMBERED.match(text):
        return min(len(sizes) + 1, 6) if sizes else 2
    return 0


def _paragraphs(lines: list[_Line], cite: str, body: float, sizes: list[float]) -> list[SourceLine]:
    """Body lines joined into paragraphs; each starts at its first line's number."""
    out: list[SourceLine] = []
    right = max((line.x1 for line in lines), default=0.0)
    current: list[tuple[int, _Line]] = []

    def flush() -> None:
        if current:
            text = current[0][1].text
            for _n, line in current[1:]:
                text = join_lines(text, line.text)
            out.append(SourceLine(text, cite, current[0][0]))
            current.clear()

    for number, line in enumerate(lines, start=1):
        level = _heading_level(line, body, sizes)
        if level:
            flush()
            out.append(SourceLine(line.text, cite, number, heading=level))
            continue
        if current:
            previous = current[-1][1]
            gap = line.top - previous.bottom
            ended = previous.text.endswith(_SENTENCE_END) and previous.x1 < right - 2 * max(previous.size, 1)
            if ended or gap > 1.2 * max(previous.size, 1) or _starts_item(line.text):
                flush()
        current.append((number, line))
    flush()
    return out


def _starts_item(text: str) -> bool:
    return bool(re.match(r"^\s*(?:\d{1,2}[.、．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]+步)", text))


def join_lines(left: str, right: str) -> str:
    """Join a wrapped line: no space between Chinese characters (a space would split
    words for search and read wrong), one space between Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    if _CJK.match(left[-1]) or _CJK.match(right[0]):
        return left + right
    if left.endswith("-") and left[-2:-1].isalpha():
        return left[:-1] + right  # a hyphenated Latin word
    return left + " " + right


def _render(page, name: str, number: int, images: Path) -> tuple[str, bytes]:
    """A scanned page as PNG at 150 dpi, stored in ``images`` for the master to compare."""
    from .images import store_image

    picture = page.to_image(resolution=150).original
    out = io.BytesIO()
    picture.save(out, format="PNG")
    png = out.getvalue()
    stem = Path(name).stem
    return store_image(images, png, f"{stem}-p{number}.png"), png
