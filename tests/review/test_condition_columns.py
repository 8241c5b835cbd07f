"""Rules over a day of columns: evaluation grows with the condition's size, not its nesting."""

from __future__ import annotations

import numpy as np

from laoshifu.knowledge import conditions
from laoshifu.knowledge.conditions import parse

DAY_ROWS = 86_400


def _nested(levels: int) -> str:
    """``not (… and …)`` around itself: two levels of nesting (``not``, parentheses) each."""
    text = "露点 > 65"
    for i in range(levels):
        text = f"not ({text} and 氢气比例 < {40 + i})"
    return text


def test_a_condition_nested_12_deep_reads_each_comparison_once(monkeypatch):
    condition = parse(_nested(6))
    compares = condition.specificity()
    assert compares == 7
    rng = np.random.default_rng(1)
    dew = rng.uniform(50, 80, DAY_ROWS)
    dew[::97] = np.nan  # missing readings make parts of the condition unknown
    columns = {"露点": dew, "氢气比例": rng.uniform(30, 60, DAY_ROWS)}
    reads = []
    real = conditions._column
    monkeypatch.setattr(conditions, "_column", lambda *a: reads.append(1) or real(*a))
    truth = condition.evaluate_columns(columns)
    assert len(reads) == 2 * compares  # both sides of each comparison, once
    sample = range(0, DAY_ROWS, 997)
    expected = [condition.holds({k: float(v[i]) for k, v in columns.items()}) for i in sample]
    assert truth[list(sample)].tolist() == expected
