"""Grade answers by what they say: the right value or words, or a refusal.

A question set item holds checks on the answer's text (citations aside): ``range`` [lo, hi]
(some number in the answer lies in it, in the knowledge base's own unit), ``any`` (one of
the strings occurs) and ``all`` (each occurs). An answer is right when it is not refused,
cites a source and passes every check; an unanswerable item is right when refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LaoshifuError, Problem
from .model import Answer

HELD_OUT_SHARE = 0.3
# A minus sign counts when it is not a range dash ("-40" is minus forty; "55-65" is two numbers).
_NUMBER = re.compile(r"(?<![\d.])[-−]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class GradedQuestion:
    id: str
    question: str
    answerable: bool
    kind: str = ""
    style: str = ""
    range: tuple[float, float] | None = None
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    split: str = "dev"


def split_of(item_id: str, share: float = HELD_OUT_SHARE) -> str:
    """A fixed split by id (not by position): adding questions never moves old ones."""
    digest = hashlib.sha1(item_id.encode("utf-8")).digest()
    return "held-out" if digest[0] / 256 < share else "dev"


def _item(raw: dict, answerable: bool, where: str) -> GradedQuestion:
    text = raw.get("q") or raw.get("question")
    if not isinstance(text, str) or not text.strip():
        raise LaoshifuError(Problem("item has no question", file=where, field="q"))
    item_id = str(raw.get("id") or text)
    bounds = raw.get("range")
    if bounds is not None and not (isinstance(bounds, list) and len(bounds) == 2):
        raise LaoshifuError(Problem(f"item {item_id}: range must be [lo, hi]", file=where,
                                    field="range"))
    return GradedQuestion(
        id=item_id, question=text, answerable=answerable,
        kind=str(raw.get("kind") or ("trap" if not answerable else "")),
        style=str(raw.get("style") or raw.get("trap") or ""),
        range=(float(bounds[0]), float(bounds[1])) if bounds else None,
        any=tuple(raw.get("any") or ()), all=tuple(raw.get("all") or ()),
        split=str(raw.get("split") or split_of(item_id)))


def load_graded(*paths: Path) -> list[GradedQuestion]:
    """Items from JSON files: ``{"answerable": [...], "unanswerable": [...]}`` or a plain
    list (answerable unless the file is named ``unanswerable*``, or an item has ``trap``)."""
    out: list[GradedQuestion] = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LaoshifuError(Problem(f"cannot read the question set: {exc}", file=str(path))) from None
        if isinstance(data, dict):
            groups = [(data.get("answerable") or [], True), (data.get("unanswerable") or [], False)]
        else:
            groups = [(data, not Path(path).name.startswith("unanswerable"))]
        for items, answerable in groups:
            for raw in items:
                if isinstance(raw, str):
                    raw = {"q": raw}
                out.append(_item(raw, answerable and "trap" not in raw, str(path)))
    return out


def answer_text(answer: Answer) -> str:
    """What the apprentice reads, as the graders see it: not the citations, and not the
    question itself or the ranking (an expected word the question holds is not an answer)."""
    data = answer.to_dict()
    for echo in ("citations", "question", "ranking", "related", "queued_question_id", "elapsed_ms",
                 "confidence"):
        data.pop(echo, None)
    return json.dumps(data, ensure_ascii=False)


def passes(answer: Answer, item: GradedQuestion) -> bool:
    body = answer_text(answer)
    if item.any and not any(s in body for s in item.any):
        return False
    if item.all and not all(s in body for s in item.all):
        return False
    if item.range is not None:
        lo, hi = item.range
        if not any(lo <= float(n.replace("−", "-")) <= hi for n in _NUMBER.findall(body)):
            return False
    return True


def verdict(answer: Answer, item: GradedQuestion) -> str:
    """right / wrong / refused for an answerable item; right / wrong for an unanswerable."""
    if not item.answerable:
        return "right" if answer.refused else "wrong"
    if answer.refused or not answer.citations:
        return "refused"
    return "right" if passes(answer, item) else "wrong"


@dataclass
class GradeReport:
    total: int = 0
    answerable: int = 0
    right: int = 0
    wrong: int = 0
    refused: int = 0
    unanswerable: int = 0
    unanswerable_refused: int = 0
    confident_wrong: int = 0  # wrong or unsupported answers with confidence >= 0.9
    calibration_error: float = 0.0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    by_style: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def render(self) -> str:
        a, u = max(self.answerable, 1), max(self.unanswerable, 1)
        lines = [
            f"answerable {self.answerable}: right {self.right} ({self.right / a:.2f}), wrong "
            f"{self.wrong} ({self.wrong / a:.2f}), refused {self.refused} ({self.refused / a:.2f})",
            f"unanswerable {self.unanswerable}: refused {self.unanswerable_refused} "
            f"({self.unanswerable_refused / u:.2f})",
            f"wrong or unsupported answers with confidence >= 0.9: {self.confident_wrong}; "
            f"calibration error (ECE) {self.calibration_error:.3f}"]
        for title, table in (("by kind", self.by_kind), ("by style", self.by_style)):
            lines.append(title + ":")
            for name, c in sorted(table.items()):
                n = sum(c.values())
                lines.append(f"  {name:<16} right {c.get('right', 0)}/{n}  wrong {c.get('wrong', 0)}"
                             f"  refused {c.get('refused', 0)}")
        return "\n".join(lines)


def _ece(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    """Expected calibration error: |confidence − accuracy| averaged over confidence bins."""
    if not pairs:
        return 0.0
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        group = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if group:
            conf = sum(c for c, _ in group) / len(group)
            acc = sum(ok for _, ok in group) / len(group)
            total += len(group) / len(pairs) * abs(conf - acc)
    return total


def grade(pairs: list[tuple[GradedQuestion, Answer]]) -> GradeReport:
    report = GradeReport(total=len(pairs))
    shown: list[tuple[float, bool]] = []
    for item, answer in pairs:
        result = verdict(answer, item)
        kind = item.kind or "?"
        style = item.style or "?"
        for table, key in ((report.by_kind, kind), (report.by_style, style)):
            table.setdefault(key, {}).setdefault(result if item.answerable else
                                                 ("right" if result == "right" else "wrong"), 0)
            table[key][result if item.answerable else ("right" if result == "right" else "wrong")] += 1
        if item.answerable:
            report.answerable += 1
            setattr(report, result, getattr(report, result) + 1)
        else:
            report.unanswerable += 1
            report.unanswerable_refused += result == "right"
        if not answer.refused:
            shown.append((answer.confidence, result == "right"))
            if result == "wrong" and answer.confidence >= 0.9:
                report.confident_wrong += 1
        if result != "right":
            report.failures.append({"id": item.id, "question": item.question, "result": result,
                                    "kind": kind, "confidence": round(answer.confidence, 3),
                                    "ranking": answer.ranking[:3]})
    report.calibration_error = _ece(shown)
    return report
