"""Where Laoshifu's temporary files go: LAOSHIFU_HOME/tmp, not /tmp, ~/.cache or the
working folder. A plant's server keeps everything of Laoshifu in one place, on one disk
that can be sized, backed up and cleaned.

The commands and the served web app point the whole process there (``use_home_tmp``):
uploads the web server spools, unpacked zips, restores, DuckDB's spill and matplotlib's
font cache. Library code just asks ``tempfile`` (``spill_dir`` for DuckDB), so a program
that embeds Laoshifu keeps its own temporary folder.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from .config import find_home


def home_tmp(home: Path) -> Path:
    return home / "tmp"


def use_home_tmp(home: Path | None = None) -> Path | None:
    """Point this process's (and its children's) temporary files into LAOSHIFU_HOME/tmp;
    None when that folder cannot be made (a read-only home keeps the system's)."""
    home = home or find_home()[0]  # as load_settings finds it, without reading config.yaml
    path = home_tmp(home)
    try:
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)  # uploads may hold the master's unpublished knowledge
    except OSError:
        return None
    os.environ["TMPDIR"] = str(path)  # worker processes and tools inherit it
    tempfile.tempdir = str(path)
    # matplotlib reads it once, at import: set before any review draws a chart.
    os.environ.setdefault("MPLCONFIGDIR", str(path / "matplotlib"))
    return path


def spill_dir() -> str:
    """A folder of its own for one DuckDB connection to spill to (DuckDB makes it when it
    first spills and removes it at close); its default is ./.tmp in the working folder."""
    return str(Path(tempfile.gettempdir()) / f"laoshifu-duckdb-{os.getpid()}-{uuid.uuid4().hex[:8]}")
