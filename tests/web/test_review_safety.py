"""The 审核 page and the API decide on the draft the master saw; retiring, answering and
publishing never overwrite or remove anything on one careless click."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import csrf_of
from .test_api import UNKNOWN, assert_error

UID = "note-dc-dew-meter-tube"
CSS = Path(__file__).resolve().parents[2] / "laoshifu" / "web" / "static" / "app.css"


def _draft(world, body: str, comment: str = "") -> dict:
    """li's draft of UID, over whatever is waiting."""
    api = world.api("li")
    seen = api.get(f"/api/v1/units/{UID}/versions").json()["versions"][-1]["version"]
    unit = world.store.get_unit("main", UID)
    response = api.put(f"/api/v1/units/{UID}", json={
        "title": unit.title, "process": unit.process, "body": body, "comment": comment,
        "expected_version": seen})
    assert response.status_code == 200, response.text
    return response.json()


def _card(html: str, unit_id: str) -> str:
    match = re.search(rf'<article class="draft" id="draft-{unit_id}">.*?</article>', html, re.S)
    assert match, f"no card for {unit_id}"
    return match.group(0)


# -- Issue 14 #4: approve what was reviewed --------------------------------------------------

def test_review_form_approves_only_the_version_the_master_saw(world):
    a = _draft(world, "草稿A：露点60℃。")
    master = world.login("wang")
    page = master.get("/review")
    card = _card(page.text, UID)
    assert f'name="version" value="{a["version"]}"' in card
    b = _draft(world, "草稿B：露点90℃也没事。")  # swapped after the master opened A
    response = master.post(f"/review/{UID}", data={
        "csrf": csrf_of(page.text), "base": "main", "decision": "approve",
        "version": str(a["version"]), "comment": "看过了"})
    assert response.status_code == 409
    assert "草稿B" in _card(response.text, UID)  # the new draft is shown, to be reviewed
    assert f'name="version" value="{b["version"]}"' in _card(response.text, UID)
    assert world.store.get_unit("main", UID).body != "草稿B：露点90℃也没事。"
    assert world.store.get_pending("main", UID).version == b["version"]


def test_api_approve_and_reject_carry_the_version(world):
    a = _draft(world, "草稿A")
    b = _draft(world, "草稿B")
    master = world.api("wang")
    error = assert_error(master.post(f"/api/v1/units/{UID}/approve",
                                     json={"version": a["version"]}), 409, "conflict")
    assert error["problems"][0]["field"] == "version"
    assert_error(master.post(f"/api/v1/units/{UID}/reject",
                             json={"version": a["version"], "comment": "不行"}), 409, "conflict")
    missing = assert_error(master.post(f"/api/v1/units/{UID}/approve", json={}), 400, "invalid")
    assert "which version" in missing["message"]
    done = master.post(f"/api/v1/units/{UID}/approve", json={"version": b["version"]})
    assert done.status_code == 200 and done.json()["body"] == "草稿B"


# -- Issue 14 #21: the server sets the author -------------------------------------------------

def test_engineer_cannot_set_the_author_through_the_api(world):
    api = world.api("li")
    created = api.post("/api/v1/units", json={"kind": "note", "id": "note-forged", "title": "假冒",
                                              "body": "露点90℃没问题。", "author": "王师傅"})
    assert created.status_code == 201 and created.json()["author"] == "li"
    before = world.store.get_unit("main", UID)
    draft = api.put(f"/api/v1/units/{UID}", json={"title": before.title, "body": "改", "author": "王师傅2",
                                                  "expected_version": before.version})
    assert draft.json()["author"] == before.author


# -- Issue 14 #22: no silent overwrite --------------------------------------------------------

def test_master_put_over_a_waiting_draft_needs_the_version(world):
    draft = _draft(world, "工程师的草稿")
    master = world.api("wang")
    unit = world.store.get_unit("main", UID)
    body = {"title": unit.title, "body": "师傅直接发布"}
    error = assert_error(master.put(f"/api/v1/units/{UID}", json=body), 409, "conflict")
    assert error["problems"][0]["field"] == "version"
    assert_error(master.put(f"/api/v1/units/{UID}", json={**body, "expected_version": unit.version}),
                 409, "conflict")
    assert world.store.get_pending("main", UID).body == "工程师的草稿"
    done = master.put(f"/api/v1/units/{UID}", json={**body, "expected_version": draft["version"]})
    assert done.status_code == 200 and done.json()["body"] == "师傅直接发布"


# -- Issue 9 #2: answering an answered question -----------------------------------------------

def test_api_answer_again_needs_replace(world):
    world.api("xiao").post("/api/v1/ask", json={"question": UNKNOWN})
    master = world.api("wang")
    qid = master.get("/api/v1/questions").json()["questions"][0]["id"]
    first = master.post(f"/api/v1/questions/{qid}/answer", json={"text": "十一点半。"}).json()
    error = assert_error(master.post(f"/api/v1/questions/{qid}/answer", json={"text": "十二点。"}),
                         409, "conflict")
    assert "already answered" in error["message"]
    again = master.post(f"/api/v1/questions/{qid}/answer", json={"text": "十二点。", "replace": True})
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["version"]) == (first["id"], first["version"] + 1)


def test_questions_page_offers_replace_for_a_reopened_question(world):
    from laoshifu.answer import question_key

    apprentice = world.login("xiao")
    apprentice.post("/ask", data={"question": UNKNOWN, "csrf": csrf_of(apprentice.get("/").text)})
    qid = world.store.list_questions("main")[0].id
    master = world.login("wang")
    page = master.get("/questions")
    assert 'name="replace"' not in page.text  # nothing to replace yet
    master.post(f"/questions/{qid}/answer", data={"csrf": csrf_of(page.text), "text": "十一点半。"})
    # Asked again after the answer: the question is open again, its answer still live.
    world.store.record_question("main", UNKNOWN, question_key(UNKNOWN), [], reason="thumbs_down")
    page = master.get("/questions")
    article = re.search(rf'<article class="question" id="q-{qid}">.*?</article>', page.text, re.S)
    assert article and 'name="replace"' in article.group(0)
    refused = master.post(f"/questions/{qid}/answer", data={"csrf": csrf_of(page.text), "text": "十二点。"})
    assert refused.status_code == 409 and "十二点。" in refused.text  # the typed answer is kept
    done = master.post(f"/questions/{qid}/answer", data={"csrf": csrf_of(page.text), "text": "十二点。",
                                                         "replace": "1"}, follow_redirects=False)
    assert done.status_code == 303
    answer_id = world.store.get_question("main", qid).answer_unit_id
    assert [u.body for u, _ in world.store.history("main", answer_id)] == ["十一点半。", "十二点。"]


# -- Issue 9 #3: retiring asks for confirmation and a reason ----------------------------------

def test_retire_asks_for_confirmation_and_a_reason(world):
    master = world.login("wang")
    unit_page = master.get(f"/units/{UID}")
    assert f'action="/units/{UID}/retire"' not in unit_page.text  # no one-click form
    assert f'href="/units/{UID}/retire' in unit_page.text
    confirm = master.get(f"/units/{UID}/retire")
    assert confirm.status_code == 200
    assert f'action="/units/{UID}/retire"' in confirm.text and 'name="comment"' in confirm.text
    csrf = csrf_of(confirm.text)
    empty = master.post(f"/units/{UID}/retire", data={"csrf": csrf, "base": "main", "comment": " "})
    assert empty.status_code == 400 and 'name="comment"' in empty.text
    assert world.store.get_unit("main", UID).status == "approved"
    done = master.post(f"/units/{UID}/retire", data={"csrf": csrf, "base": "main",
                                                     "comment": "取样管改造后不适用"},
                       follow_redirects=False)
    assert done.status_code == 303
    unit, info = world.store.history("main", UID)[-1]
    assert (unit.status, info["comment"]) == ("retired", "取样管改造后不适用")


def test_api_retire_needs_a_reason(world):
    api = world.api("wang")
    assert_error(api.delete(f"/api/v1/units/{UID}"), 400, "invalid")
    done = api.delete(f"/api/v1/units/{UID}", params={"comment": "不再适用"})
    assert done.status_code == 200 and done.json()["status"] == "retired"


# -- Issue 9 #7: the 审核 card -----------------------------------------------------------------

def test_review_buttons_are_translated(world):
    _draft(world, "草稿")
    master = world.login("wang")
    zh = master.get("/review").text
    assert "review.approve" not in zh and "review.reject" not in zh
    assert ">批准<" in zh and ">退回<" in zh
    en = master.get("/review", params={"lang": "en"}).text
    assert ">Approve<" in en and ">Reject<" in en


def test_review_card_shows_the_drafter_and_note_and_no_status_noise(world):
    _draft(world, "加湿水温上限改为67℃。", comment="按新水泵调整")
    card = _card(world.login("wang").get("/review").text, UID)
    base_author = world.store.get_unit("main", UID).author
    assert "li" in card and "按新水泵调整" in card
    assert base_author != "li"
    assert "status:" not in card  # approved → draft is not a change of the content
    assert "+加湿水温上限改为67℃。" in card


def test_diff_font_stack_has_a_cjk_monospace_fallback():
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"pre[^{]*\{[^}]*font-family:([^;}]+)", css)
    assert rule, "no font-family for pre"
    fonts = rule.group(1)
    assert "WenQuanYi Micro Hei Mono" in fonts and "Noto Sans Mono CJK SC" in fonts
    assert fonts.strip().endswith("monospace")
