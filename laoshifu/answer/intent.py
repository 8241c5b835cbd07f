"""What a question is about: which process and which parameter it names, and what it wants.

Found from the knowledge base's own vocabulary (process names, parameter names, symbols
and glossary synonyms), so a new knowledge base needs no new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..knowledge import conditions
from ..quantities import normalize_unit
from ..text import normalize
from ..text.phrases import PhraseTable
from ..knowledge.units import Parameter, Rule, Term
from ..knowledge.validate import material_condition
from .asker import KnowledgeIndex

# Questions about what to do when something goes wrong.
_FAULT = re.compile(r"怎么办|咋办|怎么处理|如何处理|怎么弄|咋弄|咋整|怎么搞|报警|异常|故障|偏高|偏低|太高|太低|"
                    r"过高|过低|超标|超了|超限|不够|不足|掉了|老是|总是|泄漏|漏气|漏水|着火|起火|停电|跑偏|"
                    r"结垢|粘结|查啥|查什么|还要查|先查|先看啥|先看什么|漏了|坏了|断了|闻到|冒烟|第一件事|先干啥|先做啥|"
                    r"先做什么|该干啥|咋处理|头一件事|叫了|响了|what to do|what should|alarm|leak|fire")
# A fault said not to be ("氮气又不着火"): conceded, not reported.
_NEGATED = re.compile(r"(?:不会|不|没有|没)(?:着火|起火|泄漏|漏气|漏水|漏|冒烟|报警)")
# Questions asking for a value or window.
# (好几度, 好几个 say "several", they do not ask)
_VALUE = re.compile(r"多少|范围|控制在|(?<!好)几度|多高|多低|多大|多快|多长|多久|多厚|多宽|多深|多重|(?<!好)几个|窗口|上限|下限|目标|"
                    r"标准|区间|(?<!好)几(?:克|秒|分钟|小时|钟头|天|米|毫米|丝|成|倍|遍|次|帕|兆帕|千帕|特)|"
                    r"百分之几|几个点|千分之几|"
                    r"how much|how many|how high|range|limit|what temperature|target|window")


# Which way a reading went ("露点老往上跑", "氢气比例低了").
_UP = re.compile(r"高|上|升|超|涨|冲|大|多|过量|偏浓|too high|high|rise|rising|above|over")
_DOWN = re.compile(r"低|下|降|掉|少|小|不够|不足|偏稀|too low|low|drop|fall|below|under")
# Questions asking how to carry something out.
_PROCEDURE = re.compile(r"步骤|顺序|流程|一步一步|一步步|怎么做|怎么操作|如何操作|操作方法|怎么标定|怎么校|怎么洗|"
                        r"怎么换|怎么配|怎么开|怎么停|怎么检|怎么装|怎么扣|怎么摆|怎么吹|怎么投|第一步|头一步|"
                        r"先干啥|先做什么|先做啥|下一步|最后一步|规程|程序|how to|how do i|steps|procedure|"
                        r"first step|谁先|哪个先|先后|which first|怎么穿|弄法|要注意啥|要注意什么|要注意哪些|"
                        r"怎么试|怎么确认|如何确认|怎么检查|如何检查|怎么清|怎么走|step|"
                        r"咋个.{1,2}法|怎么个.{1,2}法|怎么查.{0,2}漏|调哪些|改哪些|哪些不能动|"
                        r"弄干净|清干净|搞干净|做哪些事|要做啥|要干啥|做些什么|做哪些准备|"
                        r"拿啥家伙|用啥家伙|拿什么工具|用什么工具|用啥工具|拿啥工具|"
                        r"怎么查漏|怎么检漏|怎么试漏|咋查漏|咋清|怎么比对|怎么对表|跟标准表对|怎么对一下|咋对一下|"
                        r"哪几步|哪些步|几个步|走哪些|"
                        r"先[^，,。？?]{1,12}还是先")  # an order asked is a procedure's
# Questions asking why.
_REASON = re.compile(r"为什么|为啥|为何|凭什么|凭啥|干嘛|图个啥|图啥|原因|道理|why|reason|"
                     # what follows if…: the master's reason says it ("慢了析出物长粗")
                     r"会怎样|会咋样|会怎么样|有啥问题|有什么问题|有啥影响|有什么影响|有啥后果|"
                     r"什么后果|有啥坏处|有什么坏处|有啥危害|有什么危害")
# A belief put to the master ("越干越好吧？", "不是越多越好吗"): his no comes with his reason.
_BELIEF = re.compile(r"越[\u4e00-\u9fff]{1,3}越(?:好|放心|保险|稳)|(?<!是)不是[^，,。？?]{1,10}(?:吗|[？?]|$)|"
                     r"不就[^，,。？?]{1,10}(?:了|吗)")
# Questions asking what a term means.
_DEFINITION = re.compile(r"什么是|是什么|啥是|是啥|什么意思|啥意思|指的是|指什么|说的是|讲的是|是指|含义|定义|"
                         r"代表啥|代表什么|各代表|stand for|"
                         r"干啥的|干嘛的|干嘛用|"
                         r"干什么的|干什么用|做什么用|有什么用|有啥用|起什么作用|起啥作用|啥样|什么样|"
                         r"啥区别|什么区别|差在哪|怎么读|是个什么|是个啥|什么量|什么毛病|啥毛病|什么东西|啥东西|"
                         r"指的啥|指啥|啥叫|什么叫|何谓|怎么理解|解释一下|解释下|怎样一种|怎么样一种|哪一种|"
                         r"是哪条线|是哪道工序|是哪个工序|是什么线|是什么炉|是个什么炉|"
                         r"what is|what's|what does|meaning|stand for|mean\b")
# "底层颜色一块深一块浅，行话叫啥": a thing described, its name asked.
_NAME_ASKED = re.compile(r"叫啥|叫什么|叫做啥|叫做什么|叫个啥|啥名|什么名|怎么称呼|咋称呼|"
                         r"what is (?:it|this|that) called|what do (?:we|you) call")
# "磁时效是怎么一回事": a thing's story is its definition; a fault's ("炉压突然升高是怎么回事")
# is its cause.
_THING_STORY = re.compile(r"^([^，,。？?\s]{1,10}?)是?(?:怎么一回事|怎么回事|咋回事|咋个回事|怎么个事)")


@dataclass(frozen=True)
class Intent:
    text: str  # the normalised question
    processes: frozenset[str]
    quantities: tuple[str, ...]  # quantity keys ("process:name"), most specific first
    wants_value: bool
    wants_action: bool
    wants_definition: bool = False
    direction: str = ""  # "up", "down" or "" when the question does not say
    wants_procedure: bool = False
    wants_reason: bool = False
    # Where each parameter name sits in ``text``, with its candidate keys (the named
    # process's first): slots look right after it for a reading.
    mentions: tuple[tuple[int, int, tuple[str, ...]], ...] = ()
    # Parameter names the question uses that none of the processes it names has (常化炉压),
    # and those of them said right after such a process's name.
    foreign: tuple[str, ...] = ()
    foreign_attached: tuple[str, ...] = ()
    wants_name: bool = False  # a thing described, its name asked: a definition found by its words


def _tables(entry: KnowledgeIndex) -> tuple[PhraseTable, PhraseTable, PhraseTable]:
    """(process spellings, quantity spellings, glossary spellings), built once per index."""
    cached = entry.extras.get("phrase_tables")
    if cached is not None:
        return cached
    processes = set(entry.processes)
    process_spellings = {normalize(p): p for p in processes}
    term_spellings: dict[str, Term] = {}
    for unit in entry.units.structured_units():
        if isinstance(unit, Term):
            for spelling in (unit.title, *unit.synonyms, unit.english):
                if spelling:
                    term_spellings.setdefault(normalize(spelling), unit)
                    if unit.title in processes:
                        process_spellings.setdefault(normalize(spelling), unit.title)
    for alias, process in process_aliases(entry).items():
        process_spellings.setdefault(alias, process)
    for process in processes:
        # the shop calls an anneal's furnace by the anneal (高温退火 → 高温炉, 脱碳炉)
        stem = process[:-2] if process.endswith("退火") and len(process) > 3 else process
        process_spellings.setdefault(normalize(stem + "炉"), process)
    quantity_spellings = {normalize(s): keys for s, keys in entry.vocabulary.spellings.items()}
    abbreviations = set()
    for spelling, keys in list(quantity_spellings.items()):
        short = _abbreviation(spelling)
        if short and short not in quantity_spellings and short not in term_spellings:
            quantity_spellings[short] = keys
            abbreviations.add(short)
    entry.extras["quantity_abbreviations"] = abbreviations
    entry.extras["quantity_tails"] = _tails(quantity_spellings, term_spellings)
    tables = (PhraseTable(process_spellings), PhraseTable(quantity_spellings), PhraseTable(term_spellings))
    entry.extras["phrase_tables"] = tables
    return tables


def _tails(quantity_spellings: dict, term_spellings: dict) -> PhraseTable:
    """The last two characters of a parameter's name that no other name ends with (温差 of
    卷内温差): how the shop names it inside its own process ("罩式炉…温差到60度")."""
    ends: dict[str, set] = {}
    for spelling, keys in quantity_spellings.items():
        if len(spelling) >= 4 and all("\u4e00" <= c <= "\u9fff" for c in spelling[-2:]):
            ends.setdefault(spelling[-2:], set()).update(keys)
    return PhraseTable({tail: tuple(sorted(keys)) for tail, keys in ends.items()
                        if len(keys) == 1 and tail not in quantity_spellings and tail not in term_spellings})


def _abbreviation(name: str) -> str:
    """The shop's short form of a four-character name made of two words: 冷却速度 → 冷速,
    氢气比例 → 氢比 (each word's first character); not of a numbered one (一段炉温 is no
    "一炉")."""
    if len(name) != 4 or not all("\u4e00" <= c <= "\u9fff" for c in name) or name[0] in "一二三四五六七八九十头首末":
        return ""
    return name[0] + name[2]


_LINE = re.compile(r"\(([A-Za-z]{2,6})\)")
_EQUIPMENT = ("炉", "线", "机组")


def process_aliases(entry: KnowledgeIndex) -> dict[str, str]:
    """Other names of processes, from the knowledge base itself: a line's abbreviation in a
    parameter's English name ("line speed (FCL)" → 热拉伸平整退火) with its glossary
    synonyms (平整涂层线), and a furnace or line the glossary defines by one process
    ("多垛罩式炉: 高温退火用的…炉子" → 高温退火)."""
    lines: dict[str, set[str]] = {}
    for params in entry.vocabulary.parameters.values():
        for param in params:
            for abbreviation in _LINE.findall(param.english or ""):
                lines.setdefault(normalize(abbreviation), set()).add(param.process)
    aliases = {a: next(iter(p)) for a, p in lines.items() if len(p) == 1}
    processes = set(entry.processes)
    for unit in entry.units.structured_units():
        if not isinstance(unit, Term):
            continue
        group = [normalize(x) for x in (unit.title, *unit.synonyms, unit.english) if x]
        process = next((aliases[g] for g in group if g in aliases), None)
        if process is None and unit.title.endswith(_EQUIPMENT):
            # Only a furnace or a line stands for its process; 露点 defined with 高温退火
            # in its sentence is not 高温退火.
            named = [p for p in processes if p in (unit.body or "")]
            process = named[0] if len(named) == 1 else None
        if process:
            for spelling in group:
                aliases.setdefault(spelling, process)
    return aliases


# An instrument named by what it measures (露点仪, 张力计, 氧分析仪), and words saying the
# instrument itself is in question: broken, out of calibration, reading falsely.
_INSTRUMENT = re.compile(r"仪|计(?!算|划)|表(?!面|示|明)|分析仪|传感器|探头")
_INSTRUMENT_TROUBLE = re.compile(r"坏|故障|失灵|不准|校准|标定|校验|漂移|假|可疑|清洗|维护|检修|更换|换探头|"
                                 r"突然掉|突然跳|乱跳|不动|卡死")


# "露点仪坏了", "张力计不准": an instrument's own name, then what is wrong with it.
_INSTRUMENT_NAMED = re.compile(r"([\u4e00-\u9fff]{1,4}(?:仪|计|表))[^，,。？?\d]{0,6}?(?:坏|故障|失灵|不准|漂移|不动|卡死)")


def instrument_in_trouble(text: str) -> str:
    """The instrument a (normalised) question says has failed, with no reading off it
    ("露点仪坏了那段时间咋办" → 露点仪; not "张力表突然跳到13兆帕"), or ""."""
    match = _INSTRUMENT_NAMED.search(text)
    if not match or re.search(r"\d", text):
        return ""
    name = match.group(1)
    return name[-3:] if len(name) > 3 else name  # (在线露点仪: the meter is 露点仪)


def processes_named(text: str, entry: KnowledgeIndex) -> frozenset[str]:
    """The processes a (normalised) text names, by any of their names (脱碳炉, FCL, 罩式炉)."""
    process_table = _tables(entry)[0]
    return frozenset(process_table.phrases[p] for _s, _e, p in process_table.find(text))


def _joined(text: str, quantities: PhraseTable) -> str:
    """"浆料的温度" said of 浆料温度: a 的 inside a parameter's name is dropped, so the name
    is found as the knowledge base spells it."""
    at = text.find("的")
    while at > 0:
        joined = text[:at] + text[at + 1:]
        if any(s < at < e for s, e, _p in quantities.find(joined)):
            text = joined
        at = text.find("的", at + 1)
    return text


def read_intent(question: str, entry: KnowledgeIndex) -> Intent:
    process_table, quantity_table, _terms = _tables(entry)
    text = _joined(normalize(question), quantity_table)
    process_spans = process_table.find(text)
    processes = frozenset(process_table.phrases[p] for _s, _e, p in process_spans)
    matches = sorted(quantity_table.find(text), key=lambda m: -(m[1] - m[0]))
    # 张力 inside 张力涂层 (a glossary term) is not the tension parameter
    terms = [(s, e) for s, e, spelling in _terms.find(text) if spelling not in quantity_table.phrases]
    matches = [m for m in matches if not any(s <= m[0] and m[1] <= e and e - s > m[1] - m[0]
                                             for s, e in terms)]
    if _INSTRUMENT_TROUBLE.search(text):
        # "露点仪坏了": the instrument is what the question is about, not the dew point
        # (a number read off it is still the quantity's: "张力表突然跳到13兆帕")
        matches = [m for m in matches if not _INSTRUMENT.match(text, m[1])
                   or re.search(r"\d", text[m[1]:m[1] + 12])]
    lookup = quantity_table.phrases
    if not matches and processes:
        # "罩式炉…温差到60度": a name's own ending, said in the process that has it
        tails = entry.extras["quantity_tails"]
        matches = [(a, b, tail) for a, b, tail in tails.find(text)
                   if entry.vocabulary.processes.get(tails.phrases[tail][0]) in processes]
        lookup = {**lookup, **tails.phrases}
    short = entry.extras.get("quantity_abbreviations", set())
    if any(m[2] in short for m in matches):
        # 冷速 is 冷却速度 when it is a word of its own, not in 进水温度's "水温"
        bounds = entry.index.analyzer.word_bounds(text)
        matches = [m for m in matches if m[2] not in short or (m[0] in bounds and m[1] in bounds)]
    found: list[str] = []
    foreign: list[str] = []
    attached: list[str] = []
    mentions = []
    for start, end, spelling in matches:
        keys = lookup[spelling]
        local = [k for k in keys if entry.vocabulary.processes.get(k) in processes]
        if processes and not local:
            foreign.append(spelling)
            # "常化炉炉压": said of the process just before it (a name elsewhere in the
            # sentence may be another process's: 总氮偏低…脱碳段露点)
            if any(0 <= start - e <= 3 for _s, e, _p in process_spans):
                attached.append(spelling)
        ordered = sorted(local or keys)
        if not processes and len({entry.vocabulary.processes.get(k) for k in ordered}) > 1:
            ordered = _by_context(ordered, text, entry)
        mentions.append((start, end, tuple(ordered)))
        for key in ordered:
            if key not in found:
                found.append(key)
    if not found:
        found = _named_otherwise(text, entry, processes, quantity_table)
        if not found and processes and (elsewhere := amount_asked(text, entry, frozenset())):
            # "平整炉保护气里氢气占多少": 氢气比例 is 脱碳退火's and 高温退火's, not the flattening's
            foreign.append(entry.vocabulary.names[elsewhere[0]])
        starts = [text.find(normalize(entry.vocabulary.names[k])[:2]) for k in found]
        if starts and min(starts) >= 0:
            # said by its first word ("浆料放了5个小时"): a reading after it is of it
            mentions.append((min(starts), min(starts) + 2, tuple(found)))
    # (零下20 is a reading's sign, not the way it goes: "露点往零下20以上爬" goes up)
    moving = re.sub(r"零下(?=\d)", "", text)
    up, down = bool(_UP.search(moving)), bool(_DOWN.search(moving))
    direction = "up" if up and not down else "down" if down and not up else ""
    name_asked = bool(_NAME_ASKED.search(text))
    definition = bool(_DEFINITION.search(text)) or bool(
        (story := _THING_STORY.search(text)) and not _FAULT.search(text) and not direction
        # (a thing the glossary names, last: "带钢发蓝是怎么回事" asks a symptom's cause)
        and any(e == len(subject) for subject in [story.group(1).rstrip("”\"'’」")]
                for _s, e, _t in _terms.find(subject)))
    return Intent(text, processes, tuple(found), bool(_VALUE.search(text)),
                  bool(_FAULT.search(_NEGATED.sub("", text))), definition, direction,
                  bool(_PROCEDURE.search(text)),
                  bool(_REASON.search(text) or (_BELIEF.search(text) and not definition)),
                  tuple(sorted(mentions)), tuple(dict.fromkeys(foreign)),
                  tuple(dict.fromkeys(attached)), name_asked)


# "氨气通多少", "氢气给几成": a thing, then how much of it (straight after, or after a verb).
# (or the verb a name begins with: "涂多少" is 涂布量, "压多少" 压下率)
# (every start tried: "一面涂多少" holds both 面涂 and 涂)
_AMOUNT_OF = re.compile(r"(?=([\u4e00-\u9fff]{2}|[涂压](?=多少|几))(?:通|给|加|用|开|配|放|控|要|得|占)?"
                        r"(?:多少|几成|百分之几|百分之多少|几克))")
_TEMPERATURE_GAP = re.compile(r"温度?[^，,。？?]{0,8}差(?:多少|几|多大|多)|温差")
_MORE_OF = re.compile(r"(?:多|少)了?([涂压])|([涂压])(?:多|少|厚|薄)(?:了|点|些|一点)")
_AMOUNT_FIRST = re.compile(r"(?:多少|几成|百分之几)([\u4e00-\u9fff]{2})")
_PROPERTY_NAME = re.compile(r"(?:温度|比重|密度|浓度|压力|时间)$")
_HOW_FAST = re.compile(r"([\u4e00-\u9fff]{2})(?:最快|最慢|多快|多慢|快慢)")
# "氢气占多少": the share of a thing is its 比例 parameter.
_PROPORTION = re.compile(r"占(?:多少|几成|百分之几|比)|占比")
# "每面涂多少克": the unit asked for names the parameter where one parameter has it.
_UNIT_ASKED = re.compile(r"(?:多少|几)\s*(克|g/m2|g/m²|米每分|m/min|兆帕|mpa|千帕|kpa|帕|pa|ppm)(?![a-z])")
_ASKED_UNITS = {"克": "g/m²", "g/m2": "g/m²", "米每分": "m/min", "兆帕": "MPa", "千帕": "kPa", "帕": "Pa"}


def _by_context(keys: list[str], text: str, entry: KnowledgeIndex) -> list[str]:
    """A parameter of several processes, no process named: the ones whose process's own
    records alone use the question's other words ("内罩排气露点", "脱水段…露点" are the
    box anneal's 露点, whose records speak of 内罩 and 脱水); all of them when no word tells."""
    records = entry.extras.get("process_records")
    if records is None:
        records = {}
        for params in entry.vocabulary.parameters.values():
            for param in params:
                records[param.process] = records.get(param.process, "") + normalize(
                    f" {param.name} {param.condition or ''} {param.rationale or ''}")
        entry.extras["process_records"] = records
    words = {w for w in entry.index.analyzer.words(text, canonical=False) if len(w) >= 2}
    # (and the ends of a compound the segmenter keeps whole: 内罩 of 内罩压力)
    words |= {piece for w in list(words) if len(w) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", w)
              for piece in (w[:2], w[-2:])}
    names = {normalize(entry.vocabulary.names.get(k, "")) for k in keys}
    words -= names

    def said(key: str) -> int:
        record = records.get(entry.vocabulary.processes.get(key), "")
        others = [records.get(entry.vocabulary.processes.get(k), "") for k in keys if k != key]
        return sum(1 for w in words if w in record and not any(w in o for o in others))
    scores = {k: said(k) for k in keys}
    best = max(scores.values())
    return [k for k in keys if scores[k] == best] if best else keys


def _named_otherwise(text: str, entry: KnowledgeIndex, processes: frozenset[str],
                     quantity_table: PhraseTable) -> list[str]:
    """A parameter the question asks about without its name: the share of a thing
    (氢气占多少 → 氢气比例), or the one parameter measured in the unit asked for
    (每面涂多少克 → 涂布量, in the processes the question names)."""
    vocabulary = entry.vocabulary
    # "升温最快能到多少": how fast a thing goes is its 速率/速度 parameter
    for match in _HOW_FAST.finditer(text):
        for suffix in ("速率", "速度"):
            keys = quantity_table.phrases.get(match.group(1) + suffix)
            local = [k for k in keys or () if not processes or vocabulary.processes.get(k) in processes]
            if local:
                return sorted(local)
    if _PROPORTION.search(text):
        for word in dict.fromkeys(entry.index.analyzer.words(text)):
            keys = quantity_table.phrases.get(word + "比例")
            local = [k for k in keys or () if not processes or vocabulary.processes.get(k) in processes]
            if local:
                return sorted(local)
    if keys := amount_asked(text, entry, processes):
        return keys
    # "外圈跟芯子温度最多能差多少": a temperature difference asked is the one 温差 window
    if _TEMPERATURE_GAP.search(text):
        keys = sorted(k for k, name in vocabulary.names.items()
                      if (not processes or vocabulary.processes.get(k) in processes) and "温差" in name)
        if len({vocabulary.names[k] for k in keys}) == 1:
            return keys
    # "氧化镁为啥要多涂点": more or less of what a verb puts on is its amount (涂布量)
    for match in _MORE_OF.finditer(text):
        verb = match.group(1) or match.group(2)
        keys = sorted(k for k, name in vocabulary.names.items()
                      if (not processes or vocabulary.processes.get(k) in processes)
                      and len(name) > 2 and normalize(name).startswith(verb)
                      and not _PROPERTY_NAME.search(name))
        if len({vocabulary.names[k] for k in keys}) == 1:
            return _by_context(keys, text, entry) if len(keys) > 1 else keys
    match = _UNIT_ASKED.search(text)
    if match:
        unit = normalize_unit(_ASKED_UNITS.get(match.group(1), match.group(1)))
        keys = sorted(k for k, process in vocabulary.processes.items()
                      if (not processes or process in processes)
                      and normalize_unit(vocabulary.units.get(k, "")) == unit)
        if len(keys) == 2:
            # two (MgO's and the insulation coating's 涂布量): the one whose records share
            # the question's words (氧化镁 is MgO's); a unit many share (ppm) names nothing
            keys = _best_by_words(text, keys, entry)
        if len(keys) == 1:
            return keys
    return by_word_and_dimension(text, entry, processes)


def amount_asked(text: str, entry: KnowledgeIndex, processes: frozenset[str]) -> list[str]:
    """"渗氮段氨气通多少": the one parameter (of the processes named) whose name begins with
    the thing an amount is asked of (氨气比例), not one of several (浆料温度, 浆料浓度)."""
    vocabulary = entry.vocabulary
    # (or the amount first, as an English question glosses: "多少氨气在渗氮气氛")
    for match in [*_AMOUNT_OF.finditer(text), *_AMOUNT_FIRST.finditer(text)]:
        keys = sorted(k for k, name in vocabulary.names.items()
                      if (not processes or vocabulary.processes.get(k) in processes)
                      and len(name) > 2 and normalize(name).startswith(match.group(1))
                      # (what a verb puts on is an amount: 涂布量, not 涂液温度)
                      and not (len(match.group(1)) == 1 and _PROPERTY_NAME.search(name)))
        if len({vocabulary.names[k] for k in keys}) == 1:
            # one name in several processes: the one whose records share the question's
            # words (氧化镁 is MgO's 涂布量), all when none tells
            return _by_context(keys, text, entry) if len(keys) > 1 else keys
    return []


def by_word_and_dimension(text: str, entry: KnowledgeIndex, processes: frozenset[str]) -> list[str]:
    """"均热得给几秒": the first two characters of exactly one parameter's name, said in
    the question, with the kind of number it is measured in asked (均热时间, in s); or the
    one parameter of the process named that is measured in that kind."""
    from .dimensions import asked_dimensions, stated_dimensions

    # (or a reading of that kind said: "浆料放了5个小时" is 浆料存放时间's)
    asked = asked_dimensions(text) or stated_dimensions(text)
    if not asked:
        return []
    named = _names_by_kind(entry)
    keys = sorted(k for first, entries in named.items() if first and first in text
                  for k, kind, name, process in entries
                  if kind in asked and (not processes or process in processes))
    if len({named_name(entry, k) for k in keys}) == 1:
        return keys
    if len(processes) == 1:
        # "渗氮区保持多少度": the one parameter of the named process measured so, whose name
        # says that kind (炉温 a temperature), when the question names nothing else
        keys = sorted(k for entries in named.values() for k, kind, name, process in entries
                      if process in processes and kind in asked
                      and _NAME_OF_KIND.get(kind, _NOTHING).search(name))
        if len({named_name(entry, k) for k in keys}) == 1 and \
                not _other_subject(text, entry, processes, _described_by(entry, keys[0])):
            return keys
    return []


def _names_by_kind(entry: KnowledgeIndex) -> dict[str, list[tuple[str, str, str, str]]]:
    """Parameters by the first two characters of their (normalised) name, each as (key,
    kind of number, name, process); built once per index (100,000 names are many)."""
    cached = entry.extras.get("names_by_kind")
    if cached is None:
        from .dimensions import unit_dimension

        vocabulary = entry.vocabulary
        cached = {}
        for key, name in vocabulary.names.items():
            folded = normalize(name)
            # (a two-character name is its own word: found by name, never by its start)
            cached.setdefault(folded[:2] if len(folded) > 2 else "", []).append(
                (key, unit_dimension(vocabulary.units.get(key, "")), folded,
                 vocabulary.processes.get(key)))
        entry.extras["names_by_kind"] = cached
    return cached


def named_name(entry: KnowledgeIndex, key: str) -> str:
    return normalize(entry.vocabulary.names[key])


_NOTHING = re.compile(r"(?!)")
# How a parameter's name says what kind of number it is.
_NAME_OF_KIND = {"temperature": re.compile(r"温"), "time": re.compile(r"时间|时长|周期"),
                 "pressure": re.compile(r"压"), "length": re.compile(r"厚|宽|长度|深|直径"),
                 "speed": re.compile(r"速"), "rate": re.compile(r"速率|速度"),
                 "fraction": re.compile(r"比例|含量|浓度|率")}


def _described_by(entry: KnowledgeIndex, key: str) -> str:
    """A parameter's record and its glossary entry's definition (带速: 带钢在机组里走的速度)."""
    texts = [normalize(p.search_text()) for p in entry.vocabulary.parameters.get(key, [])]
    name = normalize(entry.vocabulary.names.get(key, ""))
    definitions = entry.extras.get("definitions")
    if definitions is None:
        definitions = entry.extras["definitions"] = {
            normalize(u.title): normalize(u.body or "") for u in entry.units.structured_units()
            if isinstance(u, Term)}
    return " ".join([*texts, definitions.get(name, "")])


def _other_subject(text: str, entry: KnowledgeIndex, processes: frozenset[str],
                   described: str = "") -> bool:
    """Does the question name a thing besides the process (废气燃烧装置, 炉子): words the
    knowledge base does not use, or that are not the process's own name, nor words the
    parameter is described by (带钢 of 带速)?"""
    from .slots import ATTRIBUTES

    process_words = {w for p in processes for w in entry.index.analyzer.words(p)} | set(processes)
    for word in entry.index.analyzer.words(text):
        if len(word) < 2 or word in process_words or word in ATTRIBUTES or re.search(r"\d", word):
            continue
        if (described and word in described) or processes_named(word, entry) & processes:
            continue  # 带钢 of 带速; 脱碳线, the process by another name
        # (the strip itself is what every line's parameters are of: 钢带 is 带钢)
        if re.search(r"多少|几|多长|多久|保持|一般|控制|要求|应该|大概|合适|正常|比较|通常|大约|差不多|段|区|"
                     r"^[每一](?:秒|分钟?|小时)$|^炉子?$|"
                     r"^(?:钢带|带钢|钢板)$|^.[里中内]$|"  # (炉里: a place word)
                     r"^(?:连续线|连续|机组|生产|正常生产|生产时|平时|跑|那条|这条|那个|这个)$", word):  # the line running
            continue
        return True
    return False


def _best_by_words(text: str, keys: list[str], entry: KnowledgeIndex) -> list[str]:
    """The keys whose records share the most of the question's words, the knowledge base's
    own terms counting most (氧化镁 tells more than 厚)."""
    analyzer = entry.index.analyzer
    terms = set(analyzer.terms)
    words = set(analyzer.words(text))
    scores = {}
    for key in keys:
        record = " ".join(p.search_text() + " " + p.process for p in entry.vocabulary.parameters.get(key, []))
        shared = words & set(analyzer.words(record))
        scores[key] = sum(1.0 if w in terms else 0.1 for w in shared)
    best = max(scores.values(), default=0)
    return [k for k, score in scores.items() if score == best] if best else []


_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
_OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b,
        ">": lambda a, b: a > b, "!=": lambda a, b: a != b}


def window_fits(param: Parameter, intent: Intent) -> bool:
    """Does the question name the material this window is for (牌号=HiB, 厚度<=0.23)?"""
    parts = material_condition(param.condition)
    if not parts:
        return False
    numbers = [float(n) for n in _NUMBER.findall(intent.text)]
    for _key, op, value in parts:
        if op == "==":
            if normalize(value) not in intent.text:
                return False
            continue
        try:
            limit = float(value)
        except ValueError:
            return False
        if not any(_OPS[op](n, limit) for n in numbers):
            return False
    return True


def rule_directions(rule: Rule, entry: KnowledgeIndex) -> set[tuple[str, str]]:
    """{(quantity key, "up"/"down")} that make the rule's condition fire."""
    cache = entry.extras.setdefault("rule_directions", {})
    if rule.id not in cache:
        found: set[tuple[str, str]] = set()
        try:
            parsed = conditions.parse(rule.condition, entry.vocabulary.resolver(rule.process)) \
                if rule.condition else None
        except conditions.ConditionError:
            parsed = None
        if parsed is not None:
            for node in conditions.walk(parsed.expr):
                if isinstance(node, conditions.Compare) and isinstance(node.left, conditions.Name):
                    way = "up" if node.op in (">", ">=") else "down" if node.op in ("<", "<=") else ""
                    if way:
                        found.add((node.left.key, way))
        cache[rule.id] = found
    return cache[rule.id]


_WHERE = re.compile(r"^在\||\|[里中内上]$")


def term_named(intent: Intent, entry: KnowledgeIndex) -> Term | None:
    """The glossary term a "what is X" question names (longest spelling wins)."""
    table = _tables(entry)[2]
    # Longest first; of equal length the later one: a Chinese compound's head comes last
    # (底层花脸 is a kind of 花脸).
    matches = sorted(table.find(intent.text), key=lambda m: (-(m[1] - m[0]), -m[0]))
    # "AlN在取向硅钢里是干啥的": the term after 在 (or before 里) is where, not what is asked.
    subjects = [m for m in matches if not _WHERE.search(intent.text[max(0, m[0] - 1):m[0]] + "|"
                                                        + intent.text[m[1]:m[1] + 1])]
    matches = subjects or matches
    # "What is PH2O/PH2 on the decarb line": a process or its line is where, when a thing
    # is named too
    processes = _tables(entry)[0].phrases
    things = [m for m in matches if m[2] not in processes and table.phrases[m[2]].title not in entry.processes]
    matches = things or matches
    asking = _DEFINITION.search(intent.text)
    if asking:
        # "氧化镁涂层灼减什么意思": the term just before the asking words is what is asked
        before = sorted((m for m in matches if m[1] <= asking.start()), key=lambda m: -m[1])
        matches = before or matches
    return table.phrases[matches[0][2]] if matches else None  # type: ignore[return-value]


# "一次再结晶和二次再结晶有啥区别", "B8和P17分别是什么": two things asked together.
_PAIR = re.compile(r"和|与|跟|以及|还是|分别|区别|不同|差别|对比|\bvs\b|\band\b")


def terms_named(intent: Intent, entry: KnowledgeIndex) -> list[Term]:
    """The glossary term a what-is question names and, when it asks of two together, the
    other one, in the question's order."""
    first = term_named(intent, entry)
    if first is None or not _PAIR.search(intent.text):
        return [first] if first else []
    table, processes = _tables(entry)[2], _tables(entry)[0].phrases
    found = [(m[0], table.phrases[m[2]]) for m in table.find(intent.text) if m[2] not in processes]
    other = next(((at, t) for at, t in found if t.id != first.id), None)
    if other is None:
        return [first]
    at_first = min(at for at, t in found if t.id == first.id) if any(t.id == first.id for _a, t in found) else 0
    return [first, other[1]] if at_first <= other[0] else [other[1], first]  # type: ignore[list-item]


def parameters_for(intent: Intent, entry: KnowledgeIndex, ranking: list[str]) -> list[Parameter]:
    """The windows of the quantity the question names (every grade/thickness).

    When the name fits several quantities (露点 in two processes) and the question names
    no process, every one of them, the one retrieval ranks highest first.
    """
    if not intent.quantities:
        return []
    rank = {uid: i for i, uid in enumerate(ranking)}
    # A question that names its process gets that process's windows or none: never
    # another process's values for the same name (露点 in 脱碳退火 is not 露点 in 高温退火).
    named = [k for k in intent.quantities if not intent.processes
             or entry.vocabulary.processes.get(k) in intent.processes]
    if not named:
        return []
    first_spelling = [k for k in named if k in intent.quantities[:1]]

    def best(key: str) -> int:
        return min((rank.get(p.id, len(rank)) for p in entry.vocabulary.parameters.get(key, [])),
                   default=len(rank))

    key = min(named, key=lambda k: (best(k), k not in first_spelling))
    if not intent.processes:
        # A name several processes use (露点, 带速) and no process named: every process's
        # windows, the best-ranked first, rather than one picked silently.
        same = next((keys for _s, _e, keys in intent.mentions if key in keys), (key,))
        others = sorted((k for k in same if k != key), key=best)
        return [*_by_material(entry, key, intent, rank),
                *(p for k in others for p in _by_material(entry, k, intent, rank))]
    return _by_material(entry, key, intent, rank)


def parameter_ranked(intent: Intent, ranked: list, depth: int = 3) -> Parameter | None:
    """A value question that names no parameter ("MgO每面涂几克"): the parameter record
    retrieval puts near the top, if it belongs to the process the question names."""
    for unit in ranked[:depth]:
        if isinstance(unit, Parameter) and (not intent.processes or unit.process in intent.processes):
            return unit
    return None


def _by_material(entry: KnowledgeIndex, key: str, intent: Intent, rank: dict) -> list[Parameter]:
    windows = entry.vocabulary.parameters.get(key, [])
    # The window for the grade or thickness the question names comes first.
    return sorted(windows, key=lambda p: (not window_fits(p, intent), rank.get(p.id, len(rank))))
