"""Bad input through the web: a 400 naming the field or the file, never a 500."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from .test_api import assert_error

NOTE = "---\nid: n-bad-zip\nkind: note\ntitle: 甲\n---\n正文正文正文\n"


@pytest.mark.parametrize("field,value", [("level", "abc"), ("level", 1e20), ("level", [1, 2]),
                                         ("order", 1e300), ("order", -5)])
def test_bad_section_level_or_order_is_a_400(world, field, value):
    body = {"kind": "section", "id": "sec-bad", "title": "甲", "level": 1, "order": 1, field: value}
    error = assert_error(world.api("wang").post("/api/v1/units", json=body), 400, "invalid")
    assert [p["field"] for p in error["problems"]] == [field]
    assert world.store.get_unit("main", "sec-bad") is None


def test_a_damaged_zip_is_a_400(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("kb/notes/a.md", NOTE)
    data = bytearray(buffer.getvalue())
    data[data.find("正文".encode("utf-8"))] ^= 1  # the CRC no longer matches
    before = world.store.version()
    response = world.api("wang").post("/api/v1/import", files={"file": ("kb.zip", bytes(data))})
    error = assert_error(response, 400, "invalid")
    assert error["message"].startswith("damaged zip") and world.store.version() == before


def test_a_word_file_declaring_a_huge_document_is_a_400(world):
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    data = bytearray(buffer.getvalue())
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # declare 189 MB for word/document.xml in the central directory
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, 189 * 1024 * 1024)
        at = data.find(b"PK\x01\x02", at + 4)
    response = world.api("wang").post("/api/v1/import", files={"file": ("手册.docx", bytes(data))})
    error = assert_error(response, 400, "invalid")
    assert "unpacks to 190 MB" in error["message"] and error["problems"][0]["file"] == "handbook/手册.docx"
