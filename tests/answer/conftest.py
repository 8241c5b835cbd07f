"""The example knowledge base in a fresh store, shared by the read-only tests of a module."""

import pytest

from laoshifu.answer import cache_for
from laoshifu.knowledge.folders import import_folder
from laoshifu.store import Store

from ..conftest import EXAMPLE


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """(store, index folder) holding the example; tests here only read it."""
    path = tmp_path_factory.mktemp("kb")
    store = Store.open(f"sqlite:///{path / 'laoshifu.db'}")
    import_folder(store, EXAMPLE)
    yield store, path / "index"
    store.close()


@pytest.fixture(scope="module")
def entry(kb):
    """The example's loaded index, for tests of the answer's parts."""
    store, index_dir = kb
    return cache_for(store, index_dir).get("main")
