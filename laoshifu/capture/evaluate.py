"""The extractor's precision and recall on a labelled set of the master's sentences.

A proposal counts as right only when everything labelled agrees: a parameter's name,
process, limits, target and unit; a rule's condition (compared after parsing, so
``a > 1 and b < 2`` equals ``b < 2 and a > 1``) or that it is a symptom rule, and how many
actions; a procedure's number of steps; a term and its synonyms or that it is defined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..knowledge import conditions
from ..errors import LaoshifuError
from ..formats import yamlio
from ..quantities import normalize_unit
from .document import text_document
from .extract import extract
from .lexicon import Lexicon
from .proposals import Proposal

TYPED_KINDS = ("parameter", "rule", "procedure", "term")


@dataclass
class Counts:
    proposed: int = 0
    expected: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    def to_dict(self) -> dict:
        return {"proposed": self.proposed, "expected": self.expected, "correct": self.correct,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3)}


@dataclass
class Report:
    sentences: int = 0
    overall: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in TYPED_KINDS})
    misses: list[dict] = field(default_factory=list)  # what went wrong, sentence by sentence

    def to_dict(self) -> dict:
        return {"sentences": self.sentences, **self.overall.to_dict(),
                "by_kind": {k: c.to_dict() for k, c in self.by_kind.items()}}


def load_labelled(path: Path) -> list[dict[str, Any]]:
    data, _lines, problems = yamlio.load_with_lines(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise LaoshifuError(problems)
    return list(data or [])


def evaluate(items: Iterable[dict[str, Any]], lexicon: Lexicon) -> Report:
    report = Report()
    for item in items:
        report.sentences += 1
        process = item.get("process", "") or ""
        found = [p for p in extract(text_document(item["text"], "labelled").lines, lexicon,
                                    process).proposals if p.kind in TYPED_KINDS]
        expected = list(item.get("expect") or [])
        unmatched = list(found)
        missed = []
        for label in expected:
            hit = next((p for p in unmatched if _agrees(p, label, lexicon)), None)
            report.by_kind[label["kind"]].expected += 1
            if hit is not None:
                unmatched.remove(hit)
                report.by_kind[label["kind"]].correct += 1
            else:
                missed.append(label)
        for proposal in found:
            report.by_kind[proposal.kind].proposed += 1
        if missed or unmatched:
            report.misses.append({"text": item["text"], "missed": missed,
                                  "wrong": [_shown(p) for p in unmatched]})
    for counts in report.by_kind.values():
        report.overall.proposed += counts.proposed
        report.overall.expected += counts.expected
        report.overall.correct += counts.correct
    return report


def _agrees(proposal: Proposal, label: dict, lexicon: Lexicon) -> bool:
    if proposal.kind != label["kind"]:
        return False
    f = {**proposal.fields, **proposal.said} if proposal.said else proposal.fields
    if proposal.said:
        f = {k: proposal.said.get(k) for k in ("name", "process", "unit", "lower", "upper", "target")}
    if label["kind"] == "parameter":
        return (f.get("name") == label["name"] and f.get("process") == label.get("process", f.get("process"))
                and all(_same(f.get(k), label.get(k)) for k in ("lower", "upper", "target"))
                and normalize_unit(f.get("unit") or "") == normalize_unit(label.get("unit") or ""))
    if label["kind"] == "rule":
        if len(f.get("actions") or []) != label["actions"]:
            return False
        if label.get("symptom"):
            return bool(f.get("symptom")) and not f.get("condition")
        return _canonical(f.get("condition", ""), f.get("process", ""), lexicon) == \
            _canonical(label["condition"], f.get("process", ""), lexicon)
    if label["kind"] == "procedure":
        return len(f.get("steps") or []) == label["steps"]
    if label["kind"] == "term":
        if f.get("term") != label["term"]:
            return False
        if "synonyms" in label:
            return set(label["synonyms"]) <= set(f.get("synonyms") or [])
        return bool(f.get("definition"))
    return False


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), abs_tol=1e-9)


def _canonical(text: str, process: str, lexicon: Lexicon) -> str:
    if not text:
        return ""
    try:
        parsed = conditions.parse(text, lexicon.vocabulary.resolver(process or None))
    except conditions.ConditionError:
        return f"unparsable: {text}"
    return _node(parsed.expr)


def _node(node) -> str:
    if isinstance(node, conditions.Compare):
        return f"{_node(node.left)} {node.op} {_node(node.right)}"
    if isinstance(node, conditions.Name):
        return node.key or node.text
    if isinstance(node, conditions.Number):
        return f"{node.value:g}"
    if isinstance(node, (conditions.And, conditions.Or)):
        word = " and " if isinstance(node, conditions.And) else " or "
        return "(" + word.join(sorted(_node(i) for i in node.items)) + ")"
    if isinstance(node, conditions.Not):
        return f"not {_node(node.item)}"
    return str(node)


def _shown(p: Proposal) -> dict:
    keys = {"parameter": ("name", "process", "lower", "upper", "target", "unit"),
            "rule": ("condition", "symptom", "actions"), "procedure": ("title", "steps"),
            "term": ("term", "synonyms", "definition")}[p.kind]
    return {"kind": p.kind, **{k: p.fields.get(k) for k in keys}}
