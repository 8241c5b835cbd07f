"""What the CLI says about semantic search: embedding at import, the mode in status."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..config import load_settings
from ..progress import Progress
from ..search.semantic import shared_embedder
from ..search.semantic.mode import SearchMode, decide
from ..search.semantic.prepare import PrepareReport, prepare_vectors
from ..store import Store


def _progress():
    started = time.monotonic()
    shown = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - shown[0] >= 5 or done == total:
            shown[0] = now
            click.echo(f"  embedding sentences {done}/{total} ({now - started:.0f} s)", err=True)
    return show


def prepare_after_import(store: Store, folder: Path, base: str,
                         progress: Progress | None = None) -> PrepareReport:
    """Embed the base's new sentences now (the first question would otherwise wait): a
    bar on a terminal, else a line every 5 s."""
    setting = load_settings().semantic
    if setting == "off":  # nothing to embed: the base's units need not be read back
        return PrepareReport(decide(setting, 0, None))
    embedder = shared_embedder()
    units = store.list_units(base)
    shown = _progress() if progress is None else \
        (lambda done, total: progress("embedding", done, total))
    return prepare_vectors(store, units, setting, embedder, folder, shown)


def describe_prepare(report: PrepareReport) -> str:
    if not report.mode.semantic:
        return f"  search: {report.mode.describe()}"
    seeded = f", {report.seed.vectors} from the folder's cache" if report.seed else ""
    problem = f" (folder's cache not used: {report.seed_problem})" if report.seed_problem else ""
    return (f"  search: hybrid (BM25F + semantic), {report.mode.vectors} sentence vectors"
            f"{seeded}, {report.embedded} embedded now{problem}")


def mode_for_status(store: Store, base: str) -> SearchMode:
    # The answering side is loaded only here: `import` has no use for it (~0.1 s at start).
    from ..answer.asker import search_mode

    return search_mode(store, base, load_settings().index_dir)
