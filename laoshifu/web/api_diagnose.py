"""/api/v1/diagnose: the processes with their parameters, and readings → the diagnosis
(the same object as ``laoshifu diagnose --output-json``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ..diagnosis import diagnose, diagnose_form
from ..people import permissions
from ..people.accounts import User
from ..review.material import Material
from ..knowledge.units import DEFAULT_BASE
from .api import ERRORS, current
from .pages_diagnose import KINDS

router = APIRouter(tags=["v1"])


class DiagnoseIn(BaseModel):
    base: str = DEFAULT_BASE
    readings: dict[str, str | float] = Field(default_factory=dict, description=(
        "parameter name, symbol or synonym → value, with a unit if you like: "
        '{"露点": 68, "氢气比例": "15 %"}'))
    symptom: str = Field("", description="what is seen, in words, e.g. 涂层结垢")
    process: str | None = Field(None, description="the process, when names are shared")
    grade: str | None = None
    thickness: float | None = Field(None, description="in mm")


@router.get("/diagnose/processes", responses=ERRORS)
def processes(request: Request, base: str = DEFAULT_BASE, user: User = Depends(current)) -> dict:
    """Each process with the parameters a diagnosis reads (unit, windows), in line order."""
    permissions.check(user, "diagnose", base)
    units = request.app.state.store.list_units(base, kinds=KINDS)
    return {"base": base, "processes": [f.to_dict() for f in diagnose_form.process_forms(units)]}


@router.post("/diagnose", responses=ERRORS)
def run(body: DiagnoseIn, request: Request, user: User = Depends(current)) -> dict[str, Any]:
    """Readings out of window, the rules whose conditions hold (most severe first) and
    those only the symptom suggests, each with its actions and citation."""
    permissions.check(user, "diagnose", body.base)
    units = request.app.state.store.list_units(body.base, kinds=KINDS)
    result = diagnose.diagnose(units, body.readings, symptom=body.symptom, process=body.process,
                               material=Material(body.grade, body.thickness))
    return result.to_dict()
