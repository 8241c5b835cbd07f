"""/api/v1/training: every endpoint × role × base, and one learner's round trip."""

from __future__ import annotations

import pytest

from laoshifu.people import accounts
from laoshifu.training import exams, study, tracks

T = "/api/v1/training"


@pytest.fixture
def setup(world):
    """A track, one of xiao's exams, and the card to answer."""
    store = world.store
    wang = accounts.get_user(store, "wang")
    track = tracks.save_track(store, tracks.Track(base="main", name="脱碳岗", processes=("脱碳退火",)), wang)
    exam = exams.start_exam(store, "main", accounts.get_user(store, "xiao"), "脱碳退火")
    card = study.card_of(store, "main", "dc-dew-point", "upper")
    return {"track": track.id, "exam": exam.id, "card": card}


def _cases(track: int, exam: int):
    answer = {"unit_id": "dc-dew-point", "slot": "upper", "response": "65"}
    new_track = {"name": "新路线", "processes": ["常化"]}
    other = {"base": "other", "unit_id": "other-note", "slot": "recall", "response": "good"}
    return [
        # who, method, path, json, status
        (None, "get", "/queue", None, 401),
        ("xiao", "get", "/queue", None, 200),
        ("li", "get", "/queue", None, 200),
        ("zhao", "get", "/queue", None, 403),  # not his base
        ("zhao", "get", "/queue?base=other", None, 200),
        ("xiao", "post", "/answers", answer, 201),
        ("zhao", "post", "/answers", answer, 403),
        ("xiao", "post", "/answers", other, 403),
        ("xiao", "get", "/progress", None, 200),
        ("xiao", "get", "/progress/xiao", None, 200),
        ("xiao", "get", "/progress/zhao", None, 403),
        ("wang", "get", "/progress/xiao", None, 200),
        ("wang", "get", "/progress/li", None, 404),  # an engineer is not his apprentice
        ("chen", "get", "/progress/xiao", None, 403),  # the master of another base
        ("chen", "get", "/progress/zhao?base=other", None, 200),
        ("admin", "get", "/progress/xiao", None, 200),
        ("xiao", "get", "/apprentices", None, 403),
        ("li", "get", "/apprentices", None, 403),
        ("chen", "get", "/apprentices", None, 403),
        ("wang", "get", "/apprentices", None, 200),
        ("admin", "get", "/apprentices?base=other", None, 200),
        ("xiao", "get", "/tracks", None, 200),
        ("zhao", "get", "/tracks", None, 403),
        ("xiao", "post", "/tracks", new_track, 403),
        ("li", "post", "/tracks", new_track, 403),
        ("chen", "post", "/tracks", new_track, 403),
        ("wang", "post", "/tracks", new_track, 201),
        ("wang", "post", "/tracks", {"name": "", "processes": ["无此工序"]}, 400),
        ("xiao", "put", f"/tracks/{track}", new_track, 403),
        ("wang", "put", f"/tracks/{track}", new_track, 200),
        ("wang", "put", "/tracks/999", new_track, 404),
        ("xiao", "delete", f"/tracks/{track}", None, 403),
        ("chen", "delete", f"/tracks/{track}?base=main", None, 403),
        ("wang", "delete", f"/tracks/{track}", None, 200),
        ("xiao", "post", "/exams", {"process": "脱碳退火"}, 201),
        ("zhao", "post", "/exams", {"process": "脱碳退火"}, 403),
        ("xiao", "post", "/exams", {"process": "无此工序"}, 404),
        ("xiao", "get", "/exams", None, 200),
        ("xiao", "get", "/exams?user_name=zhao", None, 403),
        ("wang", "get", "/exams", None, 200),
        ("wang", "get", "/exams?user_name=xiao", None, 200),
        ("chen", "get", "/exams", None, 403),
        ("xiao", "get", f"/exams/{exam}", None, 200),
        ("wang", "get", f"/exams/{exam}", None, 200),
        ("chen", "get", f"/exams/{exam}", None, 404),
        ("zhao", "get", f"/exams/{exam}", None, 404),
        ("wang", "post", f"/exams/{exam}/answers", {"answers": {}}, 403),
        ("zhao", "post", f"/exams/{exam}/answers", {"answers": {}}, 404),
        ("xiao", "post", f"/exams/{exam}/answers", {"answers": {"0": "65"}}, 200),
    ]


def test_every_endpoint_checks_who_asks(world, setup):
    failures = []
    for who, method, path, body, status in _cases(setup["track"], setup["exam"]):
        client = world.api(who) if who else world.client()
        kwargs = {"json": body} if body is not None else {}
        response = getattr(client, method)(T + path, **kwargs) if method != "delete" else \
            client.delete(T + path)
        if response.status_code != status:
            failures.append((who, method, path, status, response.status_code, response.text[:200]))
    assert failures == []


def test_an_apprentice_learns_and_is_graded_through_the_api(world, setup):
    client = world.api("xiao")
    queue = client.get(T + "/queue?limit=3").json()
    first = queue["items"][0]["card"]
    assert queue["new_left"] == 20 and "answer_text" not in first
    done = client.post(T + "/answers", json={"unit_id": "dc-dew-point", "slot": "upper",
                                             "response": "338.15K"}).json()
    assert done["verdict"]["correct"] is True and done["verdict"]["message"] == "338.15 K = 65 ℃"
    bad = client.post(T + "/answers", json={"unit_id": "dc-dew-point", "slot": "upper", "response": ""})
    assert bad.status_code == 400 and bad.json()["error"]["problems"][0]["field"] == "answer"
    mine = client.get(T + "/progress").json()
    assert (mine["user"], mine["learned"], mine["reviews"]) == ("xiao", 1, 1)
    seen = world.api("wang").get(T + "/apprentices").json()
    assert [p["user"] for p in seen["apprentices"]] == ["xiao"]
