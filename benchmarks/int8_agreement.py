"""Semantic search's int8 pass against exact float32 search, on real e5 vectors.

The vectors are those benchmarks/cmrc.py caches (CMRC 2018 / DRCD sentences, and their
questions as queries): run `benchmarks/cmrc.py --mode hybrid` once first. For every
question, all sentences are ranked three ways:
  exact    float32 products of the float16 rows (what search computed before);
  int8     the int8 pass read directly (never done by search: the error it would make);
  settled  the int8 pass, then ``quantised.settle`` (what search does).
Reported: the int8 pass's largest error, the top-10 overlap with exact, how often the
top 10 is exactly exact's (rows, order and values), and how many rows settling computed.

    .venv/bin/python benchmarks/int8_agreement.py [--k 10] [--questions 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from laoshifu.search.semantic.quantised import SLACK, approximate_dot, exact_dot, quantise, settle


def load(cache: Path) -> tuple[np.ndarray, np.ndarray, str]:
    with np.load(cache, allow_pickle=False) as data:
        models = data["models"].astype(str)
        queries = np.char.endswith(models, ":query")
        if not queries.any() or queries.all():
            raise SystemExit(f"{cache}: needs both sentence and question vectors; "
                             "run benchmarks/cmrc.py --mode hybrid first")
        model = str(models[~queries][0])
        return data["vectors"][~queries], data["vectors"][queries].astype(np.float32), model


def main() -> None:
    from cmrc import CACHE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--questions", type=int, default=0, help="only the first N (0: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sentences, questions, model = load(CACHE)
    if args.questions:
        questions = questions[:args.questions]
    rows = quantise(sentences)
    k, errors, overlap, same_raw, same_settled, computed = args.k, [], [], 0, 0, []
    for q in questions:
        exact = exact_dot(sentences, q)
        approx = approximate_dot(rows, q)
        errors.append(float(np.abs(approx - exact).max()))
        best = np.argsort(-exact, kind="stable")[:k]
        raw = np.argsort(-approx, kind="stable")[:k]
        overlap.append(len(set(best.tolist()) & set(raw.tolist())) / k)
        same_raw += raw.tolist() == best.tolist()
        asked = []
        settled = settle(approx, k, SLACK, lambda r: asked.append(len(r)) or exact_dot(sentences, q, r))
        top = np.argsort(-settled, kind="stable")[:k]
        same_settled += top.tolist() == best.tolist() and np.array_equal(settled[top], exact[best])
        computed.append(sum(asked))
    n = len(questions)
    result = {"model": model, "sentences": len(sentences), "questions": n, "k": k, "slack": SLACK,
              "max_error": max(errors), "median_max_error": statistics.median(errors),
              "int8_topk_overlap": statistics.mean(overlap), "int8_topk_identical": same_raw / n,
              "settled_topk_identical": same_settled / n,
              "settled_rows_median": statistics.median(computed), "settled_rows_max": max(computed)}
    print(f"{n} questions × {len(sentences)} sentences ({model}), top {k}:")
    print(f"  int8 pass alone: largest error {result['max_error']:.4f} (slack {SLACK}), "
          f"top-{k} overlap {result['int8_topk_overlap']:.4f}, identical top {k} {result['int8_topk_identical']:.3f}")
    print(f"  settled: identical top {k} (rows, order, values) {result['settled_topk_identical']:.4f}; "
          f"rows computed exactly: median {result['settled_rows_median']}, most {result['settled_rows_max']}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
