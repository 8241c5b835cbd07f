"""Who is asking: signed session cookies for pages, Bearer tokens for the API, CSRF."""

from __future__ import annotations

import hmac
import secrets
import time

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..people import accounts, sessions
from ..people.accounts import User
from ..errors import LaoshifuError, PermissionDenied, Problem

COOKIE = "lsf_session"
MAX_AGE = sessions.SESSION_HOURS * 3600


class LoginRequired(Exception):
    """A page needs a logged-in user: send the browser to the login page."""


class PasswordChangeRequired(Exception):
    """The user logged in with a password someone else saw: his own one comes first."""


# Where one changes one's password; the only page a user who must change it may open.
PASSWORD_PAGE = "/account/password"


class CsrfError(LaoshifuError):
    pass


def serializer(request: Request) -> URLSafeTimedSerializer:
    return request.app.state.signer


def read_cookie(request: Request) -> dict:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        data = serializer(request).loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


def set_cookie(request: Request, response, data: dict) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, serializer(request).dumps(data), max_age=MAX_AGE, httponly=True,
                        samesite="lax", secure=secure, path="/")


def session_user(request: Request) -> tuple[User | None, str]:
    """The logged-in user (or None) and the CSRF token forms must carry."""
    if "lsf_user" in request.scope:
        return request.scope["lsf_user"], request.scope["lsf_csrf"]
    store = request.app.state.store
    data = read_cookie(request)
    user, csrf = None, ""
    if data.get("sid"):
        session = sessions.lookup(store, data["sid"])
        if session is not None:
            found = accounts.find_user(store, session.user)
            if found is not None and not found.disabled:
                user, csrf = found, session.csrf
    if user is None:
        csrf = data.get("anon", "")
        if not csrf:
            csrf = secrets.token_urlsafe(32)
            # A pre-login token for the login form; set on the response by the middleware.
            request.scope["lsf_new_anon"] = csrf
    request.scope["lsf_user"], request.scope["lsf_csrf"] = user, csrf
    return user, csrf


def require_user(request: Request) -> User:
    user, _ = session_user(request)
    if user is None:
        raise LoginRequired()
    if user.must_change_password and request.url.path != PASSWORD_PAGE:
        raise PasswordChangeRequired()
    return user


def check_csrf(request: Request, token: str | None) -> None:
    _, expected = session_user(request)
    if not token or not expected or not hmac.compare_digest(str(token), expected):
        raise CsrfError(Problem("the form's security token is missing or wrong",
                                field="csrf", hint="reload the page and try again"))


def bearer_user(request: Request) -> User:
    known = request.scope.get(_TOKEN_USER)
    if known is not None:  # the check before the body found him: the same request
        return known
    token = _bearer_token(request)
    if not token:
        raise Unauthorized(Problem("an API token is needed",
                                   hint="send 'Authorization: Bearer TOKEN'; laoshifu token create NAME"))
    user = _token_user(request, token)
    if user is None:
        raise Unauthorized(Problem("the API token is not valid",
                                   hint="create a new one: laoshifu token create NAME"))
    return _found(request, user)


def known_bearer_user(request: Request) -> User | None:
    """The token's user when this process looked him up in the last TOKEN_TTL_S, else
    None: never reads the store, so the event loop may ask without a worker thread."""
    known = request.scope.get(_TOKEN_USER)
    if known is not None:
        return known
    token = _bearer_token(request)
    hit = request.app.state.__dict__.get("token_cache", {}).get(token) if token else None
    if hit is None or hit[1] <= time.monotonic():
        return None
    return _found(request, hit[0])


_TOKEN_USER = "lsf_token_user"


def _bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _found(request: Request, user: User) -> User:
    request.scope[_TOKEN_USER] = user
    request.scope["lsf_actor"] = user.name  # for the access log
    return user


class Unauthorized(PermissionDenied):
    pass


# A token's user is looked up at most once per TOKEN_TTL_S per process: a revoked token
# or a changed role takes effect within that time.
TOKEN_TTL_S = 2.0


def _token_user(request: Request, token: str) -> User | None:
    cache: dict = request.app.state.__dict__.setdefault("token_cache", {})
    now = time.monotonic()
    hit = cache.get(token)
    if hit is not None and hit[1] > now:
        return hit[0]
    user = accounts.user_for_token(request.app.state.store, token)
    if len(cache) > 10000:
        cache.clear()
    if user is not None:
        cache[token] = (user, now + TOKEN_TTL_S)
    else:
        cache.pop(token, None)
    return user
