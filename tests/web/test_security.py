"""Escaping, injection, CSRF, session fixation, brute force, hostile uploads."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from .conftest import PASSWORD, csrf_of, login

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = ["' OR '1'='1", "'; DROP TABLE units; --", '" OR ""="', "%' --", "\\", "１＝１; SELECT *"]


def test_html_in_unit_bodies_and_questions_is_escaped(world):
    world.api("wang").post("/api/v1/units", json={"kind": "note", "id": "note-xss", "title": XSS,
                                                 "body": XSS})
    client = world.login("xiao")
    page = client.get("/units/note-xss")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text
    listing = client.get("/units", params={"q": XSS})
    assert "<script>alert" not in listing.text
    answer = client.post("/ask", data={"question": XSS, "csrf": csrf_of(client.get("/").text)})
    assert "<script>alert" not in answer.text
    question = "<svg onload=confirm(9)>食堂红烧肉几点开饭"
    refused = client.post("/ask", data={"question": question, "csrf": csrf_of(client.get("/").text)})
    assert "<svg onload" not in refused.text
    master = world.login("wang")
    queue = master.get("/questions")
    assert "<svg onload" not in queue.text and "&lt;svg onload" in queue.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("text", SQL)
def test_sql_metacharacters_in_search_and_forms(world, text):
    api = world.api("wang")
    for params in ({"q": text}, {"kind": text}, {"process": text}, {"status": text}):
        response = api.get("/api/v1/units", params=params)
        assert response.status_code in (200, 400, 422), response.text  # never a 500
    client = world.login("wang")
    assert client.get("/units", params={"q": text, "process": text, "kind": text}).status_code == 200
    assert client.get(f"/units/{text}").status_code in (404, 400)
    created = api.post("/api/v1/units", json={"kind": "note", "id": "note-sql", "title": text,
                                              "process": text, "body": text, "tags": [text]})
    assert created.status_code == 201
    assert api.get("/api/v1/units/note-sql").json()["title"] == text
    bad_id = api.post("/api/v1/units", json={"kind": "note", "id": text, "title": "t"})
    assert bad_id.status_code == 400
    ask = api.post("/api/v1/ask", json={"question": text + " 露点"})
    assert ask.status_code == 200
    fb = api.post("/api/v1/feedback", json={"question": text, "helpful": False, "comment": text})
    assert fb.status_code == 201
    assert login(world.client(), text, text).status_code == 401
    assert api.get("/api/v1/units", params={"kind": "note"}).json()["count"] > 1  # table intact


def test_csrf_missing_or_wrong_is_refused(world):
    client = world.login("wang")
    form = {"kind": "note", "id": "note-csrf", "title": "t", "body": "b"}
    assert client.post("/units/new", data=form).status_code == 403
    assert client.post("/units/new", data={**form, "csrf": "wrong"}).status_code == 403
    assert world.store.get_unit("main", "note-csrf") is None
    good = client.post("/units/new", data={**form, "csrf": csrf_of(client.get("/units/new").text)},
                       follow_redirects=False)
    assert good.status_code == 303
    assert client.post("/logout", data={}).status_code == 403
    anon = world.client()
    anon.get("/login")
    refused = anon.post("/login", data={"username": "wang", "password": PASSWORD, "csrf": "x"},
                        follow_redirects=False)
    assert refused.status_code == 403


def test_session_rotates_at_login_and_ends_at_logout(world):
    client = world.client()
    client.get("/login")
    before = client.cookies.get("lsf_session")
    assert login(client, "wang").status_code == 303
    after = client.cookies.get("lsf_session")
    assert before and after and before != after
    # A fixed (pre-login) cookie is useless to an attacker: it names no session.
    attacker = world.client()
    attacker.cookies.set("lsf_session", before)
    assert attacker.get("/", follow_redirects=False).status_code == 303
    # A second login gets yet another session id.
    other = world.client()
    login(other, "wang")
    assert other.cookies.get("lsf_session") != after
    logout = client.post("/logout", data={"csrf": csrf_of(client.get("/").text)}, follow_redirects=False)
    assert logout.status_code == 303
    stolen = world.client()
    stolen.cookies.set("lsf_session", after)
    assert stolen.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_flags(world):
    client = world.client()
    page = client.get("/login")
    login_response = client.post("/login", data={"username": "wang", "password": PASSWORD,
                                                 "csrf": csrf_of(page.text)}, follow_redirects=False)
    header = [h for h in login_response.headers.get_list("set-cookie") if h.startswith("lsf_session=")][0]
    assert "HttpOnly" in header and "SameSite=lax" in header.replace("Lax", "lax")


def test_brute_force_login_is_slowed(world):
    client = world.client()
    statuses = [login(client, "wang", f"guess-{i}").status_code for i in range(5)]
    assert statuses[:3] == [401, 401, 401]
    assert 429 in statuses
    # Even the right password waits now.
    blocked = login(client, "wang")
    assert blocked.status_code == 429
    assert "秒" in blocked.text or "try again" in blocked.text
    # Another user from the same address is not locked out.
    assert login(world.client(), "li").status_code == 303


def test_open_redirect_is_refused(world):
    client = world.client()
    page = client.get("/login")
    response = client.post("/login", data={"username": "wang", "password": PASSWORD,
                                           "csrf": csrf_of(page.text), "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def _upload(client, name: str, data: bytes):
    page = client.get("/import")
    return client.post("/import", data={"csrf": csrf_of(page.text)},
                       files={"file": (name, data, "application/octet-stream")})


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


NOTE = "---\nid: note-evil\nkind: note\ntitle: 坏笔记\n---\n正文\n"


def _nothing_written(world, before_version, tmp_root):
    assert world.store.version() == before_version
    assert world.store.get_unit("main", "note-evil") is None
    assert not (tmp_root / "evil.md").exists()


@pytest.mark.parametrize("name,entries,message", [
    ("traversal.zip", [("../evil.md", NOTE)], "unsafe path"),
    ("absolute.zip", [("/tmp/evil.md", NOTE)], "unsafe path"),
    ("backslash.zip", [("..\\evil.md", NOTE)], "unsafe path"),
    ("bomb.zip", [("notes/big.md", "0" * (50 * 1024 * 1024))], "zip bomb"),
])
def test_hostile_zips_are_refused(world, tmp_path, name, entries, message):
    client = world.login("wang")
    before = world.store.version()
    response = _upload(client, name, _zip(entries))
    assert response.status_code == 400
    assert message in response.text
    _nothing_written(world, before, tmp_path)


def test_symlink_in_zip_is_refused(world, tmp_path):
    info = zipfile.ZipInfo("notes/link.md")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    client = world.login("wang")
    before = world.store.version()
    response = _upload(client, "link.zip", _zip([(info, "/etc/passwd"), ("notes/a.md", NOTE)]))
    assert response.status_code == 400 and "symbolic link" in response.text
    _nothing_written(world, before, tmp_path)


def test_oversized_upload_is_refused(world, tmp_path):
    client = world.login("wang")
    before = world.store.version()
    big = b"# x\n" + b"a" * (600 * 1024)  # the test app allows 512 KB
    response = _upload(client, "big.md", big)
    assert response.status_code == 413
    assert "上限" in response.text  # "over the … limit", in the page's language
    huge = world.api("wang").post("/api/v1/import", files={"file": ("h.zip", b"0" * (3 * 1024 * 1024))})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    _nothing_written(world, before, tmp_path)


def test_not_a_zip_and_wrong_type(world):
    client = world.login("wang")
    assert "not a readable zip" in _upload(client, "x.zip", b"PK\x03\x04garbage").text
    assert "cannot import" in _upload(client, "x.exe", b"MZ...").text
