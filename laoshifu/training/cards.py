"""Cards made from the master's units, each citing its unit and version.

Every kind of unit gives its own cards (``slot`` names which card of the unit it is):

- parameter: the lower / upper limit of its window (the target when it has neither),
  asked for the grade or thickness its window applies to;
- rule: a scenario with readings drawn inside its condition → "先做什么？" among its own
  and other rules' actions; a near-miss just outside it → "要不要按这条处置？";
- procedure: put the steps in order; name the missing step;
- term: term → definition and definition → term, distractors from the same process;
- note, qa, section: the master's words, self-graded after the answer is shown.

Generation is deterministic (seeded by unit id and slot), so a unit whose content did not
change gives the same cards, and a changed one shows exactly what changed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..knowledge import conditions
from ..diagnosis.diagnose import rule_sort_key
from ..knowledge.units import QA, Note, Parameter, Procedure, Rule, Section, Term, Unit, format_number
from ..knowledge.validate import material_condition
from ..knowledge.vocabulary import Vocabulary

# How a card is answered.
ANSWER_KINDS = ("number", "choice", "order", "self")
NO_ACTION = "不要，还没到这条判断的条件"
YES_ACTION = "要，按这条判断处置"
DECK_KINDS = ("parameter", "rule", "procedure", "term")  # what other units' cards draw on
MIN_SECTION_CHARS = 20  # a heading with a line under it teaches nothing on its own
CHOICES = 4

# Learning order within a process: the safety-critical first, the background last.
_KIND_RANK = {"parameter": 2, "rule": 3, "procedure": 4, "term": 5, "note": 6, "qa": 7, "section": 8}
_SEVERITY_RANK = {"critical": 0, "high": 1}  # these rules come before everything else


@dataclass(frozen=True)
class Card:
    """One question about one unit version; ``slot`` says which card of the unit."""

    unit_id: str
    unit_version: int
    slot: str
    unit_kind: str
    answer_kind: str  # number | choice | order | self
    process: str
    title: str  # the unit's title, for the citation
    source: str  # file:line of the unit
    prompt: str
    context: tuple[str, ...] = ()  # steps (shuffled or with a gap)
    readings: tuple[tuple[str, float], ...] = ()  # a scenario's (quantity, value) pairs
    choices: tuple[str, ...] = ()
    correct: int | None = None  # index into choices
    order: tuple[int, ...] = ()  # context indices in the right order
    value: float | None = None
    unit: str = ""
    tolerance: float = 0.0
    answer_text: str = ""  # the answer as shown after answering
    explain: str = ""  # the master's why
    order_key: str = ""

    @property
    def key(self) -> str:
        return f"{self.unit_id}#{self.slot}"

    @property
    def objective(self) -> bool:
        """Graded by the system (not by the learner himself)."""
        return self.answer_kind != "self"

    def fingerprint(self) -> str:
        """What a learner must know from this card: a change here re-teaches it."""
        facts = [self.prompt, list(self.context), self.answer_text,
                 None if self.value is None else format_number(self.value), self.unit]
        raw = json.dumps(facts, ensure_ascii=False)
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies, and cards are made by the
        # hundred thousand.
        data = {name: getattr(self, name) for name in _CARD_FIELDS}
        data["readings"] = [list(pair) for pair in self.readings]
        data["key"] = self.key
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        names = {f for f in cls.__dataclass_fields__}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}
        values["readings"] = tuple((str(k), float(v)) for k, v in values.get("readings", ()))
        return cls(**values)


_CARD_FIELDS = tuple(Card.__dataclass_fields__)


@dataclass
class Deck:
    """What cards of one unit need to know about the others: distractors, the vocabulary."""

    vocab: Vocabulary
    rules: dict[str, list[Rule]] = field(default_factory=dict)  # process -> rules
    steps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # process -> (proc id, step)
    terms: dict[str, list[Term]] = field(default_factory=dict)  # process -> terms
    term_process: dict[str, str] = field(default_factory=dict)  # term id -> process
    parsed: dict[str, conditions.Condition | None] = field(default_factory=dict)
    by_key: dict[str, dict[str, list[Rule]]] = field(default_factory=dict)  # process -> key -> rules

    @classmethod
    def of(cls, units: Iterable[Unit]) -> Deck:
        # Only these kinds: the deck must be the same whether made from a whole base or,
        # when a sync reads less, from just them.
        units = [u for u in units if u.status == "approved" and u.kind in DECK_KINDS]
        deck = cls(Vocabulary.from_units(units))
        terms: list[Term] = []
        for unit in units:
            if isinstance(unit, Rule):
                deck.rules.setdefault(unit.process, []).append(unit)
            elif isinstance(unit, Procedure):
                deck.steps.setdefault(unit.process, []).extend((unit.id, s) for s in unit.steps)
            elif isinstance(unit, Term):
                terms.append(unit)
        deck.term_process = term_processes(terms, units, deck.vocab)
        for term in terms:
            deck.terms.setdefault(deck.term_process[term.id], []).append(term)
        return deck

    def condition(self, rule: Rule) -> conditions.Condition | None:
        if rule.id not in self.parsed:
            try:
                self.parsed[rule.id] = conditions.parse(rule.condition, self.vocab.resolver(rule.process)) \
                    if rule.condition else None
            except conditions.ConditionError:
                self.parsed[rule.id] = None  # import refuses these; a stale store must not crash us
        return self.parsed[rule.id]


    def rules_reading(self, process: str, keys: Iterable[str]) -> list[Rule]:
        """The process's rules whose condition reads any of ``keys`` (only they can hold)."""
        index = self.by_key.get(process)
        if index is None:
            index = self.by_key[process] = {}
            for rule in self.rules.get(process, []):
                condition = self.condition(rule)
                for key in condition.keys if condition else ():
                    index.setdefault(key, []).append(rule)
        found: dict[str, Rule] = {}
        for key in keys:
            found.update((r.id, r) for r in index.get(key, []))
        return list(found.values())


def term_processes(terms: Sequence[Term], units: Sequence[Unit], vocab: Vocabulary) -> dict[str, str]:
    """The process each glossary term belongs to: its own, a parameter's it names, else the
    process whose units mention it most ("" when none does)."""
    out: dict[str, str] = {}
    pending: dict[str, Term] = {}
    for term in terms:
        if term.process:
            out[term.id] = term.process
            continue
        processes = {vocab.processes[k] for s in (term.title, *term.synonyms) for k in vocab.candidates(s)}
        if len(processes) == 1:
            out[term.id] = processes.pop()
        else:
            pending[term.id] = term
    if not pending:
        return out
    spellings = {s: tid for tid, t in pending.items() for s in (t.title, *t.synonyms) if len(s) >= 2}
    pattern = re.compile("|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit in units:
        if unit.process and not isinstance(unit, Term):
            # One regex pass over the start of each unit: fast enough for 100,000 units.
            for match in pattern.findall(f"{unit.title} {unit.body[:300]}"):
                counts[spellings[match]][unit.process] += 1
    for tid in pending:
        by_process = counts.get(tid)
        out[tid] = max(sorted(by_process), key=lambda p: by_process[p]) if by_process else ""
    return out


def cards_for(unit: Unit, deck: Deck) -> list[Card]:
    """Every card of one approved unit (none for drafts and retired units)."""
    if unit.status != "approved":
        return []
    make = _MAKERS.get(unit.kind)
    cards = make(unit, deck) if make else []
    # The unit's own cards in the order they were made (a scenario before its near-miss).
    return [replace(card, order_key=order_key(unit, i)) for i, card in enumerate(cards)]


def build_cards(units: Iterable[Unit]) -> list[Card]:
    units = list(units)
    deck = Deck.of(units)
    return [card for unit in units for card in cards_for(unit, deck)]


# -- parameters ---------------------------------------------------------------------------

def material_text(condition: str) -> str:
    """``牌号=HiB; 厚度<=0.23`` → ``牌号 HiB、厚度 ≤ 0.23 mm``."""
    parts = []
    for key, op, value in material_condition(condition):
        shown = {"==": "", "!=": "≠ ", "<=": "≤ ", ">=": "≥ ", "<": "< ", ">": "> "}.get(op, op + " ")
        unit = " mm" if key in ("厚度", "规格", "thickness") else ""
        parts.append(f"{key} {shown}{value}{unit}")
    return "、".join(parts) or condition


def _tolerance(param: Parameter, value: float) -> float:
    # A little room for rounding and unit conversion, never enough to accept a wrong limit.
    if param.lower is not None and param.upper is not None and param.upper > param.lower:
        return (param.upper - param.lower) * 0.02
    return max(abs(value) * 0.01, 1e-9)


def _parameter_cards(param: Parameter, deck: Deck) -> list[Card]:
    name = param.name + (f"（{param.symbol}）" if param.symbol else "")
    where = f"{material_text(param.condition)}时，" if param.condition else ""
    window = f"窗口 {param.window_text()}" + (f"，目标 {format_number(param.target)}"
                                           if param.target is not None else "")
    asks = [("lower", "下限", param.lower), ("upper", "上限", param.upper)]
    asks = [a for a in asks if a[2] is not None] or [("target", "目标值", param.target)]
    cards = []
    for slot, label, value in asks:
        if value is None:
            continue
        cards.append(_card(param, slot, "number",
                           prompt=f"{param.process} · {where}{name}的{label}是多少？",
                           value=float(value), unit=param.unit, tolerance=_tolerance(param, value),
                           answer_text=f"{format_number(value)} {param.unit}".strip() + f"（{window}）",
                           explain=param.body))
    return cards


# -- rules --------------------------------------------------------------------------------

def _rule_cards(rule: Rule, deck: Deck) -> list[Card]:
    if not rule.actions:
        return []
    cards = []
    condition = deck.condition(rule)
    rng = seeded_rng(rule.id, "scenario")
    readings = _draw(condition, rule, deck, want=True, rng=rng) if condition else None
    if readings is not None:
        situation = f"{rule.process}现场读数：{_readings_text(readings, deck)}。"
    elif rule.symptom:
        situation = f"{rule.process}现场：{rule.symptom}。"
    else:
        situation = ""
    if situation:
        fired = _firing(readings, rule, deck) if readings is not None else {rule.id}
        others = [r.actions[0] for r in _neighbours(rule, deck) if r.actions and r.id not in fired]
        # Its own next action is the best trap: the right thing, at the wrong moment.
        choices, correct = pick_choices(rule.actions[0], others, rng, include=rule.actions[1:2])
        cards.append(_card(rule, "scenario", "choice", prompt=situation + "先做什么？",
                           readings=tuple((readings or {}).items()), choices=choices, correct=correct,
                           answer_text=f"「{rule.title}」：{rule.actions[0]}",
                           explain=_rule_explain(rule)))
    near = _draw(condition, rule, deck, want=False, rng=seeded_rng(rule.id, "near-miss")) if condition else None
    if near is not None:
        cards.append(_card(rule, "near-miss", "choice",
                           prompt=f"{rule.process}现场读数：{_readings_text(near, deck)}。"
                                  f"要不要按「{rule.title}」处置？",
                           readings=tuple(near.items()), choices=(YES_ACTION, NO_ACTION), correct=1,
                           answer_text=f"不要：条件是「{rule.condition}」，这组读数还没到。",
                           explain=_rule_explain(rule)))
    return cards


def _rule_explain(rule: Rule) -> str:
    steps = "\n".join(f"{i}. {a}" for i, a in enumerate(rule.actions, 1))
    head = f"判断：{rule.diagnosis}\n" if rule.diagnosis else ""
    return f"{head}处置：\n{steps}" + (f"\n\n{rule.body}" if rule.body else "")


def _neighbours(rule: Rule, deck: Deck) -> list[Rule]:
    """Other rules, the same process's first (their actions make the best distractors)."""
    same = [r for r in deck.rules.get(rule.process, []) if r.id != rule.id]
    if len(same) >= CHOICES:
        return same
    rest = [r for p, rs in sorted(deck.rules.items()) if p != rule.process for r in rs]
    return same + rest[:CHOICES * 2]


def _firing(readings: dict[str, float], rule: Rule, deck: Deck) -> set[str]:
    return {r.id for r in deck.rules_reading(rule.process, readings)
            if (c := deck.condition(r)) is not None and c.holds(readings)}


def _thresholds(condition: conditions.Condition) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(list)
    for node in conditions.walk(condition.expr):
        if isinstance(node, conditions.Compare):
            name, number = (node.left, node.right) if isinstance(node.left, conditions.Name) \
                else (node.right, node.left)
            if isinstance(name, conditions.Name) and isinstance(number, conditions.Number):
                out[name.key or name.text].append(number.value)
    return out


def _nice(value: float, step: float) -> float:
    """Round a drawn reading to what an instrument would show."""
    digits = max(0, min(4, -int(f"{step:e}".split("e")[1])))
    return round(value, digits)


def _candidates(key: str, limits: list[float], deck: Deck) -> list[float]:
    windows = deck.vocab.parameters.get(key, [])
    values: set[float] = set()
    for limit in limits:
        width = next((w.upper - w.lower for w in windows if w.lower is not None and w.upper is not None), 0.0)
        step = max(abs(limit) * 0.04, width * 0.08, 0.01)
        for delta in (-2 * step, -step, step, 2 * step):
            values.add(_nice(limit + delta, step))
    for w in windows:
        if w.target is not None:
            values.add(w.target)
    return sorted(values)


def _draw(condition: conditions.Condition | None, rule: Rule, deck: Deck, *, want: bool,
          rng: random.Random, tries: int = 400) -> dict[str, float] | None:
    """Readings that make ``rule`` hold (and rank first) or, with want=False, that just miss it."""
    if condition is None:
        return None
    limits = _thresholds(condition)
    if not limits:
        return None
    keys = sorted(limits)
    pools = [_candidates(k, limits[k], deck) for k in keys]
    combos = list(itertools.islice(itertools.product(*pools), 20000))
    rng.shuffle(combos)
    for combo in combos[:tries]:
        readings = dict(zip(keys, combo))
        if condition.evaluate(readings) is not want:
            continue
        if want:
            fired = [r for r in deck.rules_reading(rule.process, readings)
                     if r.id in _firing(readings, rule, deck)]
            if min(fired, key=lambda r: (*rule_sort_key(r), -(deck.condition(r).specificity()), r.id)).id \
                    != rule.id:
                continue  # another rule would be handled first: not a question about this one
        return readings
    return None


def _readings_text(readings: dict[str, float], deck: Deck) -> str:
    parts = []
    for key, value in readings.items():
        name = deck.vocab.names.get(key, key)
        unit = deck.vocab.units.get(key, "")
        parts.append(f"{name} {format_number(value)}{(' ' + unit) if unit else ''}")
    return "、".join(parts)


# -- procedures ---------------------------------------------------------------------------

def _procedure_cards(proc: Procedure, deck: Deck) -> list[Card]:
    steps = list(proc.steps)
    if len(steps) < 3:
        return []
    rng = seeded_rng(proc.id, "order")
    shuffled = list(range(len(steps)))
    while shuffled == sorted(shuffled):
        rng.shuffle(shuffled)
    context = tuple(steps[i] for i in shuffled)
    order = tuple(shuffled.index(i) for i in range(len(steps)))
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    cards = [_card(proc, "order", "order", prompt=f"{proc.process} · 「{proc.title}」：把步骤排好顺序。",
                   context=context, order=order, answer_text=numbered, explain=proc.body)]
    rng = seeded_rng(proc.id, "missing")
    gap = rng.randrange(len(steps))
    shown = tuple("（缺了一步）" if i == gap else s for i, s in enumerate(steps))
    pool = [s for pid, s in deck.steps.get(proc.process, []) if pid != proc.id and s not in steps]
    if len(pool) < CHOICES - 1:
        pool += [s for p, items in sorted(deck.steps.items()) if p != proc.process
                 for pid, s in items if s not in steps][:CHOICES * 3]
    choices, correct = pick_choices(steps[gap], pool, rng)
    cards.append(_card(proc, "missing", "choice",
                       prompt=f"{proc.process} · 「{proc.title}」：缺的是哪一步？",
                       context=shown, choices=choices, correct=correct,
                       answer_text=f"第 {gap + 1} 步：{steps[gap]}", explain=numbered))
    return cards


# -- terms --------------------------------------------------------------------------------

def masked_definition(text: str, term: Term) -> str:
    """A definition with the term and its synonyms blanked out (they would give it away)."""
    for spelling in sorted((term.title, *term.synonyms), key=len, reverse=True):
        if spelling:
            text = text.replace(spelling, "＿＿")
    return text


def _term_cards(term: Term, deck: Deck) -> list[Card]:
    if not term.body:
        return []
    process = deck.term_process.get(term.id, "")
    others = [t for t in deck.terms.get(process, []) if t.id != term.id and t.body]
    if len(others) < CHOICES - 1:
        others += [t for p, ts in sorted(deck.terms.items()) if p != process
                   for t in ts if t.body][:CHOICES * 3]
    rng = seeded_rng(term.id, "definition")
    choices, correct = pick_choices(masked_definition(term.body, term), [masked_definition(t.body, t) for t in others], rng)
    where = f"{process} · " if process else ""
    also = f"（{'、'.join(term.synonyms[:3])}）" if term.synonyms else ""
    cards = [_card(term, "definition", "choice", prompt=f"{where}「{term.title}」{also}是什么意思？",
                   choices=choices, correct=correct, answer_text=term.body, explain="",
                   process=process)]
    rng = seeded_rng(term.id, "term")
    choices, correct = pick_choices(term.title, [t.title for t in others], rng)
    cards.append(_card(term, "term", "choice", prompt=f"{where}这说的是哪个术语？\n{masked_definition(term.body, term)}",
                       choices=choices, correct=correct, answer_text=term.title + also,
                       explain=term.body, process=process))
    return cards


# -- the master's words: notes, answered questions, handbook sections ---------------------

def _recall_cards(unit: Unit, deck: Deck) -> list[Card]:
    if isinstance(unit, QA):
        prompt = unit.question or unit.title
    elif isinstance(unit, Note):
        prompt = f"经验笔记「{unit.title}」" + (f"（{unit.context}）" if unit.context else "") + "：师傅怎么说的？"
    elif isinstance(unit, Section):
        if len(unit.body.strip()) < MIN_SECTION_CHARS:
            return []
        prompt = f"手册 · {' › '.join([*unit.path, unit.title])}：这一节讲了什么？"
    else:
        return []
    return [_card(unit, "recall", "self", prompt=prompt, answer_text=unit.body.strip(), explain="")]


_MAKERS = {"parameter": _parameter_cards, "rule": _rule_cards, "procedure": _procedure_cards,
           "term": _term_cards, "note": _recall_cards, "qa": _recall_cards, "section": _recall_cards}


# -- helpers ------------------------------------------------------------------------------

def seeded_rng(unit_id: str, slot: str) -> random.Random:
    # Seeded by the unit and slot, not the version: an unchanged unit draws the same card.
    return random.Random(int(hashlib.sha1(f"{unit_id}#{slot}".encode()).hexdigest()[:12], 16))


def pick_choices(right: str, wrong: Iterable[str], rng: random.Random,
             include: Iterable[str] = ()) -> tuple[tuple[str, ...], int]:
    """The right answer among up to three wrong ones (``include`` always among them)."""
    sure = [w for w in dict.fromkeys(include) if w and w != right][:CHOICES - 1]
    pool = [w for w in dict.fromkeys(wrong) if w and w != right and w not in sure]
    picked = sure + rng.sample(pool, min(CHOICES - 1 - len(sure), len(pool)))
    options = [right, *picked]
    rng.shuffle(options)
    return tuple(options), options.index(right)


def order_key(unit: Unit, index: int) -> str:
    rank = _KIND_RANK.get(unit.kind, 9)
    if isinstance(unit, Rule):
        rank = _SEVERITY_RANK.get(unit.severity, rank)  # the dangerous situations first
    return f"{rank}|{unit.id}|{index}"


def _card(of: Unit, slot: str, answer_kind: str, /, *, prompt: str, process: str | None = None,
          **fields: Any) -> Card:
    return Card(unit_id=of.id, unit_version=of.version, slot=slot, unit_kind=of.kind,
                answer_kind=answer_kind, process=of.process if process is None else process,
                title=of.title, source=of.source, prompt=prompt,
                **fields)
