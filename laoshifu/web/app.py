"""The web app: FastAPI with server-rendered pages and the /api/v1 JSON API."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..knowledge import isolated
from .. import localtime, scratch
from ..people import permissions, sessions
from ..answer.asker import cache_for, serve_from
from ..config import load_settings
from ..errors import Conflict, LaoshifuError, NotFound, PermissionDenied, Problem
from ..review.archive import ReviewArchive
from ..store import Store
from ..store.damage import StoreDamaged
from . import api_docs, auth, limits, render, service
from .access_log import AccessLog
from .i18n import pick_lang

HERE = Path(__file__).parent
API_PREFIX = "/api/v1"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
}


def create_app(store: Store | None = None, *, max_upload_bytes: int | None = None,
               index_dir: Path | None = None, warm: bool | None = None,
               access_log: Path | None = None,
               import_seconds: float = isolated.DEFAULT_IMPORT_SECONDS) -> FastAPI:
    """The app over ``store`` (default: the store named by LAOSHIFU_HOME / LAOSHIFU_DATABASE_URL);
    uploads up to ``max_upload_bytes`` (default: the configured max_file_mb), imported within
    ``import_seconds``. The served app (no ``store`` given) keeps its files in LAOSHIFU_HOME:
    temporary files in tmp/, the search index loaded at start from index/ and saved there at
    shutdown, the access log in logs/."""
    settings = load_settings()
    served = store is None
    if served:
        scratch.use_home_tmp(settings.home)
        store = Store.open(settings.database_url)
        index_dir = index_dir or settings.index_dir
        access_log = access_log or settings.home / "logs" / "access.log"
    if max_upload_bytes is None:
        max_upload_bytes = int(settings.max_file_mb * 1024 * 1024)
    app = FastAPI(title="Laoshifu 老师傅", version="1", docs_url=None,
                  openapi_url="/api/v1/openapi.json", redoc_url=None, lifespan=service.lifespan,
                  description="Ask the master's knowledge; manage units, questions and feedback.")
    app.state.store = store
    app.state.signer = URLSafeTimedSerializer(sessions.secret(store), salt="laoshifu-session")
    app.state.max_upload_bytes = max_upload_bytes
    app.state.import_seconds = import_seconds
    app.state.indexes = serve_from(store, index_dir) if index_dir else cache_for(store)
    app.state.warm = served if warm is None else warm
    app.state.started = time.monotonic()
    app.state.zone = localtime.plant_zone(settings.timezone)  # times shown in plant time
    app.state.reviews = ReviewArchive(settings.reviews_dir)  # the daily reports kept
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from . import api, api_training, pages_account, pages_admin, pages_ask, pages_capture, pages_knowledge, pages_review, pages_training
    from . import api_diagnose, api_reviews, pages_daily, pages_diagnose
    # The API first: routes are tried in order, and the API is what is asked most (no
    # page path starts with /api/v1 but the docs', which no API path matches).
    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(api_training.router, prefix=API_PREFIX)
    for module in (api_diagnose, api_reviews):
        app.include_router(module.router, prefix=API_PREFIX)
    for module in (pages_ask, pages_knowledge, pages_review, pages_admin, pages_training, pages_account, service,
                   api_docs, pages_capture, pages_diagnose, pages_daily):
        app.include_router(module.router)

    app.add_middleware(_Edges, max_upload_bytes=max_upload_bytes)
    if access_log is not None:
        app.add_middleware(AccessLog, path=access_log)  # outermost: sees every answer

    @app.exception_handler(auth.LoginRequired)
    async def _login(request: Request, exc):
        return _login_redirect(request)

    @app.exception_handler(auth.PasswordChangeRequired)
    async def _change_password(request: Request, exc):
        return _login_redirect(request, auth.PASSWORD_PAGE)

    @app.exception_handler(limits.BodyTooLarge)
    async def _too_large(request: Request, exc: limits.BodyTooLarge):
        return _too_large_response(request, exc.limit)

    @app.exception_handler(LaoshifuError)
    async def _user_error(request: Request, exc: LaoshifuError):
        status, code = _status_for(exc)
        return _error_response(request, exc, status, code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        problems = [Problem(e.get("msg", "invalid"), field=".".join(str(p) for p in e.get("loc", ())[1:]) or None)
                    for e in exc.errors()]
        return _error_response(request, LaoshifuError(problems or "invalid request"), 422, "invalid")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized",
                403: "forbidden"}.get(exc.status_code, "http_error")
        return _error_response(request, LaoshifuError(str(exc.detail)), exc.status_code, code)

    return app


class _Edges:
    """Body limits and who may send a body, security headers and the anonymous/language
    cookies, as a plain ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a
    queue per request)."""

    def __init__(self, app, max_upload_bytes: int):
        self.app = app
        self.upload_bytes = max_upload_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        length = request.headers.get("content-length")
        limit = limits.body_limit(scope["path"], self.upload_bytes)
        body = limits.CountingReceive(receive, limit, request.headers)

        async def send_with_edges(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if body.unread:
                    headers["connection"] = "close"
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                for cookie in _edge_cookies(request, headers.getlist("set-cookie")):
                    headers.append("set-cookie", cookie)
            await send(message)

        if length and length.isdigit() and int(length) > limit:
            await _too_large_response(request, limit)(scope, receive, send_with_edges)
            return
        gate = limits.gate_for(scope["method"], scope["path"], API_PREFIX)
        # In a thread: finding the user reads (and now and then writes) the store, which
        # may wait for an import's write lock; the event loop must not wait with it. A
        # token seen in the last seconds is known without the store: no thread.
        if gate is None:
            refusal = None
        elif gate.api and auth.known_bearer_user(request) is not None:
            refusal = _refuse_before_body(request, gate)
        else:
            refusal = await run_in_threadpool(_refuse_before_body, request, gate)
        if refusal is not None:
            await refusal(scope, receive, send_with_edges)
            return
        # Chunked bodies have no Content-Length: count what is really read.
        await self.app(scope, body, send_with_edges)


def _refuse_before_body(request: Request, gate: limits.Gate) -> Response | None:
    """The answer to a request whose sender may not send it (None: let it in), from its
    headers alone, so that nothing of the body is read for a stranger."""
    try:
        if gate.api:
            user = auth.bearer_user(request)
        else:
            user, _ = auth.session_user(request)
            if user is None:
                return _login_redirect(request)
        if gate.action:
            permissions.check(user, gate.action)
    except LaoshifuError as exc:
        status, code = _status_for(exc)
        return _error_response(request, exc, status, code)
    return None


def _login_redirect(request: Request, page: str = "/login") -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{page}?next={quote(target)}", status_code=303)


def _too_large_response(request: Request, limit: int) -> Response:
    upload = request.url.path in limits.UPLOAD_PATHS
    if upload:
        limit -= limits.FORM_OVERHEAD  # name the file limit the user configured
    error = LaoshifuError(Problem(
        f"the request is over the {limits.describe(limit)} limit",
        field="file" if upload else None,
        hint="split the folder, or zip it" if upload else "send less at once"))
    return _error_response(request, error, 413, "too_large")


def _edge_cookies(request: Request, existing: list[str]) -> list[str]:
    """Set-Cookie headers for a new anonymous visitor and a language switch."""
    carrier = Response()
    anon = request.scope.get("lsf_new_anon")
    if anon and not any(c.startswith(auth.COOKIE + "=") for c in existing):
        auth.set_cookie(request, carrier, {"anon": anon})
    lang = request.query_params.get("lang")
    if lang and lang == pick_lang(lang, None):
        carrier.set_cookie("lsf_lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return carrier.headers.getlist("set-cookie")


def _status_for(exc: LaoshifuError) -> tuple[int, str]:
    if isinstance(exc, StoreDamaged):
        return 503, "store_damaged"
    if isinstance(exc, isolated.OverBudget):
        return 503, "over_time"
    if isinstance(exc, auth.Unauthorized):
        return 401, "unauthorized"
    if isinstance(exc, auth.CsrfError):
        return 403, "csrf"
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden"
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, Conflict) or any("changed by someone else" in p.message or "already exists" in p.message
           for p in exc.problems):
        return 409, "conflict"
    return 400, "invalid"


def error_body(exc: LaoshifuError, code: str) -> dict:
    return {"error": {"code": code, "message": exc.problems[0].message if exc.problems else str(exc),
                      "problems": [p.to_dict() for p in exc.problems]}}


def _error_response(request: Request, exc: LaoshifuError, status: int, code: str) -> Response:
    if request.url.path.startswith(API_PREFIX):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(exc, code), status_code=status, headers=headers)
    return render.page(request, "error.html", {"problems": exc.problems, "code": code},
                       status_code=status)
