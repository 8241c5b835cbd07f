"""The same store on SQLite and PostgreSQL: migrations, import, versions, audit, queue."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect

from laoshifu.knowledge.folders import import_folder
from laoshifu.store import Store
from laoshifu.store import migrations
from laoshifu.knowledge.units import Note

from ..conftest import EXAMPLE


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    store = Store.open(url)
    yield store
    store.close()


def test_migrations_create_every_table_once(backend_store):
    with backend_store.read() as conn:
        tables = set(inspect(conn).get_table_names())
    assert {"units", "unit_versions", "audit", "questions", "users", "memberships", "api_tokens",
            "sessions", "login_attempts", "feedback", "schema_migrations"} <= tables
    assert backend_store.migrate() == []  # a second run does nothing
    with backend_store.read() as conn:
        assert max(migrations.applied(conn)) == migrations.latest()


def test_import_versions_history_audit(backend_store):
    report, contents = import_folder(backend_store, EXAMPLE)
    assert len(report.created) == len(contents.units) > 100
    again, _ = import_folder(backend_store, EXAMPLE)
    assert not again.changed and len(again.unchanged) == len(contents.units)
    unit = backend_store.list_units("main", kinds=["note"])[0]
    edited = backend_store.save_unit("main", unit.with_changes(body=unit.body + "（补充）"),
                                     actor="wang", comment="补充", expected_version=unit.version)
    assert edited.version == unit.version + 1
    history = backend_store.history("main", unit.id)
    assert [u.version for u, _ in history] == [1, 2]
    assert history[-1][1]["changed_by"] == "wang"
    actions = [a["action"] for a in backend_store.audit_log("main")]
    assert "import" in actions and "unit.edit" in actions


def test_stale_version_is_refused(backend_store):
    backend_store.save_unit("main", Note(id="n1", title="t", body="a"), actor="x")
    backend_store.save_unit("main", Note(id="n1", title="t", body="b"), actor="x", expected_version=1)
    with pytest.raises(Exception, match="changed by someone else"):
        backend_store.save_unit("main", Note(id="n1", title="t", body="c"), actor="y",
                                expected_version=1)


def test_questions_queue(backend_store):
    q = backend_store.record_question("main", "露点多少", "露点多少", ["a"])
    again = backend_store.record_question("main", "露点多少？", "露点多少", ["a"])
    assert again.id == q.id and again.askers == 2
    backend_store.record_question("main", "别的", "别的", [])
    assert [x.text for x in backend_store.list_questions("main")][0] == "露点多少"
    backend_store.mark_answered("main", q.id, "qa-1", "wang")
    assert backend_store.get_question("main", q.id).status == "answered"
    assert len(backend_store.list_questions("main")) == 1


def test_several_asks_are_queued_in_one_transaction_as_one_by_one(backend_store):
    from laoshifu.store.questions import Asked

    dismissed = backend_store.record_question("main", "食堂几点开饭", "食堂几点开饭", [])
    backend_store.dismiss_question("main", dismissed.id, "与工艺无关", "wang")
    writes = backend_store.local_writes
    queued = backend_store.record_questions("main", [
        Asked("露点多少", "露点多少", ["a"], actor="xiao"),
        Asked("露点多少？", "露点多少", ["a"], actor="li"),  # the same question again
        Asked("食堂几点开饭？", "食堂几点开饭", [], actor="li"),
        Asked("别的", "别的", [], reason="thumbs_down")])
    assert [(q.text, q.askers, q.status, q.reason) for q in queued] == [
        ("露点多少", 1, "open", "not_sure"), ("露点多少", 2, "open", "not_sure"),
        ("食堂几点开饭", 2, "dismissed", "not_sure"), ("别的", 1, "open", "thumbs_down")]
    assert queued[0].id == queued[1].id and queued[2].id == dismissed.id
    assert [(q.text, q.askers) for q in backend_store.list_questions("main")] == [
        ("露点多少", 2), ("别的", 1)]
    queue_log = [(a["actor"], a["target"]) for a in backend_store.audit_log("main")
                 if a["action"] == "question.queue"]
    assert queue_log[:4] == [("system", "别的"), ("li", "食堂几点开饭？"), ("li", "露点多少？"),
                             ("xiao", "露点多少")]
    # Queued questions change no answer: readers in this process need not look again.
    assert backend_store.local_writes == writes


def test_a_local_write_is_a_change_of_the_counter_committed(backend_store):
    writes, version = backend_store.local_writes, backend_store.version()
    backend_store.record_question("main", "露点多少", "露点多少", [])
    assert backend_store.local_writes == writes
    backend_store.save_unit("main", Note(id="n1", title="t", body="a"), actor="x")
    assert (backend_store.local_writes, backend_store.version()) == (writes + 1, version + 1)
    with pytest.raises(Exception, match="changed by someone else"):  # rolled back
        backend_store.save_unit("main", Note(id="n1", title="t", body="b"), actor="y",
                                expected_version=7)
    assert (backend_store.local_writes, backend_store.version()) == (writes + 1, version + 1)


def test_accounts_sessions_feedback_on_the_backend(backend_store):
    from laoshifu.people import accounts, logins, sessions
    from laoshifu.answer import feedback
    user, password = accounts.add_user(backend_store, "wang", "master")
    assert accounts.verify_password(backend_store, "wang", password).role == "master"
    token = accounts.create_token(backend_store, "wang")
    assert accounts.user_for_token(backend_store, token.token).name == "wang"
    session = sessions.start(backend_store, "wang")
    assert sessions.lookup(backend_store, session.sid).user == "wang"
    for _ in range(logins.ACCOUNT_FREE_FAILURES):
        assert logins.attempt(backend_store, "wang", "wrong-guess", "127.0.0.1").wait_s == 0
    assert logins.attempt(backend_store, "wang", password, "127.0.0.1").wait_s > 0
    assert sessions.secret(backend_store) == sessions.secret(backend_store)
    feedback.record(backend_store, "main", "露点多少", False, user, "不对")
    assert feedback.summary(backend_store, "main") == {"up": 0, "down": 1}


def test_concurrent_writers_each_bump_the_version(backend_store):
    start = backend_store.version()
    errors = []

    def write(i: int) -> None:
        try:
            other = Store(backend_store.url)  # another worker: its own engine
            for j in range(5):
                other.save_unit("main", Note(id=f"n-{i}-{j}", title="t", body=str(j)), actor=f"w{i}")
            other.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert backend_store.version() == start + 20
    assert len(backend_store.list_units("main", kinds=["note"])) == 20
