"""The daily review on behalf of a user: a day's file, or the plant's data folder, becomes
a kept report (the web's 日报 and /api/v1/reviews). Roles are checked here: engineers and
masters run reviews, every member of a base reads them."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path, PurePath
from typing import Any

from ..people import permissions
from ..errors import LaoshifuError, Problem
from ..localtime import check_day
from .archive import ReviewArchive, SavedReview
from .load import SUFFIXES
from ..store import Store

# One review at a time in a process: a day is read into memory and charts are drawn
# with matplotlib, which is not thread-safe.
_ONE_AT_A_TIME = threading.Lock()
CHARTS = 12


def review_upload(store: Store, archive: ReviewArchive, base: str, filename: str, data: bytes,
                  user, *, day: str | None = None, line: str | None = None,
                  max_bytes: int | None = None) -> SavedReview:
    """Review a day's data file sent by the user (CSV, TSV or Parquet)."""
    permissions.check(user, "review_data", base)
    if not filename and not data:
        raise LaoshifuError(Problem("no file was sent", field="file",
                                    hint="choose the day's CSV or Parquet file"))
    name = PurePath(filename.replace("\\", "/")).name or "data"
    if not name.lower().endswith(SUFFIXES):
        raise LaoshifuError(Problem(f"{name!r} is not a data file the review reads", field="file",
                                    hint=f"send one of: {', '.join(SUFFIXES)}"))
    if not data:
        raise LaoshifuError(Problem(f"{name!r} is empty", field="file"))
    if max_bytes is not None and len(data) > max_bytes:
        raise LaoshifuError(Problem(f"{name!r} is over the {max_bytes // 1048576} MB limit",
                                    field="file", hint="review the plant's data folder instead"))
    with tempfile.TemporaryDirectory(prefix="laoshifu-review-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return _review(store, archive, base, path, user, day, line, source=name)


def review_folder(store: Store, archive: ReviewArchive, base: str, folder: Path | None, user, *,
                  day: str | None = None, line: str | None = None) -> SavedReview:
    """Review a day from the plant's data folder configured for ``base``."""
    permissions.check(user, "review_data", base)
    if folder is None:
        raise LaoshifuError(Problem(
            f"no data folder is set for knowledge base {base!r}", field="source",
            hint="set review: {data: FOLDER} in LAOSHIFU_HOME/config.yaml, or upload a file"))
    if not folder.exists():
        raise LaoshifuError(Problem(f"the data folder {folder} does not exist", field="source",
                                    hint="check review.data in LAOSHIFU_HOME/config.yaml"))
    return _review(store, archive, base, folder, user, day, line, source=str(folder))


def reports(archive: ReviewArchive, base: str, user) -> list[SavedReview]:
    """The base's reports, latest day first."""
    permissions.check(user, "read_reviews", base)
    return archive.list(base)


def report(archive: ReviewArchive, base: str, review_id: str, user
           ) -> tuple[SavedReview, dict[str, Any]]:
    """One report: what is known of it, and the review (findings, plan, parameters)."""
    permissions.check(user, "read_reviews", base)
    return archive.get(base, review_id), archive.load(base, review_id)


def report_file(archive: ReviewArchive, base: str, review_id: str, kind: str, user) -> Path:
    """The HTML report, Markdown summary or JSON of one report."""
    permissions.check(user, "read_reviews", base)
    return archive.file(base, review_id, kind)


def _review(store: Store, archive: ReviewArchive, base: str, path: Path, user,
            day: str | None, line: str | None, source: str) -> SavedReview:
    from .daily import ReviewOptions, review_day

    day = (day or "").strip() or None
    line = (line or "").strip() or None
    if day:
        check_day(day, "day")
    units = store.list_units(base)
    if not units:
        raise LaoshifuError(Problem(f"knowledge base {base!r} is empty", field="base",
                                    hint="import the master's knowledge first"))
    with _ONE_AT_A_TIME:
        review = review_day(path, units, ReviewOptions(day=day, line=line, charts=CHARTS))
        saved = archive.save(base, review, by=user.name, source=source)
    with store.transaction() as conn:
        store.audit(conn, user.name, "review.run", base=base, target=saved.id,
                    detail={"source": source, "findings": saved.findings})
    return saved
