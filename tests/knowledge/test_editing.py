"""Review safety in the library: what the master approves is what he saw; nothing is
overwritten silently; authors and retirements are recorded truthfully."""

from __future__ import annotations

import pytest

from laoshifu.answer import asking
from laoshifu.knowledge import editing
from laoshifu.people.accounts import User
from laoshifu.errors import Conflict, LaoshifuError
from laoshifu.knowledge.units import Note

WANG = User("王师傅", "master", ("main",))
LI = User("li", "engineer", ("main",))
UID = "note-dew-meter"


@pytest.fixture
def live(store):
    """One approved note by the master, version 1."""
    note = Note(id=UID, title="露点仪取样管", body="读数跳先查取样管积水。", author="王师傅",
                status="approved")
    return editing.save_edit(store, "main", note, WANG, expected_version=0)


def _draft(store, body: str, expected: int) -> Note:
    unit = editing.current_draft(store, "main", UID).with_changes(body=body)
    return editing.save_edit(store, "main", unit, LI, "改露点", expected_version=expected)


# -- approve and reject exactly the version the master reviewed ----------------------------

def test_approving_a_draft_that_was_replaced_meanwhile_is_a_conflict(store, live):
    a = _draft(store, "草稿A：露点60℃。", expected=1)
    b = _draft(store, "草稿B：露点90℃也行。", expected=a.version)  # replaced after wang opened A
    with pytest.raises(Conflict, match=f"v{a.version} was reviewed, v{b.version} is waiting"):
        editing.approve(store, "main", UID, WANG, version=a.version)
    assert store.get_unit("main", UID).body == "读数跳先查取样管积水。"
    assert store.get_pending("main", UID).body == "草稿B：露点90℃也行。"
    approved = editing.approve(store, "main", UID, WANG, version=b.version, comment="看过B")
    assert approved.body == "草稿B：露点90℃也行。" and approved.status == "approved"


def test_rejecting_a_replaced_draft_is_a_conflict_too(store, live):
    a = _draft(store, "草稿A", expected=1)
    b = _draft(store, "草稿B", expected=a.version)
    with pytest.raises(Conflict):
        editing.reject(store, "main", UID, WANG, "不对", version=a.version)
    assert store.get_pending("main", UID).version == b.version


def test_a_new_unit_in_draft_is_approved_only_at_the_version_seen(store):
    first = editing.save_edit(store, "main", Note(id="note-new", title="新笔记", body="第一稿"), LI,
                              expected_version=0)
    second = editing.save_edit(store, "main", first.with_changes(body="第二稿"), LI,
                               expected_version=first.version)
    with pytest.raises(Conflict):
        editing.approve(store, "main", "note-new", WANG, version=first.version)
    with pytest.raises(Conflict):
        editing.reject(store, "main", "note-new", WANG, "不要", version=first.version)
    assert store.get_unit("main", "note-new").status == "draft"
    assert editing.approve(store, "main", "note-new", WANG, version=second.version).body == "第二稿"


def test_approving_without_saying_which_version_is_refused(store, live):
    _draft(store, "草稿A", expected=1)
    with pytest.raises(LaoshifuError, match="which version") as caught:
        editing.approve(store, "main", UID, WANG, version=None)
    assert caught.value.problems[0].field == "version"
    with pytest.raises(LaoshifuError, match="which version"):
        editing.reject(store, "main", UID, WANG, "不对", version=None)


# -- authors -------------------------------------------------------------------------------

def test_an_engineer_cannot_set_the_author(store, live):
    new = editing.save_edit(store, "main", Note(id="note-li", title="李工的笔记", body="x",
                                                author="王师傅"), LI, expected_version=0)
    assert new.author == "li"
    draft = editing.save_edit(store, "main", live.with_changes(body="改", author="李四"), LI,
                              expected_version=1)
    assert draft.author == "王师傅"  # the unit's author; li is the draft's changed_by
    named = editing.save_edit(store, "main", Note(id="note-by-wang", title="口述", body="y",
                                                  author="老张"), WANG, expected_version=0)
    assert named.author == "老张"  # a master may record whose words these are


# -- no silent overwrite of a waiting draft ------------------------------------------------

def test_publishing_over_a_waiting_draft_needs_its_version(store, live):
    draft = _draft(store, "工程师的草稿", expected=1)
    mine = live.with_changes(body="师傅直接改")
    with pytest.raises(Conflict, match=rf"v{draft.version} by li\) is waiting") as caught:
        editing.save_edit(store, "main", mine, WANG)
    assert caught.value.problems[0].field == "version"
    assert store.get_pending("main", UID).body == "工程师的草稿"
    saved = editing.save_edit(store, "main", mine, WANG, expected_version=draft.version)
    assert saved.body == "师傅直接改" and store.get_pending("main", UID) is None


def test_an_edit_without_version_and_no_draft_still_checks_nothing_moved(store, live):
    saved = editing.save_edit(store, "main", live.with_changes(body="新版"), WANG)
    assert saved.version == 2


# -- retiring needs a reason, kept in the history ------------------------------------------

def test_retiring_needs_a_reason_which_the_history_keeps(store, live):
    for reason in ("", "   "):
        with pytest.raises(LaoshifuError, match="why") as caught:
            editing.retire(store, "main", UID, WANG, reason)
        assert caught.value.problems[0].field == "comment"
    assert store.get_unit("main", UID).status == "approved"
    editing.retire(store, "main", UID, WANG, "取样管已改造，不再适用")
    unit, info = store.history("main", UID)[-1]
    assert (unit.status, info["change"], info["comment"]) == ("retired", "retire", "取样管已改造，不再适用")
    assert store.audit_log()[0]["detail"] == "取样管已改造，不再适用"


# -- answering a question twice ------------------------------------------------------------

def _queued(store, text="食堂几点开饭？") -> int:
    return store.record_question("main", text, key=text, related=[]).id


def test_answering_again_needs_replace_and_keeps_the_old_answer(store):
    qid = _queued(store)
    first = asking.answer(store, "main", qid, "十一点半。", WANG)
    with pytest.raises(Conflict, match="already answered") as caught:
        asking.answer(store, "main", qid, "十二点。", WANG)
    assert "replace" in caught.value.problems[0].hint
    assert store.get_unit("main", first.id).body == "十一点半。"
    second = asking.answer(store, "main", qid, "十二点。", WANG, replace=True)
    assert (second.id, second.version, second.body) == (first.id, 2, "十二点。")
    assert [u.body for u, _ in store.history("main", first.id)] == ["十一点半。", "十二点。"]


def test_an_answer_never_overwrites_a_unit_that_has_its_id(store):
    qid = _queued(store)
    taken = f"qa-q{qid}"
    store.save_unit("main", Note(id=taken, title="恰好同名的笔记", body="别覆盖我", status="approved"),
                    actor="li")
    saved = asking.answer(store, "main", qid, "十一点半。", WANG)
    assert saved.id == f"{taken}-2" and saved.kind == "qa"
    assert store.get_unit("main", taken).kind == "note"
    assert store.get_unit("main", taken).body == "别覆盖我"
    assert store.get_question("main", qid).answer_unit_id == saved.id
