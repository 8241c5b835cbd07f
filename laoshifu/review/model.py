"""What a day's review finds: typed findings and per-parameter summaries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

FINDING_KINDS = ("insufficient_data", "rule", "excursion", "drift", "stuck_sensor", "gap")


def iso(ms: int | np.integer) -> str:
    """Epoch milliseconds (naive plant time) as ISO text, to the second."""
    moment = datetime(1970, 1, 1) + timedelta(milliseconds=int(ms))
    return moment.isoformat(timespec="seconds")


def episodes(mask: np.ndarray, time_ms: np.ndarray, merge_ms: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices where runs of True start and end; runs closer than ``merge_ms`` join."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    t = time_ms[idx]
    # A new episode starts where the next flagged row is far in time, or not adjacent
    # in rows while more than merge_ms away.
    breaks = np.flatnonzero(np.diff(t) > merge_ms) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks - 1, [idx.size - 1]))
    return idx[starts], idx[ends]


@dataclass(frozen=True)
class Finding:
    """One thing the review found, with its time span and what it cites."""

    kind: str
    parameter: str | None  # the parameter (a rule over several: the first it reads)
    start: str
    end: str
    rule_id: str | None = None
    key: str | None = None
    severity: str = ""
    category: str = ""
    unit_id: str | None = None  # the window or rule this finding is judged by
    summary: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    parameters: tuple[str, ...] = ()  # every parameter, when there are several (rules)

    @property
    def names(self) -> list[str]:
        """The parameters this finding is about, as a list (empty for a gap)."""
        return list(self.parameters) or ([self.parameter] if self.parameter else [])

    @property
    def duration_s(self) -> float:
        a = datetime.fromisoformat(self.start)
        b = datetime.fromisoformat(self.end)
        return (b - a).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v for k, v in data.items() if v not in (None, "", {})} | {
            "kind": self.kind, "parameter": self.parameter, "parameters": self.names,
            "start": self.start, "end": self.end, "rule_id": self.rule_id}


@dataclass
class ParameterSummary:
    """One parameter over the day: how long and how far outside its window."""

    key: str
    name: str
    unit: str
    column: str
    windows: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    checked_rows: int = 0
    missing: int = 0
    out_rows: int = 0
    out_seconds: float = 0.0
    excursions: int = 0
    worst: dict[str, Any] | None = None
    coils: list[str] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
