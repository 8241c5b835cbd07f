"""Word handbooks: zip limits before python-docx opens the file, a paragraph cap, and
one style lookup per style (not per paragraph)."""

import io
import struct
import zipfile

import docx
import pytest

from laoshifu.formats import word
from laoshifu.formats.handbook import parse_handbook

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _template() -> dict[str, bytes]:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _docx(paragraphs, extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx of (style id or None, text) paragraphs, written straight as XML."""
    body = "".join(
        "<w:p>" + (f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else "")
        + f"<w:r><w:t>{text}</w:t></w:r></w:p>" for style, text in paragraphs)
    parts = _template()
    parts["word/document.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                  f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
                                  ).encode("utf-8")
    parts.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip, its central directory declaring ``size`` bytes for member ``name``."""
    data = bytearray(data)
    encoded = name.encode("utf-8")
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the zip")


def test_headings_and_text():
    data = _docx([("Heading1", "高温退火"), (None, "罩式炉里走十几天。"), ("Heading2", "升温"),
                  (None, "升温要慢。")])
    sections, problems = parse_handbook(data, "handbook/06.docx")
    assert problems == []
    assert [(s.title, s.level, s.body) for s in sections] == [
        ("高温退火", 1, "罩式炉里走十几天。"), ("升温", 2, "升温要慢。")]


def test_each_style_is_looked_up_once(monkeypatch):
    # python-docx's lookup took about 1 ms a paragraph: 20,000 paragraphs took 25 s.
    from docx.text.paragraph import Paragraph

    lookups = []
    real = Paragraph.style.fget
    monkeypatch.setattr(Paragraph, "style", property(lambda self: lookups.append(1) or real(self)))
    data = _docx([("Heading2" if i % 50 == 0 else None, f"第{i}段") for i in range(2000)])
    sections, problems = parse_handbook(data, "handbook/big.docx")
    assert problems == [] and len(sections) == 40
    assert len(lookups) == 2


def test_too_many_paragraphs_are_refused(monkeypatch):
    monkeypatch.setattr(word, "MAX_PARAGRAPHS", 100)
    sections, problems = parse_handbook(_docx([(None, "段")] * 101), "handbook/many.docx")
    assert sections == []
    assert problems[0].file == "handbook/many.docx" and "101 paragraphs, more than 100" in problems[0].message


def test_a_highly_compressed_part_is_refused_before_reading():
    data = _docx([(None, "正文")], {"word/media/pad.bin": b"\0" * (2 * 1024 * 1024)})
    assert len(data) < 50_000
    sections, problems = parse_handbook(data, "handbook/bomb.docx")
    assert sections == [] and "zip bomb" in problems[0].message
    assert problems[0].file == "handbook/bomb.docx"


def test_a_declared_size_over_the_limit_is_refused_before_reading(monkeypatch):
    # A 587 KB file declaring a 189 MB document.xml took 2.3 GB: the declared size decides,
    # as zipfile never unpacks more than a member declares.
    data = _declare_size(_docx([(None, "正文")]), "word/document.xml", 189 * 1024 * 1024)
    opened = []
    monkeypatch.setattr(docx, "Document", lambda *a: opened.append(a))
    sections, problems = parse_handbook(data, "handbook/huge.docx")
    assert sections == [] and opened == []
    assert "unpacks to 190 MB, over the 64 MB limit" in problems[0].message


def test_the_xml_limit_follows_the_file_size_setting(monkeypatch):
    monkeypatch.setenv("LAOSHIFU_MAX_FILE_MB", "0.05")
    data = _docx([(None, "露点要稳。" * 20)] * 200)
    _, problems = parse_handbook(data, "handbook/long.docx")
    assert "over the 0.05 MB limit" in problems[0].message


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04broken"])
def test_broken_docx_is_a_clear_error(data):
    sections, problems = parse_handbook(data, "handbook/x.docx")
    assert sections == [] and "Word" in problems[0].message and problems[0].file == "handbook/x.docx"
