"""The day's review as a Markdown summary (stable text: no paths, no clock)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..knowledge.units import format_number
from .plan import PlanItem

if TYPE_CHECKING:
    from .daily import DayReview

KIND_LABELS = {"insufficient_data": "数据不足 insufficient data", "rule": "规则触发 rule",
               "excursion": "超窗 excursion", "drift": "漂移 drift",
               "stuck_sensor": "仪表卡死 stuck sensor", "gap": "数据断档 gap"}


# What Markdown renderers pass through as HTML: a tag, comment, declaration or autolink
# ("<" then a letter, "/", "!" or "?") and character references. Column names, values
# and file names come from the data, so these are escaped; "露点 < 45" stays readable.
_RAW_HTML = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;)")


def no_raw_html(text: str) -> str:
    return _RAW_HTML.sub(lambda m: "&lt;" if m.group() == "<" else "&amp;", text)


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def quality_note(review: "DayReview") -> str:
    """What to say when reading the data found no problem (findings are another matter)."""
    seen = [KIND_LABELS[k] for k in ("gap", "stuck_sensor", "insufficient_data")
            if any(f.kind == k for f in review.findings)]
    if not seen:
        return "数据读取没有问题。No problems reading the data."
    return f"数据读取没有问题；{'、'.join(seen)}见上面的发现 (listed under Findings)."


def render_markdown(review: "DayReview") -> str:
    r = review
    out: list[str] = []
    where = f"{r.process or '?'} line {r.line}" if r.line else (r.process or "")
    out.append(f"# 日报 Daily review — {where}, {r.day}".rstrip(", "))
    out.append("")
    if r.choice:
        out.append(f"- 日期 Day: {r.day} — {r.choice.reason}")
    out.append(f"- Data: {r.rows:,} rows, {r.first[11:]}–{r.last[11:]}, one every "
               f"{format_number(r.step_seconds)} s ({r.shape} {', '.join(r.files)})")
    if r.previous_days:
        out.append(f"- Compared with: {', '.join(r.previous_days)}")
    out.append(f"- Columns: {len(r.matched)} recognised, {len(r.unmatched)} not recognised"
               + (f" ({', '.join(r.unmatched)})" if r.unmatched else ""))
    out.append(f"- Rules checked: {r.rules_checked}; findings: {len(r.findings)}")
    out.append("")
    out += _plan(review)
    out.append("## 发现 Findings")
    out.append("")
    if not r.findings:
        out.append("Nothing found: every parameter stayed in its window, no rule fired, no drift, "
                   "no stuck sensor, no gap.")
    else:
        out.append("| kind | parameter | start | end | rule | what |")
        out.append("| --- | --- | --- | --- | --- | --- |")
        for f in r.findings:
            out.append(f"| {KIND_LABELS.get(f.kind, f.kind)} | {_cell(', '.join(f.names) or '—')} | "
                       f"{f.start[11:]} | {f.end[11:]} | {_cell(f.rule_id or '')} | {_cell(f.summary)} |")
    out.append("")
    out.append("## 参数 Parameters out of window")
    out.append("")
    flagged = [p for p in r.parameters if p.out_rows]
    if not flagged:
        out.append(f"All {len(r.parameters)} parameters with a window stayed inside it.")
    else:
        out.append("| parameter | window | time out | excursions | worst | when | coils |")
        out.append("| --- | --- | --- | --- | --- | --- | --- |")
        for p in flagged:
            w = p.worst or {}
            windows = "; ".join(f"{x['window']}" + (f" ({x['condition']})" if x["condition"] else "")
                                for x in p.windows)
            out.append(f"| {_cell(p.name)} | {_cell(windows)} | {p.out_seconds / 60:.1f} min | "
                       f"{p.excursions} | {format_number(round(w.get('value', 0), 4))} {_cell(p.unit)} | "
                       f"{w.get('at', '')[11:]} | {_cell(', '.join(p.coils[:6]))}"
                       f"{' …' if len(p.coils) > 6 else ''} |")
        out.append("")
        out.append(f"{len(r.parameters) - len(flagged)} other parameters stayed in their windows.")
    out.append("")
    out.append("## 数据质量 Data quality")
    out.append("")
    if not r.issues:
        out.append(quality_note(r))
    else:
        out.append("| issue | count | where | detail |")
        out.append("| --- | --- | --- | --- |")
        for i in r.issues:
            out.append(f"| {i.kind} | {i.count} | {_cell(i.where)} | {_cell(i.detail)} |")
    notes = [p for p in r.parameters if p.note]
    if r.unchecked or r.rules_skipped or notes:
        out.append("")
        out.append("## 未检查 Not checked")
        out.append("")
        if r.unchecked:
            out.append(f"- Parameters without a window: {', '.join(r.unchecked)}")
        for p in notes:
            out.append(f"- {p.name}: {p.note}")
        if r.rules_skipped:
            out.append(f"- Rules whose readings are not in the data: {', '.join(r.rules_skipped)}")
    return no_raw_html("\n".join(out).rstrip() + "\n")


def _plan(review: "DayReview") -> list[str]:
    plan = review.plan
    out = ["## 今日操作计划 Today's plan", ""]
    if plan is None:
        return out
    if plan.all_clear:
        out.append("昨天没有参数超窗，也没有规则触发。Nothing was out of window yesterday.")
        out.append("")
    for item in plan.items:
        out += _item(item)
    if plan.routine:
        out.append("例行检查 Routine checks:")
        out.append("")
        for item in plan.routine:
            out += _item(item)
    return out


def _item(item: PlanItem) -> list[str]:
    head = f"{item.priority}. " if item.priority else "- "
    lines = [f"{head}**[{item.category}/{item.severity}] {_cell(item.action)}**"]
    lines.append(f"   - 证据 evidence: {item.evidence}")
    if item.reason:
        cite = f" — {item.unit_id} v{item.version} ({item.source})" if item.unit_id else ""
        lines.append(f"   - 师傅说 reason: “{item.reason}”{cite}")
    for n, step in enumerate(item.steps, 1):
        lines.append(f"   - {n}) {step}")
    lines.append("")
    return lines
