"""待答问题: the master dismisses what is not for him (with a reason) and merges duplicates;
related units are shown by title (issue 9 #8)."""

from __future__ import annotations

import re

import pytest

from laoshifu.people import accounts
from laoshifu.answer import asking
from laoshifu.errors import Conflict, LaoshifuError, NotFound, PermissionDenied
from laoshifu.answer.feedback import question_key

from .conftest import csrf_of

OFF_TOPIC = "食堂几点开饭"


def _queue(store, text: str, related=(), base: str = "main"):
    return store.record_question(base, text, question_key(text), list(related), actor="xiao")


def _user(store, name: str):
    return accounts.get_user(store, name)


# -- the library -------------------------------------------------------------------------
def test_a_dismissed_question_leaves_the_queue_and_stays_out(world):
    store = world.store
    q = _queue(store, OFF_TOPIC)
    closed = asking.dismiss(store, "main", q.id, "  与工艺无关  ", _user(store, "wang"))
    assert (closed.status, closed.close_reason, closed.closed_by) == ("dismissed", "与工艺无关", "wang")
    assert q.id not in [x.id for x in asking.queue(store, "main", _user(store, "wang"))]
    again = _queue(store, "食堂 几点 开饭？")  # the same question, typed otherwise
    assert (again.id, again.status, again.askers) == (q.id, "dismissed", 2)
    assert store.audit_log("main", 5)[0]["action"] == "question.queue"
    assert any(e["action"] == "question.dismiss" and e["detail"] == "与工艺无关"
               for e in store.audit_log("main", 10))


@pytest.mark.parametrize("reason,field", [("", "reason"), ("   ", "reason"), ("长" * 501, "reason")])
def test_a_dismissal_needs_a_reason(world, reason, field):
    q = _queue(world.store, OFF_TOPIC)
    with pytest.raises(LaoshifuError) as caught:
        asking.dismiss(world.store, "main", q.id, reason, _user(world.store, "wang"))
    assert caught.value.problems[0].field == field
    assert world.store.get_question("main", q.id).status == "open"


@pytest.mark.parametrize("name", ["li", "xiao", "chen"])  # engineer, apprentice, other base's master
def test_only_the_bases_masters_and_admins_close_questions(world, name):
    q = _queue(world.store, OFF_TOPIC)
    other = _queue(world.store, "露点怎么看")
    with pytest.raises(PermissionDenied):
        asking.dismiss(world.store, "main", q.id, "无关", _user(world.store, name))
    with pytest.raises(PermissionDenied):
        asking.merge(world.store, "main", q.id, other.id, _user(world.store, name))
    assert asking.dismiss(world.store, "main", q.id, "无关", _user(world.store, "admin")).status == "dismissed"


def test_merging_a_duplicate_adds_its_askers_and_routes_new_ones(world):
    store = world.store
    first = _queue(store, "露点高了怎么办", related=["dc-dew-point"])
    _queue(store, "露点高了怎么办")  # 2 askers
    dup = _queue(store, "露点偏高如何处理", related=["rule-dc-dew-point-high", "dc-dew-point"])
    merged = asking.merge(store, "main", dup.id, first.id, _user(store, "wang"))
    assert (merged.id, merged.askers) == (first.id, 3)
    assert merged.related == ["dc-dew-point", "rule-dc-dew-point-high"]
    gone = store.get_question("main", dup.id)
    assert (gone.status, gone.merged_into, gone.closed_by) == ("merged", first.id, "wang")
    # asking the duplicate's words again counts on the question it was merged into
    again = _queue(store, "露点偏高如何处理")
    assert (again.id, again.askers) == (first.id, 4)
    assert [q.id for q in store.list_questions("main")] == [first.id]


def test_a_merge_chain_ends_in_the_last_question(world):
    store = world.store
    a, b, c = (_queue(store, text) for text in ("甲问题", "乙问题", "丙问题"))
    wang = _user(store, "wang")
    asking.merge(store, "main", a.id, b.id, wang)
    asking.merge(store, "main", b.id, c.id, wang)
    assert store.get_question("main", c.id).askers == 3
    assert _queue(store, "甲问题").id == c.id


def test_a_duplicate_of_an_answered_question_reopens_it_when_asked_again(world):
    store = world.store
    wang = _user(store, "wang")
    answered = _queue(store, "涂层为什么起皮")
    asking.answer(store, "main", answered.id, "涂层起皮多半是脱碳没脱好，先查露点。", wang)
    dup = _queue(store, "涂层起皮是什么原因")
    asking.merge(store, "main", dup.id, answered.id, wang)
    assert store.get_question("main", answered.id).status == "answered"
    # the duplicate's wording still did not find the answer: back to the master
    assert _queue(store, "涂层起皮是什么原因").status == "open"


def test_merges_that_make_no_sense_are_refused(world):
    store = world.store
    wang = _user(store, "wang")
    q, other, off = (_queue(store, t) for t in ("露点", "炉压", OFF_TOPIC))
    asking.dismiss(store, "main", off.id, "无关", wang)
    with pytest.raises(LaoshifuError, match="cannot be merged into itself"):
        asking.merge(store, "main", q.id, q.id, wang)
    with pytest.raises(Conflict, match=f"question {off.id} is dismissed"):
        asking.merge(store, "main", q.id, off.id, wang)
    with pytest.raises(Conflict, match=f"question {off.id} is dismissed, not open: nothing to merge"):
        asking.merge(store, "main", off.id, q.id, wang)
    with pytest.raises(NotFound, match="no question 9999"):
        asking.merge(store, "main", q.id, 9999, wang)
    other_base = _queue(store, "二号线的问题", base="other")
    with pytest.raises(NotFound):  # another base's question is not there
        asking.merge(store, "main", q.id, other_base.id, _user(store, "admin"))
    assert store.get_question("main", q.id).status == "open"
    assert store.get_question("main", other.id).askers == 1


def test_related_units_have_titles(world):
    q = _queue(world.store, "露点", related=["dc-dew-point", "gone-unit"])
    assert asking.unit_titles(world.store, "main", [q]) == {"dc-dew-point": "露点"}


# -- the page ------------------------------------------------------------------------------
def _article(html: str, qid: int) -> str:
    match = re.search(rf'<article class="question" id="q-{qid}">(.*?)</article>', html, re.S)
    assert match, f"question {qid} is not on the page"
    return match.group(1)


def test_the_master_dismisses_and_merges_on_the_page(world):
    store = world.store
    off = _queue(store, OFF_TOPIC)
    first = _queue(store, "露点高了怎么办", related=["dc-dew-point"])
    dup = _queue(store, "露点偏高如何处理")
    client = world.login("wang")
    page = client.get("/questions")
    article = _article(page.text, first.id)
    assert '<a href="/units/dc-dew-point?base=main" title="dc-dew-point">露点</a>' in article
    assert f'action="/questions/{off.id}/dismiss"' in page.text
    token = csrf_of(page.text)
    done = client.post(f"/questions/{off.id}/dismiss", data={"csrf": token, "base": "main",
                                                             "reason": "与工艺无关"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/questions?base=main&dismissed={off.id}"
    done = client.post(f"/questions/{dup.id}/merge", data={"csrf": token, "base": "main",
                                                           "into": str(first.id)})
    assert done.status_code == 200
    assert f"问题 #{dup.id} 已合并" in done.text
    assert f'id="q-{off.id}"' not in done.text and f'id="q-{dup.id}"' not in done.text
    assert "问过 2 次" in _article(done.text, first.id)
    closed = client.get("/questions?show=closed")
    assert "与工艺无关" in _article(closed.text, off.id)
    assert f"#{first.id} 露点高了怎么办" in _article(closed.text, dup.id)
    assert "已移除或合并（2）" in closed.text


def test_a_dismissal_without_reason_is_shown_on_its_question(world):
    off = _queue(world.store, OFF_TOPIC)
    client = world.login("wang")
    token = csrf_of(client.get("/questions").text)
    done = client.post(f"/questions/{off.id}/dismiss", data={"csrf": token, "base": "main", "reason": " "})
    assert done.status_code == 400
    article = _article(done.text, off.id)
    assert "请写明移除的理由" in article and "<details class=\"triage\" open>" in article


def test_an_engineer_sees_the_queue_but_cannot_close(world):
    off = _queue(world.store, OFF_TOPIC)
    client = world.login("li")
    page = client.get("/questions")
    assert OFF_TOPIC in page.text and "/dismiss" not in page.text
    refused = client.post(f"/questions/{off.id}/dismiss",
                          data={"csrf": csrf_of(page.text), "base": "main", "reason": "无关"})
    assert refused.status_code == 403
    assert world.store.get_question("main", off.id).status == "open"


# -- the API -------------------------------------------------------------------------------
def test_the_api_dismisses_and_merges(world):
    store = world.store
    off, first, dup = (_queue(store, t) for t in (OFF_TOPIC, "炉压低了怎么办", "炉压偏低怎么处理"))
    api = world.api("wang")
    response = api.post(f"/api/v1/questions/{off.id}/dismiss", json={"base": "main", "reason": "无关"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["close_reason"]) == ("dismissed", "无关")
    response = api.post(f"/api/v1/questions/{dup.id}/merge", json={"base": "main", "into": first.id})
    assert response.status_code == 200 and response.json()["askers"] == 2
    listed = api.get("/api/v1/questions", params={"status": "dismissed"}).json()["questions"]
    assert [q["id"] for q in listed] == [off.id]
    again = api.post(f"/api/v1/questions/{off.id}/dismiss", json={"base": "main", "reason": "无关"})
    assert again.status_code == 409
    refused = world.api("li").post(f"/api/v1/questions/{first.id}/dismiss",
                                   json={"base": "main", "reason": "无关"})
    assert refused.status_code == 403


def test_merging_needs_a_chosen_question(world):
    dup = _queue(world.store, "露点偏高如何处理")
    _queue(world.store, "露点高了怎么办")
    client = world.login("wang")
    page = client.get("/questions")
    assert '<select name="into" required><option value="">选择原问题…</option>' in page.text
    done = client.post(f"/questions/{dup.id}/merge", data={"csrf": csrf_of(page.text), "base": "main", "into": ""})
    assert done.status_code == 400
    assert "请选出它重复的那个问题" in _article(done.text, dup.id)
    assert world.store.get_question("main", dup.id).status == "open"


def test_asking_a_dismissed_question_again_shows_the_masters_reason(world):
    q = _queue(world.store, OFF_TOPIC)
    asking.dismiss(world.store, "main", q.id, "与工艺无关", _user(world.store, "wang"))
    client = world.login("xiao")
    page = client.get("/ask")
    answer = client.post("/ask", data={"question": OFF_TOPIC, "base": "main", "csrf": csrf_of(page.text)})
    assert answer.status_code == 200
    assert "师傅看过这个问题，没有收进知识库：与工艺无关" in answer.text
    assert "问题已转给师傅" not in answer.text
