"""``laoshifu eval --generate``: how faithful and how useful the model's answers are.

For every question of the set: retrieval (with rewriting when unsure), generation, the
checker. Reported: claims the checker refused per generated answer (what the model
wrote), claims in the shown text that the checker does not back (re-checked from
scratch; must be 0), the fall-back rate and its reasons, and what rewriting did to
refusals — including unanswerable questions it made answerable, which must stay rare.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..answer import cache_for
from ..answer.evaluate import EvalQuestion
from ..store import Store
from .client import ModelClient
from .generate import prepare, stream_generation
from .prompt import KnowledgeChanged, cited_sources
from .verify import Checker


@dataclass
class GenerationReport:
    model: str
    questions: int
    answered: int  # retrieval answered (possibly after a rewrite)
    generated: int  # answers the model wrote text for (kept or fell back)
    fell_back: int
    reasons: dict[str, int]
    sentences_written: int
    sentences_kept: int
    findings: dict[str, int]  # why sentences were dropped
    unsupported_per_answer: float  # refused claims per generated answer (the model's)
    unsupported_shown_per_answer: float  # claims in the shown text the checker does not back
    rewrites_tried: int
    rewrites_answered: int
    unanswerable_answered_after_rewrite: int
    answerable_refused: int
    p50_ms: float
    p95_ms: float
    examples: list[dict] = field(default_factory=list)

    @property
    def fall_back_rate(self) -> float:
        return self.fell_back / self.generated if self.generated else 0.0

    def to_dict(self) -> dict:
        data = dict(self.__dict__)
        data["fall_back_rate"] = round(self.fall_back_rate, 4)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 4)
        return data

    def render(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.reasons.items())) or "—"
        findings = ", ".join(f"{k} {v}" for k, v in sorted(self.findings.items())) or "—"
        return "\n".join([
            (f"model {self.model}: {self.questions} questions, {self.answered} answered, "
             f"{self.generated} generated"),
            (f"faithfulness: unsupported claims per answer shown {self.unsupported_shown_per_answer:.3f} "
             f"(must be 0); refused by the checker {self.unsupported_per_answer:.3f} per answer"),
            f"fall-back rate {self.fall_back_rate:.3f} ({self.fell_back}/{self.generated}): {reasons}",
            f"sentences kept {self.sentences_kept}/{self.sentences_written}; dropped for: {findings}",
            (f"rewriting: tried {self.rewrites_tried}, answered {self.rewrites_answered} "
             f"(unanswerable made answerable: {self.unanswerable_answered_after_rewrite}); "
             f"answerable refused {self.answerable_refused}"),
            f"latency p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms",
        ])


def evaluate_generation(store: Store, questions: Sequence[EvalQuestion], base: str,
                        index_dir: Path | None, client: ModelClient) -> GenerationReport:
    cache = cache_for(store, index_dir)
    vocabulary = cache.get(base).vocabulary
    reasons: Counter = Counter()
    findings: Counter = Counter()
    written = kept = generated = fell_back = answered = shown_unsupported = 0
    rewrites_tried = rewrites_answered = unanswerable_answered = answerable_refused = 0
    latencies: list[float] = []
    examples: list[dict] = []
    for q in questions:
        prepared = prepare(store, q.question, base, client, record=False, index_dir=index_dir,
                           cache=cache)
        rewrites_tried += bool(prepared.paraphrases)
        if prepared.rewritten_as:
            rewrites_answered += 1
            unanswerable_answered += not q.answerable
        if prepared.answer.refused:
            answerable_refused += q.answerable
            continue
        answered += 1
        result = None
        for event in stream_generation(store, base, prepared, client, index_dir=index_dir,
                                       cache=cache, log_rejected=False):
            result = event.generated or result
        assert result is not None
        generated += 1
        latencies.append(result.elapsed_ms)
        fell_back += result.fell_back
        if result.reason:
            reasons[result.reason.split(":", 1)[0]] += 1
        written += len(result.sentences) + len(result.rejected)
        kept += len(result.sentences)
        for sentence in result.rejected:
            findings.update({f.code for f in sentence.findings})
        if not result.fell_back:
            shown_unsupported += _recheck(store, base, prepared.answer, result, vocabulary)
        if result.rejected and len(examples) < 20:
            examples.append({"id": q.id, "question": q.question,
                             "rejected": [s.to_dict() for s in result.rejected],
                             "fell_back": result.fell_back, "reason": result.reason})
    p50, p95 = _percentiles(latencies)
    return GenerationReport(
        client.name, len(questions), answered, generated, fell_back, dict(reasons), written, kept,
        dict(findings), (written - kept) / generated if generated else 0.0,
        shown_unsupported / generated if generated else 0.0, rewrites_tried, rewrites_answered,
        unanswerable_answered, answerable_refused, p50, p95, examples)


def _recheck(store: Store, base: str, answer, result, vocabulary) -> int:
    """The shown sentences checked again by a fresh checker over freshly read units."""
    try:
        checker = Checker(cited_sources(store, base, answer, vocabulary), vocabulary)
    except KnowledgeChanged:
        return 0
    return sum(len(checker.check(s.text).findings) for s in result.sentences)


def _percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[18]
