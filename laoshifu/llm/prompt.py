"""Exactly what is sent to the model: the question and the units the answer cites.

Nothing else leaves Laoshifu — no user names, no other questions, no logs, no units the
answer does not cite. Each cited unit is rendered as plain text under its ``[n]``; the
checker later verifies the model's words against this same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..knowledge import conditions
from ..answer.model import Answer
from ..review.material import THICKNESS_KEYS
from ..store import Store
from ..knowledge.units import QA, Note, Parameter, Procedure, Rule, Section, Term, Unit, format_number
from ..knowledge.vocabulary import Vocabulary

# A long handbook section is cut at a sentence end: the model reads, and the checker
# checks against, only what is sent.
MAX_SOURCE_CHARS = 1500

SYSTEM = (
    "你是钢厂老师傅的助手，替师傅回答徒弟的问题。只能用下面“资料”里的内容，资料是师傅的原话和记录。\n"
    "规则：\n"
    "1. 每句话末尾标出处，如 [1]；标的必须是这句话依据的资料编号。\n"
    "2. 数字和单位照资料原样写：不换算单位，不写资料里没有的数字。\n"
    "3. 参数名称用资料里的叫法；处置动作和操作步骤照资料原文写，不增加、不改动。\n"
    "4. 资料回答不了，就只回答“不确定”，不要猜。\n"
    "5. 用简体中文，三到六句话，口语、简明，不用标题、列表和表格。"
)

REWRITE_SYSTEM = (
    "你帮忙检索钢厂老师傅的知识库。把徒弟的问题改写成一到三个意思完全相同、用词更规范的问法"
    "（用工艺术语，写全工序和参数名称）。不要增加问题里没有的条件、数字、牌号或厚度。"
    '只输出 JSON，例如 {"paraphrases": ["脱碳退火的露点控制在多少？"]}'
)


@dataclass(frozen=True)
class Source:
    """One cited unit as the model sees it."""

    n: int
    unit: Unit
    text: str


class KnowledgeChanged(Exception):
    """A cited unit changed between retrieval and generation."""


def cited_sources(store: Store, base: str, answer: Answer, vocabulary: Vocabulary) -> list[Source]:
    """The units ``answer`` cites, in citation order, at the versions it cites."""
    units = store.get_units(base, [c.unit_id for c in answer.citations])
    sources = []
    for citation in answer.citations:
        unit = units.get(citation.unit_id)
        if unit is None or unit.version != citation.version or unit.status != "approved":
            raise KnowledgeChanged(citation.unit_id)
        sources.append(Source(citation.n, unit, render_unit(unit, vocabulary)))
    return sources


def answer_messages(question: str, sources: list[Source]) -> list[dict[str, str]]:
    """The two messages of a generated answer: the rules, then the sources and the question."""
    blocks = "\n\n".join(f"[{s.n}] {s.text}" for s in sources)
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"资料：\n{blocks}\n\n问题：{question}"}]


def rewrite_messages(question: str) -> list[dict[str, str]]:
    """Asking for paraphrases sends the question alone."""
    return [{"role": "system", "content": REWRITE_SYSTEM},
            {"role": "user", "content": f"问题：{question}"}]


def render_unit(unit: Unit, vocabulary: Vocabulary) -> str:
    head = f"（{unit.id} v{unit.version}）"
    lines: list[str]
    if isinstance(unit, Parameter):
        name = f"{unit.name}（{unit.symbol}）" if unit.symbol else unit.name
        lines = [f"工艺参数：{name}{head}", f"工序：{unit.process}" if unit.process else ""]
        if unit.condition:
            lines.append(f"适用：{_material_condition(unit.condition)}")
        lines.append(f"窗口：{_window(unit)}")
        if unit.body:
            lines.append(f"师傅的话：{unit.body}")
    elif isinstance(unit, Rule):
        lines = [f"应急判断：{unit.title}{head}", f"工序：{unit.process}" if unit.process else ""]
        if unit.symptom:
            lines.append(f"现象：{unit.symptom}")
        if unit.condition:
            lines.append(f"条件：{_rule_condition(unit, vocabulary)}")
        if unit.diagnosis:
            lines.append(f"判断：{unit.diagnosis}")
        lines.append("处置（按顺序）：")
        lines += [f"{i}. {a}" for i, a in enumerate(unit.actions, 1)]
        if unit.body:
            lines.append(f"说明：{unit.body}")
    elif isinstance(unit, Procedure):
        lines = [f"操作规范：{unit.title}{head}", f"工序：{unit.process}" if unit.process else ""]
        if unit.body:
            lines.append(unit.body)
        lines.append("步骤（按顺序）：")
        lines += [f"{i}. {s}" for i, s in enumerate(unit.steps, 1)]
    elif isinstance(unit, Term):
        also = "、".join(x for x in (*unit.synonyms, unit.english) if x)
        lines = [f"术语：{unit.title}{head}", f"又叫：{also}" if also else "", f"释义：{unit.body}"]
    elif isinstance(unit, QA):
        lines = [f"师傅答疑{head}", f"问：{unit.question}", f"答：{unit.body}"]
    elif isinstance(unit, Note):
        lines = [f"经验笔记：{unit.title}{head}", f"场合：{unit.context}" if unit.context else "",
                 unit.body]
    elif isinstance(unit, Section):
        path = " > ".join((*unit.path, unit.title))
        lines = [f"手册章节：{path}{head}", unit.body]
    else:  # pragma: no cover - every kind is handled above
        lines = [f"{unit.title}{head}", unit.body]
    return _cut("\n".join(line for line in lines if line))


def _window(p: Parameter) -> str:
    parts = []
    for label, value in (("下限", p.lower), ("目标", p.target), ("上限", p.upper)):
        if value is not None:
            parts.append(f"{label} {format_number(value)}{p.unit}")
    return "，".join(parts) or "无"


_THICKNESS = re.compile(rf"((?:{'|'.join(THICKNESS_KEYS)})\s*(?:<=|>=|<|>|==|=|≤|≥)\s*-?\d+(?:\.\d+)?)(?!\s*mm)",
                        re.IGNORECASE)


def _material_condition(text: str) -> str:
    # Thickness is in mm throughout the knowledge base; say so, so "0.23 mm" can be checked.
    return _THICKNESS.sub(r"\1mm", text)


def _rule_condition(rule: Rule, vocabulary: Vocabulary) -> str:
    """The condition with each number in its quantity's unit (露点 > 65℃), so the model
    can repeat it and the checker can hold it to that unit."""
    try:
        parsed = conditions.parse(rule.condition, vocabulary.resolver(rule.process or None))
    except conditions.ConditionError:
        return rule.condition
    return _expr(parsed.expr)


def _expr(node) -> str:
    if isinstance(node, conditions.Compare):
        unit = ""
        for side in (node.left, node.right):
            if isinstance(side, conditions.Name) and side.unit:
                unit = side.unit
        return f"{_operand(node.left, unit)} {node.op} {_operand(node.right, unit)}"
    if isinstance(node, conditions.And):
        return " 且 ".join(_expr(i) for i in node.items)
    if isinstance(node, conditions.Or):
        return "（" + " 或 ".join(_expr(i) for i in node.items) + "）"
    if isinstance(node, conditions.Not):
        return f"非（{_expr(node.item)}）"
    return _operand(node, "")


def _operand(node, unit: str) -> str:
    if isinstance(node, conditions.Number):
        return f"{format_number(node.value)}{node.unit or unit}"
    return node.text


def _cut(text: str) -> str:
    if len(text) <= MAX_SOURCE_CHARS:
        return text
    head = text[:MAX_SOURCE_CHARS]
    end = max(head.rfind(mark) for mark in "。！？\n")
    return head[:end + 1] if end > MAX_SOURCE_CHARS // 2 else head
