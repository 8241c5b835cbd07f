"""The web app on PostgreSQL: two app instances (two workers) share one store."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from laoshifu.people import accounts
from laoshifu.knowledge.folders import import_folder
from laoshifu.store import Store
from laoshifu.web.app import create_app

from .conftest import EXAMPLE

pytestmark = pytest.mark.postgres


def test_two_workers_on_one_postgres_store(pg_url):
    first, second = Store.open(pg_url), Store.open(pg_url)
    import_folder(first, EXAMPLE)
    accounts.add_user(first, "xiao", "apprentice", "long-enough-pw")
    accounts.add_user(first, "wang", "master", "long-enough-pw")
    tokens = {n: accounts.create_token(first, n).token for n in ("xiao", "wang")}
    a, b = TestClient(create_app(first)), TestClient(create_app(second))
    for client, name in ((a, "xiao"), (b, "wang")):
        client.headers["Authorization"] = f"Bearer {tokens[name]}"
    question = "食堂的红烧肉今天几点开饭"
    assert a.post("/api/v1/ask", json={"question": question}).json()["refused"]
    qid = b.get("/api/v1/questions").json()["questions"][0]["id"]
    assert b.post(f"/api/v1/questions/{qid}/answer", json={"text": "十一点半。"}).status_code == 201
    time.sleep(1.1)  # worker A polls the store version at most once a second
    assert not a.post("/api/v1/ask", json={"question": question}).json()["refused"]
    first.close()
    second.close()
