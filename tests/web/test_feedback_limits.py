"""Feedback is bounded like a question: 15 MB of 'question' was stored three times (issue 14, M16)."""

from __future__ import annotations

import pytest

from laoshifu.answer import feedback

from .conftest import csrf_of

QUESTION = "脱碳退火露点控制在多少"


def _nothing_stored(world):
    assert feedback.list_feedback(world.store, "main") == []
    assert world.api("wang").get("/api/v1/questions").json()["questions"] == []
    assert not [a for a in world.store.audit_log(limit=50) if a["action"].startswith("feedback.")]


@pytest.mark.parametrize("payload,field", [
    ({"question": "露" * 501}, "question"),
    ({"question": "   "}, "question"),
    ({"question": QUESTION, "citations": [f"unit-{i}" for i in range(feedback.MAX_CITATIONS + 1)]},
     "citations"),
    ({"question": QUESTION, "citations": ["x" * 129]}, "citations"),
    ({"question": QUESTION, "comment": "评" * (feedback.MAX_COMMENT + 1)}, "comment"),
])
def test_oversized_feedback_is_refused_and_nothing_stored(world, payload, field):
    response = world.api("xiao").post("/api/v1/feedback", json={"helpful": False, **payload})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["problems"][0]["field"] == field
    _nothing_stored(world)


def test_feedback_at_the_limits_is_kept(world):
    cites = [f"unit-{i}" for i in range(feedback.MAX_CITATIONS)]
    response = world.api("xiao").post("/api/v1/feedback", json={
        "question": "露" * 500, "helpful": False, "citations": cites, "comment": "评" * feedback.MAX_COMMENT})
    assert response.status_code == 201, response.text
    assert feedback.list_feedback(world.store, "main")[0].citations == cites


def test_page_feedback_with_a_long_question_is_refused(world):
    client = world.login("xiao")
    response = client.post("/feedback", data={"question": "露" * 5000, "helpful": "0",
                                              "csrf": csrf_of(client.get("/").text)})
    assert response.status_code == 400
    _nothing_stored(world)
