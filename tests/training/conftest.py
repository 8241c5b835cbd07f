"""Training fixtures: the example base imported once, copied to a fresh store per test,
with an apprentice, a master and users of another base; a fixed clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from ..conftest import EXAMPLE

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
PASSWORD = "password-123"
USERS = {"xiao": ("apprentice", ("main",)), "liu": ("apprentice", ("main",)),
         "wang": ("master", ("main",)), "li": ("engineer", ("main",)), "admin": ("admin", ("main",)),
         "zhao": ("apprentice", ("other",)), "chen": ("master", ("other",))}


@pytest.fixture(scope="session")
def training_template(tmp_path_factory):
    from laoshifu.people import accounts
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.store import Store
    from laoshifu.knowledge.units import Note

    path = tmp_path_factory.mktemp("training-template") / "laoshifu.db"
    store = Store.open(f"sqlite:///{path}")
    import_folder(store, EXAMPLE)
    store.save_unit("other", Note(id="other-note", title="二号线笔记", process="脱碳退火",
                                  body="二号线的露点仪要每周校一次。"), actor="test")
    for name, (role, bases) in USERS.items():
        accounts.add_user(store, name, role, PASSWORD, bases=bases)
    store.close()
    return path


@pytest.fixture
def tstore(training_template, home):
    from laoshifu.store import Store

    home.mkdir(parents=True, exist_ok=True)
    target = home / "laoshifu.db"
    shutil.copyfile(training_template, target)
    store = Store.open(f"sqlite:///{target}")
    yield store
    store.close()


@pytest.fixture
def users(tstore):
    from laoshifu.people import accounts

    return {name: accounts.get_user(tstore, name) for name in USERS}


def right_response(card):
    """The right answer to a card, as a learner would give it."""
    if card.answer_kind == "number":
        return str(card.value)
    if card.answer_kind == "choice":
        return card.correct
    if card.answer_kind == "order":
        return [card.order.index(shown) + 1 for shown in range(len(card.order))]
    return "good"


def wrong_response(card):
    if card.answer_kind == "number":
        return str(card.value + 1000)
    if card.answer_kind == "choice":
        return (card.correct + 1) % len(card.choices)
    if card.answer_kind == "order":
        return list(range(len(card.order), 0, -1)) if card.order != tuple(range(len(card.order)))[::-1] \
            else list(range(1, len(card.order) + 1))
    return "again"
