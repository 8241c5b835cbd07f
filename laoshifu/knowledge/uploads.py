"""Import from an upload: a zipped knowledge folder or one handbook file, checked first.

Everything is checked before anything is written: size, member count, compression
ratio (zip bombs), names (path traversal, absolute paths, links). A refused upload
writes nothing, not even a temporary file.
"""

from __future__ import annotations

import io
import lzma
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Iterator

from . import folders as knowledge
from ..people import permissions
from ..errors import LaoshifuError, Problem
from ..formats.handbook import HANDBOOK_SUFFIXES
from ..store import ImportReport, Store

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_RATIO = 100  # uncompressed/compressed, for members over 1 MB
SINGLE_FILES = ("parameters.csv", "glossary.yaml")


def _refuse(message: str, filename: str, hint: str | None = None) -> LaoshifuError:
    return LaoshifuError(Problem(message, file=filename, field="file", hint=hint))


def check_zip(data: bytes, filename: str, max_unpacked: int = MAX_UNPACKED_BYTES) -> list[zipfile.ZipInfo]:
    """The members of a safe zip, or a LaoshifuError saying what is wrong."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(f"not a readable zip file ({exc})", filename) from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(f"zip holds {len(members)} entries, more than {MAX_MEMBERS}", filename)
    total = 0
    for info in members:
        info.filename = member_name(info)
        name = info.filename
        path = PurePosixPath(name)
        if (name.startswith(("/", "\\")) or "\\" in name or ".." in path.parts
                or (len(name) > 1 and name[1] == ":") or "\x00" in name):
            raise _refuse(f"unsafe path in zip: {name!r}", filename,
                          "paths must stay inside the folder (no '..', no absolute paths)")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(f"zip holds a symbolic link: {name!r}", filename, "zip real files only")
        if info.flag_bits & 0x1:
            raise _refuse(f"zip entry is encrypted: {name!r}", filename)
        total += info.file_size
        if total > max_unpacked:
            raise _refuse(f"zip unpacks to more than {max_unpacked // 1048576} MB", filename,
                          "a knowledge folder is text: is this the right file?")
        if info.file_size > 1048576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(f"zip entry {name!r} is compressed {info.file_size // max(info.compress_size, 1)}:1 "
                          "(a zip bomb?)", filename)
    return members


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as unzip reads it. Without the UTF-8 flag, zipfile decodes names
    as CP437, but Linux ``zip`` writes UTF-8 without the flag and Chinese Windows tools
    write GBK: try UTF-8, then GB18030, else keep CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.orig_filename.encode("cp437")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _extract(data: bytes, members: list[zipfile.ZipInfo], target: Path,
             max_unpacked: int) -> Path:
    archive = zipfile.ZipFile(io.BytesIO(data))
    written = 0
    for info in members:
        if info.is_dir():
            continue
        out = target / PurePosixPath(info.filename)
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as dst:
            # The sizes in the zip's directory can lie: count what really comes out.
            for chunk in _member_chunks(archive, info):
                written += len(chunk)
                if written > max_unpacked:
                    raise _refuse(f"zip unpacks to more than {max_unpacked // 1048576} MB",
                                  info.filename)
                dst.write(chunk)
    entries = [p for p in target.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    # A zipped folder usually has one top folder: import what is inside it.
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target


def _member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes; a damaged member (bad CRC, a size that lies, a broken stream, an
    unknown compression) is the uploader's problem, not a server error."""
    try:
        with archive.open(info) as src:
            while chunk := src.read(65536):
                yield chunk
    except (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, NotImplementedError,
            OSError) as exc:
        raise _refuse(f"damaged zip: {info.filename!r} cannot be unpacked ({exc})",
                      info.filename, "zip the folder again") from None


def import_upload(store: Store, base: str, filename: str, data: bytes, user,
                  dry_run: bool = False, max_bytes: int = MAX_UPLOAD_BYTES,
                  on_conflict: str = "refuse") -> ImportReport:
    """Import an uploaded zip (a knowledge folder) or a single handbook file."""
    permissions.check(user, "import", base)
    filename = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if len(data) > max_bytes:
        raise _refuse(f"upload is {len(data) / 1048576:.1f} MB, over the "
                      f"{max_bytes / 1048576:.0f} MB limit", filename, "split the folder, or zip it")
    if not data:
        raise _refuse("the uploaded file is empty", filename)
    suffix = Path(filename).suffix.lower()
    is_zip = suffix == ".zip" or data[:4] == b"PK\x03\x04" and suffix != ".docx"
    if is_zip:
        members = check_zip(data, filename)
    elif not (suffix in HANDBOOK_SUFFIXES or filename in SINGLE_FILES):
        raise _refuse(f"cannot import {suffix or 'this'} files", filename,
                      f"upload a .zip of a knowledge folder, or a handbook file "
                      f"({', '.join(HANDBOOK_SUFFIXES)})")
    with tempfile.TemporaryDirectory(prefix="laoshifu-upload-") as tmp:
        root = Path(tmp) / "kb"
        root.mkdir()
        if is_zip:
            folder = _extract(data, members, root, MAX_UNPACKED_BYTES)
        else:
            folder = root
            where = root / ("handbook" if suffix in HANDBOOK_SUFFIXES and filename not in SINGLE_FILES
                            else "") / filename
            where.parent.mkdir(parents=True, exist_ok=True)
            where.write_bytes(data)
        # A stable origin (the zip's top folder, or the file's name), not the temp folder:
        # re-uploading the folder retires what it dropped.
        origin = (knowledge.folder_origin(folder) if folder != root
                  else f"folder:{Path(filename).stem}" if is_zip else f"file:{filename}")
        report, _contents = knowledge.import_folder(store, folder, base=base, actor=user.name,
                                                    dry_run=dry_run, origin=origin,
                                                    on_conflict=on_conflict)
    return report

