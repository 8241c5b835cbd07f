"""Readings in a question ("露点到72了怎么办") judged as ``diagnose`` judges them: which are
out of window, and which of the master's rules fire on them."""

from __future__ import annotations

from dataclasses import replace

from ..diagnosis.diagnose import Diagnosis, diagnose
from ..errors import LaoshifuError
from ..knowledge.units import Rule
from .asker import KnowledgeIndex
from .slots import Slots


def diagnose_readings(slots: Slots, entry: KnowledgeIndex, processes: frozenset[str] = frozenset(),
                      text: str = "") -> Diagnosis | None:
    """The diagnosis of the question's readings, or None when it has none (or they can't
    be judged). A reading's process is the one its parameter key names; a reading of a
    parameter the named process does not have (常化炉压) is not judged by another's, nor
    one the (normalised) question says of another stage than its window's (脱水段's dew
    point by the 净化段 window)."""
    from .slots import contrasts

    readings = [r for r in slots.readings
                if (not processes or entry.vocabulary.processes.get(r.key) in processes)
                and not (text and entry.vocabulary.parameters.get(r.key)
                         and all(contrasts(text, p) for p in entry.vocabulary.parameters[r.key]))]
    if not readings:
        return None
    slots = replace(slots, readings=tuple(readings))
    process = entry.vocabulary.processes.get(slots.readings[0].key)
    if any(entry.vocabulary.processes.get(r.key) != process for r in slots.readings):
        process = None  # readings from two processes: judge each against its own rules
    raw = {entry.vocabulary.names[r.key]: f"{r.value}{r.unit}" for r in slots.readings}
    units = list(entry.units.structured_units())
    try:
        return diagnose(units, raw, material=slots.material, process=process)
    except LaoshifuError:
        return None


def fired_rules(result: Diagnosis | None) -> list[Rule]:
    """Rules whose conditions hold on the readings, most severe and specific first."""
    return [m.rule for m in result.certain] if result else []


def readings_summary(result: Diagnosis | None) -> list[dict]:
    """Each reading as judged: its value, and the side and limit when out of window."""
    if result is None:
        return []
    # A reading no window applies to (the windows are by thickness, and none was said) is
    # not judged: it is not "in window".
    inside = {r.key for r in result.in_window}
    out = {r.key: {"parameter": r.name, "value": r.value, "unit": r.unit,
                   "status": "in window" if r.key in inside else "unjudged"}
           for r in result.readings}
    for d in result.deviations:
        out[d.reading.key].update(status="high" if d.side == "high" else "low", limit=d.limit,
                                  window=d.window.window_text(), unit_id=d.window.id)
    return list(out.values())
