"""Login throttling in the store: counted before the password is checked (no race), per
account and per address, and nothing a stranger typed is kept."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from laoshifu.people import accounts, logins
from laoshifu.store import Store, schema

PASSWORD = "correct-horse-1"
ADDRESS = "10.0.0.7"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store = Store.open(url)
    accounts.add_user(store, "wang", "master", PASSWORD)
    yield store
    store.close()


def _audit(store, action: str) -> list[dict]:
    return [a for a in store.audit_log(limit=1000) if a["action"] == action]


def test_simultaneous_guesses_are_counted_before_checking(backend_store, monkeypatch):
    """40 guesses at once: exactly the free ones reach the password check (issue 14, M11)."""
    # A long first delay: a slow machine must not see the lock run out during the test.
    monkeypatch.setattr(logins, "BASE_DELAY_S", 120)
    barrier = threading.Barrier(40)
    results: list[logins.Attempt] = []

    def guess(i: int) -> None:
        barrier.wait()
        results.append(logins.attempt(backend_store, "wang", f"guess-{i}", ADDRESS))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [r for r in results if r.wait_s == 0]
    assert len(results) == 40
    assert len(checked) == logins.ACCOUNT_FREE_FAILURES == 3
    assert len(_audit(backend_store, "login.fail")) == 3


def test_the_account_throttle_locks_after_free_failures(backend_store):
    for i in range(3):
        assert logins.attempt(backend_store, "wang", f"guess-{i}", ADDRESS) == logins.Attempt(None, 0)
    locked = logins.attempt(backend_store, "wang", PASSWORD, ADDRESS)
    assert locked.user is None and 0 < locked.wait_s <= logins.BASE_DELAY_S
    # The same name from another address is another account key.
    assert logins.attempt(backend_store, "wang", PASSWORD, "10.0.0.8").user.name == "wang"


def test_varying_the_name_does_not_evade_the_address_throttle(backend_store):
    """Each new name starts a fresh account count; the address counts them all (H2)."""
    results = [logins.attempt(backend_store, f"nobody{i}", "x", ADDRESS) for i in range(25)]
    assert [r.wait_s == 0 for r in results] == [True] * 20 + [False] * 5
    # Another address is not affected.
    assert logins.attempt(backend_store, "wang", PASSWORD, "10.0.0.8").user is not None


def test_a_right_password_takes_back_its_count(backend_store):
    for i in range(2):
        logins.attempt(backend_store, "wang", f"guess-{i}", ADDRESS)
    for i in range(5):
        logins.attempt(backend_store, f"nobody{i}", "x", ADDRESS)
    assert logins.attempt(backend_store, "wang", PASSWORD, ADDRESS).user.name == "wang"
    a = schema.login_attempts
    with backend_store.read() as conn:
        counts = dict(conn.execute(select(a.c.key, a.c.failures)).all())
    # The account's typos are forgiven; the other names' failures from there stay counted.
    assert logins.account_key("wang", ADDRESS) not in counts
    assert counts[logins.address_key(ADDRESS)] == 7
    # Many good logins from one address (a plant behind one proxy) never lock it.
    for _ in range(30):
        assert logins.attempt(backend_store, "wang", PASSWORD, ADDRESS).user is not None
    with backend_store.read() as conn:
        assert conn.scalar(select(a.c.failures).where(a.c.key == logins.address_key(ADDRESS))) == 7


def test_old_failures_are_forgotten(backend_store):
    for i in range(3):
        logins.attempt(backend_store, "wang", f"guess-{i}", ADDRESS)
    a = schema.login_attempts
    with backend_store.transaction() as conn:
        conn.execute(update(a).values(last_failure="2000-01-01T00:00:00+00:00",
                                      locked_until="2000-01-01T00:00:00+00:00"))
    assert logins.attempt(backend_store, "wang", PASSWORD, ADDRESS).user is not None
    with backend_store.read() as conn:
        assert conn.scalar(select(a.c.failures).where(a.c.key == logins.address_key(ADDRESS))) == 0


def test_long_names_are_neither_checked_nor_stored(backend_store):
    """A 1 MB name was audited as typed: +84 MB for 80 tries (H2)."""
    huge = "壹" * (1024 * 1024)
    for _ in range(5):
        assert logins.attempt(backend_store, huge, "x", ADDRESS).user is None
    fails = _audit(backend_store, "login.fail")
    assert len(fails) == 5
    assert {len(f["actor"]) for f in fails} == {9}
    a = schema.login_attempts
    with backend_store.read() as conn:
        assert conn.scalar(select(func.max(func.length(a.c.key)))) <= 80
        assert conn.scalar(select(func.count()).select_from(a)) == 1  # the address only


def test_unknown_names_are_masked_account_names_kept(backend_store):
    """A password typed into the name field must not show in the audit log (item 24)."""
    logins.attempt(backend_store, "Tr0ub4dor&3", "wang", ADDRESS)
    logins.attempt(backend_store, "Tr0ub4dor&3", "wang", ADDRESS)
    logins.attempt(backend_store, "wang", "bad-guess", ADDRESS)
    actors = [f["actor"] for f in _audit(backend_store, "login.fail")]
    assert actors[0] == "wang"
    assert actors[1] == actors[2] and actors[1].startswith("?") and len(actors[1]) == 9
    assert all("Tr0ub4dor" not in str(entry) for entry in backend_store.audit_log(limit=1000))
    assert logins.audit_name(backend_store, "") == "?"
