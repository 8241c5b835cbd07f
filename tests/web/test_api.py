"""The /api/v1 endpoints, each called with a token, with the stable error shape."""

from __future__ import annotations

import io
import zipfile

import pytest

from .conftest import OTHER_UNIT

ANSWERED = "脱碳退火露点控制在多少"
UNKNOWN = "食堂的红烧肉今天几点开饭"


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["problems"], list)
    return body["error"]


def test_openapi_lists_every_endpoint(world):
    paths = world.client().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/ask", "/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/import",
                 "/api/v1/questions", "/api/v1/questions/{qid}/answer", "/api/v1/feedback",
                 "/api/v1/audit", "/api/v1/units/{unit_id}/versions"):
        assert path in paths


def test_no_token_and_bad_token_are_401(world):
    client = world.client()
    assert_error(client.get("/api/v1/units"), 401, "unauthorized")
    client.headers["Authorization"] = "Bearer lsf_not-a-token"
    error = assert_error(client.get("/api/v1/units"), 401, "unauthorized")
    assert "token" in error["message"]


def test_me_and_bases(world):
    assert world.api("xiao").get("/api/v1/me").json()["role"] == "apprentice"
    assert world.api("zhao").get("/api/v1/bases").json() == {"bases": ["other"]}
    assert set(world.api("admin").get("/api/v1/bases").json()["bases"]) >= {"main", "other"}


def test_ask_answers_with_citations(world):
    body = world.api("xiao").post("/api/v1/ask", json={"question": ANSWERED}).json()
    assert not body["refused"]
    assert body["citations"] and body["citations"][0]["unit_id"]


def test_ask_unknown_is_queued(world):
    api = world.api("xiao")
    body = api.post("/api/v1/ask", json={"question": UNKNOWN}).json()
    assert body["refused"] and body["queued_question_id"]
    queue = world.api("wang").get("/api/v1/questions").json()["questions"]
    assert UNKNOWN in [q["text"] for q in queue]


def test_an_ask_to_work_out_runs_in_the_asking_threads_and_its_error_comes_back(world,
                                                                               monkeypatch):
    import threading

    from laoshifu.answer import asking

    threads = []
    real = asking.ask

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(asking, "ask", recording)
    body = world.api("xiao").post("/api/v1/ask", json={"question": UNKNOWN}).json()
    assert body["refused"] and body["queued_question_id"]
    # Handed to a thread at once (anyio's run_in_threadpool would first wait a loop round).
    assert threads[0].startswith("laoshifu-ask")
    missing = world.api("admin").post("/api/v1/ask", json={"question": UNKNOWN, "base": "nosuch"})
    assert_error(missing, 404, "not_found")
    assert len(threads) == 2


def test_ask_validation_errors_have_the_shape(world):
    assert_error(world.api("xiao").post("/api/v1/ask", json={}), 422, "invalid")
    assert_error(world.api("xiao").post("/api/v1/ask", json={"question": "  "}), 400, "invalid")
    too_long = world.api("xiao").post("/api/v1/ask", json={"question": "长" * 10_000})
    assert_error(too_long, 400, "invalid")
    assert too_long.json()["error"]["problems"][0]["field"] == "question"


def test_units_list_get_versions(world):
    api = world.api("xiao")
    listing = api.get("/api/v1/units", params={"kind": "parameter"}).json()
    assert listing["count"] > 0 and all(u["kind"] == "parameter" for u in listing["units"])
    uid = listing["units"][0]["id"]
    assert api.get(f"/api/v1/units/{uid}").json()["id"] == uid
    versions = api.get(f"/api/v1/units/{uid}/versions").json()["versions"]
    assert versions[0]["version"] == 1
    assert_error(api.get("/api/v1/units/no-such-unit"), 404, "not_found")


def test_unit_crud_as_master(world):
    api = world.api("wang")
    created = api.post("/api/v1/units", json={
        "kind": "note", "id": "note-api", "title": "API 笔记", "process": "脱碳退火",
        "body": "先看露点。"})
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "approved" and created.json()["version"] == 1
    assert_error(api.post("/api/v1/units", json={"kind": "note", "id": "note-api", "title": "x"}),
                 409, "conflict")
    updated = api.put("/api/v1/units/note-api", json={"title": "API 笔记", "body": "先看露点，再看氢气。",
                                                      "expected_version": 1})
    assert updated.json()["version"] == 2
    stale = api.put("/api/v1/units/note-api", json={"title": "t", "body": "b", "expected_version": 1})
    assert_error(stale, 409, "conflict")
    diff = api.get("/api/v1/units/note-api/diff", params={"a": 1, "b": 2}).json()["diff"]
    assert any(line.startswith("+") and "氢气" in line for line in diff)
    assert_error(api.delete("/api/v1/units/note-api"), 400, "invalid")  # no reason given
    retired = api.delete("/api/v1/units/note-api", params={"comment": "并入露点规范"})
    assert retired.json()["status"] == "retired"
    audit = world.api("wang").get("/api/v1/audit", params={"base": "main"}).json()["entries"]
    assert {"unit.create", "unit.edit", "unit.retire"} <= {e["action"] for e in audit}


def test_validation_problems_name_the_field(world):
    error = assert_error(world.api("wang").post("/api/v1/units", json={
        "kind": "parameter", "id": "p-bad", "title": "坏参数", "process": "常化", "name": "露点", "lower": 70,
        "upper": 60}), 400, "invalid")
    assert "lower" in [p["field"] for p in error["problems"]]
    assert_error(world.api("wang").post("/api/v1/units", json={"kind": "nope", "id": "x", "title": "x"}),
                 400, "invalid")


def test_engineer_drafts_then_master_approves_or_rejects(world):
    eng, master = world.api("li"), world.api("wang")
    uid = "note-dc-dew-meter-tube"
    before = eng.get(f"/api/v1/units/{uid}").json()
    draft = eng.put(f"/api/v1/units/{uid}", json={"title": before["title"], "body": "改过的内容",
                                                  "expected_version": before["version"]}).json()
    assert draft["status"] == "draft" and draft["version"] == before["version"] + 1
    assert uid in [u["id"] for u in master.get("/api/v1/drafts").json()["units"]]
    assert_error(master.post(f"/api/v1/units/{uid}/reject", json={"comment": ""}), 400, "invalid")
    rejected = master.post(f"/api/v1/units/{uid}/reject",
                           json={"comment": "不对", "version": draft["version"]}).json()
    assert rejected["status"] == "approved" and rejected["body"] == before["body"]
    second = eng.put(f"/api/v1/units/{uid}", json={"title": before["title"], "body": "第二稿"}).json()
    approved = master.post(f"/api/v1/units/{uid}/approve",
                           json={"comment": "好", "version": second["version"]}).json()
    assert approved["status"] == "approved" and approved["body"] == "第二稿"


def test_answer_question_then_next_ask_uses_it(world):
    world.api("xiao").post("/api/v1/ask", json={"question": UNKNOWN})
    qid = world.api("wang").get("/api/v1/questions").json()["questions"][0]["id"]
    unit = world.api("wang").post(f"/api/v1/questions/{qid}/answer",
                                  json={"text": "红烧肉每天十一点半开饭。"})
    assert unit.status_code == 201 and unit.json()["kind"] == "qa"
    again = world.api("xiao").post("/api/v1/ask", json={"question": UNKNOWN}).json()
    assert not again["refused"]
    assert unit.json()["id"] in [c["unit_id"] for c in again["citations"]]
    answered = world.api("wang").get("/api/v1/questions", params={"status": "answered"}).json()
    assert qid in [q["id"] for q in answered["questions"]]


def test_feedback_thumbs_down_goes_to_the_queue(world):
    api = world.api("xiao")
    up = api.post("/api/v1/feedback", json={"question": ANSWERED, "helpful": True})
    assert up.status_code == 201
    down = api.post("/api/v1/feedback", json={"question": ANSWERED, "helpful": False,
                                              "comment": "没说 HiB 的情况"})
    assert down.status_code == 201
    listing = world.api("wang").get("/api/v1/feedback", params={"helpful": False}).json()
    assert listing["summary"] == {"up": 1, "down": 1}
    assert listing["feedback"][0]["comment"] == "没说 HiB 的情况"
    queue = world.api("wang").get("/api/v1/questions").json()["questions"]
    assert [q for q in queue if q["text"] == ANSWERED and q["reason"] == "thumbs_down"]


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


NOTE_MD = """---
id: note-zip-1
kind: note
title: 压缩包里的笔记
process: 常化
---
常化炉开炉前先查烧嘴。
"""


def test_import_zip_and_handbook(world):
    api = world.api("wang")
    data = _zip({"kb/notes/a.md": NOTE_MD})
    dry = api.post("/api/v1/import", files={"file": ("kb.zip", data, "application/zip")},
                   data={"dry_run": "true"}).json()
    assert dry["dry_run"] and dry["created"] == 1
    assert_error(api.get("/api/v1/units/note-zip-1"), 404, "not_found")
    done = api.post("/api/v1/import", files={"file": ("kb.zip", data, "application/zip")}).json()
    assert done["created"] == 1
    assert api.get("/api/v1/units/note-zip-1").json()["title"] == "压缩包里的笔记"
    handbook = "# 开炉\n\n开炉前先通保护气体十分钟，再升温。\n".encode("utf-8")
    report = api.post("/api/v1/import", files={"file": ("开炉.md", handbook, "text/markdown")}).json()
    assert report["created"] >= 1


def test_import_with_problems_writes_nothing(world):
    api = world.api("wang")
    bad = NOTE_MD.replace("kind: note", "kind: nonsense")
    before = world.store.version()
    error = assert_error(api.post("/api/v1/import", files={"file": ("kb.zip", _zip({"n.md": bad}))}),
                         400, "invalid")
    assert error["problems"][0]["file"] == "n.md"
    assert world.store.version() == before


def test_audit_needs_admin_for_all_bases(world):
    assert_error(world.api("wang").get("/api/v1/audit"), 403, "forbidden")
    assert world.api("admin").get("/api/v1/audit").json()["entries"]
    assert world.api("admin").get("/api/v1/users").status_code == 200
    assert_error(world.api("wang").get("/api/v1/users"), 403, "forbidden")


def test_other_base_is_invisible(world):
    assert_error(world.api("xiao").get(f"/api/v1/units/{OTHER_UNIT}", params={"base": "other"}),
                 403, "forbidden")
    listing = world.api("zhao").get("/api/v1/units", params={"base": "other"}).json()
    assert [u["id"] for u in listing["units"]] == [OTHER_UNIT]
    assert_error(world.api("zhao").get("/api/v1/units"), 403, "forbidden")


def test_reuploading_a_zip_retires_what_it_dropped_and_names_conflicts(world):
    """Issue 14 #12 and issue 9 #1: a stable origin for uploads; web edits are not overwritten."""
    api = world.api("wang")
    second = NOTE_MD.replace("note-zip-1", "note-zip-2").replace("压缩包里的笔记", "第二条")
    api.post("/api/v1/import", files={"file": ("kb.zip", _zip({"kb/notes/a.md": NOTE_MD,
                                                               "kb/notes/b.md": second}))})
    dropped = api.post("/api/v1/import", files={"file": ("kb.zip", _zip({"kb/notes/a.md": NOTE_MD}))})
    assert dropped.json()["retired"] == 1
    unit = api.get("/api/v1/units/note-zip-1").json()
    edited = api.put("/api/v1/units/note-zip-1", json={**unit, "body": "网页上改过了。",
                                                       "expected_version": unit["version"]})
    assert edited.status_code == 200, edited.text
    again = api.post("/api/v1/import", files={"file": ("kb.zip", _zip({"kb/notes/a.md": NOTE_MD}))})
    error = assert_error(again, 409, "conflict")
    assert error["problems"][0]["field"] == "note-zip-1"
    kept = api.post("/api/v1/import", files={"file": ("kb.zip", _zip({"kb/notes/a.md": NOTE_MD}))},
                    data={"on_conflict": "ours"})
    assert kept.json()["kept"] == 1
    assert api.get("/api/v1/units/note-zip-1").json()["body"] == "网页上改过了。"


@pytest.mark.parametrize("params, field", [({"kind": "rules"}, "kind"), ({"status": "done"}, "status")])
def test_a_misspelt_unit_filter_is_an_error_naming_its_field(world, params, field):
    error = assert_error(world.api("wang").get("/api/v1/units", params=params), 400, "invalid")
    assert error["problems"][0]["field"] == field
