"""What changed between two versions of a unit, in the words a learner reads first."""

from __future__ import annotations

from ..knowledge.units import Unit, format_number

# The fields a learner is taught, with their Chinese labels; provenance is left out.
LABELS = {
    "title": "标题", "name": "参数", "unit": "单位", "lower": "下限", "target": "目标",
    "upper": "上限", "condition": "条件", "symptom": "现象", "diagnosis": "判断",
    "actions": "处置", "steps": "步骤", "severity": "严重程度", "question": "问题",
    "synonyms": "同义词", "context": "背景", "body": "正文", "process": "工序",
}
MAX_TEXT = 160  # longer texts are shown as "改了" with the new text below


def _show(value) -> str:
    if value is None or value == "":
        return "（无）"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def describe(old: Unit, new: Unit) -> list[str]:
    """One line per changed field: ``上限：65 → 63 ℃``; list fields item by item."""
    before, after = old.content(), new.content()
    lines: list[str] = []
    for name, label in LABELS.items():
        a, b = before.get(name), after.get(name)
        if a == b or (name not in before and name not in after):
            continue
        if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
            lines += _list_changes(label, list(a or ()), list(b or ()))
            continue
        unit = f" {after.get('unit')}" if name in ("lower", "upper", "target") and after.get("unit") else ""
        shown_a, shown_b = _show(a), _show(b)
        if len(shown_a) + len(shown_b) > MAX_TEXT:
            lines.append(f"{label}改了，现在是：{shown_b}")
        else:
            lines.append(f"{label}：{shown_a} → {shown_b}{unit}")
    return lines


def _list_changes(label: str, old: list, new: list) -> list[str]:
    lines = []
    for i in range(max(len(old), len(new))):
        a = old[i] if i < len(old) else None
        b = new[i] if i < len(new) else None
        if a == b:
            continue
        if a is None:
            lines.append(f"{label}第 {i + 1} 条（新加）：{b}")
        elif b is None:
            lines.append(f"{label}第 {i + 1} 条删了：{a}")
        else:
            lines.append(f"{label}第 {i + 1} 条：{a} → {b}")
    return lines
