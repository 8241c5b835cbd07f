"""Today's operation plan from yesterday's review: what to check first, and why.

Safety before quality before equipment before cost; within a category, the more severe
first. Each item carries the evidence (yesterday's numbers) and the master's reason,
quoted from the cited rule, note, procedure or parameter.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from ..knowledge.conditions import Condition
from ..diagnosis.diagnose import CATEGORY_RANK, SEVERITY_RANK, parsed_rules
from ..knowledge.units import Note, Parameter, Procedure, Rule, Unit, format_number
from ..knowledge.vocabulary import Vocabulary
from .model import Finding

if TYPE_CHECKING:
    from .daily import DayReview

_KIND_RANK = {"insufficient_data": -1, "rule": 0, "excursion": 1, "stuck_sensor": 2, "drift": 3, "gap": 4}
_QUOTE_CHARS = 120


@dataclass
class PlanItem:
    category: str
    severity: str
    kind: str
    action: str
    evidence: str
    reason: str = ""
    unit_id: str | None = None
    version: int | None = None
    source: str = ""
    steps: list[str] = field(default_factory=list)
    first_seen: str = ""
    priority: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Plan:
    day: str
    items: list[PlanItem] = field(default_factory=list)
    all_clear: bool = False
    routine: list[PlanItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "all_clear": self.all_clear,
                "items": [i.to_dict() for i in self.items],
                "routine": [i.to_dict() for i in self.routine]}


def quote(text: str, limit: int = _QUOTE_CHARS) -> str:
    """The master's words, first paragraph, cut at a sentence end near ``limit``."""
    text = " ".join((text or "").strip().split("\n\n")[0].split())
    if len(text) <= limit:
        return text
    cut = max(text.rfind(p, 0, limit) for p in "。！；;.!")
    return text[:cut + 1] if cut > limit // 3 else text[:limit] + "…"


def make_plan(review: "DayReview", units: Sequence[Unit], vocab: Vocabulary) -> Plan:
    plan = Plan(review.day)
    process = review.process
    rules = [(r, c) for r, c in parsed_rules(
        [u for u in units if isinstance(u, Rule) and (not process or r_process(u) in ("", process))],
        vocab) if c is not None]
    params = {k: v for k, v in vocab.parameters.items()}
    notes = [u for u in units if isinstance(u, Note) and u.process in ("", process or "")]
    procedures = [u for u in units if isinstance(u, Procedure) and u.process in ("", process or "")]
    by_rule: dict[str, list[Finding]] = {}
    by_param: dict[tuple[str, str], list[Finding]] = {}
    gaps: list[Finding] = []
    for f in review.findings:
        if f.kind == "insufficient_data":
            plan.items.append(_thin_item(f))
        elif f.kind == "rule" and f.rule_id:
            by_rule.setdefault(f.rule_id, []).append(f)
        elif f.kind == "gap":
            gaps.append(f)
        elif f.key:
            by_param.setdefault((f.kind, f.key), []).append(f)
    rule_units = {r.id: (r, c) for r, c in rules}
    fired_keys: dict[str, PlanItem] = {}
    for rule_id, found in by_rule.items():
        rule, condition = rule_units.get(rule_id, (None, None))
        if rule is None:
            continue
        item = _rule_item(rule, found)
        plan.items.append(item)
        for key in condition.keys:
            fired_keys.setdefault(key, item)
    for (kind, key), found in sorted(by_param.items(), key=lambda kv: kv[1][0].start):
        name = found[0].parameter or key
        evidence = _evidence(kind, found, review)
        if kind == "excursion" and key in fired_keys:
            fired_keys[key].evidence += f"; {evidence}"
            continue
        rule = _rule_for(key, rules, _probe_value(kind, found, review))
        window = params.get(key, [None])[0]
        item = _param_item(kind, name, key, evidence, rule, window, notes, procedures, found)
        plan.items.append(item)
    if gaps:
        total = sum(f.duration_s for f in gaps) / 60 + len(gaps) * review.step_seconds / 60
        plan.items.append(PlanItem(
            "equipment", "low", "gap", "检查数据采集（historian/网络）：昨天有数据断档",
            f"{len(gaps)} gap(s), {total:.0f} min in all, first {gaps[0].start[11:19]}–{gaps[0].end[11:19]}",
            reason="断档期间的工况没有记录，超窗也看不见。", first_seen=gaps[0].start))
    plan.items.sort(key=lambda i: (CATEGORY_RANK.get(i.category, 9), SEVERITY_RANK.get(i.severity, 9),
                                   _KIND_RANK.get(i.kind, 9), i.first_seen, i.action))
    for n, item in enumerate(plan.items, 1):
        item.priority = n
    # A day with too few rows is never clear: what is missing may have been out of window.
    plan.all_clear = not any(f.kind in ("rule", "excursion", "insufficient_data")
                             for f in review.findings)
    if plan.all_clear:
        for proc in sorted(procedures, key=lambda p: p.id):
            plan.routine.append(PlanItem(
                "routine", "low", "routine", f"例行：{proc.title}",
                "昨天所有参数都在窗口内" if not review.findings else "昨天没有超窗",
                reason=quote(proc.body), unit_id=proc.id, version=proc.version,
                source=proc.source, steps=list(proc.steps)))
    return plan


def r_process(rule: Rule) -> str:
    return rule.process or ""


def _thin_item(found: Finding) -> PlanItem:
    d = found.detail
    return PlanItem(
        found.category, found.severity, found.kind,
        "数据不足：先查数据采集，当天的工况要人工核实",
        f"{d['rows']:,} rows of about {d['expected']:,} expected on {found.start[:10]}",
        reason="数据太少，超窗也看不见，不能当作一切正常。", first_seen=found.start)


def _rule_item(rule: Rule, found: list[Finding]) -> PlanItem:
    seconds = sum(f.detail.get("seconds", 0) for f in found)
    first = found[0]
    evidence = (f"{rule.condition} held {len(found)} time(s), {seconds / 60:.1f} min in all; "
                f"first {first.start[11:19]}–{first.end[11:19]}")
    return PlanItem(rule.category, rule.severity, "rule", f"{rule.title}：复查原因，按规则处置",
                    evidence, reason=quote(rule.body or rule.diagnosis), unit_id=rule.id,
                    version=rule.version, source=rule.source, steps=list(rule.actions),
                    first_seen=first.start)


def _probe_value(kind: str, found: list[Finding], review: "DayReview") -> float | None:
    """A value that stands for the finding: the worst reading, or just past the drift's limit."""
    f = found[0]
    if kind == "excursion":
        summary = next((p for p in review.parameters if p.key == f.key), None)
        return (summary.worst or f.detail)["value"] if summary else f.detail.get("value")
    if kind == "drift":
        d = f.detail
        return d["limit"] + (abs(d["limit"] - d["from"]) * 0.5) * (1 if d["side"] == "high" else -1)
    return None


def _rule_for(key: str, rules: Sequence[tuple[Rule, Condition]], value: float | None) -> Rule | None:
    """The most severe rule on this quantity that such a value would fire (any, without one)."""
    own = [r for r, c in rules if key in c.keys and (value is None or c.holds({key: value}))]
    own.sort(key=lambda r: (SEVERITY_RANK.get(r.severity, 9), CATEGORY_RANK.get(r.category, 9), r.id))
    return own[0] if own else None


def _evidence(kind: str, found: list[Finding], review: "DayReview") -> str:
    f = found[0]
    if kind == "excursion":
        summary = next((p for p in review.parameters if p.key == f.key), None)
        worst = summary.worst if summary else f.detail
        out = summary.out_seconds if summary else 0
        side = "高于上限" if worst["side"] == "high" else "低于下限"
        coils = f"; coils {', '.join(summary.coils[:5])}" if summary and summary.coils else ""
        return (f"{f.parameter} {side} {format_number(worst['limit'])}: {len(found)} excursion(s), "
                f"{out / 60:.1f} min out of window, worst {format_number(round(worst['value'], 4))} "
                f"at {worst['at'][11:19]}{coils}")
    if kind == "drift":
        d = f.detail
        eta = f"; at this rate crosses ~{_clock(d['crosses_at'], review.day)}" \
            if d.get("crosses_at") else ""
        return (f"{f.parameter} {d['from']:.5g} → {d['to']:.5g} since "
                f"{f.start[11:16]}, {d['share_of_window'] * 100:.0f}% of the way to "
                f"{format_number(d['limit'])}{eta}")
    if kind == "stuck_sensor":
        return f"{f.parameter} read {f.detail['value']:g} unchanged {f.start[11:19]}–{f.end[11:19]}"
    return f.summary


def _clock(moment: str, day: str) -> str:
    """hh:mm on the reviewed day; with the date when it falls on another day."""
    return moment[11:16] if moment[:10] == day else f"{moment[:10]} {moment[11:16]}"


def _param_item(kind: str, name: str, key: str, evidence: str, rule: Rule | None,
                window: Parameter | None, notes: list[Note], procedures: list[Procedure],
                found: list[Finding]) -> PlanItem:
    safety = rule is not None and rule.category == "safety" or \
        (window is not None and "安全" in window.tags)
    first = found[0].start
    if kind == "stuck_sensor":
        proc = _procedure_for(window, procedures)
        cited: Unit | None = proc or window
        return PlanItem("safety" if safety else "equipment", "medium", kind,
                        f"校验{name}仪表：读数长时间不变，可能卡死", evidence,
                        reason=quote(cited.body if cited else ""),
                        unit_id=cited.id if cited else None,
                        version=cited.version if cited else None,
                        source=cited.source if cited else "",
                        steps=list(proc.steps) if proc else [], first_seen=first)
    note = next((n for n in notes if name in n.body), None)
    if rule is not None:
        cited, steps = rule, list(rule.actions)
        category, severity = rule.category, rule.severity
        reason = quote(rule.body or rule.diagnosis)
    else:
        cited = note or window
        steps = []
        category = "safety" if safety else "quality"
        severity = "medium"
        reason = quote(cited.body if cited else "")
    if kind == "drift":
        action = f"盯住{name}：正在向限值漂移，今天内查明原因"
        severity = "low" if severity in ("medium", "low") else "medium"
    else:
        action = f"查{name}超窗原因" + ("，按规则处置" if rule else "")
    return PlanItem(category, severity, kind, action, evidence, reason=reason,
                    unit_id=cited.id if cited else None, version=cited.version if cited else None,
                    source=cited.source if cited else "", steps=steps, first_seen=first)


def _procedure_for(window: Parameter | None, procedures: list[Procedure]) -> Procedure | None:
    if window is None:
        return None
    # Only an instrument procedure helps with a frozen reading; otherwise cite the window.
    own = [p for p in procedures if (window.id in p.parameters or window.name in p.title)
           and re.search("校准|点检|仪表|标定", p.title)]
    own.sort(key=lambda p: (window.name not in p.title, p.id))
    return own[0] if own else None
