"""The master's rules over a day of readings: when each fired and for how long."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..knowledge.conditions import Condition
from ..diagnosis.diagnose import rule_sort_key
from ..knowledge.units import Rule
from .model import Finding, episodes, iso


def evaluable(rules: Sequence[tuple[Rule, Condition | None]], keys: set[str]
              ) -> tuple[list[tuple[Rule, Condition]], list[Rule]]:
    """Rules whose condition reads at least one quantity in the data, and the rest."""
    ok, skipped = [], []
    for rule, condition in rules:
        if condition is None:
            continue
        if set(condition.keys) & keys:
            ok.append((rule, condition))
        else:
            skipped.append(rule)
    return ok, skipped


def fire(rules: Sequence[tuple[Rule, Condition]], columns: Mapping[str, np.ndarray],
         time_ms: np.ndarray, step_ms: int, merge_ms: int,
         names: Mapping[str, str] | None = None) -> list[Finding]:
    """Evaluate every rule over whole columns (vectorised) and return each firing."""
    findings = []
    for rule, condition in sorted(rules, key=lambda rc: (*rule_sort_key(rc[0]), rc[0].id)):
        truth = condition.evaluate_columns(columns)
        shown = tuple((names or {}).get(k, k) for k in condition.keys if k in columns)
        starts, ends = episodes(truth, time_ms, merge_ms)
        for a, b in zip(starts.tolist(), ends.tolist()):
            seconds = float(truth[a:b + 1].sum() * step_ms / 1000)
            findings.append(Finding(
                "rule", shown[0] if shown else None, iso(time_ms[a]), iso(time_ms[b]),
                rule_id=rule.id, parameters=shown,
                severity=rule.severity, category=rule.category, unit_id=rule.id,
                summary=f"{rule.title} ({rule.condition}) held for {seconds:.0f} s",
                detail={"title": rule.title, "condition": rule.condition, "seconds": seconds,
                        "keys": list(condition.keys)}))
    return findings
