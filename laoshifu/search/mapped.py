"""Large arrays saved as ``.npy`` files and mapped into memory when loaded.

A cold process maps a saved index instead of reading it: nothing is copied until a page
is touched, a question touches few of them, and web workers on one machine share the
pages the system already caches. Each save writes a folder of its own, never a file in
place (a process still mapping the last save keeps reading it); the caller then names
the folder in a small manifest written last, by rename, so an interrupted save leaves the
previous index or none, never half of one.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np

_FOLDER = re.compile(r"[a-z]+-[0-9a-f]{12}")


def write_arrays(directory: Path, prefix: str, arrays: Mapping[str, np.ndarray]) -> dict:
    """Write ``arrays`` into a new folder ``<prefix>-<random>`` of ``directory``; return
    the manifest that reads them back (for the caller's JSON, written after this)."""
    folder = Path(directory) / f"{prefix}-{os.urandom(6).hex()}"  # (uuid's import costs a cold ask 5 ms)
    folder.mkdir(parents=True)
    manifest: dict = {"folder": folder.name, "arrays": {}}
    try:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            np.save(folder / f"{name}.npy", array, allow_pickle=False)
            manifest["arrays"][name] = [array.dtype.str, list(array.shape)]
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return manifest


def read_arrays(directory: Path, manifest: Mapping) -> dict[str, np.ndarray]:
    """The arrays a manifest names, mapped read-only. A missing file raises OSError; a
    folder name that is not one ``write_arrays`` makes, or an array whose type or shape
    differs from the manifest's (a damaged or replaced file), raises ValueError."""
    name = str(manifest.get("folder", ""))
    if not _FOLDER.fullmatch(name):
        raise ValueError(f"{directory}: no array folder named {name!r}")
    folder = Path(directory) / name
    arrays = {}
    for key, (dtype, shape) in manifest["arrays"].items():
        path = folder / f"{key}.npy"
        # np.memmap's subclass only slows slicing: a plain view keeps the mapping alive
        array = np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        if array.dtype.str != dtype or list(array.shape) != list(shape):
            raise ValueError(f"{path}: {array.dtype.str} {list(array.shape)}, expected {dtype} {shape}")
        arrays[key] = array
    return arrays


def remove_stale(directory: Path, prefix: str, keep: str) -> None:
    """Remove earlier saves' folders (``prefix``) but ``keep``: after the manifest naming
    ``keep`` is in place. A process mapping one keeps its pages until it lets go."""
    for folder in Path(directory).glob(f"{prefix}-*"):
        if folder.name != keep and folder.is_dir() and _FOLDER.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
