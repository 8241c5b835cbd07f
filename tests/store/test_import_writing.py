"""An import's fast writing stores exactly what the unit-by-unit writing stores."""

from __future__ import annotations

from sqlalchemy import select

from laoshifu.formats.folder import read_folder
from laoshifu.store import schema
from laoshifu.store.units import _insert_rows, _payload, _written
from laoshifu.knowledge.units import KINDS

from ..conftest import EXAMPLE


def test_hash_and_payload_from_one_reading_equal_the_units_own():
    units = read_folder(EXAMPLE).units
    assert {u.kind for u in units} == set(KINDS)  # every kind is compared
    for unit in units:
        assert _written(unit) == (unit.content_hash(), _payload(unit)), unit.id


def test_the_payload_is_right_whatever_the_text_holds():
    from laoshifu.knowledge.units import Note, Rule

    tricky = '", "status": "x", "source_file": \\"\n{"id": 1}'
    units = [Note(id="n1", title=tricky, body=tricky, tags=(tricky, ", \"status\": "),
                  source_file='a "b".md', source_line=7),
             Rule(id="r1", title="t", diagnosis=tricky, actions=("甲",), status="draft")]
    for unit in units:
        assert _written(unit) == (unit.content_hash(), _payload(unit)), unit.id


def test_an_imported_unit_reads_back_as_it_was_read(example_store):
    stored = {u.id: u for u in example_store.list_units("main", statuses=None)}
    for unit in read_folder(EXAMPLE).units:
        assert stored[unit.id].content_hash() == unit.content_hash()
        assert (stored[unit.id].source, stored[unit.id].version) == (unit.source, 1)


def test_rows_missing_a_column_with_a_default_still_get_it(store):
    # ``comment`` and ``changed_by`` default to "": the driver's executemany cannot fill them
    # in, so such rows take SQLAlchemy's way.
    row = {"base": "main", "id": "n1", "version": 1, "kind": "note", "status": "approved",
           "content_hash": "h", "payload": "{}", "changed_at": "2026-01-01", "change": "import"}
    with store.transaction() as conn:
        _insert_rows(conn, schema.unit_versions, [row, {**row, "id": "n2"}])
    with store.read() as conn:
        got = conn.execute(select(schema.unit_versions.c.id, schema.unit_versions.c.comment,
                                  schema.unit_versions.c.changed_by)).all()
    assert sorted(got) == [("n1", "", ""), ("n2", "", "")]


def _rows(store):
    with store.read() as conn:
        units = conn.execute(select(schema.units).order_by(schema.units.c.id)).all()
        versions = conn.execute(select(schema.unit_versions).order_by(
            schema.unit_versions.c.id, schema.unit_versions.c.version)).all()
    drop = {"created_at", "updated_at", "changed_at"}
    return ([{k: v for k, v in r._mapping.items() if k not in drop} for r in units],
            [{k: v for k, v in r._mapping.items() if k not in drop} for r in versions])


def test_writing_batch_by_batch_stores_the_same_rows(tmp_path):
    from laoshifu.store import Store

    units = read_folder(EXAMPLE).units
    one = Store.open(f"sqlite:///{tmp_path / 'one.db'}")
    two = Store.open(f"sqlite:///{tmp_path / 'two.db'}")
    first = one.apply_import("main", units, origin="folder:kb", actor="t")  # one batch
    second = two.apply_import("main", units, origin="folder:kb", actor="t", batch=25)
    assert first.to_dict() == second.to_dict() and len(second.created) == len(units)
    assert _rows(one) == _rows(two)


def test_rows_made_as_tuples_store_what_each_column_should_hold(tmp_path):
    # An import makes its rows as tuples in the tables' column order: each value must land
    # in its own column (rows written here through SQLAlchemy, column by name, are the
    # reference).
    from sqlalchemy import insert

    from laoshifu.store import Store

    units = read_folder(EXAMPLE).units
    fast = Store.open(f"sqlite:///{tmp_path / 'fast.db'}")
    fast.apply_import("main", units, origin="folder:kb", actor="t")
    plain = Store.open(f"sqlite:///{tmp_path / 'plain.db'}")
    with plain.transaction() as conn:
        conn.execute(insert(schema.units), [{
            "base": "main", "id": u.id, "kind": u.kind, "version": 1, "status": u.status,
            "title": u.title, "process": u.process, "content_hash": u.content_hash(),
            "payload": _payload(u), "source_file": u.source_file, "source_line": u.source_line,
            "origin": "folder:kb", "created_at": "t", "updated_at": "t",
            "import_hash": u.content_hash()} for u in units])
        conn.execute(insert(schema.unit_versions), [{
            "base": "main", "id": u.id, "version": 1, "kind": u.kind, "status": u.status,
            "content_hash": u.content_hash(), "payload": _payload(u), "changed_by": "t",
            "changed_at": "t", "change": "import", "comment": ""} for u in units])
    assert _rows(fast) == _rows(plain) and len(_rows(fast)[0]) == len(units)


def test_a_failed_batch_fails_the_import_and_keeps_nothing(store, monkeypatch):
    from laoshifu.store import units as store_units

    units = read_folder(EXAMPLE).units
    real, calls = store_units._insert_rows, []

    def failing(conn, table, rows):
        calls.append(len(rows))
        if len(calls) == 5:
            raise OSError("disk full")
        real(conn, table, rows)
    monkeypatch.setattr(store_units, "_insert_rows", failing)
    try:
        store.apply_import("main", units, origin="folder:kb", actor="t", batch=25)
    except OSError as exc:
        assert str(exc) == "disk full"
    else:
        raise AssertionError("the import did not fail")
    assert len(calls) == 5  # nothing written after the failure
    assert store.list_units("main", statuses=None) == [] and _rows(store) == ([], [])


def test_a_new_store_has_16_kb_pages_and_an_older_store_keeps_its_own(tmp_path):
    import sqlite3

    from laoshifu.store import Store

    Store.open(f"sqlite:///{tmp_path / 'new.db'}").close()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (16384,)
    with sqlite3.connect(tmp_path / "old.db") as conn:  # as stores were made before
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE early (x)")
    old = Store.open(f"sqlite:///{tmp_path / 'old.db'}")
    old.apply_import("main", read_folder(EXAMPLE).units[:5], origin="folder:kb", actor="t")
    assert len(old.list_units("main")) == 5
    old.close()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (4096,)


def test_a_large_base_is_read_back_with_the_collector_paused_then_on_again(example_store, monkeypatch):
    import gc

    from laoshifu.store import units as store_units

    seen = []
    real = store_units._row_to_unit

    def noting(row):
        seen.append(gc.isenabled())
        return real(row)
    monkeypatch.setattr(store_units, "_row_to_unit", noting)
    small = example_store.list_units("main")
    assert seen and all(seen) and gc.isenabled()
    seen.clear()
    monkeypatch.setattr(store_units, "MANY_UNITS", len(small))
    assert example_store.list_units("main") == small
    assert seen and not any(seen) and gc.isenabled()
