"""Evaluate answering on a question set: recall@k, MRR, refusals, latency; calibrate."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import LaoshifuError, Problem
from ..progress import Progress, steps
from ..store import Store
from . import ask
import numpy as np

from .confidence import (
    DEFAULT_THRESHOLD, Calibration, Signals, choose_threshold, fit,
    save_calibration, why_ceiling,
)

EXAMPLE_QUESTIONS = Path(__file__).resolve().parents[2] / "examples" / "go-silicon-steel" / "questions.yaml"
# Graded by what the answer says, written from the knowledge files alone (eval/…/README.md).
EXAMPLE_GRADED = tuple(Path(__file__).resolve().parents[2] / "eval" / "go-silicon-steel" / name
                       for name in ("answerable.json", "unanswerable.json"))


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    gold: tuple[str, ...]
    split: str

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def load_questions(path: Path, split: str = "all") -> list[EvalQuestion]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LaoshifuError(Problem(f"cannot read the question set: {exc}", file=str(path))) from None
    if not isinstance(data, list):
        raise LaoshifuError(Problem("the question set must be a YAML list", file=str(path), line=1))
    out = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("question"):
            raise LaoshifuError(Problem(f"item {number} has no question", file=str(path),
                                        field="question"))
        q = EvalQuestion(str(item.get("id", number)), str(item["question"]),
                         tuple(item.get("gold") or ()), str(item.get("split", "dev")))
        if split == "all" or q.split == split:
            out.append(q)
    return out


@dataclass
class EvalReport:
    split: str
    answerable: int
    unanswerable: int
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float
    refusal_accuracy: float
    false_refusal_rate: float
    p50_ms: float
    p95_ms: float
    threshold: float
    misses: list[dict]

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 4)
        return data

    def render(self) -> str:
        return "\n".join([
            f"questions: {self.answerable} answerable, {self.unanswerable} unanswerable "
            f"(split {self.split}, threshold {self.threshold:.3f})",
            f"recall@1 {self.recall_at_1:.3f}   recall@5 {self.recall_at_5:.3f}   MRR@10 {self.mrr_at_10:.3f}",
            f"refusal accuracy (unanswerable) {self.refusal_accuracy:.3f}   "
            f"false-refusal rate (answerable) {self.false_refusal_rate:.3f}",
            f"ask latency p50 {self.p50_ms:.1f} ms   p95 {self.p95_ms:.1f} ms",
        ])


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def evaluate(store: Store, questions: list[EvalQuestion], base: str,
             index_dir: Path | None = None, threshold: float | None = None,
             progress: Progress | None = None) -> EvalReport:
    from .asker import cache_for
    from .confidence import entry_mode, load_calibration

    mode = entry_mode(cache_for(store, index_dir).get(base))
    cut = load_calibration(mode=mode).threshold if threshold is None else threshold
    ask(store, "预热", base, record=False, index_dir=index_dir, threshold=cut)  # build/load the index
    hits1 = hits5 = 0
    rr = 0.0
    refused_ok = false_refusals = 0
    latencies: list[float] = []
    misses = []
    answerable = [q for q in questions if q.answerable]
    for q in steps(progress, "questions", questions):
        result = ask(store, q.question, base, record=False, index_dir=index_dir, threshold=cut)
        latencies.append(result.elapsed_ms)
        if not q.answerable:
            refused_ok += result.refused
            if not result.refused:
                misses.append({"id": q.id, "question": q.question, "problem": "answered",
                               "confidence": round(result.confidence, 3)})
            continue
        false_refusals += result.refused
        ranks = [i for i, uid in enumerate(result.ranking[:10], 1) if uid in q.gold]
        first = ranks[0] if ranks else None
        hits1 += first == 1
        hits5 += first is not None and first <= 5
        rr += 1 / first if first else 0.0
        if first != 1 or result.refused:
            misses.append({"id": q.id, "question": q.question, "gold": list(q.gold),
                           "got": result.ranking[:3], "refused": result.refused,
                           "confidence": round(result.confidence, 3)})
    n_answerable = max(len(answerable), 1)
    n_unanswerable = max(len(questions) - len(answerable), 1)
    splits = sorted({q.split for q in questions})
    return EvalReport(
        split=",".join(splits), answerable=len(answerable),
        unanswerable=len(questions) - len(answerable),
        recall_at_1=hits1 / n_answerable, recall_at_5=hits5 / n_answerable,
        mrr_at_10=rr / n_answerable, refusal_accuracy=refused_ok / n_unanswerable,
        false_refusal_rate=false_refusals / n_answerable,
        p50_ms=_percentile(latencies, 50), p95_ms=_percentile(latencies, 95),
        threshold=cut, misses=misses)


def calibrate(store: Store, questions: list[EvalQuestion], base: str,
              index_dir: Path | None = None, path: Path | None = None) -> float:
    """Fit the confidence model and choose the refusal threshold on these questions (the
    dev split), and save both.

    A question counts as rightly answerable when one of its gold units is in the top 3:
    the model learns when an answer is worth showing, not merely when the topic is known.
    """
    if any(q.split == "held-out" for q in questions):
        raise LaoshifuError("calibrate on the dev split only: the held-out split stays unseen")
    rows, labels = [], []
    for q in questions:
        result = ask(store, q.question, base, record=False, index_dir=index_dir, threshold=2.0)
        rows.append(result.signals.vector())
        labels.append(float(q.answerable and any(u in q.gold for u in result.ranking[:3])))
    features, target = np.asarray(rows), np.asarray(labels)
    weights, bias = fit(features, target)
    model = Calibration(tuple(float(w) for w in weights), float(bias), DEFAULT_THRESHOLD)
    probabilities = [model.probability(Signals(*row)) for row in rows]
    answerable = [p for p, q in zip(probabilities, questions) if q.answerable]
    unanswerable = [p for p, q in zip(probabilities, questions) if not q.answerable]
    threshold = choose_threshold(answerable, unanswerable)
    if path is None:
        from ..config import load_settings

        path = load_settings().home / "calibration.json"
    save_calibration(Calibration(model.weights, model.bias, threshold),
                     f"{len(questions)} dev questions", path)
    return threshold


# Showing a wrong value to an apprentice costs more than sending him to the master.
WRONG_COST = 3.0
# What the cut must hold on the dev split (issue 8's targets): at most 3 wrong answers in
# 100 answerable questions, and at least 90 in 100 unanswerable ones refused.
MAX_WRONG = 0.03
MIN_REFUSED = 0.90
FOLDS = 5


def graded_threshold(confidences: Sequence[float], rights: Sequence[bool],
                     wrong_cost: float = WRONG_COST) -> float:
    """The cut that maximises right answers shown minus ``wrong_cost`` × wrong ones shown."""
    values = sorted(set(confidences))
    candidates = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [1.01]
    best, best_score = DEFAULT_THRESHOLD, float("-inf")
    for cut in candidates:
        score = sum((1.0 if ok else -wrong_cost) for c, ok in zip(confidences, rights) if c >= cut)
        if score > best_score:
            best, best_score = cut, score
    return best


def target_threshold(confidences: Sequence[float], outcomes: Sequence[str], answerable: int,
                     unanswerable: int) -> float | None:
    """The lowest cut at which the answers shown hold the targets (wrong ≤ MAX_WRONG of the
    answerable questions, unanswerable ones refused ≥ MIN_REFUSED), or None if none does.

    ``outcomes`` are "right", "wrong" (an answerable question answered wrongly) or "trap"
    (an unanswerable one answered); questions refused whatever the cut are left out, but
    counted in ``answerable`` and ``unanswerable``."""
    values = sorted(set(confidences))
    candidates = [(a + b) / 2 for a, b in zip(values, values[1:])] + [1.01]
    for cut in candidates:
        shown = [o for c, o in zip(confidences, outcomes) if c >= cut]
        if shown.count("wrong") <= MAX_WRONG * answerable and \
                shown.count("trap") <= (1 - MIN_REFUSED) * unanswerable:
            return cut
    return None


def _out_of_fold(features: np.ndarray, target: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Each question's probability from a model fitted without it (its fold left out): the
    cut is chosen on confidences like the ones unseen questions will get."""
    out = np.zeros(len(target))
    index = np.arange(len(target))
    for k in range(folds):
        test = index % folds == k
        if test.all() or not test.any():
            continue
        weights, bias = fit(features[~test], target[~test])
        z = np.clip(features[test] @ weights + bias, -50, 50)
        out[test] = 1 / (1 + np.exp(-z))
    return out


def calibrate_graded(store: Store, items: list, base: str, path: Path,
                     index_dir: Path | None = None, wrong_cost: float = WRONG_COST) -> Calibration:
    """Fit the confidence model on whether each answer is right by its content (the value
    or words it must hold, or a refusal for what the knowledge base lacks), on the dev
    split only, and choose the cut that holds the targets on out-of-fold confidences (the
    cost of a wrong answer decides when no cut does).

    Questions the slots refuse whatever the confidence (a grade or a process the knowledge
    base lacks) take no part in the fit: the model judges only answers that could be shown."""
    from .grading import verdict

    if any(item.split == "held-out" for item in items):
        raise LaoshifuError("calibrate on the dev split only: the held-out split stays unseen")
    from .asker import cache_for
    from .intent import read_intent

    entry = cache_for(store, index_dir).get(base)
    rows, labels, outcomes, whys = [], [], [], []
    for item in items:
        result = ask(store, item.question, base, record=False, index_dir=index_dir, threshold=-1.0)
        if result.refused:
            continue
        right = item.answerable and verdict(result, item) == "right"
        rows.append(result.signals.vector())
        labels.append(float(right))
        outcomes.append("right" if right else "wrong" if item.answerable else "trap")
        whys.append(read_intent(item.question, entry).wants_reason)
    features, target = np.asarray(rows), np.asarray(labels)
    weights, bias = fit(features, target)
    answerable = sum(1 for item in items if item.answerable)
    out_of_fold = _out_of_fold(features, target)
    threshold = target_threshold(list(out_of_fold), outcomes, answerable, len(items) - answerable)
    if threshold is None:
        model = Calibration(tuple(float(w) for w in weights), float(bias), DEFAULT_THRESHOLD)
        probabilities = [model.probability(Signals(*row)) for row in rows]
        threshold = graded_threshold(probabilities, [bool(x) for x in labels], wrong_cost)
    ceiling = why_ceiling([p for p, why in zip(out_of_fold, whys) if why],
                          [bool(y) for y, why in zip(labels, whys) if why], threshold)
    calibration = Calibration(tuple(float(w) for w in weights), float(bias), threshold, ceiling)
    save_calibration(calibration, f"{len(items)} dev questions graded by content", path)
    return calibration


def graded(store: Store, items: list, base: str, index_dir: Path | None = None):
    """Right / wrong / refused by content, per kind and style, with confidence checks."""
    from .grading import grade

    ask(store, "预热", base, record=False, index_dir=index_dir)  # build/load the index
    return grade([(item, ask(store, item.question, base, record=False, index_dir=index_dir))
                  for item in items])
