"""Who knows what, and who may see it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from laoshifu.errors import NotFound, PermissionDenied
from laoshifu.store import schema
from laoshifu.training import progress, schedule, study, tracks

from .conftest import T0, right_response, wrong_response


def _study(store, user, n, wrong_keys=()):
    for _ in range(n):
        item = study.today_queue(store, "main", user, at=T0, limit=1).first
        card = item.card
        response = wrong_response(card) if card.key in wrong_keys else right_response(card)
        study.answer(store, "main", user, card.unit_id, card.slot, response, at=T0)


def test_mastery_per_process_is_the_mean_recall_probability(tstore, users):
    tracks.save_track(tstore, tracks.Track(base="main", name="脱碳岗", processes=("脱碳退火",)), users["wang"])
    _study(tstore, users["xiao"], 4, wrong_keys={"rule-dc-h2-leak#scenario"})
    at = T0 + timedelta(days=3)
    p = progress.learner_progress(tstore, "main", "xiao", users["wang"], at=at)
    (dc,) = p.processes
    assert (dc.process, dc.cards, dc.learned) == ("脱碳退火", 153, 4)
    with tstore.read() as conn:  # the recall of each learnt card, straight from FSRS
        rows = list(conn.execute(schema.training_state.select()))
    recalls = [schedule.retrievability(study.memory_of(r), at) for r in rows]
    assert dc.mastery == round(sum(recalls) / 153, 3)
    assert dc.recall == round(sum(recalls) / 4, 3)
    assert (p.reviews, p.wrong, p.learned) == (4, 1, 4)
    assert p.weakest[0].unit_id == "rule-dc-h2-leak"  # the one he got wrong


def test_most_missed_units_across_apprentices(tstore, users):
    wrong = {"rule-dc-h2-leak#scenario"}
    _study(tstore, users["xiao"], 2, wrong)
    _study(tstore, users["liu"], 2, wrong)
    missed = progress.most_missed(tstore, "main", users["wang"])
    assert [(m.unit_id, m.learners, m.misses, m.answers) for m in missed] == [("rule-dc-h2-leak", 2, 2, 4)]
    with pytest.raises(PermissionDenied):
        progress.most_missed(tstore, "main", users["xiao"])


@pytest.mark.parametrize("viewer,target,allowed", [
    ("xiao", "xiao", True), ("xiao", "liu", False), ("wang", "xiao", True), ("wang", "li", False),
    ("wang", "zhao", False), ("chen", "xiao", False), ("admin", "xiao", True), ("admin", "li", True),
    ("li", "xiao", False), ("wang", "nobody", False),
])
def test_who_may_see_whose_progress(tstore, users, viewer, target, allowed):
    if allowed:
        assert progress.learner_progress(tstore, "main", target, users[viewer], at=T0).user == target
    else:
        with pytest.raises((NotFound, PermissionDenied)):
            progress.learner_progress(tstore, "main", target, users[viewer], at=T0)


def test_the_masters_overview_lists_the_apprentices_of_his_base(tstore, users):
    assert [p.user for p in progress.overview(tstore, "main", users["wang"], at=T0)] == ["liu", "xiao"]
    with pytest.raises(PermissionDenied):
        progress.overview(tstore, "main", users["chen"], at=T0)
