"""Pages: browse and search units, view with history and diffs, edit, import."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ..knowledge import editing, isolated
from ..people import permissions
from ..errors import Conflict, LaoshifuError, NotFound, Problem
from ..knowledge.units import KINDS
from . import auth, forms, render

router = APIRouter(include_in_schema=False)


PAGE_SIZE = 50  # units a page lists: a phone scrolls a page, not the whole base


@router.get("/units")
def list_units(request: Request, q: str = "", kind: str = "", process: str = "", status: str = "",
               page: int = 1):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    store = request.app.state.store
    if kind and kind not in KINDS:
        kind = ""
    units = editing.search_units(store, base, user, q, kind, process, status)
    everything = editing.search_units(store, base, user)
    pages = max(1, -(-len(units) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return render.page(request, "units.html", {
        "base": base, "units": units[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], "total": len(units),
        "page": page, "pages": pages, "q": q, "kind": kind, "process": process, "status": status,
        "processes": editing.processes(everything), "statuses": editing.visible_statuses(user)})


@router.get("/units/new")
def new_unit(request: Request, kind: str = "note"):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "edit", base)
    if kind not in KINDS:
        kind = "note"
    can_publish = permissions.allowed(user.role, "approve")
    return render.page(request, "unit_form.html", {
        "base": base, "kind": kind, "unit": None, "values": {"status": "approved"},
        "fields": forms.fields_for(kind, can_publish), "errors": {}, "general": []})


@router.post("/units/new")
async def create_unit(request: Request):
    return await _save(request, None)


@router.get("/units/{unit_id}")
def view_unit(request: Request, unit_id: str):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    store = request.app.state.store
    unit = editing.get_visible(store, base, unit_id, user)
    history = store.history(base, unit_id)
    if not permissions.allowed(user.role, "read_drafts"):
        history = [(u, info) for u, info in history if u.status == "approved"]
    return render.page(request, "unit.html", {
        "base": base, "unit": unit, "history": list(reversed(history)),
        "values": forms.unit_values(unit),
        "fields": forms.fields_for(unit.kind, False)})


@router.get("/units/{unit_id}/diff")
def diff_unit(request: Request, unit_id: str, a: int = 0, b: int = 0):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    store = request.app.state.store
    permissions.check(user, "read_drafts", base)
    unit = store.require_unit(base, unit_id)
    b = b or unit.version
    a = a or max(1, b - 1)
    lines = editing.diff(store, base, unit_id, a, b)
    return render.page(request, "diff.html", {"base": base, "unit": unit, "a": a, "b": b,
                                              "lines": lines})


@router.get("/units/{unit_id}/edit")
def edit_unit(request: Request, unit_id: str):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "edit", base)
    unit = editing.current_draft(request.app.state.store, base, unit_id)
    can_publish = permissions.allowed(user.role, "approve")
    return render.page(request, "unit_form.html", {
        "base": base, "kind": unit.kind, "unit": unit, "values": forms.unit_values(unit),
        "fields": forms.fields_for(unit.kind, can_publish), "errors": {}, "general": []})


@router.post("/units/{unit_id}/edit")
async def update_unit(request: Request, unit_id: str):
    return await _save(request, unit_id)


async def _save(request: Request, unit_id: str | None):
    user = auth.require_user(request)
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    base = render.current_base(request, user, str(form.get("base") or "") or None)
    permissions.check(user, "edit", base)
    store = request.app.state.store
    old = editing.current_draft(store, base, unit_id) if unit_id else None
    kind = old.kind if old else str(form.get("kind", ""))
    if kind not in KINDS:
        raise LaoshifuError(Problem(f"unknown kind {kind!r}", field="kind"))
    can_publish = permissions.allowed(user.role, "approve")
    unit, problems, values = forms.build_from_form(kind, form, can_publish, unit_id)
    expected = str(form.get("expected_version") or "")
    comment = str(form.get("comment") or "")
    if unit is not None:
        try:
            unit = unit.with_changes(author=old.author if old else user.name)
            # A write, which may wait for an import's lock: not in the event loop.
            saved = await run_in_threadpool(
                editing.save_edit, store, base, unit, user, comment,
                expected_version=int(expected) if expected.isdigit() else (None if old else 0))
        except NotFound:
            raise
        except LaoshifuError as exc:
            if isinstance(exc, permissions.PermissionDenied):
                raise
            problems = exc.problems
        else:
            return RedirectResponse(render_url(saved.id, base, saved.status), status_code=303)
    errors, general = forms.problems_by_field(problems, render.lang_of(request))
    names = {f.name for f in forms.fields_for(kind, can_publish)}
    general += [Problem(m, field=k) for k, ms in errors.items() if k not in names for m in ms]
    values["comment"] = comment
    return render.page(request, "unit_form.html", {
        "base": base, "kind": kind, "unit": old, "values": values,
        "fields": forms.fields_for(kind, can_publish), "errors": errors, "general": general,
        "expected_version": expected}, status_code=400)


def render_url(unit_id: str, base: str, status: str) -> str:
    return f"/units/{unit_id}?base={base}&saved={status}"


@router.get("/units/{unit_id}/retire")
def confirm_retire(request: Request, unit_id: str):
    """Retiring asks first, with the reason it will record: one click must not do it."""
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "approve", base)
    unit = request.app.state.store.require_unit(base, unit_id)
    return render.page(request, "retire.html", {"base": base, "unit": unit})


@router.post("/units/{unit_id}/retire")
def retire_unit(request: Request, unit_id: str, csrf: str = Form(""), base: str = Form(""),
                comment: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    store = request.app.state.store
    try:
        editing.retire(store, base, unit_id, user, comment)
    except LaoshifuError as exc:
        if isinstance(exc, (permissions.PermissionDenied, NotFound)):
            raise
        return render.page(request, "retire.html", {
            "base": base, "unit": store.require_unit(base, unit_id), "problems": exc.problems,
            "comment": comment}, status_code=400)
    return RedirectResponse(f"/units/{unit_id}?base={base}", status_code=303)


@router.get("/import")
def import_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "import", base)
    return render.page(request, "import.html", {"base": base})


@router.post("/import")
async def import_upload(request: Request, file: UploadFile = File(...), base: str = Form(""),
                        csrf: str = Form(""), dry_run: str = Form(""),
                        on_conflict: str = Form("refuse")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    permissions.check(user, "import", base)
    limit = request.app.state.max_upload_bytes
    data = await file.read(limit + 1)
    try:
        # In a child process within a time budget: see api.import_upload.
        report = await run_in_threadpool(
            isolated.import_upload, request.app.state.store, base, file.filename or "upload",
            data, user, dry_run=bool(dry_run), max_bytes=limit, on_conflict=on_conflict,
            seconds=request.app.state.import_seconds)
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied):
            raise
        status = 409 if isinstance(exc, Conflict) else 503 if isinstance(exc, isolated.OverBudget) \
            else 413 if "limit" in exc.problems[0].message else 400
        return render.page(request, "import.html", {"base": base, "problems": exc.problems,
                                                    "conflict": isinstance(exc, Conflict)},
                           status_code=status)
    return render.page(request, "import.html", {"base": base, "report": report.to_dict()})
