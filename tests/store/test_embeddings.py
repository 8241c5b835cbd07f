"""Sentence vectors in the store, the same on SQLite and PostgreSQL: shared by workers."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from sqlalchemy import inspect

from laoshifu.store import Store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" \
        else request.getfixturevalue("pg_url")


def vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return v / np.linalg.norm(v)


def test_vectors_round_trip_by_model_and_hash(url):
    store = Store.open(url)
    with store.read() as conn:
        assert "embeddings" in inspect(conn).get_table_names()
    store.put_vectors("m1", {"a" * 40: vector(1), "b" * 40: vector(2)})
    store.put_vectors("m2", {"a" * 40: vector(3)})
    got = store.get_vectors("m1", ["a" * 40, "b" * 40, "c" * 40])
    assert set(got) == {"a" * 40, "b" * 40}
    assert np.allclose(got["a" * 40], vector(1), atol=1e-3)  # kept as float16
    assert np.allclose(store.get_vectors("m2", ["a" * 40])["a" * 40], vector(3), atol=1e-3)
    assert store.count_vectors("m1") == 2 and store.count_vectors("m3") == 0
    # many at once: chunked below the bound-parameter limits
    many = {f"{i:040d}": vector(i) for i in range(1200)}
    store.put_vectors("m1", many)
    assert len(store.get_vectors("m1", list(many))) == 1200
    store.close()


def test_two_workers_storing_the_same_text_do_not_fail(url):
    stores = [Store.open(url), Store.open(url)]
    errors: list[BaseException] = []

    def put(store: Store, seed: int) -> None:
        try:
            store.put_vectors("m", {f"{i:040d}": vector(seed) for i in range(200)})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and stores[0].count_vectors("m") == 200
    for s in stores:
        s.close()
