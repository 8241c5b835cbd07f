"""The column evaluator (review) agrees with the single-reading one (diagnose)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from laoshifu.knowledge.conditions import parse

NAMES = ("露点", "氢气比例", "带速")
value = st.one_of(st.none(), st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 1)))


@st.composite
def expressions(draw, depth=0):
    if depth > 2 or draw(st.booleans()):
        name = draw(st.sampled_from(NAMES))
        op = draw(st.sampled_from([">", ">=", "<", "<=", "==", "!="]))
        number = draw(st.sampled_from([-1, 0, 0.5, 1]))
        return f"{name} {op} {number}"
    kind = draw(st.sampled_from(["and", "or", "not"]))
    if kind == "not":
        return f"not ({draw(expressions(depth + 1))})"
    return f"({draw(expressions(depth + 1))}) {kind} ({draw(expressions(depth + 1))})"


@settings(max_examples=150, deadline=None)
@given(expressions(), st.lists(st.tuples(value, value, value), min_size=1, max_size=30))
def test_evaluate_columns_matches_evaluate_row_by_row(text, rows):
    condition = parse(text)
    columns = {name: np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=float)
               for i, name in enumerate(NAMES)}
    expected = [condition.evaluate(dict(zip(NAMES, r))) is True for r in rows]
    assert condition.evaluate_columns(columns).tolist() == expected
