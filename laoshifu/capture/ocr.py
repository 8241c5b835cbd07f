"""Scanned pages and photos of the notebook, read offline by RapidOCR (PP-OCRv4 Chinese
detection and recognition, shipped inside the ``rapidocr-onnxruntime`` wheel).

Each line keeps its confidence; a line read with low confidence is marked for the master
to compare with the page image, which is kept. OCR drops unit signs (℃ most often) and
misreads a few (°C, 'C, ％): units are normalised after reading, and a number left bare
after a parameter of the knowledge base gets that parameter's unit back — noted on the
line, so the master sees what was restored.
"""

from __future__ import annotations

import io
import re
import threading

from ..errors import LaoshifuError, Problem
from .document import SourceLine
from .lexicon import Lexicon
from .pdf import _CHAPTER, _CHINESE_NUMBERED, _NUMBERED

_ENGINE = None
_ENGINE_LOCK = threading.Lock()


class OcrUnavailable(LaoshifuError):
    """The OCR package is not installed or cannot load."""


def available() -> bool:
    try:
        _engine()
    except OcrUnavailable:
        return False
    return True


def _engine():
    """One RapidOCR engine per process (loading its models takes seconds)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
                _ENGINE = RapidOCR()
            except Exception as exc:  # ImportError, a missing shared library, a broken model
                raise OcrUnavailable(Problem(
                    f"OCR is not available here ({type(exc).__name__}: {exc})", field="file",
                    hint="pip install rapidocr-onnxruntime (the model ships inside the wheel)")) from None
        return _ENGINE


def read_image(data: bytes, cite: str, image: str, lexicon: Lexicon | None = None,
               process: str = "") -> list[SourceLine]:
    """The lines of a page image in reading order, cited ``cite:line``, each with its
    confidence, ``image`` being the stored copy."""
    from PIL import Image, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        picture = picture.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise LaoshifuError(Problem(f"not a readable image ({type(exc).__name__})", file=cite,
                                    field="file", hint="upload a PNG or JPEG photo or scan")) from None
    import numpy as np

    result, _elapsed = _engine()(np.asarray(picture))
    boxes = [_Box(points, text, float(score)) for points, text, score in (result or []) if text.strip()]
    lines = _lines(boxes)
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    height = sorted(line.height for line in lines)[len(lines) // 2]
    out = []
    for number, line in enumerate(lines, start=1):
        text, restored = normalise_units(line.text, lexicon, process)
        wrapped = line.x1 >= right - 1.5 * height and not text.endswith(("。", "！", "？", "：", ":", "；"))
        out.append(SourceLine(text, cite, number, confidence=round(line.confidence, 4), image=image,
                              heading=_heading(text, line.height, height), restored=restored,
                              continues=wrapped and number < len(lines)))
    return out


class _Box:
    def __init__(self, points, text: str, confidence: float):
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        self.x0, self.x1, self.top, self.bottom = min(xs), max(xs), min(ys), max(ys)
        self.text = text
        self.confidence = confidence

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


class _Row:
    def __init__(self, box: _Box):
        self.boxes = [box]

    def takes(self, box: _Box) -> bool:
        """A box on the same printed line: its middle within the row's height."""
        first = self.boxes[0]
        return abs(box.middle - first.middle) < 0.5 * max(first.height, box.height)

    @property
    def text(self) -> str:
        from .pdf import join_lines
        parts = sorted(self.boxes, key=lambda b: b.x0)
        text = parts[0].text
        for box in parts[1:]:
            text = join_lines(text, box.text)
        return text

    @property
    def confidence(self) -> float:
        return min(b.confidence for b in self.boxes)  # the line is as sure as its worst part

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def height(self) -> float:
        return max(b.height for b in self.boxes)


def _lines(boxes: list[_Box]) -> list[_Row]:
    rows: list[_Row] = []
    for box in sorted(boxes, key=lambda b: (b.middle, b.x0)):
        row = next((r for r in rows if r.takes(box)), None)
        if row is None:
            rows.append(_Row(box))
        else:
            row.boxes.append(box)
    return sorted(rows, key=lambda r: r.boxes[0].middle)


def _heading(text: str, height: float, body: float) -> int:
    if len(text) > 30 or text.endswith(("。", "；", "，")):
        return 0
    if _CHAPTER.match(text):
        return 1
    numbered = _NUMBERED.match(text)
    if numbered and height >= body * 1.15:
        return min(numbered.group(1).count(".") + 2, 6)
    if _CHINESE_NUMBERED.match(text) and height >= body * 1.1:
        return 2
    if height >= body * 1.4:
        return 1
    return 0


# -- units after OCR --------------------------------------------------------------------
_FIXES = (
    (re.compile(r"(?<=\d)\s*[°º˚]\s*[CcС](?![A-Za-z])"), "℃"),
    (re.compile(r"(?<=\d)\s*['’]\s*[CcС](?![A-Za-z])"), "℃"),
    (re.compile(r"(?<=\d)\s*[°º˚](?![CcС])"), "℃"),
    (re.compile(r"(?<=\d)\s*[CcС](?![A-Za-z/])"), "℃"),
    (re.compile(r"％"), "%"),
    (re.compile(r"(?<=\d)\s*[~〜∼一－—]\s*(?=\d)"), "～"),
    (re.compile(r"(?<=\d)\s*(?:Mpa|mpa|MPA)(?![A-Za-z])"), "MPa"),
    (re.compile(r"(?<=\d)\s*(?:PPm|PPM|pPm)(?![A-Za-z])"), "ppm"),
)
_BARE_NUMBER = re.compile(r"(?P<num>[-−]?\d+(?:\.\d+)?(?:\s*～\s*[-−]?\d+(?:\.\d+)?)?)(?P<after>(?![\d.]|\s*(?:"
                          r"℃|%|‰|ppm|mm|μm|m/|g/|kPa|MPa|Pa|s\b|h\b|min|秒|分|小时|度|天|年|月|号|条|卷|次|个|台|遍|倍|T\b|K\b|kN|m³)))")


def normalise_units(text: str, lexicon: Lexicon | None = None, process: str = "") -> tuple[str, tuple[str, ...]]:
    """Unit spellings OCR makes (65°C, 65'C, 65C, 55一65) made right, and a unit the OCR
    dropped put back after a number that follows a known parameter: what was changed."""
    changed: list[str] = []
    fixed = text
    for pattern, unit in _FIXES:
        fixed = pattern.sub(unit, fixed)
    if fixed != text:
        changed.append(f"单位写法已规范：{text} → {fixed}")
    if lexicon is None:
        return fixed, tuple(changed)
    restored = _restore_dropped(fixed, lexicon, process)
    if restored != fixed:
        changed.append(f"OCR 丢了单位，已按参数的单位补上：{fixed} → {restored}")
    return restored, tuple(changed)


def _restore_dropped(text: str, lexicon: Lexicon, process: str) -> str:
    out = []
    last = 0
    for clause in re.finditer(r"[^，,。；;！？]+[，,。；;！？]?", text):
        part = clause.group(0)
        spellings = lexicon.spellings(process or lexicon.process_in(text))
        folded = "".join(part.split()).casefold()
        known = [s for s in spellings if len(s) >= 2 and s in folded]
        if known:
            key = spellings[max(known, key=len)]
            unit = lexicon.vocabulary.units.get(key, "")
            if unit:
                part = _BARE_NUMBER.sub(lambda m: m.group("num") + unit, part, count=0)
        out.append(part)
        last = clause.end()
    out.append(text[last:])
    return "".join(out)

