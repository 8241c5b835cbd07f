"""Answer apprentices in the master's own words, or say "not sure" and ask the master."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnosis.diagnose import Diagnosis
from ..errors import Conflict, LaoshifuError, Problem
from ..search import UnitHit
from ..store import Store
from ..text import normalize
from ..knowledge.vocabulary import quantity_key
from ..knowledge.units import DEFAULT_BASE, QA, Parameter, Procedure, Rule, Section, Term, Unit
from .asker import IndexCache, KnowledgeIndex, cache_for
from .english import english_gloss, respelled
from ..text.english import is_english
from .compose import compose, related, section_steps
from .conversion import conversions
from .dimensions import (NAMES_ZH, asked_dimensions, implied_dimensions, thickness_not_covered, unanswered_care, unnamed_instrument, unit_dimension, dimension_note, missing_dimension,
                         left_to_plant_rules, missing_difference, only_reported, missing_property, shown_dimensions,
                         stated_dimensions, unanswered_choice, unfocused_dimension, unfocused_reading,
                         unheld_reading)
from .confidence import entry_mode, load_calibration, signals
from .intent import (Intent, by_word_and_dimension, instrument_in_trouble, parameter_ranked, parameters_for,
                     processes_named, read_intent, rule_directions, term_named, terms_named)
from .model import Answer
from .readings import diagnose_readings, fired_rules, readings_summary
from .support import answer_text, words_covered
from .topic import figure_not_explained, restated_not_explained, speaks_of, undefined_term
from .slots import (Slots, asked_attributes, other_material, owner_words, owner_asked, unnamed_owner, unnamed_formula, condition_not_in, contrasts, other_owner, other_test_condition,
                    side_siblings,
                    read_slots, spread_not_asked, unlisted_processes, window_covers, window_has_attributes)
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


# How much of a measure is asked, and the noun the knowledge base says it with.
_ASKED_AS_NOUN = (("多厚", "厚度"), ("多宽", "宽度"), ("多深", "深度"), ("多重", "重量"))


def ask(store: Store, question: str, base: str = DEFAULT_BASE, *, record: bool = True,
        index_dir: Path | None = None, threshold: float | None = None,
        cache: IndexCache | None = None, actor: str = "") -> Answer:
    """Answer from approved units of ``base``; below the threshold, refuse and queue it."""
    started = time.perf_counter()
    question = check_question(question)
    entry = (cache or cache_for(store, index_dir)).get(base)
    asked = question
    # An English question is answered from the Chinese it glosses to: the knowledge base's words.
    question = english_gloss(entry).gloss(asked) if is_english(asked) else respelled(asked, entry)
    intent = read_intent(question, entry)
    # "掉的重量占几个点" retells 灼减's definition: answer as if the name were said
    worked = _worked_out(question, asked, entry, threshold,
                         _described_quantity(question, intent, entry))
    if not worked.shown and not worked.described and \
            (described := _described_parameter(question, intent, entry)):
        # "热轧板退完火出炉喷水，每秒钟降多少度" tells 常化冷却速度 by its note: asked as if named,
        # only when the question as put finds no answer (a name found otherwise stays first)
        retried = _worked_out(question, asked, entry, threshold, described)
        if retried.shown:
            worked = retried
    draft, confidence = worked.draft, worked.confidence
    if worked.shown:
        answer = draft
        answer.confidence = confidence
        answer.readings = readings_summary(worked.diagnosis)
        answer.conversions = conversions(asked, answer)  # "多少K" of a ℃ window
    else:
        answer = Answer(question=asked, refused=True, confidence=confidence,
                        related=related(worked.unit_hits), note=_as_asked(worked.uncovered, asked))
        if record:
            from ..knowledge.folders import require_base

            require_base(store, base)
            queued = store.record_question(base, asked, question_key(asked),
                                           [r.unit_id for r in answer.related], actor=actor)
            answer.queued_question_id = queued.id
            if queued.status == "dismissed":
                answer.dismissed = queued.close_reason or "师傅看过，不在知识库范围内"
    answer.question = asked
    answer.ranking = [u.id for u in worked.ranked]
    answer.signals = worked.evidence
    answer.semantic = worked.semantic
    answer.elapsed_ms = (time.perf_counter() - started) * 1000
    return answer


@dataclass
class _WorkedOut:
    """One reading of a question through to its draft answer and how sure it is."""
    draft: Answer | None
    confidence: float
    uncovered: str
    shown: bool
    described: str
    unit_hits: list[UnitHit]
    ranked: list[Unit]
    diagnosis: Diagnosis | None
    evidence: object
    semantic: object


def _worked_out(question: str, asked: str, entry: KnowledgeIndex, threshold: float | None,
                described_quantity: str = "") -> _WorkedOut:
    """Retrieve, rank, compose and judge ``question`` (with the name of the quantity it
    describes, when one is given)."""
    if described_quantity:
        question = f"{question} {described_quantity}"
    # "多厚" is said in the knowledge base as 厚度: search with the noun too
    searched = question + "".join(noun for asking, noun in _ASKED_AS_NOUN if asking in question)
    intent = read_intent(question, entry)
    unit_hits = retrieve_units(searched, entry, RETRIEVE_UNITS)
    # a thing described, its name asked: a definition when the glossary has the thing
    described = _described_term(question, entry) if intent.wants_name else []
    if intent.wants_name:
        intent = replace(intent, wants_definition=intent.wants_definition or bool(described),
                         wants_name=bool(described))
    slots = read_slots(intent.text, list(intent.mentions), entry, intent.processes)
    diagnosis = diagnose_readings(slots, entry, intent.processes, intent.text)
    ranked, windows, rule, procedure = _rank(question, intent, entry, unit_hits, slots, diagnosis,
                                             described, described_quantity)
    uncovered = _slot_gap(intent, slots, entry, ranked, windows, diagnosis)
    semantic = semantic_evidence(question, entry, ranked[0].id if ranked else None)
    # Compose first (cheap), then judge the answer the apprentice would read: retrieval
    # finds a topic, but only the shown sentences and windows can answer the question.
    draft = None
    if ranked:
        sentence_hits = retrieve_sentences(searched, entry, RETRIEVE_SENTENCES)
        if intent.wants_value and (owner := owner_asked(intent.text, entry)):
            # the thing's own sentences first: 氨气's range, not 氢气's
            sentence_hits = sorted(sentence_hits, key=lambda h: not any(o in normalize(h.text) for o in owner))
        reason = _reason(question, intent, entry, ranked, slots) if intent.wants_reason else None
        draft = compose(question, intent, ranked, windows, rule, procedure, sentence_hits, 0.0,
                        reason=reason, asked_before=_asked_before(question, ranked) is ranked[0])
    calibration = load_calibration(mode=entry_mode(entry))
    evidence = signals(entry.index, question, [u.id for u in ranked[:3]],
                       unit_hits[0].score if unit_hits else 0.0,
                       named=bool(intent.quantities or intent.processes),
                       answer=draft, wants_value=intent.wants_value,
                       fired=bool(fired_rules(diagnosis)), semantic=semantic,
                       named_quantity=bool(intent.quantities),
                       rule_matched=bool(fired_rules(diagnosis)) or _rule_matches(rule, intent, entry),
                       dimension_shown=draft is not None and bool(
                           asked_dimensions(intent.text) & shown_dimensions(draft)),
                       term_defined=_term_defined(draft, intent, entry),
                       english=is_english(asked))
    confidence = calibration.probability(evidence)
    if intent.wants_reason:
        confidence = min(confidence, calibration.why_ceiling)
    cut = calibration.threshold if threshold is None else threshold
    if evidence.fired and threshold is None:
        # A rule whose condition holds on the readings the question gives is the master's
        # own judgment of that situation, however the question is worded.
        confidence = max(confidence, cut)
    if draft is not None and threshold is None and _procedure_named(question, draft):
        # so are the steps of a procedure the question names ("扣完罩子怎么试漏" of
        # 罩式炉内罩检漏与保护气切换): his way of doing the thing asked
        confidence = max(confidence, cut)
    if evidence.term_defined and threshold is None and not is_english(asked) and not (
            intent.wants_value or intent.wants_reason or intent.wants_procedure):
        # a what-is question led by the glossary entry of the term it names ("师傅老挂嘴边的
        # 露点到底指的是啥"): his definition, however much else the question says
        confidence = max(confidence, cut)
    # (an English question's material is read as asked too: its gloss may drop the word)
    material = slots.other_material or other_material(normalize(asked))
    if draft is not None and material and material not in normalize(answer_text(draft)):
        uncovered = f"知识库讲的是取向硅钢，没有关于“{material}”的内容。"
    if draft is not None and not uncovered and not evidence.fired:
        uncovered = _answer_gap(intent, entry, draft, diagnosis, english=is_english(asked),
                                asked=asked, retold=bool(described_quantity)) \
            or ("" if draft.windows or _procedure_named(question, draft)
                else _other_process_lead(intent, rule, procedure))
    if draft is not None and not uncovered and slots.thickness and not draft.windows:
        uncovered = thickness_not_covered(slots.thickness, draft)
    shown = draft is not None and confidence >= cut and not uncovered
    return _WorkedOut(draft, confidence, uncovered, shown, described_quantity, unit_hits, ranked,
                      diagnosis, evidence, semantic)


_LATIN = re.compile(r"[a-z][a-z0-9.\-/]*")


def _as_asked(note: str, asked: str) -> str:
    """The note quotes the question read in lower case (s型还是b型, blaine比表面积): put
    back the apprentice's own capitals where the words are his."""
    def restore(match: re.Match) -> str:
        found = re.search(re.escape(match.group()), asked, re.IGNORECASE)
        return found.group() if found else match.group()
    return _LATIN.sub(restore, note)


def _slot_gap(intent: Intent, slots: Slots, entry: KnowledgeIndex, ranked: list[Unit],
              windows: list[Parameter], diagnosis: Diagnosis | None) -> str:
    """What the question names that the windows found are not for (a grade, a process, a
    thing, a test condition), said as what the knowledge base has instead; or ""."""
    if windows:
        gap = _elsewhere(intent, windows, entry) or _no_special_window(intent, slots, windows)
        if gap:
            return gap
        if condition := other_test_condition(intent.text, windows[0]):
            return f"知识库里{windows[0].name}的窗口不是在{condition}下测的。"  # 60 Hz of P1.7/50
        if owner := other_owner(intent.text, intent.mentions, windows, entry) or (
                "" if intent.quantities else _unspoken_owner(intent.text, windows, entry)):
            have = "、".join(dict.fromkeys(p.process for p in windows))
            return f"知识库里{windows[0].name}的窗口是{have}的，没有{owner}的。"  # 氢气纯度
        return ""
    gap = _uncovered(intent, slots, entry, ranked)
    if gap or diagnosis is not None:
        return gap
    # 常化炉压多少 / 常化炉炉压偏低: a process that has no such parameter
    # (常化线张力显示15 MPa: a reading of it asks its window as much as "多少" does)
    asks_window = intent.wants_value or bool(stated_dimensions(intent.text))
    said = intent.foreign if asks_window else intent.foreign_attached if intent.direction else ()
    if said:
        return _not_in_process(said[0], intent, entry)
    return _other_side(intent, slots, entry) if intent.wants_value else ""


def _answer_gap(intent: Intent, entry: KnowledgeIndex, draft: Answer,
                diagnosis: Diagnosis | None, english: bool = False, asked: str = "",
                retold: bool = False) -> str:
    """What the question asks that the composed answer does not show, said; or "".
    ("烘多少秒" answered with the dryer's temperature is not an answer.)"""
    text = intent.text
    if gap := missing_dimension(text, draft):
        return dimension_note(gap, draft)
    # a property asked (碱液浓度控多少) or read (电导率到了300 μS/cm) needs a number said of it;
    # the words that retell a parameter shown (掉的重量 of 灼减) are no property of their own
    if not (retold and draft.windows) and (
            prop := missing_property(text, draft, intent.wants_value or bool(stated_dimensions(text)))):
        return f"知识库里没有讲到这个问题问的{prop}。"  # 炉辊的材质
    if intent.wants_value and (owner := unnamed_owner(text, normalize(answer_text(draft)), entry)
                               or not draft.windows and unnamed_formula(asked, normalize(answer_text(draft)), entry)):
        return f"知识库里没有讲到{owner}的这个数。"  # 一氧化碳报警值 answered with hydrogen's
    if care := unanswered_care(text, draft):
        return f"知识库里没有讲到{care}。"  # 氨气中毒了怎么急救 answered with the leak rule
    if instrument := unnamed_instrument(text, draft):
        return f"知识库里没有提到{instrument}。"  # 残碳用红外碳硫仪测吗
    if not draft.windows and (condition := condition_not_in(text, normalize(answer_text(draft)))):
        return f"知识库里给的数不是在{condition}下测的。"  # 23QG085的P1.5/50
    if choice := unanswered_choice(text, draft):
        return f"知识库里没有讲到是{choice}。"  # 热电偶用S型还是B型
    if intent.wants_definition and not (intent.wants_value or intent.wants_procedure) and \
            not english and \
            (asked := undefined_term(text, draft, _defined_spellings(draft, intent, entry))):
        return f"知识库里用到了“{asked}”，但没有解释它是什么。"  # 镰刀弯 named as a cause only
    if intent.wants_reason and restated_not_explained(text, entry, draft):
        return "知识库里只说了这一点，没有讲为什么。"  # 为什么铬到0.45%底层更均匀
    if intent.wants_reason and (figure := figure_not_explained(text, draft)):
        return f"知识库里只写了“{figure}”，没有讲为什么。"  # 吹扫为啥要五倍炉膛容积
    if (intent.wants_value or stated_dimensions(text)) and left_to_plant_rules(text, draft):
        return "知识库里这个数只写了“按规定/按本厂规程”，没有具体数值。"
    if intent.wants_procedure and not (intent.wants_reason or intent.wants_value or intent.wants_definition
                                       or intent.wants_action) \
            and not (draft.procedures or draft.rules or draft.windows):
        # "CGO的中间退火具体怎么操作": sentences that mention it are no way of doing it
        return "知识库里没有这件事的操作规程或步骤。"
    if intent.wants_value and only_reported(asked or text, draft):
        return "知识库里这个数只有手册转述的研究、专利或实验数据，没有本厂自己的规定。"
    if missing_difference(text, draft):
        return "知识库里没有找到这个问题问的差值。"  # 两面涂布量允许差几克
    quoted_rule = intent.wants_value and not intent.wants_action and not fired_rules(diagnosis)
    if kind := unfocused_dimension(text, speaks_of(entry, text), draft, _elsewhere_said(intent, entry),
                                   rules_quoted=quoted_rule):
        return f"知识库里没有找到这个问题问的{NAMES_ZH[kind]}数值。"
    # (a why's figure is the threshold it asks about: 为啥非得30ppm以下)
    if diagnosis is None and (kind := unheld_reading(text, draft) or (
            not intent.wants_reason and unfocused_reading(text, speaks_of(entry, text), draft,
                                                          _elsewhere_said(intent, entry)))):
        # 冷却水进水温度32℃ answered with the cooling-water pressure rule
        return f"知识库里没有找到能判断问题里这个{NAMES_ZH[kind]}读数的窗口或规程。"
    return ""


def _of_kind_asked(intent: Intent, windows: list[Parameter], entry: KnowledgeIndex,
                   slots: Slots) -> list[Parameter]:
    """Windows of the kind of number asked: "纯氢净化要保温多少小时" found 保温温度 by 保温 and
    asks a time, which 净化时间 is. Unchanged when none of that kind is named otherwise."""
    asked = asked_dimensions(intent.text)
    if not asked or any(unit_dimension(w.unit) in asked for w in windows):
        return windows
    processes = intent.processes or frozenset(w.process for w in windows)
    keys = by_word_and_dimension(intent.text, entry, processes)
    found = [p for k in keys for p in entry.vocabulary.parameters.get(k, []) if window_covers(p, slots)]
    if not found and asked & _NEVER_ANOTHER_KIND:
        # "铬酐加多少份" found 张力 inside 张力涂液: a window in MPa says no number of parts
        return []
    return found or windows


# Kinds of number no window of another kind answers in other words (a length asked, "带速
# 多少米", may be said of a speed; parts of a recipe never are).
_NEVER_ANOTHER_KIND = frozenset({"parts", "areal", "conductivity", "acidity", "gravity", "organization",
                                 "money", "person", "count", "density", "flow", "power"})


def _elsewhere_said(intent: Intent, entry: KnowledgeIndex):
    """Whether a (normalised) sentence is said of processes, none of them the question's."""
    if not intent.processes:
        return None
    return lambda said: bool((named := processes_named(said, entry)) and not named & intent.processes)


_STEPS_SAID = re.compile(r"步骤|顺序|流程|一步步|一步一步|规程|程序|steps|procedure")


def _rank(question: str, intent: Intent, entry: KnowledgeIndex, unit_hits: list[UnitHit],
          slots: Slots = Slots(), diagnosis: Diagnosis | None = None,
          described: list[Term] = (), retold: str = "",
          ) -> tuple[list[Unit], list[Parameter], Rule | None, Procedure | Section | None]:
    """Put what the question asks for first: the named parameter's windows for a value
    question, the fault rule for a what-to-do question, the term for a what-is question;
    for readings, the rule that fires on them."""
    units = entry.units
    units.prefetch([h.unit_id for h in unit_hits])
    ranked = [u for u in (units.get(h.unit_id) for h in unit_hits) if u is not None]
    windows: list[Parameter] = []
    if diagnosis is not None:
        # The windows the readings were judged against, for the material named.
        windows = [p for r in slots.readings for p in entry.vocabulary.parameters.get(r.key, [])
                   if window_covers(p, slots)]
    elif intent.quantities and (intent.wants_value or not (intent.wants_action or intent.wants_reason
                                                            or intent.wants_procedure
                                                            or intent.wants_definition)):
        windows = [p for p in parameters_for(intent, entry, [u.id for u in ranked])
                   if window_covers(p, slots)]
    # A window shows only when it measures what the question asks about: "乳化液浓度" is
    # not answered by the 乳化液温度 window, nor "露点仪型号" by the 露点 window.
    # a parameter retold by its definition ("掉的重量占几个点" is 灼减) is asked as a whole
    attributes = set() if retold else asked_attributes(intent.text, entry)
    if windows and intent.wants_value:
        windows = _of_kind_asked(intent, windows, entry, slots)
    if windows and all(contrasts(intent.text, p) for p in windows):
        # 低温段脱水保温几度: not the 净化段 保温温度 but its sibling, 脱水保温温度
        windows = [p for p in side_siblings(intent.text, windows, entry) if window_covers(p, slots)]
    def fits(p: Parameter) -> bool:
        return window_has_attributes(p, attributes, entry) and not contrasts(intent.text, p) \
            and not spread_not_asked(intent.text, p)

    kept = [p for p in windows if fits(p)]
    if windows and not kept and attributes and diagnosis is None:
        # "净化保温时露点是多少": 保温温度 named first measures no 露点; another name the
        # question says does
        measured = tuple(k for k in intent.quantities
                         if any(fits(p) for p in entry.vocabulary.parameters.get(k, [])))
        if measured:
            kept = [p for p in parameters_for(replace(intent, quantities=measured), entry,
                                              [u.id for u in ranked]) if window_covers(p, slots) and fits(p)]
    windows = kept
    if not windows and diagnosis is None and intent.wants_value and not intent.wants_reason:
        found = parameter_ranked(intent, ranked)
        if found is not None and window_has_attributes(found, attributes, entry) and \
                not contrasts(intent.text, found) and not spread_not_asked(intent.text, found) and (
                attributes or words_covered(entry.index, question, found.search_text()) >= 0.6):
            key = quantity_key(found.process, found.name)
            windows = [p for p in entry.vocabulary.parameters.get(key, [found])
                       if window_covers(p, slots)]
    if not windows and diagnosis is None and intent.wants_value and not intent.wants_reason \
            and not intent.quantities and len(intent.processes) == 1:
        # "脱碳那条连续线跑多快": the one parameter of the process named measured so (带速)
        windows = [p for k in by_word_and_dimension(intent.text, entry, intent.processes)
                   for p in entry.vocabulary.parameters.get(k, []) if window_covers(p, slots)]
    terms = ([] if not intent.wants_definition else
             list(described) if intent.wants_name else terms_named(intent, entry))
    term = terms[0] if terms else None
    # "测氢仪显示0.6%，我先干啥": a reading's first move is its rule's, not a procedure's,
    # unless steps are asked in so many words
    steps_asked = intent.wants_procedure and not (stated_dimensions(intent.text)
                                                  and not _STEPS_SAID.search(intent.text))
    procedure = _best_of_kind(question, entry, unit_hits, "procedure") if steps_asked else None
    if steps_asked and procedure is None:
        # "涂辊结了硬壳怎么弄干净": a rule found sends to a procedure by name; its steps are asked
        procedure = next((p for u in ranked[:3] if isinstance(u, Rule)
                          and (p := _referenced_procedure(u, entry))), None)
    elif isinstance(procedure, Procedure):
        # "扣完罩子怎么试漏": 装炉's step sends to 内罩检漏, the one asked
        procedure = _referenced_procedure(procedure, entry, question) or procedure
    if steps_asked and (stepped := _stepped_section(question, ranked, procedure)):
        procedure = stepped  # "进炉检修走哪几步": the handbook sets the steps out, 第一步…
    fired = fired_rules(diagnosis)
    # "怎么弄" asks for a procedure as often as for a fault's remedy: a found procedure wins.
    rule = None
    if fired:
        rule, procedure = fired[0], None
    elif procedure is None:
        if diagnosis is not None and diagnosis.deviations:
            # Out of window with no rule on this reading alone: the rule for that way.
            side = diagnosis.deviations[0].side
            intent = replace(intent, direction="up" if side == "high" else "down",
                             quantities=tuple(d.reading.key for d in diagnosis.deviations))
        wants_action = intent.wants_action or bool(diagnosis and diagnosis.deviations)
        rule = _fault_rule(question, intent, entry, unit_hits) if wants_action else None
        if rule is None and ranked and isinstance(ranked[0], Rule) and term is None and \
                _for_the_instrument(ranked[0], intent):
            # (a what-is question that names its term gets the term, not a fault's remedy)
            rule = ranked[0]
    first: list[Unit] = [*terms, *([procedure] if procedure else []),
                         *windows, *([rule] if rule else [])]
    if (asked_before := _asked_before(question, ranked)) is not None:
        # the master answered this very question ("水化率4.5%还能不能用"): his answer leads,
        # beside the window and the rule its reading finds
        first = [asked_before, *first]
    chosen = {u.id for u in first}
    rest = [u for u in ranked if u.id not in chosen]
    if not intent.wants_definition:
        # A glossary entry answers "what is X"; for anything else it is background.
        rest = _later(rest, lambda u: isinstance(u, Term), by=2)
    if intent.wants_reason and not intent.wants_value:
        # "Why" wants the master's explanation, not the bare number.
        rest = _later(rest, lambda u: isinstance(u, Parameter), by=2)

    return [*first, *rest], windows, rule, procedure if isinstance(procedure, (Procedure, Section)) else None


def _asked_before(question: str, ranked: list[Unit], share: float = 0.5) -> QA | None:
    """The master's answer (a qa unit near the top) to a question put in much the same words:
    half of the question's character pairs are his question's."""
    def pairs(text: str) -> set[str]:
        text = re.sub(r"[\W_]+", "", normalize(text))
        return {text[i:i + 2] for i in range(len(text) - 1)}

    asked = pairs(question)
    if not asked:
        return None
    best, best_share = None, share
    for unit in ranked[:5]:
        if isinstance(unit, QA) and unit.question:
            overlap = len(asked & pairs(unit.question)) / len(asked)
            if overlap >= best_share:
                best, best_share = unit, overlap
    return best


def _procedure_named(question: str, answer: Answer) -> bool:
    """Does the question say enough of the shown procedure's title to name it: three of
    its characters and a quarter of them (换卷…接口…穿过炉子 of 脱碳线换卷与焊缝过炉)?"""
    if not answer.procedures:
        return False
    title = answer.procedures[0].title
    shared = _shared(question, title)
    return shared >= 3 and shared >= 0.25 * len(set(normalize(title)))


def _stepped_section(question: str, ranked: list[Unit], procedure: Unit | None) -> Section | None:
    """A handbook section near the top that sets out steps in order and whose title the
    question says more of than the procedure found (进炉检修, not 通氢前的氮气吹扫), or None."""
    said = _shared(question, procedure.title) if procedure is not None else 1
    for unit in ranked[:5]:
        if isinstance(unit, Section) and section_steps(unit) and _shared(question, unit.title) > max(said, 1):
            return unit
    return None


def _reason(question: str, intent: Intent, entry: KnowledgeIndex, ranked: list[Unit],
            slots: Slots) -> Parameter | None:
    """For a why question about a parameter, the reason the master wrote beside its window:
    the named parameter's, or the one retrieval ranks near the top when it covers the words.
    Of several named, the one acted on first ("板形不好，为啥不能把张力加大": 张力's reason,
    not 波浪度's)."""
    acted = {k for start, end, keys in intent.mentions for k in keys
             if _ACTED_ON.match(intent.text, end) or intent.text[max(0, start - 1):start] == "把"}
    for key in sorted(intent.quantities, key=lambda k: k not in acted):
        noted = [param for param in entry.vocabulary.parameters.get(key, [])
                 if param.body and window_covers(param, slots)
                 and (not intent.processes or param.process in intent.processes)]
        if noted:
            # (of a thin and a thick window, the note that speaks to the question: 拉狠了…)
            return max(noted, key=lambda p: words_covered(entry.index, question, p.body))
    # (普通取向料…为啥: the reason beside CGO's window, not beside Hi-B's found first)
    found = [next((p for p in entry.vocabulary.parameters.get(quantity_key(u.process, u.name), [u])
                   if window_covers(p, slots)), None) if isinstance(u, Parameter) else None
             for u in ranked[:5]]
    candidates = [(words_covered(entry.index, question, u.search_text(), known_only=True), -i, u)
                  for i, u in enumerate(found) if u is not None and u.body
                  and (not intent.processes or u.process in intent.processes)]
    best = max(candidates, default=None, key=lambda c: c[:2])
    return best[2] if best and best[0] >= 0.5 else None


def _uncovered(intent: Intent, slots: Slots, entry: KnowledgeIndex,
               ranked: list[Unit] = ()) -> str:
    """When a value question names a grade or thickness that none of the parameter's
    windows is for, say what the knowledge base does have instead of another's number.
    The parameter is the one the question names, or else the one retrieval puts first."""
    if not (slots.grade or slots.thickness) or (intent.wants_definition and not intent.quantities):
        return ""  # (what "30Q133" says is asked, not a window for it)
    if intent.quantities:
        key = intent.quantities[0]
    else:
        found = parameter_ranked(intent, list(ranked)) if intent.wants_value else None
        if found is None:
            return ""
        key = quantity_key(found.process, found.name)
    if intent.processes and entry.vocabulary.processes.get(key) not in intent.processes:
        return ""
    params = entry.vocabulary.parameters.get(key, [])
    if not params or any(window_covers(p, slots) for p in params):
        return ""
    named = "、".join(x for x in (slots.grade, f"{slots.thickness:g} mm" if slots.thickness else "") if x)
    have = "；".join(sorted({p.condition for p in params if p.condition}))
    return (f"知识库里{entry.vocabulary.names[key]}（{entry.vocabulary.processes.get(key, '')}）"
            f"只有这些料的窗口：{have}，没有{named}的。")


def _other_process_lead(intent: Intent, rule: Rule | None, procedure: Procedure | Section | None) -> str:
    """A rule or procedure shown first that is another process's than the one the question
    names ("平整炉氧分析仪报警了" finds 脱碳炉's oxygen rule; "常化炉开炉的步骤" 脱碳炉's
    start-up): say whose it is rather than give it as this process's."""
    lead = rule or (procedure if isinstance(procedure, Procedure) else None)
    # (a why's rule may explain by another stage: "总氮偏低，为啥还要查脱碳段露点")
    if intent.wants_reason or not intent.processes or lead is None or not lead.process or lead.process in intent.processes:
        return ""
    what = "应急判断" if isinstance(lead, Rule) else "规程"
    return (f"知识库里没有{'、'.join(sorted(intent.processes))}的这个{what}；"
            f"“{lead.title}”是{lead.process}的。")


def _unspoken_owner(text: str, windows: list[Parameter], entry: KnowledgeIndex) -> str:
    """A thing a value question names that windows found without their name being said are
    not about ("白浆料的比重" found 涂液比重: the insulation liquid's, not the slurry's), or ""."""
    records = [normalize(f"{p.process} {p.search_text()}") for p in windows]
    processes = {p.process for p in windows}
    # (a thing that has parameters of its own, all in other processes: 浆料温度 is MgO涂层's;
    # a glossary thing with none, 绝缘涂层, may well be what the window is measured on)
    owned = {}
    for key, name in entry.vocabulary.names.items():
        owned.setdefault(entry.vocabulary.processes.get(key, ""), []).append(normalize(name))
    return next((word for word, names in owner_words(entry).items() if word in text
                 and not any(name in record for record in records for name in names)
                 and any(n.startswith(word) for process, ns in owned.items() if process not in processes
                         for n in ns)
                 and not any(n.startswith(word) for process in processes for n in owned.get(process, []))),
                "")


def _elsewhere(intent: Intent, windows: list[Parameter], entry: KnowledgeIndex) -> str:
    """When the question names a process or furnace none of the windows is for (中间退火),
    say which processes the knowledge base has this window for instead of quoting theirs."""
    other = unlisted_processes(intent.text, windows, entry)
    if not other:
        return ""
    name = windows[0].name
    have = "、".join(dict.fromkeys(p.process for p in windows))
    return f"知识库里{name}的窗口只有{have}的，没有{'、'.join(other)}的。"


# "薄规格专用的升温速率": a window kept for that thickness alone is asked for.
_SPECIAL = re.compile(r"专用|专门|单独的|特定的|特有")


def _no_special_window(intent: Intent, slots: Slots, windows: list[Parameter]) -> str:
    """A question after the window kept for a thickness when the knowledge base's windows
    do not depend on thickness: say so rather than give the general one as if it were."""
    from ..review.material import material_field
    from ..knowledge.validate import material_condition

    if slots.thickness is None or not _SPECIAL.search(intent.text):
        return ""
    if any(material_field(key) == "thickness" for w in windows
           for key, _op, _value in material_condition(w.condition)):
        return ""
    return (f"知识库里{windows[0].name}的窗口不分厚度，没有{slots.thickness:g} mm专用的。")


def _defined_spellings(answer: Answer, intent: Intent, entry: KnowledgeIndex) -> tuple[str, ...]:
    """The spellings of the glossary terms whose definitions the answer quotes, when it
    leads with the one the question names (MgO's and CAA's: 柠檬酸活性 goes by CAA)."""
    term = term_named(intent, entry) if intent.wants_definition else None
    leads = {n for q in answer.sentences[:2] for n in q.citations}
    if term is None or not any(c.n in leads and c.unit_id == term.id for c in answer.citations):
        return ()
    terms = [entry.units.get(c.unit_id) for c in answer.citations if c.kind == "term"]
    return tuple(normalize(s) for term in terms if isinstance(term, Term)
                 for s in (term.title, *term.synonyms, term.english) if s)


def _term_defined(answer: Answer | None, intent: Intent, entry: KnowledgeIndex) -> bool:
    """Is a what-is question answered first by the glossary entry of the term it names?"""
    if answer is None or not intent.wants_definition or not answer.citations:
        return False
    term = term_named(intent, entry)
    if term is None or not answer.sentences:
        return False
    first = answer.sentences[0].citations[0]
    return any(c.n == first and c.unit_id == term.id for c in answer.citations)


def _other_side(intent: Intent, slots: Slots, entry: KnowledgeIndex) -> str:
    """The named parameter's windows are all for the other side of what the question says
    (第二次冷轧's 压下率 when it asks the first): say so rather than quote something else."""
    params = [p for p in parameters_for(intent, entry, []) if window_covers(p, slots)]
    if not params or not all(contrasts(intent.text, p) for p in params):
        return ""
    have = "；".join(dict.fromkeys(p.english or p.name for p in params))
    return f"知识库里{params[0].name}的窗口是另一段的（{have}），没有这个问题问的那一段的。"


def _not_in_process(spelling: str, intent: Intent, entry: KnowledgeIndex) -> str:
    """A value the question asks of a process that has no such parameter (常化炉的炉压):
    say which processes have it instead of quoting another's."""
    keys = next((keys for s, e, keys in intent.mentions if intent.text[s:e] == spelling), ())
    have = "、".join(dict.fromkeys(entry.vocabulary.processes.get(k, "") for k in keys if k))
    named = "、".join(sorted(intent.processes))
    return f"知识库里{named}没有{spelling}的窗口" + (f"；有{spelling}窗口的是{have}。" if have else "。")


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


# An action or a step that sends to a procedure by its title: 按"涂辊清洗与换辊"规程清洗辊面,
# 执行"内罩检漏与保护气切换"规程.
_REFERENCED = re.compile(r"(?:按|按照|执行|参照)[“\"「]([^”\"」]{2,30})[”\"」]规程")


def _referenced_procedure(unit: Rule | Procedure, entry: KnowledgeIndex,
                          asked: str = "") -> Procedure | None:
    """The procedure a rule's action or a procedure's step sends to by its title, if the
    knowledge base has it (and, given what is ``asked``, if its title shares more of it)."""
    lines = unit.actions if isinstance(unit, Rule) else unit.steps
    for action in lines:
        for match in _REFERENCED.finditer(action):
            if asked and _shared(asked, match.group(1)) <= _shared(asked, unit.title):
                continue
            title = normalize(match.group(1))
            for hit in retrieve_units(match.group(1), entry, 3, kinds=["procedure"]):
                found = entry.units.get(hit.unit_id)
                if isinstance(found, Procedure) and title in normalize(found.title):  # (MgO涂辊清洗与换辊)
                    return found
    return None


def _described_quantity(question: str, intent: Intent, entry: KnowledgeIndex) -> str:
    """The parameter a value question retells without naming it, by the glossary entry whose
    definition it retells ("烘干的氧化镁涂层再拿去高温烧，掉的重量占几个点" → 灼减, "气体一冷
    就开始凝水的那个温度" → 露点): the entry's name, when it names a parameter that measures
    what the question asks (a temperature, a fraction...); else ""."""
    if not intent.wants_value or intent.quantities or not _POINTED_AT.search(intent.text) \
            or _DIFFERENCE.search(intent.text):
        return ""
    asked = implied_dimensions(re.sub(r"[，,]", "", intent.text))  # "那个温度，要控在多少"
    if not asked:
        return ""
    # the entry the question tells best, or none: the next one down is told of something else
    # (可燃气…最低那个浓度 of hydrogen is no story of 氧含量)
    hits = retrieve_units(question, entry, 1, kinds=["term"])
    term = entry.units.get(hits[0].unit_id) if hits else None
    if not isinstance(term, Term) or _words_shared(entry, intent.text, term.body) < 2:
        return ""  # "那个管子里流的水" shares one word with 加湿水温's story: too little to tell
    # the entry names a parameter (灼减), or a thing whose property is asked in so many words
    # ("罩住钢卷那层金属罩，里头压力" is 内罩压力)
    for said in (term.title, *(term.title + m.group() for m in _PROPERTY_SAID.finditer(intent.text))):
        named = set(read_intent(said, entry).quantities)
        measured = {unit_dimension(u.unit) for u in entry.units.structured_units()
                    if isinstance(u, Parameter) and quantity_key(u.process, u.name) in named
                    and (not intent.processes or u.process in intent.processes)}
        if measured & asked:
            return said
    return ""


def _described_parameter(question: str, intent: Intent, entry: KnowledgeIndex) -> str:
    """The parameter a value question describes by its own note without naming it ("热轧板
    退完火出炉喷水，钢板每秒钟降多少度" is 常化's 冷却速度): the best-found parameter of the kind
    of number asked, of the process named if one is, sharing two of its words with the
    question and found twice as well as any other parameter of that kind; else ""."""
    if not intent.wants_value or intent.wants_reason or intent.quantities \
            or _DIFFERENCE.search(intent.text):
        return ""
    asked = implied_dimensions(re.sub(r"[，,]", "", intent.text))
    if not asked:
        return ""
    found = [(h.score, u) for h in retrieve_units(question, entry, 6, kinds=["parameter"])
             if isinstance(u := entry.units.get(h.unit_id), Parameter)
             and unit_dimension(u.unit) in asked
             and (not intent.processes or u.process in intent.processes)]
    if not found:
        return ""
    score, best = found[0]
    # "常化炉升温速度多少" finds no word of 冷却速度's note: 常化 has no heating rate; nor
    # do a process's name, a unit's or a common word tell a parameter ("绝缘涂液配好能放几个
    # 钟头" shares only 配好 with 浆料存放时间's note)
    if len(_telling_words(entry, intent.text, f"{best.name} {best.body}")) < 2 or any(
            other.name != best.name and s * 2 > score for s, other in found[1:]):
        return ""
    # a thing the question names that the parameter's note never speaks of is another
    # thing's ("绝缘涂液配好能存放几个小时" is not of MgO浆料's 存放时间)
    told = normalize(f"{best.process} {best.name} {best.body}")
    if any(word in intent.text and not any(name in told for name in names)
           for word, names in owner_words(entry).items()):
        return ""
    return f"{best.process}{best.name}"


_MEASURE_WORD = re.compile(r"度|温|钟头|小时|分钟|秒|ppm|毫米|米|帕|克|百分|比例|多少|以下|以上")


def _telling_words(entry: KnowledgeIndex, text: str, note: str) -> set[str]:
    """The words a question shares with a note that tell its subject: no process's name, no
    word of measure, none most texts use."""
    analyzer, index = entry.index.analyzer, entry.index
    idf = index.idf()
    shared = set(analyzer.words(text)) & set(analyzer.tokens(note))
    return {w for w in shared if not _MEASURE_WORD.search(w) and not processes_named(w, entry)
            and (column := index.vocab.ids.get(w)) is not None and column < len(idf)
            and idf[column] >= 2.4}


def _words_shared(entry: KnowledgeIndex, text: str, other: str) -> int:
    analyzer = entry.index.analyzer
    return len(set(analyzer.words(text)) & set(analyzer.tokens(other)))


# "那个…的温度", "那层膜": a thing pointed at, its name not known to the one asking
# What is done to a quantity said just before: 加大, 往死里加, 提一提, 降下来
_ACTED_ON = re.compile(r"(?:再|往死里|一口气)?(?:加|提|降|减|调|拉|放|开|压)")
_POINTED_AT = re.compile(r"那(?:个|层|种|段|道|块|根|些|一|股|槽|桶|条)")
_DIFFERENCE = re.compile(r"差(?:多少|几)|温差|相差")
_PROPERTY_SAID = re.compile(r"温度|压力|浓度|比例|含量|纯度|时间|速度|流量")


def _described_term(question: str, entry: KnowledgeIndex) -> list[Term]:
    """The glossary term a question describes and asks the name of ("底层颜色一块深一块浅，
    行话叫啥" → 花脸), when its entry stands out from the next (2.5 times its score: 变压器铁芯
    损耗 finds 取向硅钢 by its definition's words at 2.2 times, not 磁时效); else none."""
    hits = retrieve_units(question, entry, 2, kinds=["term"])
    if not hits or (len(hits) > 1 and hits[0].score < 2.5 * hits[1].score):
        return []
    term = entry.units.get(hits[0].unit_id)
    return [term] if isinstance(term, Term) else []


def _shared(asked: str, title: str) -> int:
    """How many of the characters a question is written in a title holds (扣完罩子试漏: 罩,
    漏 of 内罩检漏), asking words aside."""
    return len(set(re.sub(r"怎么|如何|什么|多少|哪些|步骤", "", normalize(asked))) & set(normalize(title))
               - set("的了是在和与要把先后"))


def _best_of_kind(question: str, entry: KnowledgeIndex, unit_hits: list[UnitHit],
                  kind: str) -> Unit | None:
    hits = retrieve_units(question, entry, 1, kinds=[kind])
    if hits and unit_hits and hits[0].score >= 0.5 * unit_hits[0].score:
        return entry.units.get(hits[0].unit_id)
    return None


def _rule_matches(rule: Rule | None, intent: Intent, entry: KnowledgeIndex) -> bool:
    """Does the rule's condition fire on the quantity the question names, the way it says?"""
    if rule is None or not (intent.quantities and intent.direction):
        return False
    return bool(rule_directions(rule, entry) & {(k, intent.direction) for k in intent.quantities})


def _for_the_instrument(rule: Rule, intent: Intent) -> bool:
    """"露点仪坏了咋办" asks a rule for the instrument itself, not for its quantity going
    low (露点偏低 mentions checking the meter; it is not about the meter failing)."""
    instrument = instrument_in_trouble(intent.text)
    return not instrument or instrument in normalize(f"{rule.title} {rule.symptom}")


def _fault_rule(question: str, intent: Intent, entry: KnowledgeIndex,
                unit_hits: list[UnitHit]) -> Rule | None:
    """The rule for a fault question: one whose condition fires on the quantity the
    question names going the way it says; else the best rule if it matches well."""
    rule_hits = retrieve_units(question, entry, 10, kinds=["rule"])
    rules = [r for r in (entry.units.get(h.unit_id) for h in rule_hits) if isinstance(r, Rule)]
    kept = [(h, r) for h, r in zip(rule_hits, rules) if _for_the_instrument(r, intent)]
    rule_hits, rules = [h for h, _ in kept], [r for _, r in kept]
    if intent.quantities and intent.direction:
        # not another process's rule for a name said of a process that lacks it (常化炉炉压)
        said_elsewhere = {k for s, e, keys in intent.mentions
                          if intent.text[s:e] in intent.foreign_attached for k in keys}
        wanted = {(key, intent.direction) for key in intent.quantities if key not in said_elsewhere}
        for rule in rules:
            if rule_directions(rule, entry) & wanted:
                return rule
        # never the rule for the other way (张力 < 12's "张力往上调" for a tension too high)
        opposite = {(key, "down" if way == "up" else "up") for key, way in wanted}
        # and, for a quantity gone one way that no rule's condition names, a rule that at
        # least speaks of it ("均热才100秒": not 炉温跌破760℃'s rule)
        names = {normalize(entry.vocabulary.names.get(key, "")) for key, _way in wanted} - {""}
        # (and of the quantity's process: 脱碳退火's 炉内张力异常 is not the FCL's tension)
        processes = {entry.vocabulary.processes.get(key) for key, _way in wanted} - {None, ""}
        kept = [(h, r) for h, r in zip(rule_hits, rules) if not rule_directions(r, entry) & opposite
                and any(n in normalize(" ".join([r.title, r.diagnosis, *r.actions])) for n in names)
                and (not r.process or not processes or r.process in processes)]
        rule_hits, rules = [h for h, _ in kept], [r for _, r in kept]
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
