"""A write the user may not make is refused (403) before anything of its body is looked
at: no validation details for an apprentice's malformed unit (issue 9 #18)."""

from __future__ import annotations

import pytest

from .conftest import csrf_of

BAD_UNIT = {"kind": "parameter", "id": "Bad Id", "title": "", "lower": "abc"}


@pytest.mark.parametrize("user,method,path,kwargs", [
    ("xiao", "POST", "/api/v1/units", {"json": BAD_UNIT}),
    ("xiao", "POST", "/api/v1/units", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("xiao", "PUT", "/api/v1/units/dc-dew-point", {"json": {"lower": "abc"}}),
    ("li", "DELETE", "/api/v1/units/dc-dew-point", {}),
    ("li", "POST", "/api/v1/units/dc-dew-point/approve", {"content": b"[]", "headers": {"content-type": "application/json"}}),
    ("li", "POST", "/api/v1/units/dc-dew-point/reject", {"json": {"version": "x"}}),
    ("li", "POST", "/api/v1/questions/1/answer", {"json": {"text": 5}}),
    ("xiao", "POST", "/api/v1/questions/1/dismiss", {"json": {"reason": 5}}),
    ("xiao", "POST", "/api/v1/training/tracks", {"json": {"name": 5}}),
    ("xiao", "PUT", "/api/v1/training/tracks/1", {"json": {"name": 5}}),
    ("xiao", "POST", "/api/v1/import", {"content": b"junk", "headers": {"content-type": "multipart/form-data; boundary=x"}}),
])
def test_the_api_refuses_by_role_first(world, user, method, path, kwargs):
    response = world.api(user).request(method, path, **kwargs)
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert [p["field"] for p in error["problems"]] == [None]  # nothing about the body


def test_another_bases_master_is_refused_before_validation(world):
    # chen is a master, but of 'other': the base is checked before the unit.
    response = world.api("chen").post("/api/v1/units", json={**BAD_UNIT, "base": "main"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "no access to knowledge base 'main'"


def test_those_allowed_still_get_the_details(world):
    response = world.api("li").post("/api/v1/units", json=BAD_UNIT)
    assert response.status_code == 400
    assert {p["field"] for p in response.json()["error"]["problems"]} >= {"id", "lower"}
    ok = world.api("li").post("/api/v1/units", json={"kind": "note", "id": "note-li",
                                                    "title": "李工的笔记", "body": "先看露点。"})
    assert ok.status_code == 201 and ok.json()["status"] == "draft"


@pytest.mark.parametrize("user,path", [
    ("xiao", "/units/new"),
    ("xiao", "/units/dc-dew-point/edit"),
    ("li", "/units/dc-dew-point/retire"),
    ("li", "/review/dc-dew-point"),
    ("xiao", "/tracks"),
    ("wang", "/admin/users"),
])
def test_pages_refuse_by_role_first(world, user, path):
    client = world.login(user)
    token = csrf_of(client.get("/").text)
    response = client.post(path, data={"csrf": token, "kind": "parameter", "id": "Bad Id",
                                       "lower": "abc"}, follow_redirects=False)
    assert response.status_code == 403
    assert "Bad Id" not in response.text and "abc" not in response.text
