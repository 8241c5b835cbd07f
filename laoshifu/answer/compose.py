"""Compose an answer from the master's own records: windows, rule actions, quoted sentences.

Nothing is paraphrased: every sentence is a verbatim slice of a unit, every number in a
window table comes from the parameter record, and each carries its citation.
"""

from __future__ import annotations

import re

from ..search import SentenceHit, UnitHit
from ..text import split_sentences
from ..knowledge.units import QA, Citation, Note, Parameter, Procedure, Rule, Section, Term, Unit
from .intent import Intent
from .model import Answer, ProcedureSteps, QuotedSentence, Related, RuleAdvice, WindowRow

MAX_SENTENCES = 3
# A why is answered by a claim and its reason, often in different sentences of the note.
MAX_WHY_SENTENCES = 4
MAX_PER_UNIT = 2
TOP_UNITS = 5


class _Citations:
    """Numbers sources [1], [2]… in the order the answer first uses them."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.items: list[Citation] = []

    def cite(self, unit: Unit) -> int:
        if unit.id not in self.numbers:
            n = len(self.items) + 1
            self.numbers[unit.id] = n
            self.items.append(Citation(n, unit.id, unit.kind, unit.title, unit.version, unit.source))
        return self.numbers[unit.id]


def compose(question: str, intent: Intent, ranked: list[Unit],
            windows: list[Parameter], rule: Rule | None, procedure: Procedure | Section | None,
            sentence_hits: list[SentenceHit], confidence: float, reason: Unit | None = None,
            asked_before: bool = False) -> Answer:
    """Windows first, then the rule's actions or the procedure's steps, then up to three
    quoted sentences (four for a why)."""
    citations = _Citations()
    answer = Answer(question=question, refused=False, confidence=confidence)
    if windows:
        answer.windows = _windows(windows, intent, citations)
    if rule is not None:
        answer.rules.append(RuleAdvice(rule.id, rule.title, rule.severity, rule.diagnosis,
                                       rule.actions, citations.cite(rule)))
    if procedure is not None:
        # Every step, in order: half a procedure is worse than none.
        steps = procedure.steps if isinstance(procedure, Procedure) else section_steps(procedure)
        answer.procedures.append(ProcedureSteps(procedure.id, procedure.title, steps,
                                                citations.cite(procedure)))
    leads = ranked and (isinstance(ranked[0], QA) or (isinstance(ranked[0], Term) and intent.wants_definition))
    lead = _lead(ranked[0], citations, intent.text, whole=asked_before) if leads else []
    if leads and _two_terms_asked(ranked, intent):
        # "一次再结晶和二次再结晶有啥区别": each one's definition
        lead = [*lead[:1], *_lead(ranked[1], citations, intent.text)[:1]]
    if reason is not None:
        # "Why 30 ppm?": the master's own reason for that window is written beside it.
        lead = _lead(reason, citations)
    elif (shown := rule or (procedure if isinstance(procedure, Procedure) else None)) \
            and shown.body and not lead:
        # the master's words beside his rule or procedure say what its actions and steps
        # leave out (扫帚头 to find a flame no one can see; 先干后湿, or the strip burns)
        lead = [_quoted(shown, s.text, citations) for s in split_sentences(shown.body)[:3]]
    noted = len(lead) if (rule or procedure) is not None and reason is None and not leads else 0
    answer.sentences = lead + _quotes(ranked[:TOP_UNITS], _prefer(sentence_hits, intent),
                                      citations, skip={q.text for q in lead},
                                      limit=(MAX_WHY_SENTENCES if intent.wants_reason else MAX_SENTENCES)
                                      - len(lead) + noted)
    answer.citations = citations.items
    return answer


_STEP = re.compile(r"第[一二三四五六七八九十]步")


def section_steps(section: Unit) -> tuple[str, ...]:
    """The steps a handbook section sets out in order (第一步…第二步…第三步…), from the
    sentence of its first step to the section's end; () when it sets out fewer than three."""
    if not isinstance(section, Section) or len(_STEP.findall(section.body)) < 3:
        return ()
    first = _STEP.search(section.body).start()
    return tuple(s.text for s in split_sentences(section.body) if s.end > first)


def _two_terms_asked(ranked: list[Unit], intent: Intent) -> bool:
    """Are the first two units glossary terms the what-is question names both of?"""
    if not intent.wants_definition or len(ranked) < 2:
        return False

    def named(unit: Unit) -> bool:
        return isinstance(unit, Term) and any(
            s and s.lower() in intent.text for s in (unit.title, *unit.synonyms, unit.english))
    return named(ranked[0]) and named(ranked[1])


def _windows(params: list[Parameter], intent: Intent, citations: _Citations) -> list[WindowRow]:
    # Every window of the quantity (one per grade/thickness), straight from the records,
    # in the order ranking chose (the one for the material the question names first).
    return [WindowRow(p.id, p.name, p.process, p.target, p.lower, p.upper, p.unit, p.condition,
                      citations.cite(p)) for p in params]


# A number, in figures or in words with a unit ("超过两毫米").
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千]+\s*(?:毫米|度|秒|分钟|个?小时|个?钟头|天|米|克|帕|兆帕|千帕|成|个点|ppm)")


# Words that explain: because, so, otherwise, leads to, in order to.
_CAUSAL = re.compile(r"因为|由于|所以|因此|否则|不然|才能|才会|为了|为的是|导致|造成|引起|以免|防止|避免|"
                     r"就会|会使|使得|容易|一旦|要不|结果|原因|道理|because|so that|otherwise|causes?")


_ASKS_WHY = re.compile(r"(?:为什么|为啥|何以|怎么会).{0,30}[？?]\s*$")


def _prefer(hits: list[SentenceHit], intent: Intent) -> list[SentenceHit]:
    """For a value question, sentences that give a number come first; for a why question,
    sentences that explain (stable otherwise)."""
    if intent.wants_reason:
        # The master asking himself why ("为什么要急冷？") is followed by his reason: first;
        # then sentences that explain.
        return sorted(hits, key=lambda h: (not _ASKS_WHY.search(h.text), not _CAUSAL.search(h.text)))
    if not intent.wants_value:
        return hits
    return sorted(hits, key=lambda h: not _NUMBER.search(h.text))


def _quotable_span(unit: Unit) -> tuple[int, int]:
    """The part of ``search_text()`` that is the master's prose (not lists of names, nor
    the apprentice's question a ``qa`` answers)."""
    text = unit.search_text()
    if isinstance(unit, (Parameter, Term, QA, Note)) and unit.body:
        # (a note's context says when it applies; it is a label, not the master's words)
        start = text.rfind(unit.body)
        return (start, start + len(unit.body)) if start >= 0 else (0, 0)
    return 0, len(text)


# A handbook sentence that reports what others do or found, not the master's own practice.
_LITERATURE = re.compile(r"行业里|业内|有资料|资料上|文献|有专利|专利|有研究|研究表明|有研究|实验室|有一种做法|"
                         r"有的厂|国外|新日铁|日本|据.{0,6}介绍|设备商|有人做过|有个实验|有实验|还有实验|实验例子|"
                         r"一个实验|试验钢|常见在|一般在|一项[^，。；]{0,16}研究|研究发现|他们从")


def attribution(unit: Unit, text: str) -> str:
    """Whose words a quoted sentence is: the master's, or literature his handbook reports."""
    if isinstance(unit, Section) and _LITERATURE.search(text):
        return "literature"
    return "master"


def _quoted(unit: Unit, text: str, citations: _Citations) -> QuotedSentence:
    return QuotedSentence(text, (citations.cite(unit),), attribution(unit, text))


def _lead(unit: Unit, citations: _Citations, asked: str = "", whole: bool = False
          ) -> list[QuotedSentence]:
    """A definition or the master's own answer to this very question: quote it first (the
    whole of his answer, up to four sentences, when he was asked it in much the same words).
    A glossary entry asked by another of its names (MBAF) is quoted with the name it goes
    by (多垛罩式炉：…), as the glossary writes the two together."""
    first = split_sentences(unit.body)[:4 if whole else 2]
    quotes = [_quoted(unit, s.text, citations) for s in first]
    if quotes and isinstance(unit, Term) and asked and unit.title.lower() not in asked:
        quotes[0] = _quoted(unit, f"{unit.title}：{quotes[0].text}", citations)
    return quotes


def _quotes(top: list[Unit], hits: list[SentenceHit], citations: _Citations, skip: set[str] = frozenset(), limit: int = MAX_SENTENCES
            ) -> list[QuotedSentence]:
    allowed = {u.id: u for u in top}
    per_unit: dict[str, int] = {}
    seen: set[str] = set(skip)
    quotes: list[QuotedSentence] = []
    for hit in hits:
        # Only the top units are quoted: look them up there, not in the store.
        unit = allowed.get(hit.unit_id)
        if unit is None or per_unit.get(hit.unit_id, 0) >= MAX_PER_UNIT:
            continue
        start, end = _quotable_span(unit)
        # A parameter's first sentence begins with its name and symbol: its prose is quoted.
        first = max(hit.start, start) if isinstance(unit, Parameter) else hit.start
        if not (start <= first < hit.end <= end):
            continue
        text = _whole(unit.search_text(), first, hit.end, end, begin=start)
        if not text or any(text in s or s in text for s in seen):
            continue  # (said already, or a clause of what is said: never twice)
        seen.add(text)
        per_unit[hit.unit_id] = per_unit.get(hit.unit_id, 0) + 1
        quotes.append(_quoted(unit, text, citations))
        if len(quotes) >= limit:
            break
    if not quotes and top and not skip:
        # No sentence matched on its own: quote the opening of the best unit's prose.
        unit = top[0]
        start, end = _quotable_span(unit)
        text = unit.search_text()[start:end].strip().split("\n")[0][:200]
        if text:
            quotes.append(_quoted(unit, text, citations))
    return quotes


# A sentence that ends in "；" or "：" is half a thought; one that ends in "？" is the master
# asking himself what the next sentence answers ("为什么不放在脱碳前面？因为……").
_UNFINISHED = re.compile(r"[；;：:，,]$")
_ASKS_ITSELF = re.compile(r"[？?]$")
MAX_QUOTE_CHARS = 240
# A sentence that announces a list of so many things, and the items that follow it.
_ANNOUNCES = re.compile(r"[两二三四五六七八九几]\s*(?:个|条|点|件|样|类|种|方面|步|大)(?:作用|原因|要求|问题|毛病|"
                        r"用处|好处|目的|因素|方面|步|事)?[^，,]{0,6}[：:。]\s*$")
_ITEM = re.compile(r"\s*(?:第[一二三四五六七八九十]|[一二三四五六七八九]是|[一二三四五六七八九][、.]|\d[、.)]|首先|其次|再次|最后|另外)")
MAX_LIST_CHARS = 600


def _whole(text: str, start: int, end: int, limit: int, begin: int = 0) -> str:
    """The hit's sentence as a whole thought, a verbatim slice of ``text[begin:limit]``:
    begun where its sentence begins and carried on to where it ends (not across a line
    break), or, when it is a question, the answer that follows it."""
    following = [(end + s.start, end + s.end) for s in split_sentences(text[end:limit])]
    if _ASKS_ITSELF.search(text[start:end].strip()) and following:
        start, end = following.pop(0)
    else:
        before = [(begin + s.start, begin + s.end) for s in split_sentences(text[begin:start])]
        while before and _UNFINISHED.search(text[before[-1][0]:before[-1][1]].strip()) and \
                "\n" not in text[before[-1][1]:start] and end - before[-1][0] <= MAX_QUOTE_CHARS:
            start = before.pop()[0]
    while _UNFINISHED.search(text[start:end].strip()) and following and \
            "\n" not in text[end:following[0][0]] and following[0][1] - start <= MAX_QUOTE_CHARS:
        end = following.pop(0)[1]
    if _ANNOUNCES.search(text[start:end]):
        # "要起三个作用。" announces a list: its items follow ("第一是…第二是…"), with what
        # is said of each, to the last item within reach
        within = [(a, b) for a, b in following
                  if b - start <= MAX_LIST_CHARS and "\n" not in text[end:a]]
        items = [b for a, b in within if _ITEM.match(text[a:b])]
        if items:
            end = items[-1]
    return text[start:end].strip()


def related(unit_hits: list[UnitHit], limit: int = 5) -> list[Related]:
    return [Related(h.unit_id, h.kind, h.title) for h in unit_hits[:limit]]
