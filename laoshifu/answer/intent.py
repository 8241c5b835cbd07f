"""What a question is about: which process and which parameter it names, and what it wants.

Found from the knowledge base's own vocabulary (process names, parameter names, symbols
and glossary synonyms), so a new knowledge base needs no new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import conditions
from ..text import normalize
from ..units import Parameter, Rule, Term
from .asker import KnowledgeIndex

# Questions about what to do when something goes wrong.
_FAULT = re.compile(r"怎么办|咋办|怎么处理|如何处理|怎么弄|咋弄|咋整|怎么搞|报警|异常|故障|偏高|偏低|太高|太低|"
                    r"过高|过低|超标|超了|超限|不够|不足|掉了|老是|总是|泄漏|漏气|漏水|着火|起火|停电|跑偏|"
                    r"结垢|粘结|what to do|what should|alarm|leak|fire")
# Questions asking for a value or window.
_VALUE = re.compile(r"多少|范围|控制在|几度|多高|多低|多大|多快|多长|几个|窗口|上限|下限|目标|标准|区间|"
                    r"how much|how many|how high|range|limit|what temperature|target|window")


# Which way a reading went ("露点老往上跑", "氢气比例低了").
_UP = re.compile(r"高|上|升|超|涨|冲|大|多|过量|偏浓|too high|high|rise|rising|above|over")
_DOWN = re.compile(r"低|下|降|掉|少|小|不够|不足|偏稀|too low|low|drop|fall|below|under")
# Questions asking what a term means.
_DEFINITION = re.compile(r"什么是|是什么|啥是|是啥|什么意思|啥意思|指的是|指什么|含义|定义|what is|what does|meaning|stand for")


@dataclass(frozen=True)
class Intent:
    text: str  # the normalised question
    processes: frozenset[str]
    quantities: tuple[str, ...]  # quantity keys ("process:name"), most specific first
    wants_value: bool
    wants_action: bool
    wants_definition: bool = False
    direction: str = ""  # "up", "down" or "" when the question does not say


def _process_spellings(entry: KnowledgeIndex) -> dict[str, str]:
    cached = getattr(entry, "_process_spellings", None)
    if cached is not None:
        return cached
    processes = {u.process for u in entry.units.values() if u.process}
    spellings = {normalize(p): p for p in processes}
    for unit in entry.units.values():
        if isinstance(unit, Term) and unit.title in processes:
            for synonym in (*unit.synonyms, unit.english):
                if synonym and len(synonym) >= 2:
                    spellings.setdefault(normalize(synonym), unit.title)
    entry._process_spellings = spellings  # type: ignore[attr-defined]
    return spellings


def _quantity_spellings(entry: KnowledgeIndex) -> list[tuple[str, set[str]]]:
    cached = getattr(entry, "_quantity_spellings", None)
    if cached is not None:
        return cached
    pairs = [(normalize(s), keys) for s, keys in entry.vocabulary.spellings.items() if len(s) >= 2]
    pairs.sort(key=lambda p: len(p[0]), reverse=True)  # longest spelling first
    entry._quantity_spellings = pairs  # type: ignore[attr-defined]
    return pairs


def read_intent(question: str, entry: KnowledgeIndex) -> Intent:
    text = normalize(question)
    processes = frozenset(p for s, p in _process_spellings(entry).items() if s and s in text)
    found: list[str] = []
    covered = text
    for spelling, keys in _quantity_spellings(entry):
        if not _contains(covered, spelling):
            continue
        covered = covered.replace(spelling, " ")  # "氢气比例" is not also "氢气"
        local = [k for k in keys if entry.vocabulary.processes.get(k) in processes]
        for key in sorted(local or keys):
            if key not in found:
                found.append(key)
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    direction = "up" if up and not down else "down" if down and not up else ""
    return Intent(text, processes, tuple(found), bool(_VALUE.search(text)),
                  bool(_FAULT.search(text)), bool(_DEFINITION.search(text)), direction)


def rule_directions(rule: Rule, entry: KnowledgeIndex) -> set[tuple[str, str]]:
    """{(quantity key, "up"/"down")} that make the rule's condition fire."""
    cache = entry.__dict__.setdefault("_rule_directions", {})
    if rule.id not in cache:
        found: set[tuple[str, str]] = set()
        try:
            parsed = conditions.parse(rule.condition, entry.vocabulary.resolver(rule.process)) \
                if rule.condition else None
        except conditions.ConditionError:
            parsed = None
        if parsed is not None:
            for node in conditions.walk(parsed.expr):
                if isinstance(node, conditions.Compare) and isinstance(node.left, conditions.Name):
                    way = "up" if node.op in (">", ">=") else "down" if node.op in ("<", "<=") else ""
                    if way:
                        found.add((node.left.key, way))
        cache[rule.id] = found
    return cache[rule.id]


def term_named(intent: Intent, entry: KnowledgeIndex) -> Term | None:
    """The glossary term a "what is X" question names (longest spelling wins)."""
    best: tuple[int, Term] | None = None
    for unit in entry.units.values():
        if not isinstance(unit, Term):
            continue
        for spelling in (unit.title, *unit.synonyms, unit.english):
            folded = normalize(spelling) if spelling else ""
            if len(folded) >= 2 and _contains(intent.text, folded):
                if best is None or len(folded) > best[0]:
                    best = (len(folded), unit)
    return best[1] if best else None


def _contains(text: str, spelling: str) -> bool:
    if spelling.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(spelling)}(?![a-z0-9])", text) is not None
    return spelling in text


def parameters_for(intent: Intent, entry: KnowledgeIndex, ranking: list[str]) -> list[Parameter]:
    """The windows of the quantity the question names (every grade/thickness).

    When the name fits several quantities (露点 in two processes) and the question names
    no process, the one retrieval ranks highest wins.
    """
    if not intent.quantities:
        return []
    rank = {uid: i for i, uid in enumerate(ranking)}
    named = [k for k in intent.quantities if not intent.processes
             or entry.vocabulary.processes.get(k) in intent.processes] or list(intent.quantities)
    first_spelling = [k for k in named if k in intent.quantities[:1]]

    def best(key: str) -> int:
        return min((rank.get(p.id, len(rank)) for p in entry.vocabulary.parameters.get(key, [])),
                   default=len(rank))

    key = min(named, key=lambda k: (best(k), k not in first_spelling))
    return list(entry.vocabulary.parameters.get(key, []))
