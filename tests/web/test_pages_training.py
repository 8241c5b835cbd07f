"""The 学习, 考核 and 徒弟 pages: forms, CSRF, roles, errors shown in place."""

from __future__ import annotations

import re

from laoshifu.people import accounts
from laoshifu.training import exams, study

from .conftest import csrf_of


def _card_on(page: str, store):
    key = re.search(r'data-key="([^"]+)"', page).group(1)
    return study.card_of(store, "main", *key.split("#"))


def _form_answer(card, csrf, right=True):
    data = {"csrf": csrf, "base": "main", "unit_id": card.unit_id, "slot": card.slot}
    if card.answer_kind == "choice":
        data["choice"] = str(card.correct if right else (card.correct + 1) % len(card.choices))
    elif card.answer_kind == "number":
        data["answer"] = str(card.value if right else card.value + 100)
    elif card.answer_kind == "order":
        data.update({f"pos_{i}": str(card.order.index(i) + 1) for i in range(len(card.order))})
    else:
        data["rating"] = "3"
    return data


def test_learning_one_card_at_a_time(world):
    client = world.login("xiao")
    page = client.get("/learn")
    assert page.status_code == 200 and "今天还能学新卡 20" in page.text
    card = _card_on(page.text, world.store)
    done = client.post("/learn", data=_form_answer(card, csrf_of(page.text)), follow_redirects=True)
    assert 'class="card result right"' in done.text and "下一张" in done.text
    page = client.get("/learn")
    card = _card_on(page.text, world.store)
    done = client.post("/learn", data=_form_answer(card, csrf_of(page.text), right=False), follow_redirects=True)
    assert 'class="card result wrong"' in done.text and card.answer_text.split("：")[0] in done.text


def test_an_unreadable_answer_is_shown_on_the_card(world):
    client = world.login("xiao")
    page = client.get("/learn")
    card = _card_on(page.text, world.store)
    data = {**_form_answer(card, csrf_of(page.text)), "choice": "9", "answer": "abc"}
    response = client.post("/learn", data=data)
    assert response.status_code == 400 and 'role="alert"' in response.text
    assert study.learned_count(world.store, "main", accounts.get_user(world.store, "xiao")) == 0


def test_forms_need_their_csrf_token(world):
    client = world.login("xiao")
    card = _card_on(client.get("/learn").text, world.store)
    assert client.post("/learn", data={**_form_answer(card, "x")}).status_code == 403
    assert client.post("/exam/start", data={"process": "脱碳退火", "csrf": ""}).status_code == 403
    master = world.login("wang")
    assert master.post("/tracks", data={"name": "x", "csrf": "nope"}).status_code == 403


def test_pages_check_roles(world):
    assert world.client().get("/learn", follow_redirects=False).status_code == 303  # log in first
    apprentice = world.login("xiao")
    assert apprentice.get("/apprentices").status_code == 403
    assert apprentice.get("/apprentices/xiao").status_code == 200  # his own page
    assert apprentice.get("/apprentices/zhao").status_code == 403
    assert world.login("chen").get("/apprentices?base=main").status_code == 403
    assert world.login("zhao").get("/learn?base=main").status_code == 403
    page = world.login("wang").get("/apprentices")
    assert page.status_code == 200 and 'id="apprentice-xiao"' in page.text


def test_an_exam_passed_gives_a_printable_certificate(world):
    client = world.login("xiao")
    home = client.get("/exam")
    assert "脱碳退火" in home.text
    started = client.post("/exam/start", data={"csrf": csrf_of(home.text), "base": "main",
                                               "process": "脱碳退火"}, follow_redirects=True)
    exam_id = int(re.search(r'action="/exam/(\d+)"', started.text).group(1))
    exam = exams.get_exam(world.store, exam_id, accounts.get_user(world.store, "xiao"))
    data = {"csrf": csrf_of(started.text)}
    for i, q in enumerate(exam.questions):
        answer = _form_answer(q, "")
        data.update({f"q{i}_{k}": v for k, v in answer.items() if k in ("choice", "answer")
                     or k.startswith("pos_")})
    result = client.post(f"/exam/{exam_id}", data=data, follow_redirects=True)
    assert 'class="exam-result pass"' in result.text and "10/10" in result.text
    cert = client.get(f"/exam/{exam_id}/certificate")
    assert cert.status_code == 200 and "上岗合格证" in cert.text and "@media print" not in cert.text
    assert world.login("wang").get(f"/exam/{exam_id}/certificate").status_code == 200
    assert world.login("chen").get(f"/exam/{exam_id}/certificate").status_code == 404


def test_a_bad_track_keeps_what_the_master_typed(world):
    master = world.login("wang")
    page = master.get("/apprentices")
    response = master.post("/tracks", data={"csrf": csrf_of(page.text), "base": "main", "name": "脱碳岗",
                                            "processes": "脱碳退火", "units": "no-such-unit",
                                            "assignees": "role:apprentice", "new_per_day": "20",
                                            "exam_size": "x", "pass_mark": "80", "time_limit_min": "20"})
    assert response.status_code == 400
    assert "「x」 不是数字" in response.text and 'value="脱碳岗"' in response.text
