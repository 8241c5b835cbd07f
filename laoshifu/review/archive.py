"""The daily reports kept on the server: one folder per knowledge base, line and day.

``LAOSHIFU_HOME/reviews/BASE/DAY[-line-L]/`` holds the self-contained HTML report, the
Markdown summary, the review as JSON and ``meta.json`` (who reviewed what, when). A new
review of the same day and line replaces the old one whole: it is written beside it and
renamed into place, so a reader never sees half a report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import LaoshifuError, NotFound, Problem

if TYPE_CHECKING:
    from .daily import DayReview

# A report id is the day, and the line when the data named one: 2026-07-22, 2026-07-22-line-3.
_ID = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-line-[0-9A-Za-z_]{1,40})?$")
FILES = {"html": "report.html", "markdown": "summary.md", "json": "review.json"}


@dataclass(frozen=True)
class SavedReview:
    """One kept report: its day, line and process, what it found, who ran it and when."""

    id: str
    base: str
    day: str
    line: str | None
    process: str | None
    findings: int
    plan_items: int
    rows: int
    source: str  # the uploaded file's name, or the plant's data folder
    reviewed_by: str
    reviewed_at: str  # UTC, ISO

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def report_id(day: str, line: str | None) -> str:
    if not line:
        return day
    safe = re.sub(r"[^0-9A-Za-z_]", "_", str(line))[:40]
    return f"{day}-line-{safe}"


class ReviewArchive:
    """The reports under ``root`` (LAOSHIFU_HOME/reviews)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _base_dir(self, base: str) -> Path:
        # Any base name becomes one safe folder name (no "..", no slashes).
        return self.root / quote(base, safe="")

    def save(self, base: str, review: "DayReview", *, by: str, source: str,
             now: datetime | None = None) -> SavedReview:
        """Write the review's reports and keep them as this day's (and line's) report."""
        from .report_html import render_html
        from .report_md import render_markdown

        plan = review.plan
        saved = SavedReview(
            id=report_id(review.day, review.line), base=base, day=review.day, line=review.line,
            process=review.process, findings=len(review.findings),
            plan_items=len(plan.items) if plan else 0, rows=review.rows, source=source,
            reviewed_by=by,
            reviewed_at=(now or datetime.now(timezone.utc)).isoformat(timespec="seconds"))
        folder = self._base_dir(base)
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".new-", dir=folder))
        try:
            (staging / FILES["html"]).write_text(render_html(review), encoding="utf-8")
            (staging / FILES["markdown"]).write_text(render_markdown(review), encoding="utf-8")
            (staging / FILES["json"]).write_text(
                json.dumps(review.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            (staging / "meta.json").write_text(
                json.dumps(saved.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            _replace_dir(staging, folder / saved.id)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return saved

    def list(self, base: str) -> list[SavedReview]:
        """The base's reports, the latest day first."""
        folder = self._base_dir(base)
        if not folder.is_dir():
            return []
        out = []
        for entry in folder.iterdir():
            if _ID.match(entry.name) and (entry / "meta.json").is_file():
                out.append(_read_meta(entry))
        return sorted(out, key=lambda r: (r.day, r.id), reverse=True)

    def get(self, base: str, review_id: str) -> SavedReview:
        return _read_meta(self._folder(base, review_id))

    def load(self, base: str, review_id: str) -> dict[str, Any]:
        """The stored review as JSON data (findings, plan, parameters, data issues)."""
        path = self._folder(base, review_id) / FILES["json"]
        return json.loads(path.read_text(encoding="utf-8"))

    def file(self, base: str, review_id: str, kind: str) -> Path:
        """The path of one of the report's files: ``html``, ``markdown`` or ``json``."""
        return self._folder(base, review_id) / FILES[kind]

    def _folder(self, base: str, review_id: str) -> Path:
        folder = self._base_dir(base) / review_id
        if not _ID.match(review_id) or not (folder / "meta.json").is_file():
            raise NotFound(Problem(f"no daily report {review_id!r} in knowledge base {base!r}",
                                   field="report"))
        return folder


def _read_meta(folder: Path) -> SavedReview:
    data = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return SavedReview(**{k: data.get(k) for k in SavedReview.__dataclass_fields__})


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is, whole: the old folder is renamed away first."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)  # put the previous report back
        raise LaoshifuError(Problem(f"could not keep the report in {target.parent}")) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
