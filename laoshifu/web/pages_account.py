"""Pages: one's own account — changing one's password (forced after a password that
someone else saw: the first admin's, a new user's, a reset's)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ..people import accounts
from ..errors import LaoshifuError, Problem
from . import auth, render
from .pages_ask import _safe_next

router = APIRouter(include_in_schema=False)


@router.get(auth.PASSWORD_PAGE)
def password_page(request: Request, next: str = "/"):
    auth.require_user(request)
    return render.page(request, "account_password.html", {"next": _safe_next(next)})


@router.post(auth.PASSWORD_PAGE)
def change_password(request: Request, current: str = Form(""), new: str = Form(""),
                    repeat: str = Form(""), csrf: str = Form(""), next: str = Form("/")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    try:
        if new != repeat:
            raise LaoshifuError(Problem("the two new passwords differ", field="repeat",
                                        hint="type the same new password twice"))
        accounts.change_password(request.app.state.store, user.name, current, new,
                                 keep_session=auth.read_cookie(request).get("sid"))
    except LaoshifuError as exc:
        return render.page(request, "account_password.html", {
            "next": _safe_next(next), "problems": exc.problems}, status_code=400)
    target = _safe_next(next)
    if target == auth.PASSWORD_PAGE or target.startswith(auth.PASSWORD_PAGE + "?"):
        target = "/"
    return RedirectResponse(target + ("&" if "?" in target else "?") + "password=changed",
                            status_code=303)
