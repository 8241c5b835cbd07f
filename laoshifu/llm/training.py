"""Training data for the plant's own model, from approved knowledge only.

Records are chat exchanges: the master's answered questions as he answered them, and
questions made from units — a parameter's window, a rule's actions for readings that set
it off, a procedure's steps, a term — answered in the unit's own words and numbers.
Every record names the unit id and version it came from. Whole units are held out (never
a unit's records on both sides), so a held-out score measures knowledge, not recall of
the same sentence. A data card says what is in and what was left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..knowledge import conditions
from ..errors import LaoshifuError, Problem
from ..store import Store
from ..knowledge.units import DEFAULT_BASE, QA, Parameter, Procedure, Rule, Term, Unit, format_number
from ..knowledge.vocabulary import Vocabulary

FORMATS = ("openai", "sharegpt", "alpaca")
FILES = ("train.jsonl", "heldout.jsonl", "data_card.json", "data_card.md")
SYSTEM = "你是{title}的数字分身，按他的经验和规程回答徒弟的问题，数值、动作和步骤以他的原话为准。"
# Kinds no question can be made from without inventing one: they stay out.
NOT_ASKED = {"note": "经验笔记（没有现成的问题）", "section": "手册章节（没有现成的问题）"}


@dataclass(frozen=True)
class Record:
    """One exchange and where it came from."""

    id: str
    kind: str  # qa / window / rule_readings / rule_symptom / procedure / term
    question: str
    answer: str
    unit_id: str
    unit_kind: str
    unit_version: int
    process: str

    def metadata(self, split: str) -> dict:
        return {"record": self.id, "kind": self.kind, "split": split, "process": self.process,
                "units": [{"id": self.unit_id, "kind": self.unit_kind, "version": self.unit_version}]}


@dataclass
class ExportReport:
    path: Path
    format: str
    train: int
    heldout: int
    card: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"path": str(self.path), "format": self.format, "train": self.train,
                "heldout": self.heldout, "files": [str(self.path / f) for f in FILES],
                "card": self.card}


def export_training(store: Store, path: Path | str, base: str = DEFAULT_BASE, fmt: str = "openai",
                    heldout_percent: float = 10.0, title: str = "") -> ExportReport:
    """Write train.jsonl, heldout.jsonl and the data card into the folder ``path``, all or
    nothing."""
    if fmt not in FORMATS:
        raise LaoshifuError(Problem(f"unknown format {fmt!r}", field="format",
                                    hint=f"one of: {', '.join(FORMATS)}"))
    if not 0 <= heldout_percent <= 50:
        raise LaoshifuError(Problem("the held-out share must be between 0 and 50 percent",
                                    field="heldout"))
    from ..knowledge.folders import require_base

    require_base(store, base)
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise LaoshifuError(Problem("the training export is a folder, and this is a file",
                                    file=str(out), hint="name a new or empty folder"))
    if out.is_dir() and any(p.name not in FILES for p in out.iterdir()):
        raise LaoshifuError(Problem("the folder holds other files; the export would mix with them",
                                    file=str(out), hint="name a new or empty folder"))
    units = store.list_units(base)
    if not units:
        raise LaoshifuError(Problem(f"knowledge base {base!r} has no approved units",
                                    hint="laoshifu import examples/go-silicon-steel"))
    vocabulary = Vocabulary.from_units(units)
    system = SYSTEM.format(title=title or "钢厂老师傅")
    records = [r for unit in units for r in records_of(unit, vocabulary)]
    held = {u.id for u in units if _held_out(base, u.id, heldout_percent)}
    train = [r for r in records if r.unit_id not in held]
    heldout = [r for r in records if r.unit_id in held]
    card = data_card(store, base, units, train, heldout, fmt, heldout_percent, system)
    lines = {
        "train.jsonl": "".join(_line(r, fmt, system, "train") for r in train),
        "heldout.jsonl": "".join(_line(r, fmt, system, "heldout") for r in heldout),
        "data_card.json": json.dumps(card, ensure_ascii=False, indent=2) + "\n",
        "data_card.md": render_card(card),
    }
    _write_all(out, lines)
    return ExportReport(out, fmt, len(train), len(heldout), card)


# -- records from units ---------------------------------------------------------------
def records_of(unit: Unit, vocabulary: Vocabulary) -> list[Record]:
    def record(kind: str, question: str, answer: str) -> Record:
        return Record(f"{unit.id}@{unit.version}:{kind}", kind, question.strip(), answer.strip(),
                      unit.id, unit.kind, unit.version, unit.process)

    if isinstance(unit, QA) and unit.question and unit.body:
        return [record("qa", unit.question, unit.body)]
    if isinstance(unit, Parameter) and (unit.lower is not None or unit.upper is not None
                                        or unit.target is not None):
        where = f"（{unit.condition}）" if unit.condition else ""
        question = f"{unit.process}{unit.name}{where}控制在多少？"
        answer = f"{unit.process}{unit.name}{where}：{_window(unit)}。"
        if unit.body:
            answer += unit.body
        return [record("window", question, answer)]
    if isinstance(unit, Rule) and unit.actions:
        answer = (f"{unit.diagnosis}\n" if unit.diagnosis else "") + "先做什么：\n" + \
            "\n".join(f"{i}. {a}" for i, a in enumerate(unit.actions, 1))
        out = []
        readings = readings_for(unit, vocabulary)
        if readings:
            out.append(record("rule_readings", f"{unit.process}现场读数：{readings}，该怎么办？", answer))
        if unit.symptom:
            out.append(record("rule_symptom", f"{unit.process}出现{unit.symptom.rstrip('。')}，怎么处理？",
                              answer))
        if not out:
            out.append(record("rule_symptom", f"{unit.title}，怎么处理？", answer))
        return out
    if isinstance(unit, Procedure) and unit.steps:
        answer = "\n".join(f"{i}. {s}" for i, s in enumerate(unit.steps, 1))
        return [record("procedure", f"{unit.title}怎么做？步骤是什么？", answer)]
    if isinstance(unit, Term) and unit.body:
        also = "、".join(x for x in (*unit.synonyms, unit.english) if x)
        answer = f"{unit.title}" + (f"（又叫{also}）" if also else "") + f"：{unit.body}"
        return [record("term", f"什么是{unit.title}？", answer)]
    return []


def _window(p: Parameter) -> str:
    parts = []
    if p.target is not None:
        parts.append(f"目标 {format_number(p.target)}{p.unit}")
    if p.lower is not None and p.upper is not None:
        parts.append(f"范围 {format_number(p.lower)}～{format_number(p.upper)}{p.unit}")
    elif p.lower is not None:
        parts.append(f"不低于 {format_number(p.lower)}{p.unit}")
    elif p.upper is not None:
        parts.append(f"不高于 {format_number(p.upper)}{p.unit}")
    return "，".join(parts)


def readings_for(rule: Rule, vocabulary: Vocabulary) -> str:
    """Readings that set the rule off (露点 68℃、氢气比例 19%), checked against its
    condition; "" when its condition has none we can state plainly."""
    if not rule.condition:
        return ""
    try:
        parsed = conditions.parse(rule.condition, vocabulary.resolver(rule.process or None))
    except conditions.ConditionError:
        return ""
    bounds: dict[str, list] = {}
    if not _collect(parsed.expr, bounds):
        return ""
    values = {key: _inside(b) for key, b in bounds.items()}
    if any(v is None for v in values.values()) or not parsed.holds(values):
        return ""
    return "、".join(f"{vocabulary.names.get(key, key.split(':')[-1])} {format_number(value)}"
                     f"{vocabulary.units.get(key, '')}" for key, value in values.items())


def _collect(node, bounds: dict[str, list]) -> bool:
    """Gather name-vs-number comparisons of an and/or tree (first branch of an or)."""
    if isinstance(node, conditions.And):
        return all(_collect(item, bounds) for item in node.items)
    if isinstance(node, conditions.Or):
        return _collect(node.items[0], bounds)
    if isinstance(node, conditions.Compare):
        left, op, right = node.left, node.op, node.right
        if isinstance(left, conditions.Number) and isinstance(right, conditions.Name):
            left, right = right, left
            op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
        if isinstance(left, conditions.Name) and isinstance(right, conditions.Number) and op != "!=":
            bounds.setdefault(left.key or left.text, []).append((op, right.value))
            return True
    return False


def _inside(bounds: list) -> float | None:
    """A value meeting every bound: a little past a strict limit, on an inclusive one."""
    low = max((v for op, v in bounds if op in (">", ">=")), default=None)
    high = min((v for op, v in bounds if op in ("<", "<=")), default=None)
    equal = [v for op, v in bounds if op == "=="]
    if equal:
        return equal[0]
    if low is not None and high is not None:
        return round((low + high) / 2, 6)
    if low is not None:
        return round(low + _step(low), _decimals(low) + 1)
    if high is not None:
        return round(high - _step(high), _decimals(high) + 1)
    return None


def _step(value: float) -> float:
    """How far past a limit a reading goes: 5% of it, at least one unit of its last digit."""
    return max(abs(value) * 0.05, 10 ** -_decimals(value))


def _decimals(value: float) -> int:
    text = format_number(value)
    return len(text.split(".", 1)[1]) if "." in text else 0


def _held_out(base: str, unit_id: str, percent: float) -> bool:
    # By the unit's id, not its position: the split stays the same as the base grows.
    digest = hashlib.sha1(f"{base}:{unit_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000 < percent * 100


# -- formats --------------------------------------------------------------------------
def _line(record: Record, fmt: str, system: str, split: str) -> str:
    meta = record.metadata(split)
    if fmt == "openai":
        data = {"messages": [{"role": "system", "content": system},
                             {"role": "user", "content": record.question},
                             {"role": "assistant", "content": record.answer}]}
    elif fmt == "sharegpt":
        data = {"system": system,
                "conversations": [{"from": "human", "value": record.question},
                                  {"from": "gpt", "value": record.answer}]}
    else:
        data = {"instruction": record.question, "input": "", "output": record.answer,
                "system": system}
    data["metadata"] = meta
    return json.dumps(data, ensure_ascii=False) + "\n"


# -- the data card --------------------------------------------------------------------
def data_card(store: Store, base: str, units: list[Unit], train: list[Record],
              heldout: list[Record], fmt: str, percent: float, system: str) -> dict:
    counts = store.counts(base)
    versions = sorted(f"{u.id}@{u.version}" for u in units)
    used = {r.unit_id for r in (*train, *heldout)}
    by_kind: Counter = Counter(r.kind for r in (*train, *heldout))
    by_process: Counter = Counter(r.process or "（通用）" for r in (*train, *heldout))
    open_questions = len(store.list_questions(base, status="open"))
    return {
        "base": base,
        "format": fmt,
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "knowledge_version": hashlib.sha1("|".join(versions).encode("utf-8")).hexdigest()[:16],
        "store_version": store.version(),
        "system_prompt": system,
        "records": {"train": len(train), "heldout": len(heldout)},
        "heldout": {"percent": percent, "by": "unit (every record of a unit on one side)",
                    "units": sorted({r.unit_id for r in heldout})},
        "by_kind": dict(sorted(by_kind.items())),
        "by_process": dict(sorted(by_process.items())),
        "units_used": len(used),
        "excluded": {
            "drafts": sum(c.get("draft", 0) for c in counts.values()),
            "retired": sum(c.get("retired", 0) for c in counts.values()),
            "open_questions": open_questions,
            **{label: counts.get(kind, {}).get("approved", 0) for kind, label in NOT_ASKED.items()},
            "approved units without a question or answer": len(
                [u for u in units if u.id not in used and u.kind not in NOT_ASKED]),
        },
        "never_included": ["users, passwords, tokens", "questions nobody answered",
                           "feedback and the audit log", "drafts and pending edits",
                           "retired units"],
    }


def render_card(card: dict) -> str:
    lines = [f"# 训练数据卡 — {card['base']}", "",
             f"- 格式: {card['format']}; 生成于 {card['made_at']}",
             f"- 知识版本: {card['knowledge_version']} (store version {card['store_version']})",
             (f"- 条数: 训练 {card['records']['train']}, 留出 {card['records']['heldout']} "
              f"(按单元留出 {card['heldout']['percent']:g}%)"),
             f"- 用到的单元: {card['units_used']}", "", "## 按类型", ""]
    lines += [f"- {kind}: {n}" for kind, n in card["by_kind"].items()]
    lines += ["", "## 按工序", ""]
    lines += [f"- {process}: {n}" for process, n in card["by_process"].items()]
    lines += ["", "## 没有放进来的", ""]
    lines += [f"- {what}: {n}" for what, n in card["excluded"].items()]
    lines += [f"- {what}" for what in card["never_included"]]
    lines += ["", "每条记录的 `metadata.units` 写着它出自哪个单元的哪个版本（`laoshifu history ID`）。", ""]
    return "\n".join(lines)


def _write_all(folder: Path, files: dict[str, str]) -> None:
    """Every file or none: written beside, then moved into place."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                f.write(text)
            staged.append((Path(temp), folder / name))
        for temp, final in staged:
            os.replace(temp, final)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
