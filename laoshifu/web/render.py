"""Rendering pages: the template environment and what every page knows."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates

from .. import localtime, messages, problem_text
from ..people import permissions
from ..errors import PermissionDenied, Problem
from ..knowledge.units import KINDS, format_number
from . import auth
from .i18n import MESSAGES, pick_lang, translate

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(KINDS=KINDS, ROLES=permissions.ROLES, fmt=format_number)


def lang_of(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.cookies.get("lsf_lang"))


def visible_bases(request: Request, user) -> list[str]:
    return user.visible_bases(request.app.state.store.bases()) if user else []


def current_base(request: Request, user, explicit: str | None = None) -> str:
    """The base a page works on: ?base=, else the cookie's, else the user's first."""
    bases = visible_bases(request, user)
    wanted = explicit or request.query_params.get("base") or request.cookies.get("lsf_base")
    if wanted:
        if user is not None and user.can_see(wanted) and (wanted in bases or user.role == "admin"):
            return wanted
        if explicit or request.query_params.get("base"):
            raise PermissionDenied(Problem(f"no access to knowledge base {wanted!r}", field="base"))
    if bases:
        return bases[0]
    if user is not None and user.bases:
        return user.bases[0]
    return "main"


def page(request: Request, name: str, context: dict | None = None, status_code: int = 200):
    user, csrf = auth.session_user(request)
    lang = lang_of(request)
    ctx = dict(context or {})
    base = ctx.get("base")
    if base is None and user is not None:
        try:
            base = current_base(request, user)
        except PermissionDenied:
            base = ""

    def t(key: str, **values) -> str:
        return translate(key, lang, **values)

    def shown(problem: Problem) -> Problem:
        """A problem in the page's language, without hints meant for the terminal."""
        return problem_text.for_web(problem, lang)

    def problem(p: Problem) -> str:
        p = shown(p)
        return p.message + (f" — {p.hint}" if p.hint else "")

    def field_name(name: str) -> str:
        for key in (f"show.{name}", f"field.{name}"):
            if key in MESSAGES:
                return t(key)
        return name

    def can(action: str) -> bool:
        return user is not None and permissions.allowed(user.role, action)

    def url(path: str, **params) -> str:
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        return path + ("?" + urlencode(clean) if clean else "")

    other_lang = "en" if lang == "zh" else "zh"
    # The language link stays on this page with its query (a search, the kind of a new unit).
    query = {k: v for k, v in request.query_params.items() if k not in ("lang", "base")}
    lang_url = url(request.url.path, **query, base=base if user else None, lang=other_lang)
    zone = getattr(request.app.state, "zone", None) or localtime.plant_zone()
    ctx.update(shown=shown, problem=problem, field_name=field_name,
               when=lambda value, seconds=False: localtime.show(value, zone, seconds=seconds),
               say=lambda key, **values: messages.say(key, lang, **values),
               word=lambda kind, value: messages.word(kind, value, lang),
               audit_action=lambda action: messages.audit_action(action, lang),
               audit_detail=lambda detail: messages.audit_detail(detail, lang),
               change_name=lambda change: messages.change_name(change, lang),
               confidence=lambda p: messages.say(f"confidence.{messages.confidence_level(p)}", lang))
    ctx.update(request=request, user=user, csrf=csrf, lang=lang, t=t, can=can, url=url,
               base=base, bases=visible_bases(request, user), other_lang=other_lang,
               lang_url=lang_url)
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if base and request.cookies.get("lsf_base") != base:
        response.set_cookie("lsf_base", base, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
