"""The project stands alone: nothing in it points outside the repository, and the links
of its documents lead to files it has (issue 9 #19)."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT

# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile(r"\.\./" + "shared" + r"\b|/work/" + "shared" + r"\b")
SKIP_DIRS = {".git", ".venv", "node_modules", "test-artifacts", "__pycache__", ".pytest_cache",
             ".laoshifu-home"}
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".html",
                 ".css", ".js", ".json", ".csv", ".sh", ""}
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _text_files():
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if any(p in SKIP_DIRS or p.endswith(".egg-info") for p in parts[:-1]) \
                or parts[:2] == ("benchmarks", "data"):  # the public data sets, not ours
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
            yield path


def test_nothing_points_outside_the_repository():
    found = []
    for path in _text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files_in_the_repository(document):
    text = document.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor
        path = (document.parent / target.split("#", 1)[0]).resolve()
        if ROOT.resolve() not in path.parents or not path.exists():
            broken.append(target)
    assert broken == []


def test_the_architecture_is_described_in_the_repository():
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for heading in ("## The data model", "## Packages", "## Flows"):
        assert heading in architecture
    assert "(docs/architecture.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
