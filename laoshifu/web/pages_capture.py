"""Pages: 录入 (paste text or upload a PDF/photo → proposed drafts beside the source,
editable, saved as drafts for 审核) and 缺口 (what the master should be asked next)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..people import permissions
from ..capture import gaps as gap_finder
from ..capture.document import SourceLine
from ..capture.drafts import save_drafts
from ..capture.images import captures_dir, image_path
from ..capture.intake import propose, read_source
from ..capture.lexicon import Lexicon
from ..capture.model import model_proposer
from ..capture.proposals import Proposal, validate
from ..config import load_settings
from ..errors import LaoshifuError, NotFound, Problem
from ..knowledge.units import KINDS, format_number
from . import auth, forms, render

router = APIRouter(include_in_schema=False)
MAX_PROPOSALS = 500  # one save: a handbook chapter's worth


def _images(base: str):
    return captures_dir(load_settings().home, base)


def _context(request: Request, base: str):
    return request.app.state.store.list_units(base, statuses=("approved", "draft"))


@router.get("/capture")
def capture_page(request: Request, process: str = "", prompt: str = ""):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "edit", base)
    return render.page(request, "capture.html", _form_context(request, base, process, prompt))


def _form_context(request: Request, base: str, process: str = "", prompt: str = "", **more) -> dict:
    processes = request.app.state.store.processes(base)
    return {"base": base, "process": process if process in processes else "", "prompt": prompt[:500],
            "processes": processes, **more}


async def _edit_form(request: Request):
    """A capture form's user, fields and base, once its token and the right to edit hold."""
    user = auth.require_user(request)
    form = await request.form()
    auth.check_csrf(request, str(form.get("csrf") or ""))
    base = render.current_base(request, user, str(form.get("base") or "") or None)
    permissions.check(user, "edit", base)
    return user, form, base


@router.post("/capture")
async def capture_upload(request: Request):
    user, form, base = await _edit_form(request)
    process = str(form.get("process") or "")
    prompt = str(form.get("prompt") or "")
    upload = form.get("file")
    text = str(form.get("text") or "")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            limit = request.app.state.max_upload_bytes
            data, name = await upload.read(limit + 1), upload.filename
            if len(data) > limit:
                raise LaoshifuError(Problem(f"the file is over the {limit // 1048576} MB limit",
                                            file=name, field="file"))
        elif text.strip():
            # The gap's question goes with the answer, so the note says what was asked.
            data, name = ((f"{prompt}\n" if prompt else "") + text).encode("utf-8"), "录入.txt"
        else:
            raise LaoshifuError(Problem("paste the master's words, or choose a file", field="text"))
        context = _context(request, base)
        lexicon = Lexicon.from_units(context)
        # OCR and PDF reading take seconds: not in the event loop.
        document = await run_in_threadpool(read_source, data, name, _images(base), lexicon, process)
        capture = await run_in_threadpool(propose, document, context, process, model_proposer())
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied):
            raise
        return render.page(request, "capture.html", _form_context(
            request, base, process, prompt, problems=exc.problems, text=text), status_code=400)
    return render.page(request, "capture.html", _form_context(
        request, base, process, prompt, capture=capture, source=document.name,
        lines=[line.to_dict() for line in document.lines], images=document.images,
        items=[_item(p) for p in capture.proposals[:MAX_PROPOSALS]],
        lines_json=json.dumps([line.to_dict() for line in document.lines], ensure_ascii=False)))


def _item(p: Proposal) -> dict:
    """A proposal as its editable form: the unit form's fields, prefilled."""
    values: dict[str, str] = {}
    for name, value in p.fields.items():
        if name in ("rationale", "definition"):
            name = "body"
        if name == "term":
            name = "title"
        if isinstance(value, (list, tuple)):
            values[name] = ("; " if name == "tags" else "\n").join(str(v) for v in value)
        elif isinstance(value, float):
            values[name] = format_number(value)
        elif value is not None:
            values[name] = str(value)
    values.setdefault("title", p.title)
    return {"kind": p.kind, "values": values, "fields": [f for f in forms.fields_for(p.kind, False)],
            "source": p.source.citation, "source_file": p.source.file, "source_line": p.source.line,
            "image": p.source.image, "uncertain": p.source.uncertain, "sentence": p.sentence,
            "notes": p.notes, "problems": p.problems, "existing": p.existing, "unchanged": p.unchanged,
            "by": p.by, "checked": p.valid and not p.unchanged}


@router.post("/capture/save")
async def capture_save(request: Request):
    user, form, base = await _edit_form(request)
    source = str(form.get("source") or "录入")[:200]
    count = int(str(form.get("count") or "0")) if str(form.get("count") or "0").isdigit() else 0
    items = []
    for i in range(min(count, MAX_PROPOSALS)):
        kind = str(form.get(f"p{i}-kind") or "")
        if kind not in KINDS:
            continue
        proposal = _from_form(form, i, kind)
        items.append((i, proposal, bool(form.get(f"p{i}-save"))))
    chosen = [p for _i, p, save in items if save]
    context = _context(request, base)
    validate([p for _i, p, _s in items], context)
    try:
        if not chosen:
            raise LaoshifuError(Problem("tick at least one draft to save", field="save"))
        report = await run_in_threadpool(save_drafts, request.app.state.store, base, chosen, user, source)
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied):
            raise
        lines = _lines(str(form.get("lines_json") or "[]"))
        shown = []
        for _i, p, save in items:
            item = _item(p)
            item["checked"] = save
            shown.append(item)
        return render.page(request, "capture.html", _form_context(
            request, base, source=source, items=shown, lines=lines, problems=exc.problems,
            images=sorted({line.get("image") for line in lines if line.get("image")}),
            lines_json=str(form.get("lines_json") or "[]")), status_code=400)
    return RedirectResponse(f"/review?base={base}&captured={len(report.saved)}", status_code=303)


def _from_form(form, i: int, kind: str) -> Proposal:
    values = {f.name: str(form.get(f"p{i}-{f.name}") or "") for f in forms.fields_for(kind, False)}
    fields: dict = {}
    for name, raw in values.items():
        if name in ("steps", "parameters", "actions", "synonyms", "path"):
            fields[name] = [line.strip() for line in raw.replace("\r", "").split("\n") if line.strip()]
        elif name in ("level", "order"):
            fields[name] = raw.strip() or "0"
        elif raw.strip() or name in ("id", "title"):
            fields[name] = raw.replace("\r\n", "\n")
    line = str(form.get(f"p{i}-source_line") or "0")
    source = SourceLine(str(form.get(f"p{i}-sentence") or ""), str(form.get(f"p{i}-source_file") or "录入")[:300],
                        int(line) if line.isdigit() else 0, image=str(form.get(f"p{i}-image") or "")[:200])
    return Proposal(kind, fields, source, source.text, by=str(form.get(f"p{i}-by") or "rules")[:10])


def _lines(raw: str) -> list[dict]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return []
    return [d for d in data if isinstance(d, dict)][:5000] if isinstance(data, list) else []


@router.get("/capture/images/{name}")
def capture_image(request: Request, name: str):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "read_drafts", base)
    try:
        path = image_path(_images(base), name)
    except NotFound:
        raise
    return FileResponse(path)


@router.get("/gaps")
def gaps_page(request: Request, kind: str = ""):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "read_drafts", base)
    report = gap_finder.find_gaps(request.app.state.store, base, limit_per_kind=30)
    groups = report.by_kind()
    if kind in groups:
        groups = {kind: groups[kind]}
    return render.page(request, "gaps.html", {"base": base, "groups": groups,
                                              "counts": report.to_dict()["counts"], "kind": kind})
