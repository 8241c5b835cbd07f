"""How much a request may send, and who must be known before any of it is read.

Chunked bodies carry no Content-Length, so the limit is counted on the stream as the app
reads it. Authentication (and, for uploads, the role) is checked from the headers before
the first body byte is read: an anonymous client cannot make the server spool a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.exceptions import HTTPException

SMALL_BODY = 64 * 1024  # questions, feedback, logins, decisions, admin forms
EDIT_BODY = 2 * 1024 * 1024  # a unit or an answer (URL-encoding triples Chinese text)
FORM_OVERHEAD = 64 * 1024  # multipart headers and the small fields beside an uploaded file

UPLOAD_PATHS = frozenset({"/import", "/api/v1/import", "/capture", "/daily", "/api/v1/reviews"})
_EDIT_PATHS = re.compile(r"^(?:/api/v1/units(?:/[^/]+)?|/units/new|/units/[^/]+/edit"
                         r"|(?:/api/v1)?/questions/\d+/answer|/capture/save)$")
# Page posts anyone may make: the login form itself, and leaving.
_OPEN_PAGES = frozenset({"/login", "/logout"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def body_limit(path: str, upload_bytes: int) -> int:
    """The most body bytes a request to ``path`` may send."""
    if path in UPLOAD_PATHS:
        return upload_bytes + FORM_OVERHEAD
    if _EDIT_PATHS.match(path):
        return EDIT_BODY
    return SMALL_BODY


def describe(limit: int) -> str:
    return f"{limit // 1048576} MB" if limit >= 1048576 else f"{limit // 1024} KB"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes its limit; answered with 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is over the {describe(limit)} limit")
        self.limit = limit


@dataclass(frozen=True)
class Gate:
    """Who must be known before the body of a request is read."""

    api: bool  # a Bearer token (else: a session cookie)
    action: str | None = None  # and the role must allow this (permissions.ACTIONS)


# What a write asks of the role, checked from the headers before its body is read: a
# user who may not do it gets 403, never the validation details of what he sent, and an
# upload he may not make is never spooled. The endpoints check the base as well.
_ROLE_NEEDED: tuple[tuple[frozenset[str], re.Pattern[str], str], ...] = tuple(
    (frozenset(methods.split()), re.compile(pattern), action) for methods, pattern, action in (
        ("POST PUT", r"^/api/v1/units(?:/[^/]+)?$", "edit"),
        ("DELETE", r"^/api/v1/units/[^/]+$", "approve"),
        ("POST", r"^/api/v1/units/[^/]+/(?:approve|reject)$", "approve"),
        ("POST", r"^(?:/api/v1)?/import$", "import"),
        ("POST", r"^(?:/api/v1)?/questions/\d+/(?:answer|dismiss|merge)$", "answer"),
        ("POST PUT DELETE", r"^/api/v1/training/tracks(?:/\d+)?$", "teach"),
        ("POST", r"^/units/new$|^/units/[^/]+/edit$", "edit"),
        ("POST", r"^/capture(?:/save)?$", "edit"),
        ("POST", r"^/units/[^/]+/retire$", "approve"),
        ("POST", r"^/review/[^/]+$", "approve"),
        ("POST", r"^/tracks(?:/\d+/delete)?$", "teach"),
        ("POST", r"^/admin/", "admin"),
        ("POST", r"^(?:/daily|/api/v1/reviews)$", "review_data"),
    ))


def role_needed(method: str, path: str) -> str | None:
    """The action a write to ``path`` needs of the role (None: any logged-in user)."""
    for methods, pattern, action in _ROLE_NEEDED:
        if method in methods and pattern.search(path):
            return action
    return None


def gate_for(method: str, path: str, api_prefix: str) -> Gate | None:
    """The check a request needs before its body is read (None: none)."""
    if method not in _BODY_METHODS:
        return None
    if path.startswith(api_prefix + "/"):
        return Gate(api=True, action=role_needed(method, path))
    if path in _OPEN_PAGES or path.startswith("/static/"):
        return None
    return Gate(api=False, action=role_needed(method, path))


class CountingReceive:
    """``receive`` that counts body bytes and refuses past ``limit``."""

    def __init__(self, receive, limit: int, headers):
        self.receive = receive
        self.limit = limit
        self.received = 0
        length = headers.get("content-length", "")
        self.finished = not ("transfer-encoding" in headers or (length.isdigit() and int(length) > 0))

    @property
    def unread(self) -> bool:
        """Body bytes are still on their way: an answer now must close the connection, or
        the server would go on reading (and discarding) them."""
        return not self.finished

    async def __call__(self):
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
            if not message.get("more_body", False):
                self.finished = True
        return message
