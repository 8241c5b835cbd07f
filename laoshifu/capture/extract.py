"""Free text → proposed typed units, without a model.

The common patterns of the master's speech: parameter windows (控制在55～65℃, 不超过,
±, 以上/以下, 左右), emergency rules (露点超过65℃、氢气低于20%时，先…再…) written in the
condition language, procedure steps (numbered, or 先…再…最后 for an operation), and
terms (X指的是…, X又叫Y). Names are matched to the knowledge base's vocabulary; a new
name gets did-you-mean suggestions. Whatever matches none of them is left over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..quantities import UnitMismatch, convert, normalize_unit
from ..knowledge.units import Parameter, Unit, format_number
from . import patterns as P
from .document import SourceLine
from .lexicon import Lexicon, NameMatch
from .pdf import join_lines
from .proposals import Proposal, new_id

# Units the condition grammar reads after a number; others are converted and left out.
_CONDITION_UNITS = {"℃", "℃/h", "℃/s", "℃/min", "K", "%", "‰", "ppm", "m/min", "m/s", "mm", "μm",
                    "g/m²", "kPa", "MPa", "Pa", "mbar", "N/mm²", "kN", "m³/h", "L/min", "kW",
                    "min", "s", "h"}
_FILLER_TAIL = re.compile(
    r"(?:我们|咱们|一般|通常|平时|都|也|就|还|要|应该?|得|必须|一定|最好|可以|是|为|的)*"
    r"(?:控制|保持|放|定|稳|设定?|调|降|升|维持)?(?:在|到|为|于)?$")
_FILLER_HEAD = re.compile(r"^(?:我们|咱们|一般|通常|平时|那个|这个|厂房里|厂里|炉子的|炉内的)+")


@dataclass
class Sentence:
    text: str
    source: SourceLine


@dataclass
class Extraction:
    proposals: list[Proposal] = field(default_factory=list)
    leftovers: list[Sentence] = field(default_factory=list)  # said, but no unit proposed


def extract(lines: Iterable[SourceLine], lexicon: Lexicon, process: str = "") -> Extraction:
    """Proposals from lines of the master's text (headings are skipped: they name
    sections, they say nothing to draft)."""
    result = Extraction()
    for block in _blocks(list(lines)):
        steps = _numbered_procedure(block, lexicon, process)
        if steps is not None:
            result.proposals.append(steps)
            continue
        for sentence in _sentences(block):
            found = extract_sentence(sentence, lexicon, process)
            if found:
                result.proposals += found
            elif sentence.text.strip():
                result.leftovers.append(sentence)
    return result


def extract_sentence(sentence: Sentence, lexicon: Lexicon, process: str = "") -> list[Proposal]:
    text = sentence.text.strip().rstrip("。！!；;.")
    if not text or text.endswith(("？", "?", "吗", "呢")):
        return []
    process = lexicon.process_in(text) or process
    term = _term(text, sentence, lexicon)
    if term is not None:
        return [term]
    ordered = _rule_or_procedure(text, sentence, lexicon, process)
    if ordered is not None:
        return [ordered]
    return _windows(text, sentence, lexicon, process)


# -- blocks and sentences -----------------------------------------------------------------
def _blocks(lines: list[SourceLine]) -> list[list[SourceLine]]:
    blocks: list[list[SourceLine]] = [[]]
    for line in lines:
        if not line.text.strip() or line.heading:
            if blocks[-1]:
                blocks.append([])
            continue
        blocks[-1].append(line)
    return [b for b in blocks if b]


def _sentences(block: list[SourceLine]) -> list[Sentence]:
    """Sentences, each cited at the line it starts on; an OCR line that was wrapped runs
    on into the next."""
    joined: list[tuple[str, SourceLine]] = []
    for line in block:
        if joined and _runs_on(joined[-1]):
            text, start = joined[-1]
            joined[-1] = (join_lines(text, line.text), start)
        else:
            joined.append((line.text, line))
        if not line.continues:
            joined[-1] = (joined[-1][0] + "\n", joined[-1][1])
    out: list[Sentence] = []
    for text, start in joined:
        for piece in re.split(r"(?<=[。！？!?；;])", text):
            if piece.strip():
                out.append(Sentence(piece.strip(), start))
    return out


def _runs_on(entry: tuple[str, SourceLine]) -> bool:
    return not entry[0].endswith("\n")


# -- terms --------------------------------------------------------------------------------
def _term(text: str, sentence: Sentence, lexicon: Lexicon) -> Proposal | None:
    match = P.TERM_SO_CALLED.match(text) or P.TERM_DEFINED.match(text)
    synonyms: list[str] = []
    definition = ""
    if match:
        definition = match.group("rest").strip(" ，,：:")
    else:
        match = P.TERM_ALIAS.match(text)
        if not match:
            return None
        synonyms = [s.strip() for s in re.split(r"[、/或和]", match.group("rest")) if s.strip()]
    term = match.group("term").strip(" ，,：:")
    if not term or len(term) > 14 or not (definition or synonyms):
        return None
    old = lexicon.terms.get(term)
    fields = {"id": old.id if old else new_id("term", term), "term": term,
              "synonyms": list(dict.fromkeys([*(old.synonyms if old else ()), *synonyms])),
              "english": old.english if old else "",
              "definition": definition or (old.body if old else ""),
              "process": old.process if old else "", "tags": list(old.tags) if old else [],
              "author": old.author if old else ""}
    return Proposal("term", fields, sentence.source, sentence.text)


# -- rules and procedures -----------------------------------------------------------------
def _rule_or_procedure(text: str, sentence: Sentence, lexicon: Lexicon,
                       process: str) -> Proposal | None:
    split = _trigger_and_actions(text)
    if split is None:
        return None
    trigger, actions, ordered = split
    if not actions:
        return None
    condition, names, unknown = _condition(trigger, lexicon, process)
    notes = [m.note for m in names if m.note]
    if condition and not unknown:
        return _rule(sentence, process, _title_from(names, condition), condition, "", actions,
                     notes, trigger)
    symptom = _clean_trigger(trigger)
    if symptom and (P.TROUBLE.search(symptom) or unknown):
        notes += [m.note for m in unknown if m.note]
        return _rule(sentence, process, symptom[:40], "", symptom, actions, notes, trigger)
    if ordered and len(actions) >= 2 and not condition:
        title = _clean_trigger(trigger) or actions[0][:30]
        return _procedure(sentence, process, title, actions, lexicon)
    return None


def _trigger_and_actions(text: str) -> tuple[str, list[str], bool] | None:
    """Where the trigger ends and the ordered actions begin; whether an order word was used."""
    first = _first_word_at(text)
    clauses = [c.strip() for c in P.CLAUSE_SPLIT.split(text)]
    if first is not None:
        before = text[:first].rstrip(" ，,")
        # 水化率超过4%时，这批浆料不要再用，先换新料: what follows the trigger's 时 is done first.
        parts = [c.strip() for c in P.CLAUSE_SPLIT.split(before)] if before else []
        cut = next((i for i, c in enumerate(parts) if P.TRIGGER_END.search(c)), None)
        lead = parts[cut + 1:] if cut is not None else []
        trigger = "，".join(parts[:cut + 1]) if cut is not None else before
        return trigger, _ordered_actions(lead, text[first:]), True
    # No order word: a trigger clause (…时, 一旦…, 如果…) and clauses that say what to do.
    for i, clause in enumerate(clauses[:-1]):
        if P.TRIGGER_END.search(clause) or P.TRIGGER_START.match(clause) or (
                i == 0 and _has_comparison(clause)):
            rest = [c for c in clauses[i + 1:] if c]
            if rest and P.IMPERATIVE.match(rest[0]):
                return "，".join(clauses[:i + 1]), rest, False
            return None
    return None


def _first_word_at(text: str) -> int | None:
    best = None
    for word in P.FIRST_WORDS:
        for m in re.finditer(word, text):
            at = m.start()
            if word == "先" and text[at + 1:at + 2] in ("生", "进", "前"):
                continue  # 先生, 先进, 先前: not an order
            if best is None or at < best:
                best = at
            break
    return best


def _ordered_actions(lead: list[str], text: str) -> list[str]:
    """先A，B，再C，最后D → [A，B, C, D]: a clause with an order word starts an action."""
    actions: list[str] = []
    for clause in [c.strip() for c in P.CLAUSE_SPLIT.split(text) if c.strip()]:
        if _starts_action(clause) and actions:
            actions.append(_strip_order(clause))
        elif actions:
            actions[-1] += "，" + clause
        else:
            actions.append(_strip_order(clause))
    if lead and actions:
        actions[0] = "，".join([*lead, actions[0]])
    return [a for a in actions if a]


def _starts_action(clause: str) -> bool:
    clean = P.NEGATED_NEXT.sub("", clause)
    return any(word in clean[:8] for word in P.NEXT_WORDS)


def _strip_order(clause: str) -> str:
    return re.sub(r"^(?:首先|第[一二三四五]|然后|接着|随后|之后|其次|最后|先|再)[，,、：:]?", "", clause).strip()


def _has_comparison(clause: str) -> bool:
    for m in P.COMPARISON.finditer(clause):
        if not m.group("word").startswith("不"):
            return True
    return bool(P.NAME_NUMBER_SIDE.search(clause))


def _clean_trigger(trigger: str) -> str:
    text = P.TRIGGER_START.sub("", trigger.strip(" ，,"))
    text = P.TRIGGER_END.sub("", text)
    return text.rstrip(" ，,的").strip()


def _condition(trigger: str, lexicon: Lexicon, process: str
               ) -> tuple[str, list[NameMatch], list[NameMatch]]:
    """``露点超过65℃、氢气低于20%时`` → ``露点 > 65℃ and 氢气比例 < 20%``, the names it
    matched, and the names that are no parameter of the process."""
    body = _clean_trigger(trigger)
    found = []
    for m in P.COMPARISON.finditer(body):
        found.append((m.start(), m.end(), m.group("name"), P.compare_op(m.group("word"), m.group("after")),
                      m.group("v"), m.group("uv")))
    taken = [(s, e) for s, e, *_ in found]
    for m in P.NAME_NUMBER_SIDE.finditer(body):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            found.append((m.start(), m.end(), m.group("name"), P.compare_op("", m.group("after")),
                          m.group("v"), m.group("uv")))
    found.sort()
    parts: list[str] = []
    names: list[NameMatch] = []
    unknown: list[NameMatch] = []
    previous: NameMatch | None = None
    last_end = 0
    for start, end, written, op, value, unit in found:
        joiner = body[last_end:start] + written[:4]
        written = re.sub(r"^(?:[、，,和及]|并且|而且|同时|且|或者|或是|或|一旦|如果|要是)+", "", written.strip())
        unit = P.unit_of(unit)
        match = lexicon.match(written, process, unit) if written else previous
        if match is None:
            continue
        if not match.known:
            unknown.append(match)
            previous = match
            last_end = end
            continue
        names.append(match)
        number = P.number(value)
        shown_unit = unit or match.unit
        if unit and match.unit and normalize_unit(unit) != normalize_unit(match.unit):
            try:
                number, shown_unit = convert(number, unit, match.unit), match.unit
            except UnitMismatch:
                pass  # left as written: the validator names the mismatch
        if shown_unit not in _CONDITION_UNITS:
            shown_unit = ""
        if parts:
            parts.append("or" if any(w in joiner for w in P.OR_WORDS) else "and")
        parts.append(f"{match.name} {op} {format_number(number)}{shown_unit}")
        previous = match
        last_end = end
    return " ".join(parts), names, unknown


def _title_from(names: list[NameMatch], condition: str) -> str:
    words = []
    ops = re.findall(r"(>=|<=|>|<|==|!=)", condition)
    for match, op in zip(names, ops):
        side = "偏高" if op.startswith(">") else "偏低" if op.startswith("<") else "异常"
        words.append(match.name + side)
    return "、".join(dict.fromkeys(words))


def _rule(sentence: Sentence, process: str, title: str, condition: str, symptom: str,
          actions: list[str], notes: list[str], trigger: str) -> Proposal:
    cause = re.search(r"(?:是因为|原因是|多半是|一般是|说明)(.+?)(?:[，,。]|$)", sentence.text)
    safety = bool(P.SAFETY.search(sentence.text))
    fields = {"id": new_id("rule", process, condition or symptom), "title": title,
              "process": process, "symptom": symptom, "condition": condition,
              # The master's own sentence is the judgment until he writes the cause.
              "diagnosis": cause.group(1) if cause else sentence.text.strip(),
              "actions": actions, "severity": "high" if safety else "medium",
              "category": "safety" if safety else "quality"}
    return Proposal("rule", fields, sentence.source, sentence.text, notes=notes)


def _procedure(sentence: Sentence, process: str, title: str, steps: list[str],
               lexicon: Lexicon) -> Proposal:
    fields = {"id": new_id("procedure", process, title), "title": title, "process": process,
              "steps": steps, "parameters": _mentioned_parameters(" ".join(steps), lexicon, process)}
    return Proposal("procedure", fields, sentence.source, sentence.text)


def _mentioned_parameters(text: str, lexicon: Lexicon, process: str) -> list[str]:
    ids = []
    folded = "".join(text.split()).casefold()
    for spelling, key in lexicon.spellings(process).items():
        windows = lexicon.parameters(key)
        if len(spelling) >= 2 and spelling in folded and len(windows) == 1 and windows[0].id not in ids:
            ids.append(windows[0].id)
    return sorted(ids)


def _numbered_procedure(block: list[SourceLine], lexicon: Lexicon, process: str) -> Proposal | None:
    """An intro line (露点仪校准这么做：) and numbered steps, one a line."""
    numbered = [i for i, line in enumerate(block) if P.ENUMERATOR.match(line.text)]
    if len(numbered) < 2:
        return None
    first = numbered[0]
    steps = []
    for line in block[first:]:
        if P.ENUMERATOR.match(line.text):
            steps.append(P.ENUMERATOR.sub("", line.text, count=1).strip().rstrip("；;。"))
        elif steps:
            steps[-1] += line.text.strip()
    intro = "".join(line.text for line in block[:first]).strip()
    title = re.sub(r"(?:这么做|要做的|怎么做|如下|的步骤|步骤|操作规程)?[：:]?$", "", intro).strip(" ，,")
    title = title or steps[0][:30]
    text = "\n".join(line.text for line in block)
    process = lexicon.process_in(text) or process
    start = block[0]
    return _procedure(Sentence(text, start), process, title, [s for s in steps if s], lexicon)


# -- parameter windows --------------------------------------------------------------------
@dataclass
class _Window:
    match: NameMatch
    lower: float | None = None
    upper: float | None = None
    target: float | None = None
    unit: str = ""
    spread: float | None = None

    def has_values(self) -> bool:
        return any(v is not None for v in (self.lower, self.upper, self.target))


_VALUE_PATTERNS = (
    ("pm", P.PLUS_MINUS), ("range", P.RANGE), ("rate", P.RATE_UNIT), ("spread", P.SPREAD),
    ("upper", P.UPPER_BEFORE), ("lower", P.LOWER_BEFORE), ("upper", P.UPPER_AFTER),
    ("lower", P.LOWER_AFTER), ("target", P.TARGET_BEFORE), ("target", P.TARGET_AFTER),
)
_BARE = re.compile(rf"^(?P<name>[^\d]+?)\s*(?P<v>{P.NUMBER})\s*(?P<uv>{P.UNIT})$")


def _values(clause: str) -> list[tuple[int, str, dict]]:
    """Window values in one clause: (start, what, numbers), overlapping matches dropped."""
    found: list[tuple[int, int, str, dict]] = []
    for what, pattern in _VALUE_PATTERNS:
        for m in pattern.finditer(clause):
            if any(s < m.end() and m.start() < e for s, e, _, _ in found):
                continue
            found.append((m.start(), m.end(), what, m.groupdict()))
    return [(s, what, groups) for s, _e, what, groups in sorted(found, key=lambda f: f[0])]


def _windows(text: str, sentence: Sentence, lexicon: Lexicon, process: str) -> list[Proposal]:
    windows: list[_Window] = []
    topic: _Window | None = None
    for clause in (c.strip() for c in P.CLAUSE_SPLIT.split(text)):
        if not clause:
            continue
        values = _values(clause)
        if not values:
            bare = _BARE.match(clause)
            # Only a name and a value (均热时间150秒): a word between them (提到, 低过)
            # would make the number something else.
            match = lexicon.match(lexicon.strip_process(_name_text(bare.group("name"), lexicon)),
                                  process, P.unit_of(bare.group("uv"))) if bare else None
            if bare and match is not None and match.known and match.how == "exact":
                values = [(bare.start("v"), "target", {"v": bare.group("v"), "uv": bare.group("uv")})]
            else:
                # A clause that only names a parameter (炉压保持微正压): later values are its.
                named = lexicon.match(clause, process)
                if named is not None and named.known and named.how in ("exact", "inside"):
                    topic = _Window(named)
                    windows.append(topic)
                continue
        start = values[0][0]
        unit = _first_unit(values)
        written = _name_text(clause[:start], lexicon)
        match = lexicon.match(written, process, unit) if written else None
        if match is not None and not match.known and (topic is not None or not _noun_like(written)):
            match = None  # 冬天最高也别超过68℃: the season, not a new parameter
        if match is None:
            if topic is None or not _unit_fits(topic, unit, lexicon):
                continue
            window = topic
        else:
            window = next((w for w in windows if w.match.name == match.name
                           and w.match.process == match.process), None) or _Window(match)
            if window not in windows:
                windows.append(window)
            topic = window
        for _start, what, groups in values:
            _apply(window, what, groups)
    proposals = []
    for window in windows:
        if window.spread is not None and window.target is not None:
            window.lower = window.target - window.spread
            window.upper = window.target + window.spread
        if window.has_values():
            proposals.append(_parameter(window, sentence, lexicon))
    return proposals


def _name_text(text: str, lexicon: Lexicon) -> str:
    text = _FILLER_TAIL.sub("", text.strip())
    text = _FILLER_HEAD.sub("", text).strip(" 的")
    return text


def _noun_like(text: str) -> bool:
    """A new parameter's name: a few characters, no verbs of time or story."""
    return 2 <= len(text) <= 14 and not re.search(r"[年月天季]|冬天|夏天|时候|我|你|他|可以|如果", text)


def _first_unit(values: list[tuple[int, str, dict]]) -> str:
    for _s, what, groups in values:
        for key in ("ua", "ub", "ut", "ud", "uv"):
            if groups.get(key):
                unit = P.unit_of(groups[key])
                if what == "rate":
                    unit = P.rate_unit(groups["per"], unit)
                return unit
    return ""


def _unit_fits(window: _Window, unit: str, lexicon: Lexicon) -> bool:
    have = window.unit or window.match.unit
    if not unit or not have:
        return True
    try:
        convert(1.0, unit, have)
    except UnitMismatch:
        return False
    return True


def _apply(window: _Window, what: str, groups: dict) -> None:
    def value(n: str, u: str) -> float:
        number = P.number(groups[n])
        unit = P.unit_of(groups.get(u)) or _pair_unit(groups)
        if what == "rate":
            unit = P.rate_unit(groups["per"], P.unit_of(groups.get(u)))
        if unit and not window.unit:
            window.unit = unit
        if unit and window.unit and normalize_unit(unit) != normalize_unit(window.unit):
            try:
                number = convert(number, unit, window.unit)
            except UnitMismatch:
                pass
        return number

    if what == "range":
        low, high = value("a", "ua"), value("b", "ub")
        window.lower, window.upper = min(low, high), max(low, high)
    elif what == "pm":
        target, spread = value("t", "ut"), abs(value("d", "ud"))
        window.target, window.lower, window.upper = target, target - spread, target + spread
    elif what == "spread":
        window.spread = abs(value("d", "ud"))
    elif what == "upper":
        window.upper = value("v", "uv")
    elif what == "lower":
        window.lower = value("v", "uv")
    elif what in ("target", "rate"):
        window.target = value("v", "uv")


def _pair_unit(groups: dict) -> str:
    for key in ("ub", "ua", "ut", "ud"):
        if groups.get(key):
            return P.unit_of(groups[key])
    return ""


def _parameter(window: _Window, sentence: Sentence, lexicon: Lexicon) -> Proposal:
    match = window.match
    unit = window.unit or match.unit
    notes = [match.note] if match.note else []
    if match.known and match.unit and unit and normalize_unit(unit) != normalize_unit(match.unit):
        # Written in another unit (K for ℃): stored in the parameter's own unit.
        for name in ("lower", "upper", "target"):
            number = getattr(window, name)
            if number is not None:
                try:
                    setattr(window, name, convert(number, unit, match.unit))
                except UnitMismatch:
                    break
        else:
            notes.append(f"{unit} 已换算成 {match.unit}")
            unit = match.unit
    stated = {name: getattr(window, name) for name in ("lower", "upper", "target")
              if getattr(window, name) is not None}
    existing = _existing_window(match, sentence.text, lexicon) if match.known else None
    said = {"name": match.name, "process": match.process, "unit": unit, **stated}
    if existing is not None:
        fields = _parameter_fields(existing)
        fields.update(stated)
        fields["unit"] = existing.unit or unit
        return Proposal("parameter", fields, sentence.source, sentence.text, notes=notes,
                        existing=existing.id, said=said)
    if match.known and len(lexicon.parameters(lexicon.key_of(match))) > 1:
        conditions = " / ".join(p.condition or "（无条件）" for p in lexicon.parameters(lexicon.key_of(match)))
        notes.append(f"知识库里「{match.name}」有几个窗口（{conditions}），这条适用于哪种？")
    fields = {"id": new_id("parameter", match.process, match.name, sentence.text), "name": match.name,
              "process": match.process, "unit": unit, "rationale": sentence.text.strip(), **stated}
    return Proposal("parameter", fields, sentence.source, sentence.text, notes=notes, said=said)


def _existing_window(match: NameMatch, text: str, lexicon: Lexicon) -> Parameter | None:
    """The stored window this sentence restates: the only one, or the one whose grade or
    thickness the sentence names (Hi-B料 → 牌号=HiB)."""
    windows = lexicon.parameters(lexicon.key_of(match))
    if len(windows) == 1:
        return windows[0]
    plain = text.replace("-", "").replace(" ", "").casefold()
    named = [w for w in windows if w.condition and all(
        value.replace("-", "").casefold() in plain
        for value in re.findall(r"=\s*([^;]+)", w.condition))]
    return named[0] if len(named) == 1 else None


def _parameter_fields(unit: Parameter) -> dict:
    return {"id": unit.id, "name": unit.name, "process": unit.process, "symbol": unit.symbol,
            "english": unit.english, "unit": unit.unit, "lower": unit.lower, "upper": unit.upper,
            "target": unit.target, "condition": unit.condition, "rationale": unit.body,
            "title": unit.title, "tags": list(unit.tags), "author": unit.author}


def context_units(units: Iterable[Unit]) -> list[Unit]:
    """The units a capture is matched against: approved and draft ones."""
    return [u for u in units if u.status in ("approved", "draft")]


def parameter_proposal(written: str, process: str, lower: float | None, upper: float | None,
                       target: float | None, unit: str, sentence: Sentence,
                       lexicon: Lexicon) -> Proposal | None:
    """A window stated elsewhere than in a sentence (a table's row), matched and merged
    like the windows of a sentence."""
    match = lexicon.match(written, process, unit)
    if match is None:
        return None
    if not match.known and not match.process:
        match = NameMatch(match.written, match.name, process, "", False, "new", match.suggestions)
    window = _Window(match, lower, upper, target, unit)
    if not window.has_values():
        return None
    return _parameter(window, sentence, lexicon)
