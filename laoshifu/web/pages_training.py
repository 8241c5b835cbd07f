"""Pages of 带徒弟: 学习 (one card at a time), 考核 (exams, certificates), and the master's
徒弟 page (who knows what) with the tracks he sets."""

from __future__ import annotations

import time

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ..people import permissions
from ..errors import LaoshifuError, NotFound, PermissionDenied, Problem
from ..training import exams, grading, progress, study, tracks
from ..training.cards import Card
from . import auth, render

router = APIRouter(include_in_schema=False)
RATING_BUTTONS = ((1, "train.again"), (2, "train.hard"), (3, "train.good"), (4, "train.easy"))


def form_response(card: Card, form, prefix: str = "") -> object:
    """What a learner entered for ``card`` in a form (``prefix`` tells exam questions apart)."""
    if card.answer_kind == "order":
        return [form.get(f"{prefix}pos_{i}", "") for i in range(len(card.context))]
    if card.answer_kind == "choice":
        return form.get(f"{prefix}choice")
    if card.answer_kind == "self":
        return form.get(f"{prefix}rating")
    return form.get(f"{prefix}answer", "")


def _learn_context(request: Request, base: str, user, reveal: bool = False) -> dict:
    store = request.app.state.store
    queue = study.today_queue(store, base, user, limit=1)
    item = queue.first
    return {"base": base, "queue": queue, "item": item, "reveal": reveal,
            "changes": study.changes_for(store, base, item) if item else [],
            "shown_at": int(time.time() * 1000), "ratings": RATING_BUTTONS}


@router.get("/learn")
def learn_page(request: Request, review: int | None = None, reveal: int = 0):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "learn", base)
    ctx = _learn_context(request, base, user, bool(reveal))
    if review is not None:
        done = study.last_review(request.app.state.store, base, user, review)
        card = done["card"]
        if card.answer_kind == "number" and done["response"]:
            done["message"] = grading.grade_number(card, done["response"]).message
        ctx["done"] = done
    return render.page(request, "learn.html", ctx)


@router.post("/learn")
async def learn_answer(request: Request):
    user = auth.require_user(request)
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    base = render.current_base(request, user, form.get("base") or None)
    store = request.app.state.store
    unit_id, slot = str(form.get("unit_id", "")), str(form.get("slot", ""))
    try:
        shown = int(form.get("shown_at") or 0)
        duration = max(0, min(int(time.time() * 1000) - shown, 3_600_000)) if shown else None
    except ValueError:
        duration = None
    queue_card = study.card_of(store, base, unit_id, slot)
    try:
        done = study.answer(store, base, user, unit_id, slot, form_response(queue_card, form),
                            duration_ms=duration)
    except LaoshifuError as exc:
        if isinstance(exc, (PermissionDenied, NotFound)):
            raise
        ctx = _learn_context(request, base, user, reveal=not queue_card.objective)
        ctx.update(problems=exc.problems, typed=form.get("answer", ""))
        return render.page(request, "learn.html", ctx, status_code=400)
    return RedirectResponse(f"/learn?base={base}&review={done.review_id}", status_code=303)


# -- 考核 ---------------------------------------------------------------------------------

@router.get("/exam")
def exam_home(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "learn", base)
    store = request.app.state.store
    processes = exams.exam_processes(store, base)
    settings = {p: exams.settings_for(store, base, user, p) for p in processes}
    return render.page(request, "exam_home.html", {
        "base": base, "processes": processes, "settings": settings,
        "mine": exams.list_exams(store, base, user.name, limit=20)})


@router.post("/exam/start")
def exam_start(request: Request, process: str = Form(""), base: str = Form(""), csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    exam = exams.start_exam(request.app.state.store, base, user, process)
    return RedirectResponse(f"/exam/{exam.id}?base={base}", status_code=303)


@router.get("/exam/{exam_id}")
def exam_page(request: Request, exam_id: int):
    user = auth.require_user(request)
    exam = exams.get_exam(request.app.state.store, exam_id, user)
    return render.page(request, "exam.html", {"base": exam.base, "exam": exam,
                                              "verdicts": exam.results})


@router.post("/exam/{exam_id}")
async def exam_submit(request: Request, exam_id: int):
    user = auth.require_user(request)
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    store = request.app.state.store
    exam = exams.get_exam(store, exam_id, user)
    answers = {i: form_response(card, form, prefix=f"q{i}_") for i, card in enumerate(exam.questions)}
    # A step order left half filled is no answer rather than an unreadable one.
    answers = {i: a for i, a in answers.items() if not (isinstance(a, list) and not all(a))}
    exams.submit_exam(store, exam_id, user, answers)
    return RedirectResponse(f"/exam/{exam_id}?base={exam.base}", status_code=303)


@router.get("/exam/{exam_id}/certificate")
def certificate_page(request: Request, exam_id: int):
    user = auth.require_user(request)
    cert = exams.certificate(request.app.state.store, exam_id, user)
    return render.page(request, "certificate.html", {"base": cert.base, "cert": cert})


# -- 徒弟 (the master) ----------------------------------------------------------------------

@router.get("/apprentices")
def apprentices_page(request: Request):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "teach", base)
    store = request.app.state.store
    return render.page(request, "apprentices.html", {
        "base": base, "people": progress.overview(store, base, user),
        "missed": progress.most_missed(store, base, user),
        "tracks": tracks.list_tracks(store, base), "processes": store.processes(base)})


@router.get("/apprentices/{name}")
def apprentice_page(request: Request, name: str):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    p = progress.learner_progress(request.app.state.store, base, name, user)
    return render.page(request, "apprentice.html", {"base": base, "p": p})


def _lines(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x.strip() for x in text.replace(",", "\n").replace("，", "\n")
                               .splitlines() if x.strip()))


@router.post("/tracks")
async def save_track(request: Request):
    user = auth.require_user(request)
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    base = render.current_base(request, user, form.get("base") or None)
    store = request.app.state.store
    problems: list[Problem] = []

    def number(name: str, kind=int, scale: float = 1.0):
        raw = str(form.get(name, "")).strip()
        try:
            return kind(float(raw) * scale) if kind is int else kind(raw) * scale
        except ValueError:
            problems.append(Problem(f"{raw!r} is not a number", field=name))
            return 0

    raw_id = str(form.get("id", "")).strip()
    track = tracks.Track(
        base=base, name=str(form.get("name", "")).strip(),
        processes=tuple(form.getlist("processes")), units=_lines(str(form.get("units", ""))),
        assignees=_lines(str(form.get("assignees", ""))), new_per_day=number("new_per_day"),
        exam_size=number("exam_size"), pass_mark=number("pass_mark", float, 0.01),
        time_limit_min=number("time_limit_min"), id=int(raw_id) if raw_id.isdigit() else None)
    try:
        if problems:
            raise LaoshifuError(problems)
        tracks.save_track(store, track, user)
    except LaoshifuError as exc:
        if isinstance(exc, (PermissionDenied, NotFound)):
            raise
        return render.page(request, "apprentices.html", {
            "base": base, "people": progress.overview(store, base, user),
            "missed": progress.most_missed(store, base, user), "tracks": tracks.list_tracks(store, base),
            "processes": store.processes(base), "problems": exc.problems, "draft": track},
            status_code=400)
    return RedirectResponse(f"/apprentices?base={base}#tracks", status_code=303)


@router.post("/tracks/{track_id}/delete")
def delete_track(request: Request, track_id: int, base: str = Form(""), csrf: str = Form("")):
    user = auth.require_user(request)
    auth.check_csrf(request, csrf)
    base = render.current_base(request, user, base or None)
    tracks.delete_track(request.app.state.store, base, track_id, user)
    return RedirectResponse(f"/apprentices?base={base}#tracks", status_code=303)
