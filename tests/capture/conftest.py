"""Capture fixtures: the example knowledge base's units and lexicon, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go-silicon-steel"


@pytest.fixture(scope="session")
def example_units():
    from laoshifu.formats.folder import read_folder
    return read_folder(EXAMPLE).units


@pytest.fixture(scope="session")
def lexicon(example_units):
    from laoshifu.capture.lexicon import Lexicon
    return Lexicon.from_units(example_units)


@pytest.fixture
def engineer():
    from laoshifu.people.accounts import User
    return User("li", "engineer", ("main",))


@pytest.fixture
def master():
    from laoshifu.people.accounts import User
    return User("wang", "master", ("main",))
