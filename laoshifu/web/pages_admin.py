"""Pages: users, roles, knowledge bases, API tokens, the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ..people import accounts, permissions
from ..errors import LaoshifuError
from . import auth, render

router = APIRouter(include_in_schema=False)


def _admin(request: Request, csrf: str | None = None):
    user = auth.require_user(request)
    if csrf is not None:
        auth.check_csrf(request, csrf)
    permissions.check(user, "admin")
    return user


def _page(request: Request, status_code: int = 200, **extra):
    store = request.app.state.store
    return render.page(request, "admin.html", {
        "users": accounts.list_users(store), "all_bases": store.bases(),
        "tokens": accounts.list_tokens(store), "audit": store.audit_log(limit=100), **extra},
        status_code=status_code)


@router.get("/admin")
def admin_page(request: Request):
    _admin(request)
    return _page(request)


@router.get("/admin/audit")
def audit_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "audit", base)
    return render.page(request, "audit.html", {"base": base,
                                               "audit": request.app.state.store.audit_log(base, 500)})


def _form_action(request: Request, action):
    try:
        extra = action() or {}
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied):
            raise
        return _page(request, status_code=400, problems=exc.problems)
    # Roles, accounts or tokens may have changed: forget cached token lookups.
    request.app.state.__dict__.get("token_cache", {}).clear()
    if extra:
        return _page(request, **extra)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/users")
def add_user(request: Request, name: str = Form(""), role: str = Form("apprentice"),
             bases: str = Form(""), csrf: str = Form("")):
    admin = _admin(request, csrf)
    store = request.app.state.store

    def act():
        chosen = [b.strip() for b in bases.replace(",", " ").split() if b.strip()] or ["main"]
        user, password = accounts.add_user(store, name.strip(), role, bases=chosen, actor=admin.name)
        return {"secret_label": "admin.password_for", "secret": password, "secret_for": user.name}
    return _form_action(request, act)


@router.post("/admin/users/{name}")
def change_user(request: Request, name: str, role: str = Form(""), bases: str = Form(""),
                action: str = Form("save"), csrf: str = Form("")):
    admin = _admin(request, csrf)
    store = request.app.state.store

    def act():
        if action == "reset":
            reset = accounts.reset_password(store, name, actor=admin.name)
            return {"secret_label": "admin.password_for", "secret": reset.password, "secret_for": name}
        if action in ("disable", "enable"):
            accounts.set_disabled(store, name, action == "disable", actor=admin.name)
            return None
        if role:
            accounts.set_role(store, name, role, actor=admin.name)
        accounts.set_bases(store, name, [b for b in bases.replace(",", " ").split() if b],
                           actor=admin.name)
        return None
    return _form_action(request, act)


@router.post("/admin/bases")
def add_base(request: Request, name: str = Form(""), csrf: str = Form("")):
    admin = _admin(request, csrf)
    return _form_action(request, lambda: accounts.create_base(
        request.app.state.store, name.strip(), actor=admin.name))


@router.post("/admin/tokens")
def add_token(request: Request, user: str = Form(""), name: str = Form(""), csrf: str = Form("")):
    admin = _admin(request, csrf)

    def act():
        token = accounts.create_token(request.app.state.store, user.strip(), name.strip(),
                                      actor=admin.name)
        return {"secret_label": "admin.token_for", "secret": token.token, "secret_for": token.user}
    return _form_action(request, act)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, csrf: str = Form("")):
    admin = _admin(request, csrf)
    return _form_action(request, lambda: accounts.revoke_token(
        request.app.state.store, token_id, actor=admin.name))
