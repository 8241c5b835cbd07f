"""The training tables and queries on PostgreSQL: learn, change a unit, pass an exam."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from .conftest import T0, right_response

pytestmark = pytest.mark.postgres


def test_the_training_loop_on_postgresql(pg_url):
    from laoshifu.people import accounts
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.store import Store
    from laoshifu.training import exams, progress, study

    from ..conftest import EXAMPLE

    store = Store.open(pg_url)
    try:
        import_folder(store, EXAMPLE)
        xiao, _ = accounts.add_user(store, "xiao", "apprentice", "password-123")
        wang, _ = accounts.add_user(store, "wang", "master", "password-123")
        for slot in ("lower", "upper"):
            card = study.card_of(store, "main", "dc-dew-point", slot)
            study.answer(store, "main", xiao, card.unit_id, slot, right_response(card), at=T0)
        unit = store.require_unit("main", "dc-dew-point")
        store.save_unit("main", unit.with_changes(upper=63.0), actor="wang")
        queue = study.today_queue(store, "main", xiao, at=T0 + timedelta(hours=1))
        assert [(i.reason, i.card.key) for i in queue.items[:2]] == [
            ("changed", "dc-dew-point#lower"), ("changed", "dc-dew-point#upper")]
        assert study.changes_for(store, "main", queue.items[1]) == ["上限：65 → 63 ℃"]
        exam = exams.start_exam(store, "main", xiao, "脱碳退火", at=T0, rng=random.Random(3))
        done = exams.submit_exam(store, exam.id, xiao, {i: right_response(q) for i, q in
                                                        enumerate(exam.questions)}, at=T0)
        assert done.passed and done.score == 1.0
        seen = progress.overview(store, "main", wang, at=T0)
        assert [(p.user, p.learned) for p in seen] == [("xiao", 2)]
        assert progress.most_missed(store, "main", wang) == []
    finally:
        store.close()
