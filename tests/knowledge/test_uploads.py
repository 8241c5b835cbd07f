"""Uploaded zips: damaged ones are a clear error; names written without the UTF-8 flag
(Linux zip, Chinese Windows tools) are read as unzip reads them."""

import io
import struct
import zipfile

import pytest

from laoshifu.people import accounts
from laoshifu.errors import LaoshifuError
from laoshifu.knowledge.uploads import import_upload

NOTE = "---\nid: n1\nkind: note\ntitle: 甲\n---\n正文正文正文\n"


@pytest.fixture
def master(store):
    user, _ = accounts.add_user(store, "wang", "master")
    return user


def _zip(entries: dict[str, str], method=zipfile.ZIP_DEFLATED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return bytearray(buffer.getvalue())


class _RawName(zipfile.ZipInfo):
    """A member whose name is written as these bytes, without the UTF-8 flag."""

    def __init__(self, raw: bytes):
        super().__init__(raw.decode("cp437"))

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp437"), self.flag_bits


def _raw_names(entries: dict[bytes, str]) -> bytes:
    """A zip with names as Linux ``zip`` or a Chinese Windows tool writes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for raw, text in entries.items():
            archive.writestr(_RawName(raw), text)
    return buffer.getvalue()


def _names_in(store) -> dict[str, str]:
    return {u.id: u.source_file for u in store.list_units("main", statuses=None)}


def test_utf8_names_without_the_flag_are_read_as_utf8(store, master):
    handbook = "handbook/09-设备点检.txt".encode("utf-8")
    entries = {b"kb/laoshifu.yaml": "files:\n  handbook/09-设备点检.txt:\n    process: 设备点检\n",
               b"kb/" + handbook: "第一章 点检\n炉辊每班看一次。\n"}
    data = _raw_names(entries)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[1].flag_bits & 0x800 == 0
    report = import_upload(store, "main", "kb.zip", data, master)
    assert report.created
    sections = store.list_units("main", kinds=["section"])
    assert {s.source_file for s in sections} == {"handbook/09-设备点检.txt"}
    assert {s.process for s in sections} == {"设备点检"}


def test_gbk_names_are_read_as_gbk(store, master):
    # 塡 is 0x89 0x5C in GBK: read as CP437 the name held a backslash and was refused.
    name = "kb/handbook/设备塡.md".encode("gbk")
    report = import_upload(store, "main", "kb.zip", _raw_names({name: "# 点检\n看炉辊。\n"}), master)
    assert report.created
    assert {s.source_file for s in store.list_units("main", kinds=["section"])} == {"handbook/设备塡.md"}


def test_other_names_stay_cp437(store, master):
    report = import_upload(store, "main", "kb.zip", _raw_names({b"kb/notes/caf\x82.md": NOTE}), master)
    assert report.created == ["n1"]
    assert store.get_unit("main", "n1").source_file == "notes/café.md"


def _bad_crc() -> bytes:
    data = _zip({"kb/notes/a.md": NOTE}, zipfile.ZIP_STORED)
    at = data.find("正文".encode("utf-8"))
    data[at] ^= 1
    return bytes(data)


def _size_lies() -> bytes:
    data = _zip({"kb/notes/a.md": NOTE})
    struct.pack_into("<I", data, 22, 5)  # local header: uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 5)  # central directory
    return bytes(data)


def _unknown_method() -> bytes:
    data = _zip({"kb/notes/a.md": NOTE})
    struct.pack_into("<H", data, 8, 9)  # deflate64, which zipfile cannot unpack
    struct.pack_into("<H", data, data.find(b"PK\x01\x02") + 10, 9)
    return bytes(data)


@pytest.mark.parametrize("make,reason", [(_bad_crc, "Bad CRC-32"), (_size_lies, "Bad CRC-32"),
                                         (_unknown_method, "not supported")])
def test_a_damaged_zip_is_a_clear_error_and_writes_nothing(store, master, make, reason):
    before = store.version()
    with pytest.raises(LaoshifuError) as info:
        import_upload(store, "main", "kb.zip", make(), master)
    (problem,) = info.value.problems
    assert problem.message.startswith("damaged zip: 'kb/notes/a.md' cannot be unpacked")
    assert reason in problem.message and problem.file == "kb/notes/a.md"
    assert store.version() == before and _names_in(store) == {}
