"""Errors on every form appear beside what they are about, and what was typed is kept."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from .conftest import csrf_of

UID = "note-dc-dew-meter-tube"


def _draft(world) -> None:
    unit = world.store.get_unit("main", UID)
    response = world.api("li").put(f"/api/v1/units/{UID}", json={
        "title": unit.title, "process": unit.process, "body": "工程师的草稿"})
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_language_link_keeps_the_page_query(world):
    client = world.login("wang")
    page = client.get("/units/new", params={"kind": "rule"})
    link = html.unescape(re.search(r'<a class="lang" href="([^"]+)"', page.text).group(1))
    assert "kind=rule" in link and "lang=en" in link
    english = client.get(link)
    assert 'name="diagnosis"' in english.text  # still the rule form, now in English
    search = client.get("/units", params={"q": "露点", "kind": "parameter", "lang": "en"})
    back = unquote(html.unescape(re.search(r'<a class="lang" href="([^"]+)"', search.text).group(1)))
    assert "q=露点" in back and "kind=parameter" in back and "lang=zh" in back
    assert back.count("lang=") == 1


def test_reject_without_comment_is_shown_beside_the_draft(world):
    _draft(world)
    master = world.login("wang")
    review = master.get("/review")
    response = master.post(f"/review/{UID}", data={"csrf": csrf_of(review.text), "base": "main",
                                                   "decision": "reject", "comment": "  "})
    assert response.status_code == 400
    article = re.search(rf'<article class="draft" id="draft-{UID}">.*?</article>', response.text, re.S)
    assert article and "请写明退回的理由" in article.group(0)  # in the page's language
    assert world.store.get_pending("main", UID) is not None  # the draft still waits
    assert world.store.get_unit("main", UID).status == "approved"


def test_answer_error_is_shown_beside_the_question_with_the_text_kept(world):
    asked = world.api("xiao").post("/api/v1/ask", json={"question": "食堂的红烧肉今天几点开饭"})
    assert asked.json()["refused"]
    qid = world.api("wang").get("/api/v1/questions").json()["questions"][0]["id"]
    master = world.login("wang")
    page = master.get("/questions")
    too_long = "答" * 20001
    response = master.post(f"/questions/{qid}/answer", data={"csrf": csrf_of(page.text),
                                                             "base": "main", "text": too_long})
    assert response.status_code == 400
    article = re.search(rf'<article class="question" id="q-{qid}">.*?</article>', response.text, re.S)
    assert article and "at most 20000 characters" in article.group(0)
    assert too_long in article.group(0)  # the master's answer is not lost
    missing = master.post("/questions/999999/answer", data={"csrf": csrf_of(page.text),
                                                           "base": "main", "text": "x"})
    assert missing.status_code == 404


def test_creating_a_unit_with_an_id_in_use_says_so_beside_the_id(world):
    master = world.login("wang")
    form = master.get("/units/new", params={"kind": "note"})
    response = master.post("/units/new", data={"csrf": csrf_of(form.text), "kind": "note",
                                               "id": UID, "title": "重名", "body": "x"})
    assert response.status_code == 400
    assert re.search(r'data-field="id">[^<]*已经被占用了', response.text)
    assert "刚被别人改过" not in response.text
    api = world.api("wang").post("/api/v1/units", json={"kind": "note", "id": UID, "title": "重名"})
    assert api.status_code == 409 and api.json()["error"]["code"] == "conflict"
    assert "already" in api.json()["error"]["message"]
    assert api.json()["error"]["problems"][0]["field"] == "id"


def test_permission_messages_read_as_english(world):
    response = world.api("xiao").get("/api/v1/drafts")
    message = response.json()["error"]["message"]
    assert message.startswith("an apprentice may not") and "a apprentice" not in message
    queue = world.api("xiao").get("/api/v1/questions").json()["error"]["message"]
    assert "may not questions" not in queue


def test_api_unit_list_refuses_an_unknown_kind_or_status(world):
    response = world.api("xiao").get("/api/v1/units", params={"kind": "rules"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["problems"][0]["field"] == "kind" and "rule" in error["problems"][0]["hint"]
    bad = world.api("xiao").get("/api/v1/units", params={"status": "aproved"})
    assert bad.status_code == 400 and bad.json()["error"]["problems"][0]["field"] == "status"
