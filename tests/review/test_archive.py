"""The daily reports kept on the server: replaced whole, never half written, found by id
only (issue 9, item 16)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from laoshifu.errors import LaoshifuError, NotFound
from laoshifu.review import archive as archive_module
from laoshifu.review import report_html, report_md
from laoshifu.review.archive import ReviewArchive, report_id
from laoshifu.review.daily import DayReview

AT = datetime(2026, 7, 23, 5, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def plain_reports(monkeypatch):
    """Reports without charts: what is kept matters here, not how it looks."""
    monkeypatch.setattr(report_html, "render_html", lambda r: f"<html>{r.day} {r.rows}</html>")
    monkeypatch.setattr(report_md, "render_markdown", lambda r: f"# {r.day} {r.rows}\n")


def _review(day="2026-07-22", line="3", rows=100) -> DayReview:
    return DayReview(day, line, "脱碳退火", "data", ["d.parquet"], "wide", rows=rows)


def test_saved_listed_read(tmp_path):
    kept = ReviewArchive(tmp_path)
    saved = kept.save("main", _review(), by="li", source="d.parquet", now=AT)
    assert saved.id == "2026-07-22-line-3" and saved.reviewed_at == "2026-07-23T05:30:00+00:00"
    kept.save("main", _review("2026-07-21", None), by="wang", source="/srv/data", now=AT)
    assert [r.id for r in kept.list("main")] == ["2026-07-22-line-3", "2026-07-21"]
    assert kept.list("other") == []
    assert kept.load("main", saved.id)["rows"] == 100
    assert kept.file("main", saved.id, "html").read_text() == "<html>2026-07-22 100</html>"


def test_a_day_reviewed_again_replaces_its_report_whole(tmp_path):
    kept = ReviewArchive(tmp_path)
    kept.save("main", _review(rows=100), by="li", source="a.csv", now=AT)
    again = kept.save("main", _review(rows=250), by="wang", source="b.csv", now=AT)
    assert [r.reviewed_by for r in kept.list("main")] == ["wang"]
    assert kept.load("main", again.id)["rows"] == 250
    assert sorted(p.name for p in (tmp_path / "main").iterdir()) == ["2026-07-22-line-3"]


def test_a_failure_while_writing_keeps_the_old_report(tmp_path, monkeypatch):
    kept = ReviewArchive(tmp_path)
    kept.save("main", _review(rows=100), by="li", source="a.csv", now=AT)

    def broken(review):
        raise OSError("disk full")
    monkeypatch.setattr(report_md, "render_markdown", broken)
    with pytest.raises(OSError):
        kept.save("main", _review(rows=250), by="wang", source="b.csv", now=AT)
    assert kept.load("main", "2026-07-22-line-3")["rows"] == 100  # the old one, whole
    assert [p.name for p in (tmp_path / "main").iterdir()] == ["2026-07-22-line-3"]  # no leftovers


def test_a_failed_rename_puts_the_old_report_back(tmp_path, monkeypatch):
    kept = ReviewArchive(tmp_path)
    kept.save("main", _review(rows=100), by="li", source="a.csv", now=AT)
    real = archive_module.os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError("no space")
        return real(src, dst)
    monkeypatch.setattr(archive_module.os, "replace", second_fails)
    with pytest.raises(LaoshifuError):
        kept.save("main", _review(rows=250), by="wang", source="b.csv", now=AT)
    monkeypatch.setattr(archive_module.os, "replace", real)
    assert kept.load("main", "2026-07-22-line-3")["rows"] == 100


def test_ids_and_bases_never_leave_the_folder(tmp_path):
    kept = ReviewArchive(tmp_path / "reviews")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "meta.json").write_text(json.dumps({"id": "x"}))
    for bad in ("../secret", "..", "2026-07-22/../../secret", "2026-07-22-line-3/"):
        with pytest.raises(NotFound):
            kept.get("main", bad)
    saved = kept.save("../../evil", _review(), by="li", source="a.csv", now=AT)
    assert [p.name for p in (tmp_path / "reviews").iterdir()] == ["..%2F..%2Fevil"]
    assert kept.get("../../evil", saved.id).base == "../../evil"
    assert report_id("2026-07-22", "3/../x") == "2026-07-22-line-3____x"
