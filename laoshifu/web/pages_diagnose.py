"""Page: 应急诊断 — pick a process, type the readings off the panel, get the master's judgment.

Phone-first: one big field per parameter, the window beside it, the result on top. The
readings go to ``diagnose.diagnose`` as typed, so the page says what ``laoshifu diagnose``
says for the same readings.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..diagnosis import diagnose, diagnose_form
from ..people import permissions
from ..errors import LaoshifuError, Problem
from ..review.material import Material
from . import auth, render

router = APIRouter(include_in_schema=False)
KINDS = ("parameter", "term", "rule")  # what a diagnosis reads


def diagnosis_units(request: Request, base: str) -> list:
    return request.app.state.store.list_units(base, kinds=KINDS)


@router.get("/diagnose")
def diagnose_page(request: Request, process: str = ""):
    user = auth.require_user(request)
    base = render.current_base(request, user)
    permissions.check(user, "diagnose", base)
    units = diagnosis_units(request, base)
    context = {"base": base, "forms": diagnose_form.process_forms(units), "form": None,
               "values": {}, "errors": {}}
    if process:
        context["form"] = diagnose_form.process_form(units, process)
    return render.page(request, "diagnose.html", context)


@router.post("/diagnose")
async def diagnose_readings(request: Request):
    user = auth.require_user(request)
    data = await request.form()
    auth.check_csrf(request, data.get("csrf"))
    base = render.current_base(request, user, str(data.get("base") or "") or None)
    permissions.check(user, "diagnose", base)
    units = diagnosis_units(request, base)
    form = diagnose_form.process_form(units, str(data.get("process") or ""))
    values = {f.name: str(data.get(f"r:{f.name}") or "") for f in form.fields}
    for extra in ("grade", "thickness", "symptom"):
        values[extra] = str(data.get(extra) or "").strip()
    context = {"base": base, "forms": diagnose_form.process_forms(units), "form": form,
               "values": values, "errors": {}}
    # Every mistake at once: a bad thickness does not hide a bad reading.
    problems = []
    try:
        thickness = _thickness(values["thickness"])
    except LaoshifuError as exc:
        problems += exc.problems
        thickness = None
    try:
        result = diagnose.diagnose(units, diagnose_form.readings_from_form(form, values),
                                   symptom=values["symptom"],
                                   material=Material(values["grade"] or None, thickness),
                                   process=form.process)
    except LaoshifuError as exc:
        if isinstance(exc, permissions.PermissionDenied):
            raise
        problems += exc.problems
    if problems:
        # Each problem beside the field it is about; the rest above the form.
        names = {f.name for f in form.fields} | {"grade", "thickness", "symptom"}
        context["errors"] = {p.field: p for p in problems if p.field in names}
        context["problems"] = [p for p in problems if p.field not in names]
        return render.page(request, "diagnose.html", context, status_code=400)
    context["result"] = result
    return render.page(request, "diagnose.html", context)


def _thickness(text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace("mm", "").strip())
    except ValueError:
        raise LaoshifuError(Problem(f"{text!r} is not a number", field="thickness",
                                    hint="write it in mm, e.g. 0.23")) from None
