"""Fixtures: the example base once per session (copied per test), users with tokens, and
the scripted model server."""

from __future__ import annotations

import shutil

import pytest

from ..conftest import EXAMPLE
from .openai_stub import Reply, StubModel

PASSWORD = "password-123"
USERS = {"xiao": ("apprentice", ("main",)), "wang": ("master", ("main",)),
         "zhao": ("apprentice", ("other",)), "li": ("engineer", ("main",))}


@pytest.fixture(scope="session")
def llm_template(tmp_path_factory):
    from laoshifu.people import accounts
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.store import Store
    from laoshifu.knowledge.units import Note

    path = tmp_path_factory.mktemp("llm-template") / "laoshifu.db"
    store = Store.open(f"sqlite:///{path}")
    import_folder(store, EXAMPLE)
    store.save_unit("other", Note(id="other-note", title="二号线笔记", body="二号线露点仪每周校一次。"),
                    actor="test")
    tokens = {}
    for name, (role, bases) in USERS.items():
        accounts.add_user(store, name, role, PASSWORD, bases=bases)
        tokens[name] = accounts.create_token(store, name, "test").token
    # The search index, built once and saved: every copy (same store id) loads it.
    from laoshifu.answer import cache_for

    cache_for(store, path.parent / "index").get("main")
    store.close()
    return path, tokens


@pytest.fixture
def kb(llm_template, home):
    """A fresh copy of the example store in this test's LAOSHIFU_HOME."""
    from laoshifu.store import Store

    path, _ = llm_template
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, home / "laoshifu.db")
    shutil.copytree(path.parent / "index", home / "index")
    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    yield store
    store.close()


@pytest.fixture
def index_dir(kb, home):
    """The saved search index of this test's copy (loaded, not rebuilt)."""
    return home / "index"


@pytest.fixture
def tokens(llm_template) -> dict[str, str]:
    return llm_template[1]


@pytest.fixture
def stub():
    """Start a scripted model; ``stub(script)`` returns it running (stopped after the test)."""
    started: list[StubModel] = []

    def start(script) -> StubModel:
        model = StubModel(script if callable(script) else (lambda body, r=script: r)).start()
        started.append(model)
        return model

    yield start
    for model in started:
        model.stop()


def model_client(stub_model: StubModel, **settings):
    from laoshifu.llm.client import ModelClient
    from laoshifu.llm.config import ModelSettings

    options = {"timeout_s": 5.0, "retries": 0, **settings}
    return ModelClient(ModelSettings(base_url=stub_model.base_url, model="stub-qwen", **options))


def fixed(text: str) -> Reply:
    return Reply(text)
