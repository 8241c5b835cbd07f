"""How sure an answer is, from a few retrieval signals and a calibrated logistic model.

Signals (each in a comparable range):
- ``coverage``: IDF-weighted share of the question's tokens found in the best of the top
  units, where a token the knowledge base has never seen counts with the largest IDF;
- ``known_coverage``: the same over tokens the knowledge base knows;
- ``known_share``: the IDF share of the question's tokens that the knowledge base knows;
- ``top_score``: log(1 + BM25F score) of the best unit;
- ``named``: 1 when the question names a parameter or a process of the knowledge base.

A logistic model over them, fitted on the question set's dev split
(``laoshifu eval --calibrate``), turns them into a probability that the answer is right;
below the threshold chosen on the same split, Laoshifu says it is not sure. The held-out
split is never used to fit either.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

import numpy as np

from ..search import Index

# Shipped with the package (fitted on the example question set's dev split); a store's
# own calibration in LAOSHIFU_HOME/calibration.json takes precedence.
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


def calibration_name(mode: str = "lexical") -> str:
    """Lexical and hybrid answers have different evidence: one model for each."""
    return "calibration.json" if mode == "lexical" else f"calibration-{mode}.json"


def calibration_path(mode: str = "lexical") -> Path:
    from ..config import default_home

    name = calibration_name(mode)
    own = Path(os.environ.get("LAOSHIFU_HOME") or default_home()).expanduser() / name
    return own if own.exists() else CALIBRATION_FILE.with_name(name)


def entry_mode(entry) -> str:
    return "lexical" if getattr(entry, "semantic", None) is None else "hybrid"
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Signals:
    coverage: float
    known_coverage: float
    known_share: float
    top_score: float
    named: float
    # Of the composed answer itself (support.py): what it shows, not what was retrieved.
    answer_coverage: float = 0.0
    unseen_share: float = 0.0
    missing_focus: float = 0.0
    known_missing: float = 0.0  # the same over words the knowledge base uses
    focused_number: float = 0.0
    value_support: float = 0.0  # a value question answered with a window or a number
    structured: float = 0.0  # a window, a rule's actions or a procedure's steps
    fired: float = 0.0  # a rule fired on the question's readings
    # What kind of answer it is: the model learns how far each kind can be trusted.
    window_named: float = 0.0  # windows of the parameter the question names
    window_found: float = 0.0  # windows of a parameter retrieval found
    rule_shown: float = 0.0
    rule_matched: float = 0.0  # the rule fires on the named quantity going the way asked
    procedure_shown: float = 0.0
    lead_shown: float = 0.0  # a glossary definition or the master's answer to this question
    dimension_shown: float = 0.0  # the question asks a kind of number (多少秒) the answer shows
    sentence_coverage: float = 0.0  # how much of the question the best quoted sentence covers
    term_defined: float = 0.0  # a what-is question led by the glossary entry of the term it names
    english: float = 0.0  # asked in English: read through its gloss, whose leftovers cover nothing
    semantic_similarity: float = 0.0  # hybrid mode only
    semantic_agreement: float = 0.0

    def vector(self) -> np.ndarray:
        return np.asarray(astuple(self), dtype=float)


def signals(index: Index, question: str, unit_ids: Sequence[str], top_score: float,
            named: bool, *, answer=None, wants_value: bool = False, fired: bool = False,
            semantic=None, named_quantity: bool = False, rule_matched: bool = False,
            dimension_shown: bool = False, term_defined: bool = False,
            english: bool = False) -> Signals:
    from .support import (answer_coverage, focused_number, missing_focus, sentence_coverage,
                          unseen_share, value_support)

    extra = {}
    if answer is not None:
        extra = dict(
            answer_coverage=answer_coverage(index, question, answer),
            unseen_share=unseen_share(index, question),
            missing_focus=missing_focus(index, question, answer),
            known_missing=missing_focus(index, question, answer, known_only=True),
            focused_number=focused_number(index, question, answer),
            value_support=value_support(answer, wants_value),
            structured=float(bool(answer.windows or answer.rules or answer.procedures)),
            fired=float(fired),
            window_named=float(bool(answer.windows) and named_quantity),
            window_found=float(bool(answer.windows) and not named_quantity),
            rule_shown=float(bool(answer.rules)),
            rule_matched=float(rule_matched),
            procedure_shown=float(bool(answer.procedures)),
            lead_shown=float(bool(answer.citations)
                             and (answer.citations[0].kind in ("term", "qa")
                                  or (answer.citations[0].kind == "parameter" and not answer.windows))),
            dimension_shown=float(dimension_shown),
            sentence_coverage=sentence_coverage(index, question, answer),
            term_defined=float(term_defined),
            english=float(english))
    if semantic is not None:
        extra.update(semantic_similarity=float(semantic.similarity),
                     semantic_agreement=float(semantic.agreement))
    tokens = set(index.analyzer.tokens(question))
    if not tokens or not unit_ids or not len(index):
        return Signals(0.0, 0.0, 0.0, 0.0, float(named), **extra)
    idf = index.idf()
    unseen_idf = math.log1p((index.n_passages() + 0.5) / 0.5)
    weights: dict[str, float] = {}
    columns: dict[str, int] = {}
    for token in tokens:
        column = index.vocab.ids.get(token)
        if column is None or column >= len(idf):
            weights[token] = unseen_idf
        else:
            weights[token] = float(idf[column])
            columns[token] = column
    total = sum(weights.values())
    known = sum(weights[t] for t in columns)
    best = 0.0
    for unit_id in unit_ids:
        present = index.unit_terms(unit_id)
        best = max(best, sum(weights[t] for t, c in columns.items() if c in present))
    return Signals(best / total, best / known if known else 0.0, known / total,
                   math.log1p(max(top_score, 0.0)), float(named), **extra)


@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    bias: float
    threshold: float
    # How sure a why-answer may say it is: the share of out-of-fold dev why-answers at 0.9 or
    # more that were right, when it falls short of 0.9 (their reasons are sentences the
    # signals read as well-matched more often than they explain). 1.0: no ceiling.
    why_ceiling: float = 1.0

    def probability(self, s: Signals) -> float:
        z = float(np.dot(self.weights, s.vector())) + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


_DEFAULT = Calibration((4.0,) + (0.0,) * (len(Signals.__dataclass_fields__) - 1), -2.0,
                       DEFAULT_THRESHOLD)
_loaded: dict[Path, Calibration] = {}


def load_calibration(path: Path | None = None, mode: str = "lexical") -> Calibration:
    path = path or calibration_path(mode)
    if path not in _loaded:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if len(data["weights"]) != len(Signals.__dataclass_fields__):
                raise ValueError("fitted on other signals")  # an old file: refit it
            _loaded[path] = Calibration(tuple(data["weights"]), float(data["bias"]),
                                        float(data["threshold"]), float(data.get("why_ceiling", 1.0)))
        except (OSError, ValueError, KeyError, TypeError):
            _loaded[path] = _DEFAULT
    return _loaded[path]


def load_threshold(path: Path | None = None) -> float:
    return load_calibration(path).threshold


def why_ceiling(probabilities: Sequence[float], right: Sequence[bool], threshold: float,
                minimum: int = 5) -> float:
    """The ceiling for why-answers' confidence: the share right of those at 0.9 or more
    (out-of-fold), when there are enough of them and it is below 0.9; never below the cut,
    so no answer is refused by it."""
    high = [r for p, r in zip(probabilities, right) if p >= 0.9]
    if len(high) < minimum:
        return 1.0
    share = sum(high) / len(high)
    return 1.0 if share >= 0.9 else max(share, threshold)


def fit(features: np.ndarray, labels: np.ndarray, l2: float = 0.01, steps: int = 5000
        ) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent (a handful of features, a few hundred rows)."""
    w = np.zeros(features.shape[1])
    b = 0.0
    rate = 0.5
    for _ in range(steps):
        z = np.clip(features @ w + b, -50, 50)
        p = 1 / (1 + np.exp(-z))
        error = p - labels
        w -= rate * (features.T @ error / len(labels) + l2 * w)
        b -= rate * float(error.mean())
    return w, b


def choose_threshold(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """The cut that best separates the two groups (balanced accuracy), midway between
    neighbouring observed values so it does not sit on any one question."""
    values = sorted(set(positives) | set(negatives))
    candidates = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [1.01]
    best, best_score = DEFAULT_THRESHOLD, -1.0
    for cut in candidates:
        refused_ok = sum(c < cut for c in negatives) / max(len(negatives), 1)
        answered_ok = sum(c >= cut for c in positives) / max(len(positives), 1)
        score = (refused_ok + answered_ok) / 2
        if score > best_score:
            best, best_score = cut, score
    return best


def save_calibration(calibration: Calibration, note: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "weights": [round(w, 6) for w in calibration.weights], "bias": round(calibration.bias, 6),
        "threshold": round(calibration.threshold, 6), "why_ceiling": round(calibration.why_ceiling, 6),
        "signals": list(Signals.__dataclass_fields__),
        "calibrated_on": note}, indent=2) + "\n", encoding="utf-8")
    _loaded.pop(path, None)
