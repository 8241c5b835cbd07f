"""Pages: log in and out, ask the master, thumbs up/down."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from ..answer import feedback
from ..knowledge import folders as knowledge
from ..people import logins, sessions
from ..llm import web as llm_web
from ..errors import LaoshifuError, Problem
from . import auth, render
from .i18n import translate

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never an open redirect to another host.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render.page(request, "login.html", {"next": _safe_next(next), "base": ""})


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""),
          csrf: str = Form(""), next: str = Form("/")):
    auth.check_csrf(request, csrf)
    store = request.app.state.store
    lang = render.lang_of(request)
    address = request.client.host if request.client else "?"
    result = logins.attempt(store, username, password, address)
    if result.user is None:
        error, status = (("login.wait", 429) if result.wait_s else ("login.failed", 401))
        return render.page(request, "login.html", {
            "next": _safe_next(next), "username": username[:logins.MAX_NAME], "base": "",
            "error": translate(error, lang, n=result.wait_s)}, status_code=status)
    old = auth.read_cookie(request).get("sid")
    if old:
        sessions.end(store, old)
    session = sessions.start(store, result.user.name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    auth.set_cookie(request, response, {"sid": session.sid})
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    auth.check_csrf(request, csrf)
    sid = auth.read_cookie(request).get("sid")
    if sid:
        sessions.end(request.app.state.store, sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/")
def ask_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    return render.page(request, "ask.html", {"base": base, "question": "", "answer": None,
                                             **_emptiness(request, base)})


def _emptiness(request: Request, base: str) -> dict:
    # An empty base can only answer 不确定: say why before anyone asks.
    return {"empty_base": knowledge.is_empty(request.app.state.store, base)}


@router.post("/ask")
def ask(request: Request, question: str = Form(""), base: str = Form(""), csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    store = request.app.state.store
    try:
        # With the plant's model configured, its checked answer streams in above this one.
        shown = llm_web.ask_for_page(store, base, question, user)
    except LaoshifuError as exc:
        return render.page(request, "ask.html", {"base": base, "question": question,
                                                 "answer": None, "problems": exc.problems,
                                                 **_emptiness(request, base)},
                           status_code=400)
    return render.page(request, "ask.html", {"base": base, "question": question,
                                             "answer": shown.answer, "generated": shown,
                                             **_emptiness(request, base)})


@router.post("/ask/generate")
def ask_generate(request: Request, question: str = Form(""), asked: str = Form(""),
                 base: str = Form(""), csrf: str = Form("")):
    """The model's answer as server-sent events, each sentence checked before it is sent."""
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    return StreamingResponse(llm_web.sse(request.app.state.store, base, question, asked, user),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/feedback")
def give_feedback(request: Request, question: str = Form(""), helpful: str = Form(""),
                  comment: str = Form(""), base: str = Form(""), citations: str = Form(""),
                  csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    if helpful not in ("1", "0"):
        raise LaoshifuError(Problem("say whether the answer helped", field="helpful"))
    feedback.record(request.app.state.store, base, question, helpful == "1", user, comment,
                    [c for c in citations.split(",") if c])
    message = translate("ask.thanks", render.lang_of(request))
    if request.headers.get("x-requested-with") == "fetch":
        return JSONResponse({"ok": True, "message": message})
    return render.page(request, "ask.html", {"base": base, "question": question, "answer": None,
                                             "notice": message})
