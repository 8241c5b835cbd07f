"""Tracks: checked field by field, set by the master, applied per role or person."""

from __future__ import annotations

import pytest

from laoshifu.errors import LaoshifuError, NotFound, PermissionDenied
from laoshifu.training import tracks


def test_a_bad_track_names_every_field(tstore, users):
    bad = tracks.Track(base="main", name=" ", processes=("脱碳",), units=("nope",),
                       assignees=("boss", "role:king"), new_per_day=0, exam_size=0, pass_mark=0,
                       time_limit_min=0)
    with pytest.raises(LaoshifuError) as err:
        tracks.save_track(tstore, bad, users["wang"])
    assert [p.field for p in err.value.problems] == [
        "name", "processes", "units", "assignees", "assignees", "new_per_day", "exam_size",
        "pass_mark", "time_limit_min"]
    assert tracks.list_tracks(tstore, "main") == []


def test_only_a_master_of_the_base_or_an_admin_sets_tracks(tstore, users):
    track = tracks.Track(base="main", name="脱碳岗", processes=("脱碳退火",))
    for name in ("xiao", "li", "chen"):
        with pytest.raises(PermissionDenied):
            tracks.save_track(tstore, track, users[name])
    saved = tracks.save_track(tstore, track, users["wang"])
    assert tracks.save_track(tstore, tracks.Track(base="main", name="全厂", id=saved.id),
                             users["admin"]).id == saved.id
    assert [t.name for t in tracks.list_tracks(tstore, "main")] == ["全厂"]
    with pytest.raises(NotFound):
        tracks.delete_track(tstore, "main", 999, users["wang"])
    tracks.delete_track(tstore, "main", saved.id, users["wang"])
    assert tracks.list_tracks(tstore, "main") == []


def test_a_learners_scope_is_the_union_of_his_tracks(tstore, users):
    tracks.save_track(tstore, tracks.Track(base="main", name="a", processes=("脱碳退火",),
                                           new_per_day=10), users["wang"])
    tracks.save_track(tstore, tracks.Track(base="main", name="b", processes=("常化",), units=("dc-dew-point",),
                                           assignees=("user:xiao",), new_per_day=15), users["wang"])
    mine = tracks.scope_for(tstore, "main", users["xiao"])
    assert (mine.processes, mine.units, mine.new_per_day) == (("脱碳退火", "常化"), ("dc-dew-point",), 15)
    assert tracks.scope_for(tstore, "main", users["liu"]).processes == ("脱碳退火",)
    assert tracks.scope_for(tstore, "main", users["li"]).processes == ()  # no track: everything
