"""An engineer's draft of an approved unit waits beside it; the approved one stays live."""

from laoshifu.answer import ask
from laoshifu.knowledge.folders import import_folder

from ..conftest import EXAMPLE


def test_a_waiting_draft_does_not_change_answers_until_approved(store):
    import_folder(store, EXAMPLE)
    live = store.get_unit("main", "dc-dew-point")
    question = "脱碳退火的露点控制在多少？"
    assert ask(store, question, record=False).windows[0].unit_id == "dc-dew-point"

    draft = store.save_unit("main", live.with_changes(upper=70.0, status="draft"), actor="li")
    assert draft.version == 2 and store.get_unit("main", "dc-dew-point").upper == 65
    answer = ask(store, question, record=False)
    assert [(w.unit_id, w.upper) for w in answer.windows] == [("dc-dew-point", 65)]
    assert [u.id for u in store.pending_drafts("main")] == ["dc-dew-point"]

    approved = store.decide_pending("main", "dc-dew-point", True, actor="wang", comment="可以")
    assert (approved.version, approved.status, approved.upper) == (3, "approved", 70)
    assert ask(store, question, record=False).windows[0].upper == 70
    assert store.get_pending("main", "dc-dew-point") is None


def test_a_rejected_draft_leaves_the_unit_and_its_number_is_not_reused(store):
    import_folder(store, EXAMPLE)
    live = store.get_unit("main", "dc-dew-point")
    store.save_unit("main", live.with_changes(upper=70.0, status="draft"), actor="li")
    after = store.decide_pending("main", "dc-dew-point", False, actor="wang", comment="不行")
    assert (after.version, after.upper) == (1, 65) and store.get_pending("main", "dc-dew-point") is None
    again = store.save_unit("main", live.with_changes(upper=66.0, status="draft"), actor="li")
    assert again.version == 3
    assert [u.version for u, _ in store.history("main", "dc-dew-point")] == [1, 2, 3]
    assert store.audit_log()[1]["action"] == "unit.reject"


def test_reimporting_the_folder_keeps_versions_unique(store):
    import_folder(store, EXAMPLE)
    live = store.get_unit("main", "dc-dew-point")
    store.save_unit("main", live.with_changes(upper=70.0, status="draft"), actor="li")
    store.save_unit("main", live.with_changes(body="网页上改的"), actor="wang")  # published: v3
    report, _ = import_folder(store, EXAMPLE, on_conflict="theirs")  # the folder's text: v4
    assert report.updated == ["dc-dew-point"]
    assert [u.version for u, _ in store.history("main", "dc-dew-point")] == [1, 2, 3, 4]


def test_migration_4_adds_the_column_to_an_older_store(tmp_path):
    import sqlite3

    from laoshifu.store import Store

    path = tmp_path / "old.db"
    Store.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:  # as a store made before migration 4 looked
        conn.execute("ALTER TABLE units DROP COLUMN pending_version")
        conn.execute("DELETE FROM schema_migrations WHERE version = 4")
    store = Store.open(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(units)")]
    assert "pending_version" in columns
    store.close()
