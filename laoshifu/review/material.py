"""Parameter windows for a material: which window applies to a grade and thickness.

A parameter may have several windows, each with a material condition such as
``牌号=HiB; 厚度<=0.23``. Diagnose picks one window for one reading; review picks one per
row of production data (vectorised over the grade and thickness columns).
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..knowledge.units import Parameter
from ..knowledge.validate import material_condition

GRADE_KEYS = ("牌号", "钢种", "grade")
THICKNESS_KEYS = ("厚度", "规格", "thickness")
_OPS = {
    "==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
    ">": np.greater, ">=": np.greater_equal,
}


def material_field(key: str) -> str | None:
    """'grade' or 'thickness' for a condition key, None for anything else."""
    folded = key.strip().casefold()
    if folded in {k.casefold() for k in GRADE_KEYS}:
        return "grade"
    if folded in {k.casefold() for k in THICKNESS_KEYS}:
        return "thickness"
    return None


def fold_grade(grade: str) -> str:
    """Hi-B, HIB and hib are one grade."""
    return "".join(ch for ch in str(grade).casefold() if ch.isalnum())


# A grade designated as the national standard does (GB/T 2521): thickness in hundredths of
# a millimetre, Q for grain-oriented and QG for its high-permeability kind, then the core
# loss limit: 23QG085 is a 0.23 mm Hi-B, 30Q120 a 0.30 mm conventional grade.
_DESIGNATION = re.compile(r"^(\d{2})(qg|q)(\d{3})$")
_FAMILY = {"qg": "hib", "q": "cgo"}


def designation(grade: str) -> tuple[str, float] | None:
    """(family, thickness in mm) of a standard designation (23QG085 → hib, 0.23), or None."""
    match = _DESIGNATION.match(fold_grade(grade))
    return (_FAMILY[match.group(2)], int(match.group(1)) / 100) if match else None


def same_grade(named: str, window: str, thickness: float | None = None) -> bool:
    """Is the grade a question or a coil names the one a window is for? A designation is
    of its family (23QG085 is Hi-B); a family, at the designation's thickness or at none
    said, is the designation's."""
    if fold_grade(named) == fold_grade(window):
        return True
    named_as, window_as = designation(named), designation(window)
    if named_as and not window_as:
        return named_as[0] == fold_grade(window)
    if window_as and not named_as:
        return window_as[0] == fold_grade(named) and (thickness is None or abs(thickness - window_as[1]) < 1e-9)
    return False


@dataclass(frozen=True)
class Material:
    grade: str | None = None
    thickness: float | None = None

    def to_dict(self) -> dict:
        return {"grade": self.grade, "thickness": self.thickness}


def window_applies(param: Parameter, material: Material) -> bool | None:
    """True/False, or None when the condition needs a grade or thickness not given."""
    result: bool | None = True
    for key, op, value in material_condition(param.condition):
        field = material_field(key)
        if field == "grade":
            if material.grade is None:
                result = None
                continue
            same = same_grade(material.grade, value, material.thickness)
            ok = same if op == "==" else (not same if op == "!=" else False)
        elif field == "thickness":
            if material.thickness is None:
                result = None
                continue
            try:
                ok = bool(_OPS[op](float(material.thickness), float(value)))
            except ValueError:
                ok = False
        else:
            return None  # a condition on something we cannot know here
        if not ok:
            return False
    return result


def specificity(param: Parameter) -> int:
    return len(material_condition(param.condition))


def select_window(params: Sequence[Parameter], material: Material) -> tuple[Parameter | None, list[str]]:
    """The window for this material, and what is missing to decide when none fits."""
    decided = [p for p in params if window_applies(p, material) is True]
    if decided:
        return max(decided, key=lambda p: (specificity(p), p.id)), []
    missing: list[str] = []
    for p in params:
        if window_applies(p, material) is None:
            for key, _, _ in material_condition(p.condition):
                if key not in missing:
                    missing.append(key)
    return None, missing


@dataclass(frozen=True)
class GradeCodes:
    """A grade column factorised once: distinct folded grades and each row's code."""

    uniques: np.ndarray  # folded grade text
    codes: np.ndarray

    @classmethod
    def of(cls, grades: "np.ndarray | GradeCodes | None") -> "GradeCodes | None":
        if grades is None or isinstance(grades, GradeCodes):
            return grades
        uniques, codes = np.unique(np.asarray(grades, dtype=object).astype(str), return_inverse=True)
        return cls(np.array([fold_grade(g) for g in uniques], dtype=object), codes.ravel())


def row_windows(params: Sequence[Parameter], grades: "np.ndarray | GradeCodes | None",
                thickness: np.ndarray | None, length: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Per-row lower, upper, target and window index (-1: none applies), vectorised.

    More specific windows override less specific ones, as in ``select_window``. The last
    item lists material keys the data lacks.
    """
    lower = np.full(length, np.nan)
    upper = np.full(length, np.nan)
    target = np.full(length, np.nan)
    index = np.full(length, -1, dtype=np.int32)
    missing: list[str] = []
    grades = GradeCodes.of(grades)
    order = sorted(range(len(params)), key=lambda i: (specificity(params[i]), params[i].id))
    for i in order:
        param = params[i]
        mask = np.ones(length, dtype=bool)
        for key, op, value in material_condition(param.condition):
            field = material_field(key)
            if field == "grade" and grades is not None:
                same = grades.uniques == fold_grade(value)
                wanted = np.flatnonzero(same if op == "==" else ~same)
                mask &= np.isin(grades.codes, wanted)
            elif field == "thickness" and thickness is not None:
                try:
                    limit = float(value)
                except ValueError:
                    mask[:] = False
                    continue
                with np.errstate(invalid="ignore"):
                    mask &= _OPS[op](thickness, limit) & ~np.isnan(thickness)
            else:
                mask[:] = False
                if key not in missing:
                    missing.append(key)
        lower[mask] = np.nan if param.lower is None else param.lower
        upper[mask] = np.nan if param.upper is None else param.upper
        target[mask] = _center(param)
        index[mask] = i
    return lower, upper, target, index, missing


def _center(param: Parameter) -> float:
    if param.target is not None:
        return param.target
    if param.lower is not None and param.upper is not None:
        return (param.lower + param.upper) / 2
    return np.nan
