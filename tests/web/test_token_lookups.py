"""An API request looks its token up in the store at most once, and not at all while the
token was seen in the last seconds; a revoked token stops working when that time is up."""

from __future__ import annotations

import pytest

from laoshifu.people import accounts
from laoshifu.web import auth


@pytest.fixture(autouse=True)
def long_token_time(monkeypatch):
    # The seconds a seen token is trusted: long enough that a slow first ask on a loaded
    # machine (a cold index takes seconds) does not outlast them.
    monkeypatch.setattr(auth, "TOKEN_TTL_S", 600.0)


@pytest.fixture
def lookups(monkeypatch):
    seen: list[str] = []
    real = accounts.user_for_token

    def counting(store, token):
        seen.append(token)
        return real(store, token)

    monkeypatch.setattr(accounts, "user_for_token", counting)
    return seen


def test_one_lookup_per_request_then_none(world, lookups):
    client = world.api("xiao")
    first = client.post("/api/v1/ask", json={"question": "脱碳退火的露点一般控制在多少？", "record": False})
    assert first.status_code == 200, first.text
    assert lookups == [world.tokens["xiao"]]  # the check before the body; the endpoint reuses it
    assert client.get("/api/v1/me").json()["name"] == "xiao"
    assert client.post("/api/v1/ask", json={"question": "露点多少", "record": False}).status_code == 200
    assert lookups == [world.tokens["xiao"]]


def test_a_get_looks_the_token_up_once(world, lookups):
    assert world.api("wang").get("/api/v1/me").json()["name"] == "wang"
    assert lookups == [world.tokens["wang"]]


def test_a_revoked_token_stops_once_its_time_is_up(world, lookups, monkeypatch):
    client = world.api("xiao")
    assert client.get("/api/v1/me").status_code == 200
    [token_id] = [t["id"] for t in accounts.list_tokens(world.store, "xiao")]
    accounts.revoke_token(world.store, token_id)
    monkeypatch.setattr(auth, "TOKEN_TTL_S", 0.0)
    world.app.state.token_cache.clear()
    refused = client.post("/api/v1/ask", json={"question": "露点多少", "record": False})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"


def test_no_token_is_refused_before_the_body(world, lookups):
    refused = world.client().post("/api/v1/ask", json={"question": "露点多少"})
    assert refused.status_code == 401
    assert lookups == []


def test_a_known_token_needs_no_worker_thread(world, monkeypatch):
    from laoshifu.web import api, app

    hops: list[str] = []
    for module in (app, api):
        real = module.run_in_threadpool

        async def counting(fn, *args, _real=real, **kwargs):
            hops.append(getattr(fn, "__name__", repr(fn)))
            return await _real(fn, *args, **kwargs)

        monkeypatch.setattr(module, "run_in_threadpool", counting)

    class CountingPool(type(api._ASKING)):  # where an ask to work out goes
        def submit(self, fn, *args, **kwargs):
            hops.append(getattr(getattr(fn, "func", fn), "__name__", repr(fn)))
            return super().submit(fn, *args, **kwargs)

    pool = CountingPool(max_workers=2)
    monkeypatch.setattr(api, "_ASKING", pool)
    client = world.api("xiao")
    ask = {"question": "脱碳退火的露点一般控制在多少？", "record": False}
    assert client.post("/api/v1/ask", json=ask).status_code == 200
    # The first time: the store is read in a thread, and the answer worked out in one.
    assert hops == ["_refuse_before_body", "ask"]
    assert client.post("/api/v1/ask", json=ask).status_code == 200  # given again at once
    assert client.get("/api/v1/me").status_code == 200
    assert hops == ["_refuse_before_body", "ask"]
    pool.shutdown()
