"""Page images kept beside what was read from them: stored once, by content, under
LAOSHIFU_HOME/captures/<base>/, named so that a citation names the image."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from ..errors import LaoshifuError, NotFound, Problem

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_SAFE = re.compile(r"[^\w\-.\u3400-\u9fff]+")
_STORED = re.compile(r"^[\w\-.\u3400-\u9fff]+-[0-9a-f]{8}\.(?:png|jpg|jpeg)$")


def captures_dir(home: Path, base: str) -> Path:
    return home / "captures" / base


def store_image(folder: Path, data: bytes, name: str) -> str:
    """Keep ``data`` as ``<stem>-<hash>.<suffix>`` in ``folder``; the name it got."""
    path = PurePosixPath(name.replace("\\", "/"))
    suffix = path.suffix.lower() if path.suffix.lower() in IMAGE_SUFFIXES else ".png"
    stem = _SAFE.sub("_", path.stem)[:60].strip("_.") or "page"
    stored = f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / stored
    if not target.exists():
        tmp = folder / f".{stored}.tmp"
        tmp.write_bytes(data)
        tmp.replace(target)
    return stored


def image_path(folder: Path, stored: str) -> Path:
    """The file of a stored image; a name that is not one (a path, '..') is refused."""
    if not _STORED.match(stored or ""):
        raise LaoshifuError(Problem(f"not a captured image name: {stored!r}", field="image"))
    path = folder / stored
    if not path.is_file():
        raise NotFound(Problem(f"no captured image {stored!r}", field="image"))
    return path
