"""Fixtures for the review tests: the tiny test KB, the example KB, small generated days."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TINY_KB = HERE / "kb"
GOLDEN = HERE / "golden"


def read_units(folder: Path):
    from laoshifu.formats.folder import read_folder

    contents = read_folder(folder)
    assert not contents.problems, contents.problems
    return contents.units


@pytest.fixture(scope="session")
def tiny_units():
    return read_units(TINY_KB)


@pytest.fixture(scope="session")
def example_units(example_dir):
    return read_units(example_dir)


def make_day(units, out: Path, **kw):
    from laoshifu.review.example_data import ExampleSpec, generate

    spec = ExampleSpec(out, **{"days": 2, "hours": 2, "seed": 3, "last_day": date(2026, 7, 22), **kw})
    return generate(units, spec)


@pytest.fixture(scope="session")
def example_day(tmp_path_factory, example_units):
    """Two 2-hour days of the example KB's 脱碳退火 line, faults on the last."""
    out = tmp_path_factory.mktemp("example-day")
    make_day(example_units, out)
    return out, json.loads((out / "faults.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_review(example_day, example_units):
    from laoshifu.review.daily import ReviewOptions, review_day

    return review_day(example_day[0], example_units, ReviewOptions(charts=12))
