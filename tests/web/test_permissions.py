"""The role × action × knowledge-base matrix, through the API and the library."""

from __future__ import annotations

import pytest

from laoshifu.people import permissions

from .conftest import OTHER_UNIT

UID = "note-dc-dew-meter-tube"


def test_matrix_is_what_the_roles_promise():
    expect = {
        # action:        admin, master, engineer, apprentice
        "ask":          (1, 1, 1, 1),
        "read":         (1, 1, 1, 1),
        "read_drafts":  (1, 1, 1, 0),
        "edit":         (1, 1, 1, 0),
        "import":       (1, 1, 0, 0),
        "approve":      (1, 1, 0, 0),
        "answer":       (1, 1, 0, 0),
        "questions":    (1, 1, 1, 0),
        "audit":        (1, 1, 0, 0),
        "admin":        (1, 0, 0, 0),
        "learn":        (1, 1, 1, 1),
        "teach":        (1, 1, 0, 0),
        "diagnose":     (1, 1, 1, 1),
        "review_data":  (1, 1, 1, 0),
        "read_reviews": (1, 1, 1, 1),
    }
    assert set(expect) == set(permissions.ACTIONS)
    for action, row in expect.items():
        for role, want in zip(permissions.ROLES, row):
            assert permissions.allowed(role, action) == bool(want), (role, action)


def _draft(world):
    world.api("li").put(f"/api/v1/units/{UID}", json={"title": "草稿标题", "body": "草稿"})


# (who, method, path, json) → expected status; drafts exist for every row.
DRAFT = "the waiting draft's version"
CASES = [
    ("xiao", "put", f"/api/v1/units/{UID}", {"title": "x", "body": "y"}, 403),
    ("xiao", "post", "/api/v1/units", {"kind": "note", "id": "n-x", "title": "x"}, 403),
    ("xiao", "delete", f"/api/v1/units/{UID}", None, 403),
    ("xiao", "post", f"/api/v1/units/{UID}/approve", {}, 403),
    ("xiao", "get", "/api/v1/drafts", None, 403),
    ("xiao", "get", f"/api/v1/units/{UID}", None, 200),         # the approved version, not the draft
    ("xiao", "get", "/api/v1/questions", None, 403),
    ("xiao", "get", "/api/v1/audit?base=main", None, 403),
    ("xiao", "get", f"/api/v1/units/{OTHER_UNIT}?base=other", None, 403),
    ("li", "post", f"/api/v1/units/{UID}/approve", {}, 403),
    ("li", "post", f"/api/v1/units/{UID}/reject", {"comment": "no"}, 403),
    ("li", "delete", f"/api/v1/units/{UID}", None, 403),
    ("li", "post", "/api/v1/questions/1/answer", {"text": "x"}, 403),
    ("li", "get", "/api/v1/drafts", None, 200),
    ("li", "get", f"/api/v1/units/{UID}", None, 200),
    ("chen", "post", f"/api/v1/units/{UID}/approve", {"base": "main"}, 403),  # master of another base
    ("chen", "get", f"/api/v1/units/{UID}", None, 403),
    ("wang", "get", f"/api/v1/units/{OTHER_UNIT}?base=other", None, 403),
    ("wang", "post", f"/api/v1/units/{UID}/approve", {"version": DRAFT}, 200),
    ("admin", "get", f"/api/v1/units/{OTHER_UNIT}?base=other", None, 200),
]


@pytest.mark.parametrize("who,method,path,body,status", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_api_matrix(world, who, method, path, body, status):
    _draft(world)
    client = world.api(who)
    if body and body.get("version") == DRAFT:
        body = {**body, "version": world.store.get_pending("main", UID).version}
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text


def test_apprentice_listing_hides_drafts_and_other_bases(world):
    _draft(world)
    units = world.api("xiao").get("/api/v1/units", params={"status": "draft"}).json()["units"]
    assert units == []
    listing = world.api("xiao").get("/api/v1/units").json()["units"]
    # The approved version stays listed while the engineer's draft waits; the draft does not show.
    (mine,) = [u for u in listing if u["id"] == UID]
    assert mine["status"] == "approved" and mine["title"] != "草稿标题"
    assert OTHER_UNIT not in [u["id"] for u in listing]
    versions = world.api("xiao").get(f"/api/v1/units/{UID}/versions").json()["versions"]
    assert [v["status"] for v in versions] == ["approved"]
    assert "草稿" not in world.api("xiao").get(f"/api/v1/units/{UID}").text


def test_apprentice_is_not_answered_from_another_base(world):
    body = world.api("xiao").post("/api/v1/ask", json={"question": "二号线的秘密笔记"}).json()
    assert OTHER_UNIT not in [c["unit_id"] for c in body["citations"]]
    denied = world.api("xiao").post("/api/v1/ask", json={"question": "秘密", "base": "other"})
    assert denied.status_code == 403
    mine = world.api("zhao").post("/api/v1/ask", json={"question": "二号线的秘密笔记", "base": "other"}).json()
    assert OTHER_UNIT in [c["unit_id"] for c in mine["citations"]] or mine["refused"]


def test_pages_follow_the_matrix(world):
    apprentice = world.login("xiao")
    assert apprentice.get(f"/units/{UID}/edit").status_code == 403
    assert apprentice.get("/review").status_code == 403
    assert apprentice.get("/questions").status_code == 403
    assert apprentice.get("/admin").status_code == 403
    assert apprentice.get("/import").status_code == 403
    assert apprentice.get(f"/units/{OTHER_UNIT}?base=other").status_code == 403
    engineer = world.login("li")
    assert engineer.get("/review").status_code == 200
    assert 'value="approve"' not in engineer.get("/review").text
    assert engineer.get("/admin").status_code == 403
    assert world.login("admin").get("/admin").status_code == 200
