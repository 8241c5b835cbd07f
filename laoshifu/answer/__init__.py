"""Answer apprentices in the master's own words, or say "not sure" and ask the master."""

from __future__ import annotations

import re
import time
from pathlib import Path

from ..errors import Conflict, LaoshifuError, Problem
from ..search import UnitHit
from ..store import Store
from ..text import normalize
from ..units import DEFAULT_BASE, QA, Parameter, Procedure, Rule, Term, Unit
from .asker import IndexCache, KnowledgeIndex, cache_for
from .compose import compose, related
from .confidence import load_calibration, signals
from .intent import Intent, parameters_for, read_intent, rule_directions, term_named
from .model import Answer
from .retrieval import semantic_evidence, sentence_hits as retrieve_sentences, unit_hits as retrieve_units

MAX_QUESTION_CHARS = 500
RETRIEVE_UNITS = 10
RETRIEVE_SENTENCES = 20

__all__ = ["Answer", "ask", "answer_question", "question_key", "cache_for", "IndexCache",
           "KnowledgeIndex", "check_question"]


def check_question(question: str) -> str:
    text = (question or "").strip()
    if not text:
        raise LaoshifuError(Problem("the question is empty", field="question",
                                    hint="ask in a sentence, e.g. 脱碳退火的露点控制在多少？"))
    if len(text) > MAX_QUESTION_CHARS:
        raise LaoshifuError(Problem(
            f"the question is {len(text)} characters long; at most {MAX_QUESTION_CHARS}",
            field="question", hint="ask one thing at a time, in a sentence or two"))
    return text


def question_key(question: str) -> str:
    """The same question however it is typed (width, script, punctuation, spaces)."""
    return re.sub(r"[\W_]+", "", normalize(question))


def ask(store: Store, question: str, base: str = DEFAULT_BASE, *, record: bool = True,
        index_dir: Path | None = None, threshold: float | None = None,
        cache: IndexCache | None = None, actor: str = "") -> Answer:
    """Answer from approved units of ``base``; below the threshold, refuse and queue it."""
    started = time.perf_counter()
    question = check_question(question)
    entry = (cache or cache_for(store, index_dir)).get(base)
    unit_hits = retrieve_units(question, entry, RETRIEVE_UNITS)
    intent = read_intent(question, entry)
    ranked, windows, rule, procedure = _rank(question, intent, entry, unit_hits)
    calibration = load_calibration()
    evidence = signals(entry.index, question, [u.id for u in ranked[:3]],
                       unit_hits[0].score if unit_hits else 0.0,
                       named=bool(intent.quantities or intent.processes))
    confidence = calibration.probability(evidence)
    cut = calibration.threshold if threshold is None else threshold
    if ranked and confidence >= cut:
        sentence_hits = retrieve_sentences(question, entry, RETRIEVE_SENTENCES)
        answer = compose(question, intent, ranked, windows, rule, procedure,
                         sentence_hits, confidence)
    else:
        answer = Answer(question=question, refused=True, confidence=confidence,
                        related=related(unit_hits))
        if record:
            from ..knowledge import require_base

            require_base(store, base)
            queued = store.record_question(base, question, question_key(question),
                                           [r.unit_id for r in answer.related], actor=actor)
            answer.queued_question_id = queued.id
    answer.ranking = [u.id for u in ranked]
    answer.signals = evidence
    answer.semantic = semantic_evidence(question, entry, ranked[0].id if ranked else None)
    answer.elapsed_ms = (time.perf_counter() - started) * 1000
    return answer


def _rank(question: str, intent: Intent, entry: KnowledgeIndex, unit_hits: list[UnitHit]
          ) -> tuple[list[Unit], list[Parameter], Rule | None, Procedure | None]:
    """Put what the question asks for first: the named parameter's windows for a value
    question, the fault rule for a what-to-do question, the term for a what-is question."""
    units = entry.units
    units.prefetch([h.unit_id for h in unit_hits])
    ranked = [u for u in (units.get(h.unit_id) for h in unit_hits) if u is not None]
    windows: list[Parameter] = []
    if intent.quantities and (intent.wants_value or not (intent.wants_action or intent.wants_reason
                                                          or intent.wants_procedure)):
        windows = parameters_for(intent, entry, [u.id for u in ranked])
    term = term_named(intent, entry) if intent.wants_definition else None
    procedure = _best_of_kind(question, entry, unit_hits, "procedure") if intent.wants_procedure else None
    # "怎么弄" asks for a procedure as often as for a fault's remedy: a found procedure wins.
    rule = None
    if procedure is None:
        rule = _fault_rule(question, intent, entry, unit_hits) if intent.wants_action else None
        if rule is None and ranked and isinstance(ranked[0], Rule):
            rule = ranked[0]
    first: list[Unit] = [*([term] if term else []), *([procedure] if procedure else []),
                         *windows, *([rule] if rule else [])]
    chosen = {u.id for u in first}
    rest = [u for u in ranked if u.id not in chosen]
    if not intent.wants_definition:
        # A glossary entry answers "what is X"; for anything else it is background.
        rest = _later(rest, lambda u: isinstance(u, Term), by=2)
    if intent.wants_reason and not intent.wants_value:
        # "Why" wants the master's explanation, not the bare number.
        rest = _later(rest, lambda u: isinstance(u, Parameter), by=2)
    return [*first, *rest], windows, rule, procedure if isinstance(procedure, Procedure) else None


def _later(units: list[Unit], pred, by: int) -> list[Unit]:
    """Move units matching ``pred`` that lead the list behind the next ``by`` others."""
    out = list(units)
    lead = 0
    while lead < len(out) and pred(out[lead]):
        lead += 1
    if lead == 0:
        return out
    moved, others = out[:lead], out[lead:]
    return [*others[:by], *moved, *others[by:]]


def _best_of_kind(question: str, entry: KnowledgeIndex, unit_hits: list[UnitHit],
                  kind: str) -> Unit | None:
    hits = entry.index.search(question, 1, kinds=[kind])
    if hits and unit_hits and hits[0].score >= 0.5 * unit_hits[0].score:
        return entry.units.get(hits[0].unit_id)
    return None


def _fault_rule(question: str, intent: Intent, entry: KnowledgeIndex,
                unit_hits: list[UnitHit]) -> Rule | None:
    """The rule for a fault question: one whose condition fires on the quantity the
    question names going the way it says; else the best rule if it matches well."""
    rule_hits = entry.index.search(question, 10, kinds=["rule"])
    rules = [r for r in (entry.units.get(h.unit_id) for h in rule_hits) if isinstance(r, Rule)]
    if intent.quantities and intent.direction:
        wanted = {(key, intent.direction) for key in intent.quantities}
        for rule in rules:
            if rule_directions(rule, entry) & wanted:
                return rule
    if rule_hits and unit_hits and rule_hits[0].score >= 0.5 * unit_hits[0].score:
        return rules[0] if rules else None
    return None


def answer_question(store: Store, base: str, qid: int, text: str, actor: str,
                    replace: bool = False) -> Unit:
    """The master answers a queued question: an approved ``qa`` unit, found by the next ask.

    A question whose answer is live keeps it unless ``replace``: then the answer gets a new
    version and the old one stays in its history. A first answer never takes an id in use.
    """
    queued = store.get_question(base, qid)
    body = (text or "").strip()
    if not body:
        raise LaoshifuError(Problem("the answer is empty", field="answer"))
    previous = previous_answer(store, base, qid)
    if previous is not None and previous.status != "retired" and not replace:
        raise Conflict(Problem(
            f"question {qid} is already answered ({previous.id} v{previous.version} by "
            f"{previous.author or '?'})", field="replace",
            hint="answer with replace (laoshifu answer --replace) to put the new answer in its "
                 "place; the old one stays in the history"))
    unit = QA(id=previous.id if previous else _free_answer_id(store, base, qid), title=queued.text,
              question=queued.text, body=body, author=actor, status="approved",
              tags=("师傅答疑",), base=base)
    # The version seen here: whatever else is saved meanwhile is refused, not overwritten.
    saved = store.save_unit(base, unit, actor=actor, change="answer",
                            comment=f"answer to queued question {qid}",
                            expected_version=previous.version if previous else 0)
    store.mark_answered(base, qid, saved.id, actor)
    return saved


def previous_answer(store: Store, base: str, qid: int) -> Unit | None:
    """The qa unit that answered this question before, if it is still stored."""
    unit_id = store.get_question(base, qid).answer_unit_id
    unit = store.get_unit(base, unit_id) if unit_id else None
    return unit if unit is not None and unit.kind == "qa" else None


def _free_answer_id(store: Store, base: str, qid: int) -> str:
    """qa-qN, or qa-qN-2, -3…: an imported or hand-written unit may already be qa-qN."""
    candidate, n = f"qa-q{qid}", 1
    while store.get_unit(base, candidate) is not None:
        n += 1
        candidate = f"qa-q{qid}-{n}"
    return candidate
