"""Open-domain answer-sentence retrieval on CMRC 2018 / DRCD: Laoshifu vs a plain BM25.

Corpus: every sentence of every paragraph. Each question is asked against all of them;
a hit is a retrieved sentence containing one of the gold answer strings.

    .venv/bin/python benchmarks/cmrc.py [--dataset cmrc|drcd|trial] [--json] [--set k=v ...]

The data stays in /work/shared/eval (CC BY-SA); nothing is copied into the repo.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import bm25s
import rjieba

from laoshifu.search import RankingParams, build_index
from laoshifu.text import Analyzer, split_sentences
from laoshifu.units import Section

EVAL = Path("/work/shared/eval")
DATASETS = {
    "cmrc": EVAL / "cmrc2018/cmrc2018_dev.json",
    "trial": EVAL / "cmrc2018/cmrc2018_trial.json",  # for tuning only
    "drcd": EVAL / "drcd/DRCD_dev.json",
}


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Paragraph:
    id: str
    title: str
    context: str


@dataclass(frozen=True)
class Result:
    hit_at_1: float
    hit_at_5: float
    ms_per_query: float


def load(path: Path) -> tuple[list[Paragraph], list[Question]]:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    paragraphs, questions = [], []
    for article in data:
        for p in article["paragraphs"]:
            paragraphs.append(Paragraph(p["id"], article.get("title", ""), p["context"]))
            for qa in p["qas"]:
                answers = tuple({a["text"].strip() for a in qa["answers"] if a["text"].strip()})
                if qa["question"].strip() and answers:  # trial has 2 empty questions
                    questions.append(Question(qa["question"], answers))
    return paragraphs, questions


def score(ranked: list[list[str]], questions: list[Question], seconds: float) -> Result:
    def hit(sentences: list[str], q: Question) -> bool:
        return any(a in s for s in sentences for a in q.answers)

    n = len(questions)
    return Result(
        hit_at_1=sum(hit(r[:1], q) for r, q in zip(ranked, questions)) / n,
        hit_at_5=sum(hit(r[:5], q) for r, q in zip(ranked, questions)) / n,
        ms_per_query=1000 * seconds / n,
    )


_CJK = re.compile(r"[\u4e00-\u9fff]")


def baseline_tokens(text: str) -> list[str]:
    text = text.lower()
    words = [w for w in rjieba.cut_for_search(text) if w.strip()]
    return words + [text[i : i + 2] for i in range(len(text) - 1) if _CJK.match(text[i]) and _CJK.match(text[i + 1])]


def run_baseline(paragraphs: list[Paragraph], questions: list[Question]) -> Result:
    sentences = [s.text for p in paragraphs for s in split_sentences(p.context)]
    retriever = bm25s.BM25()
    retriever.index([baseline_tokens(s) for s in sentences], show_progress=False)
    start = time.perf_counter()
    ranked = []
    for q in questions:
        docs, _ = retriever.retrieve([baseline_tokens(q.text)], k=5, show_progress=False, n_threads=1)
        ranked.append([sentences[i] for i in docs[0]])
    return score(ranked, questions, time.perf_counter() - start)


def run_ours(
    paragraphs: list[Paragraph], questions: list[Question], params: RankingParams, titles: bool = True
) -> Result:
    # A paragraph is a unit (its article title as the unit title); its sentences are
    # ranked with the paragraph as context.
    units = [Section(id=f"p{i}", title=p.title if titles else "", body=p.context) for i, p in enumerate(paragraphs)]
    index = build_index(units, Analyzer(), params)
    start = time.perf_counter()
    ranked = [[h.text for h in index.search_sentences(q.text, k=5)] for q in questions]
    return score(ranked, questions, time.perf_counter() - start)


def parse_overrides(pairs: list[str]) -> RankingParams:
    params = RankingParams()
    for pair in pairs:
        key, value = pair.split("=", 1)
        parsed = json.loads(value if not value.count(",") or value.startswith("[") else f"[{value}]")
        params = replace(params, **{key: tuple(parsed) if isinstance(parsed, list) else parsed})
    return params


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="cmrc")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    parser.add_argument("--set", nargs="*", default=[], metavar="K=V", help="override a RankingParams field")
    parser.add_argument("--no-titles", action="store_true", help="ablation: units without article titles (the index then uses each paragraph's "
                        "first sentence as its title; add --set lead_as_title=false to turn that off)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline (tuning runs)")
    args = parser.parse_args(argv)
    paragraphs, questions = load(DATASETS[args.dataset])
    n_sentences = sum(len(split_sentences(p.context)) for p in paragraphs)
    results = {"ours": run_ours(paragraphs, questions, parse_overrides(args.set), not args.no_titles)}
    if not args.no_baseline:
        results["baseline"] = run_baseline(paragraphs, questions)
    print(f"{args.dataset}: {len(questions)} questions, {n_sentences} sentences ({len(paragraphs)} paragraphs)")
    print(f"{'system':<10} {'hit@1':>7} {'hit@5':>7} {'ms/query':>9}")
    for name, r in results.items():
        print(f"{name:<10} {r.hit_at_1:>7.3f} {r.hit_at_5:>7.3f} {r.ms_per_query:>9.2f}")
    if args.json:
        print(json.dumps({k: vars(v) for k, v in results.items()}))


if __name__ == "__main__":
    sys.exit(main())
