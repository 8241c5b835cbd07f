"""How sure an answer is: the share of the question's information the best units hold.

Confidence is the IDF-weighted share of the question's tokens found in the best of the
top units. A token the knowledge base has never seen counts with the largest IDF, so a
question about football (whose words the master never wrote) scores low even if one
common bigram matches somewhere. The refusal threshold is calibrated on the question
set's dev split (``laoshifu eval --calibrate``) and shipped in ``calibration.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..search import Index
from ..search.bm25 import column_rows

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
DEFAULT_THRESHOLD = 0.5


def coverage(index: Index, question: str, unit_ids: Sequence[str]) -> float:
    """Best IDF-weighted share of the question's tokens present in one of ``unit_ids``."""
    tokens = set(index.analyzer.tokens(question))
    if not tokens or not unit_ids or not len(index):
        return 0.0
    scorer = index._ready()[0]
    n_docs = scorer.n_docs
    unseen_idf = math.log1p((n_docs + 0.5) / 0.5)
    positions = index._positions()
    weights: dict[str, float] = {}
    columns: dict[str, int] = {}
    for token in tokens:
        column = index.vocab.ids.get(token)
        if column is None or column >= len(scorer.idf):
            weights[token] = unseen_idf
        else:
            weights[token] = float(scorer.idf[column])
            columns[token] = column
    total = sum(weights.values())
    best = 0.0
    for unit_id in unit_ids:
        position = positions.get(unit_id)
        if position is None:
            continue
        rows = np.flatnonzero(index.t.passage_unit == position)
        matched = 0.0
        for token, column in columns.items():
            for field in scorer.columns:
                if np.isin(column_rows(field, column), rows).any():
                    matched += weights[token]
                    break
        best = max(best, matched / total)
    return best


def load_threshold(path: Path = CALIBRATION_FILE) -> float:
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["threshold"])
    except (OSError, ValueError, KeyError):
        return DEFAULT_THRESHOLD


def choose_threshold(answerable: Sequence[float], unanswerable: Sequence[float]) -> float:
    """The cut that best separates the two groups (balanced accuracy), midway between
    neighbouring observed confidences so it does not sit on any one question."""
    values = sorted(set(answerable) | set(unanswerable))
    candidates = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [1.01]
    best, best_score = DEFAULT_THRESHOLD, -1.0
    for cut in candidates:
        refused_ok = sum(c < cut for c in unanswerable) / max(len(unanswerable), 1)
        answered_ok = sum(c >= cut for c in answerable) / max(len(answerable), 1)
        score = (refused_ok + answered_ok) / 2
        if score > best_score:
            best, best_score = cut, score
    return best
