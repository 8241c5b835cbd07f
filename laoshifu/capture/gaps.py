"""What the knowledge base still lacks, each phrased as a question for the master's next
session: answers marked unhelpful, the questions apprentices ask most, parameters no rule
watches, rules with no procedure to recover by, windows without a reason, thin processes.
His answer, captured on the 录入 page, becomes a draft."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..knowledge import conditions
from ..answer import feedback
from ..store import Store
from ..knowledge.units import Parameter, Procedure, Rule, Unit
from ..knowledge.vocabulary import Vocabulary, quantity_key

GAP_KINDS = ("unhelpful", "asked", "no_rule", "no_procedure", "no_rationale", "thin_process")
# A process with fewer approved units than this is thin.
THIN_PROCESS = 8


@dataclass(frozen=True)
class Gap:
    kind: str
    prompt: str  # the question for the master, in his language
    process: str = ""
    refs: tuple[str, ...] = ()  # unit ids, or "q:ID" for a queued question
    weight: int = 1  # how many asked, thumbs down, or how critical

    def to_dict(self) -> dict:
        return {"kind": self.kind, "prompt": self.prompt, "process": self.process,
                "refs": list(self.refs), "weight": self.weight}


@dataclass
class GapReport:
    base: str
    gaps: list[Gap] = field(default_factory=list)

    def by_kind(self) -> dict[str, list[Gap]]:
        out: dict[str, list[Gap]] = {k: [] for k in GAP_KINDS}
        for gap in self.gaps:
            out[gap.kind].append(gap)
        return out

    def to_dict(self) -> dict:
        return {"base": self.base, "counts": {k: len(v) for k, v in self.by_kind().items()},
                "gaps": [g.to_dict() for g in self.gaps]}


def find_gaps(store: Store, base: str, limit_per_kind: int = 50) -> GapReport:
    units = store.list_units(base, statuses=("approved",))
    report = GapReport(base)
    found = [*_unhelpful(store, base), *_asked(store, base), *_no_rule(units),
             *_no_procedure(units), *_no_rationale(units), *_thin(units)]
    by_kind: dict[str, list[Gap]] = defaultdict(list)
    for gap in found:
        by_kind[gap.kind].append(gap)
    for kind in GAP_KINDS:
        ranked = sorted(by_kind[kind], key=lambda g: (-g.weight, g.process, g.prompt))
        report.gaps += ranked[:limit_per_kind]
    return report


def _unhelpful(store: Store, base: str) -> list[Gap]:
    downs = feedback.list_feedback(store, base, helpful=False, limit=1000)
    counts = Counter(f.question for f in downs)
    comments: dict[str, list[str]] = defaultdict(list)
    for f in downs:
        if f.comment.strip():
            comments[f.question].append(f.comment.strip())
    out = []
    for question, n in counts.items():
        said = f"（徒弟说：{comments[question][0][:60]}）" if comments[question] else ""
        out.append(Gap("unhelpful", f"「{question}」的回答被点了{n}次没帮助{said}：这个该怎么讲？",
                       refs=tuple(dict.fromkeys(c for f in downs if f.question == question
                                                for c in f.citations)), weight=n))
    return out


def _asked(store: Store, base: str) -> list[Gap]:
    return [Gap("asked", f"徒弟问了{q.askers}次：「{q.text}」——您怎么回答？",
                refs=(f"q:{q.id}",), weight=q.askers)
            for q in store.list_questions(base, "open")]


def _watched_keys(rules: list[Rule], vocabulary: Vocabulary) -> dict[str, set[str]]:
    """Quantity key → the ids of the rules whose conditions read it."""
    out: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        if not rule.condition:
            continue
        try:
            parsed = conditions.parse(rule.condition, vocabulary.resolver(rule.process or None))
        except conditions.ConditionError:
            continue
        for key in parsed.keys:
            out[key].add(rule.id)
    return out


def _no_rule(units: list[Unit]) -> list[Gap]:
    vocabulary = Vocabulary.from_units(units)
    rules = [u for u in units if isinstance(u, Rule)]
    watched = _watched_keys(rules, vocabulary)
    out = []
    seen: set[str] = set()
    for param in (u for u in units if isinstance(u, Parameter)):
        key = quantity_key(param.process, param.name)
        if key in watched or key in seen:
            continue
        seen.add(key)
        mentioned = any(param.name in (r.symptom + r.title) for r in rules if r.process == param.process)
        if mentioned:
            continue
        sides = [s for s, limit in (("偏高", param.upper), ("偏低", param.lower)) if limit is not None]
        side = sides[0] if len(sides) == 1 else "偏高或偏低"
        place = _place(param.process)
        out.append(Gap("no_rule", f"关于{place}{param.name}{side}，还没有应急判断：出现时先做什么？",
                       param.process, (param.id,), weight=2 if sides else 1))
    return out


def _place(process: str) -> str:
    """渗氮 → 渗氮段, 脱碳退火 → 脱碳段: how the master names the place."""
    if not process:
        return ""
    if process.endswith("退火") and len(process) > 3:
        return process[:-2] + "段"
    return process if process.endswith(("段", "炉", "线", "涂层", "检验", "刻痕")) else process + "段"


def _no_procedure(units: list[Unit]) -> list[Gap]:
    vocabulary = Vocabulary.from_units(units)
    procedures = [u for u in units if isinstance(u, Procedure)]
    params_by_id = {u.id: u for u in units if isinstance(u, Parameter)}
    covered: set[str] = set()
    for proc in procedures:
        for ref in proc.parameters:
            param = params_by_id.get(ref)
            if param is not None:
                covered.add(quantity_key(param.process, param.name))
    out = []
    for rule in (u for u in units if isinstance(u, Rule)):
        keys = set()
        if rule.condition:
            try:
                keys = set(conditions.parse(rule.condition, vocabulary.resolver(rule.process or None)).keys)
            except conditions.ConditionError:
                keys = set()
        named = any(p.title and p.title in " ".join(rule.actions) for p in procedures)
        if named or (keys and keys & covered):
            continue
        out.append(Gap("no_procedure", f"「{rule.title}」处理完以后，按什么规程恢复生产？还没有对应的操作规范。",
                       rule.process, (rule.id,),
                       weight={"critical": 4, "high": 3, "medium": 2}.get(rule.severity, 1)))
    return out


def _no_rationale(units: list[Unit]) -> list[Gap]:
    return [Gap("no_rationale", f"{_place(p.process)}{p.name}为什么要控制在{p.window_text()}"
                                f"{'（' + p.condition + '）' if p.condition else ''}？还没写原因。",
                p.process, (p.id,))
            for p in units if isinstance(p, Parameter) and not p.body.strip()]


def _thin(units: list[Unit]) -> list[Gap]:
    counts: Counter[str] = Counter(u.process for u in units if u.process and u.kind != "term")
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for u in units:
        if u.process:
            kinds[u.process][u.kind] += 1
    out = []
    for process, n in counts.items():
        if n >= THIN_PROCESS:
            continue
        missing = [label for kind, label in (("parameter", "工艺窗口"), ("rule", "应急判断"),
                                             ("procedure", "操作规范"), ("note", "经验"))
                   if not kinds[process][kind]]
        lacking = f"，还没有{'、'.join(missing)}" if missing else ""
        out.append(Gap("thin_process", f"{process}只有{n}条知识{lacking}：这道工序最要紧的是什么？",
                       process, (), weight=THIN_PROCESS - n))
    return out
