"""Request bodies: counted on the stream (chunked bodies have no Content-Length), refused
past each endpoint's limit, and never read before the sender is known to be allowed.

The app is driven as ASGI with a body generator that counts what the app pulled, so
"read before the 401" is measured in bytes, not guessed from memory use.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass

import httpx
import pytest

from .conftest import csrf_of

CHUNK = 64 * 1024
BOUNDARY = "lsfboundary"


@dataclass
class Sent:
    status: int
    headers: dict[str, str]
    body: bytes
    pulled: int  # body bytes the app asked for


def _chunks(total: int, head: bytes = b"", tail: bytes = b""):
    yield head
    for _ in range(total // CHUNK):
        yield b"a" * CHUNK
    yield tail


def _multipart(total: int, filename: str = "big.md"):
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return _chunks(total, head, f"\r\n--{BOUNDARY}--\r\n".encode())


def _json(total: int):
    return _chunks(total, b'{"question": "', b'"}')


def post_chunked(app, path: str, chunks, *, token: str | None = None, cookies: str = "",
                 content_type: str = "application/json") -> Sent:
    """POST ``chunks`` with Transfer-Encoding: chunked straight into the ASGI app."""
    headers = [(b"host", b"testserver"), (b"transfer-encoding", b"chunked"),
               (b"content-type", content_type.encode())]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
             "server": ("testserver", 80)}
    source = iter(chunks)
    pulled = 0
    ended = False
    messages: list[dict] = []

    async def receive():
        nonlocal pulled, ended
        chunk = next(source, None)
        if chunk is None:
            if ended:
                return {"type": "http.disconnect"}
            ended = True
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        messages.append(message)

    async def run():
        await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return Sent(start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body, pulled)


def _cookies(client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


# -- authentication comes before the body ------------------------------------------------
def test_import_without_token_is_refused_before_reading(world):
    sent = post_chunked(world.app, "/api/v1/import", _multipart(20 * 1024 * 1024),
                        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 401
    assert json.loads(sent.body)["error"]["code"] == "unauthorized"
    assert sent.pulled == 0


def test_import_with_a_bad_token_is_refused_before_reading(world):
    sent = post_chunked(world.app, "/api/v1/import", _multipart(20 * 1024 * 1024),
                        token="lsf_not-a-token", content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 401 and sent.pulled == 0


def test_import_by_an_apprentice_is_forbidden_before_reading(world):
    sent = post_chunked(world.app, "/api/v1/import", _multipart(20 * 1024 * 1024),
                        token=world.tokens["xiao"],
                        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 403
    assert json.loads(sent.body)["error"]["code"] == "forbidden"
    assert sent.pulled == 0


def test_ask_without_token_is_refused_before_reading(world):
    sent = post_chunked(world.app, "/api/v1/ask", _json(20 * 1024 * 1024))
    assert sent.status == 401 and sent.pulled == 0


def test_page_upload_without_session_goes_to_login_before_reading(world):
    sent = post_chunked(world.app, "/import", _multipart(20 * 1024 * 1024),
                        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 303 and sent.headers["location"].startswith("/login")
    assert sent.pulled == 0


def test_page_upload_by_an_engineer_is_forbidden_before_reading(world):
    client = world.login("li")
    sent = post_chunked(world.app, "/import", _multipart(20 * 1024 * 1024), cookies=_cookies(client),
                        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 403 and sent.pulled == 0


# -- the limit is counted on the stream --------------------------------------------------
def test_chunked_upload_past_the_limit_stops_reading(world):
    before = world.store.version()
    sent = post_chunked(world.app, "/api/v1/import", _multipart(20 * 1024 * 1024),
                        token=world.tokens["wang"],
                        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 413
    assert json.loads(sent.body)["error"]["code"] == "too_large"
    # The test app allows 512 KB files (+ 64 KB for the form around them): one chunk more at most.
    assert sent.pulled <= 512 * 1024 + 64 * 1024 + CHUNK
    assert world.store.version() == before
    assert sent.headers["x-content-type-options"] == "nosniff"


def test_chunked_page_upload_past_the_limit_stops_reading(world):
    client = world.login("wang")
    sent = post_chunked(world.app, "/import", _multipart(20 * 1024 * 1024), cookies=_cookies(client),
                        content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert sent.status == 413 and "上限".encode() in sent.body  # "over the … limit", in Chinese
    assert sent.pulled <= 512 * 1024 + 64 * 1024 + CHUNK


def test_chunked_json_past_the_small_limit_stops_reading(world):
    sent = post_chunked(world.app, "/api/v1/ask", _json(20 * 1024 * 1024), token=world.tokens["xiao"])
    assert sent.status == 413
    error = json.loads(sent.body)["error"]
    assert error["code"] == "too_large" and "64 KB" in error["message"]
    assert sent.pulled <= 64 * 1024 + CHUNK


def test_chunked_page_form_past_the_small_limit_stops_reading(world):
    client = world.login("xiao")
    sent = post_chunked(world.app, "/ask", _chunks(20 * 1024 * 1024, b"question="),
                        cookies=_cookies(client), content_type="application/x-www-form-urlencoded")
    assert sent.status == 413 and sent.pulled <= 64 * 1024 + CHUNK


def test_login_form_is_small(world):
    sent = post_chunked(world.app, "/login", _chunks(20 * 1024 * 1024, b"username="),
                        content_type="application/x-www-form-urlencoded")
    assert sent.status == 413 and sent.pulled <= 64 * 1024 + CHUNK


def test_declared_length_past_the_limit_is_refused_unread(world):
    api = world.api("xiao")
    response = api.post("/api/v1/ask", content=b"x" * (65 * 1024),
                        headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_normal_requests_still_pass(world):
    api = world.api("wang")
    assert api.post("/api/v1/ask", json={"question": "露点控制在多少"}).status_code == 200
    # A unit's text may be long: unit edits get a larger limit than questions.
    body = "露点" * 60000  # 360 KB of UTF-8, more as JSON escapes
    created = api.post("/api/v1/units", json={"kind": "note", "id": "note-long", "title": "长笔记",
                                              "body": body})
    assert created.status_code == 201, created.text
    sent = post_chunked(world.app, "/api/v1/ask", _chunks(0, b'{"question": "', b'\\u9732\\u70b9"}'),
                        token=world.tokens["xiao"])
    assert sent.status == 200


# -- end to end: a real server, a client streaming a generator ----------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(world):
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=20)


class Counting:
    """A request body that counts how much the client was asked for."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.pulled = 0

    def __iter__(self):
        for chunk in self.chunks:
            self.pulled += len(chunk)
            yield chunk


def _send(url: str, body: Counting, headers: dict) -> httpx.Response | None:
    try:
        return httpx.post(url, content=body, headers=headers, timeout=30)
    except httpx.TransportError:
        return None  # the server answered and closed while we were still sending


@pytest.mark.parametrize("path,token,chunks,content_type,status", [
    ("/api/v1/import", None, _multipart, f"multipart/form-data; boundary={BOUNDARY}", 401),
    ("/api/v1/ask", "xiao", _json, "application/json", 413),
])
def test_real_server_stops_a_300_mb_chunked_body(world, server, path, token, chunks, content_type,
                                                  status):
    body = Counting(chunks(300 * 1024 * 1024))
    headers = {"content-type": content_type}
    if token:
        headers["authorization"] = f"Bearer {world.tokens[token]}"
    response = _send(server + path, body, headers)
    if response is not None:
        assert response.status_code == status
    # What a client can push into socket buffers before the server closes: a few MB, not 300.
    assert body.pulled < 16 * 1024 * 1024, body.pulled
    # The server is fine afterwards.
    assert httpx.get(server + "/login", timeout=10).status_code == 200


def test_page_form_with_session_keeps_working(world):
    client = world.login("xiao")
    page = client.get("/")
    response = client.post("/ask", data={"question": "露点控制在多少", "csrf": csrf_of(page.text)})
    assert response.status_code == 200
