"""What a question names, as slots: grade, thickness and readings with their units.

Process and parameter come from ``intent`` (the knowledge base's own vocabulary); this adds
what an apprentice says about the material in hand ("HiB料", "0.27的厚料") and the
readings off his panel ("露点表才50度", "张力跳到13兆帕"), converted into the parameter's
own unit with the same quantities code ``diagnose`` uses. Grade spellings come from the
knowledge base too: the grades its windows are conditional on, and their glossary synonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..quantities import UnitMismatch, convert, normalize_unit
from ..review.material import Material, fold_grade, material_field
from ..text import normalize
from ..text.phrases import PhraseTable
from ..knowledge.units import Parameter, Term
from ..knowledge.validate import material_condition
from ..knowledge.vocabulary import quantity_key
from .asker import KnowledgeIndex

# After a parameter's name: a few filler characters ("表显示才", "跳到", "化验出来"), then
# the number and what unit the apprentice wrote. A number is not a reading when it is
# part of a name (P17/50, T1), a thickness ("0.23的料") or what it is compared with ("比0.23的").
_READING = re.compile(
    r"^(?:(?!几|多少|多高|多大|多长|比)[^\d\-−?？，,。；;!！]){0,8}?(?<![a-z\d.])((?:[-−]|零下|负)?\d+(?:\.\d+)?)\s*"
    r"(℃|°f|℉|k(?![a-z])|kpa|mpa|pa|兆帕|千帕|帕|%|ppm|m/min|米|mm|μm|s(?![a-z])|秒|h(?![a-z])|"
    r"min|分钟|g/m2|g/m²|克|t(?![a-z])|特|w/kg)?")
_WRITTEN_UNITS = {"°f": "°F", "℉": "°F", "k": "K", "kpa": "kPa", "mpa": "MPa", "pa": "Pa",
                  "兆帕": "MPa", "千帕": "kPa", "帕": "Pa", "米": "m/min", "秒": "s",
                  "分钟": "min", "g/m2": "g/m²", "克": "g/m²", "特": "T", "t": "T"}
_THICKNESS = re.compile(r"(?<![\d.])(0\.[1-5]\d?)(?!\d|\s*(?:%|‰|ppm|k?pa|mpa|兆帕|千帕|t(?![a-z])|特|w/kg|℃|度))"
                        r"\s*(?:mm|厚|的(?:料|板|薄|厚|卷)|规格)?")


@dataclass(frozen=True)
class ReadingSlot:
    """A reading the question states, in its parameter's unit."""

    key: str  # quantity key ("process:name")
    spelling: str  # as the question named it
    value: float  # in the parameter's own unit
    unit: str
    written: str  # what the apprentice wrote ("13兆帕")


# Materials other than grain-oriented silicon steel that apprentices ask about: a number
# for one of them is never to be taken from the master's grain-oriented windows.
# (铝 alone is aluminium in the steel, AlN's; 铝卷, 铝材 are another metal's coils)
_OTHER_MATERIALS = re.compile(r"无取向|不锈钢|非晶|纳米晶|坡莫|铝合金|铝(?:卷|材|板|箔|带|锭)|镀锌|碳素钢|碳钢|普碳|"
                              r"6\.5\s*%\s*(?:硅|si)|non-oriented|stainless|amorphous|alumin(?:i?um)(?!\s*nitride)|"
                              r"carbon steel")


def other_material(text: str) -> str:
    """A material the (normalised) text names that is not grain-oriented silicon steel, or ""."""
    found = _OTHER_MATERIALS.search(text)
    return found.group(0) if found else ""


@dataclass(frozen=True)
class Slots:
    grade: str | None = None  # as the knowledge base's conditions spell it (HiB, CGO)
    thickness: float | None = None
    readings: tuple[ReadingSlot, ...] = ()
    other_material: str = ""  # a material the question names that is not this one

    @property
    def material(self) -> Material:
        return Material(self.grade, self.thickness)


def _grade_table(entry: KnowledgeIndex) -> PhraseTable:
    cached = entry.extras.get("grade_table")
    if cached is not None:
        return cached
    grades: set[str] = set()
    for params in entry.vocabulary.parameters.values():
        for param in params:
            for key, op, value in material_condition(param.condition):
                if material_field(key) == "grade" and op == "==":
                    grades.add(value)
    spellings = {normalize(g): g for g in grades}
    folded = {fold_grade(g): g for g in grades}
    for unit in entry.units.structured_units():
        if isinstance(unit, Term):
            group = [s for s in (unit.title, *unit.synonyms, unit.english) if s]
            grade = next((folded[fold_grade(s)] for s in group if fold_grade(s) in folded), None)
            if grade:
                for s in group:
                    spellings.setdefault(normalize(s), grade)
    table = PhraseTable(spellings)
    entry.extras["grade_table"] = table
    return table


_DESIGNATION_SAID = re.compile(r"(?<![a-z\d.])(\d{2}qg?\d{3})(?![a-z\d])")


def read_slots(text: str, quantities_at: list[tuple[int, int, list[str]]],
               entry: KnowledgeIndex, processes: frozenset[str] = frozenset()) -> Slots:
    """Slots of a normalised question; ``quantities_at`` are the parameter mentions found
    by intent, as (start, end, candidate keys best first); ``processes`` those it names."""
    grades = [_grade_table(entry).phrases[p] for _s, _e, p in _grade_table(entry).find(text)]
    if not grades:
        # a standard designation no window is written for (30QG110) is still the grade named:
        # its family's windows (Hi-B) cover it, another designation's (23QG085) do not
        grades = [m.group(1).upper() for m in _DESIGNATION_SAID.finditer(text)]
    thickness = None
    for match in _THICKNESS.finditer(text):
        thickness = float(match.group(1))
        break
    readings: list[ReadingSlot] = []
    taken: set[str] = set()
    for start, end, keys in quantities_at:
        match = _READING.match(text[end:end + 24])
        if not match or not keys:
            continue
        reading = _reading(entry, keys, text[start:end], match)
        if reading and reading.key not in taken:
            taken.add(reading.key)
            readings.append(reading)
    if not readings and processes:
        readings = _readings_by_unit(text, entry, processes)
    other = other_material(text)
    return Slots(grades[0] if len(set(grades)) == 1 else None, thickness, tuple(readings),
                 other)


# A number with a unit and no parameter name before it ("DCL开到120米了").
_BARE_READING = re.compile(r"(?<![a-z\d.])(\d+(?:\.\d+)?)\s*(m/min|米|mpa|兆帕|kpa|千帕|pa|帕|ppm|g/m2|g/m²|克)"
                           r"(?![a-z/])")


def _readings_by_unit(text: str, entry: KnowledgeIndex, processes: frozenset[str]
                      ) -> list[ReadingSlot]:
    """Readings the unit alone tells: in the processes the question names, the one parameter
    measured in that unit (脱碳退火's only m/min is 带速). Where two share it, nothing."""
    found = []
    for match in _BARE_READING.finditer(text):
        unit = normalize_unit(_WRITTEN_UNITS.get(match.group(2), match.group(2)))
        keys = [k for k, process in entry.vocabulary.processes.items() if process in processes
                and normalize_unit(entry.vocabulary.units.get(k, "")) == unit]
        if len(keys) == 1:
            found.append(ReadingSlot(keys[0], match.group(0), float(match.group(1)), unit,
                                     match.group(0)))
    return found if len({r.key for r in found}) == len(found) else []


def _reading(entry: KnowledgeIndex, keys: list[str], spelling: str, match: re.Match
             ) -> ReadingSlot | None:
    # (零下20 and 负20 are -20: a dew point below zero said the shop's way)
    number = re.sub(r"^(?:−|零下|负)", "-", match.group(1))
    written = match.group(2) or ""
    value = float(number)
    unit_written = _WRITTEN_UNITS.get(written, written)
    keys = _plausible_first(entry, keys, spelling, value, unit_written)
    for key in keys:
        unit = entry.vocabulary.units.get(key, "")
        try:
            converted = convert(value, unit_written, unit) if unit_written else value
        except UnitMismatch:
            continue  # "13兆帕" is not a temperature: try the next candidate
        return ReadingSlot(key, spelling, round(converted, 6), normalize_unit(unit),
                           f"{number}{written}")
    return None


def _plausible_first(entry: KnowledgeIndex, keys: list[str], spelling: str, value: float,
                     unit_written: str) -> list[str]:
    """The candidates for a reading, with another parameter of the thing named first when
    the reading is an order of magnitude off every candidate's window and inside its own:
    "氢气0.5%" is no 氢气比例 (50～70%) but the 环境氢浓度 (≤ 0.4%)."""
    if not keys or not all(_far_off(entry, k, value, unit_written) for k in keys):
        return keys
    core = spelling[:1]  # 氢 of 氢气
    vocabulary = entry.vocabulary
    others = sorted(k for k, name in vocabulary.names.items() if k not in keys and core in name
                    and _far_off(entry, k, value, unit_written) is False)
    return [*others, *keys] if len({vocabulary.names[k] for k in others}) == 1 else keys


def _far_off(entry: KnowledgeIndex, key: str, value: float, unit_written: str) -> bool | None:
    """Is the reading ten times off the key's windows (None: cannot tell)?"""
    unit = entry.vocabulary.units.get(key, "")
    if unit_written and not unit:
        return None  # (0.5% is no 水氢比, a bare ratio)
    try:
        value = convert(value, unit_written, unit) if unit_written else value
    except UnitMismatch:
        return None
    params = entry.vocabulary.parameters.get(key, [])
    highs = [p.upper for p in params if p.upper is not None]
    lows = [p.lower for p in params if p.lower is not None]
    if not highs or min(lows, default=0.0) < 0 or value < 0:
        return None  # (a dew point below zero is read on its own scale)
    low = min(lows) if lows else 0.0
    return value > 10 * max(highs) or (low > 0 and value < low / 10)


def window_covers(param: Parameter, slots: Slots) -> bool:
    """False when the window is for another grade or thickness than the one named."""
    from ..review.material import window_applies

    return window_applies(param, slots.material) is not False


# What a value question can ask about a thing. The knowledge base's own parameter names
# add theirs (温度, 压力, 比例 …); these are common ones it may not have at all.
ATTRIBUTES = ("浓度", "流量", "直径", "长度", "宽度", "型号", "厂家", "品牌", "寿命", "周期", "价格",
               "成本", "纯度", "比重", "密度", "硬度", "电阻", "功率", "电流", "电压", "频率", "粒度",
               "产量", "重量", "含量", "温度", "压力", "时间", "速度", "速率", "比例", "露点", "张力",
               "厚度", "间距", "深度", "湿度", "转速", "能耗", "用量", "次数", "多久")


def _attribute_table(entry: KnowledgeIndex) -> PhraseTable:
    cached = entry.extras.get("attribute_table")
    if cached is not None:
        return cached
    words = set(ATTRIBUTES)
    for key, name in entry.vocabulary.names.items():
        folded = normalize(name)
        words.add(folded if len(folded) <= 3 else folded[-2:])
    table = PhraseTable({w: w for w in words if len(w) >= 2})
    entry.extras["attribute_table"] = table
    return table


# "刻多深" asks a depth: the 刻痕间距 window is a spacing, in the same mm.
_ASKED_SIZE = {"多深": "深度", "多宽": "宽度", "多厚": "厚度"}


def asked_attributes(text: str, entry: KnowledgeIndex, skip: tuple[tuple[int, int], ...] = ()
                     ) -> set[str]:
    """Attribute words of a normalised question outside the spans of names it uses
    (磁感 inside the grade's name 高磁感 is no attribute asked)."""
    skip = (*skip, *((a, b) for a, b, _p in _grade_table(entry).find(text)))
    out = {attribute for asked, attribute in _ASKED_SIZE.items() if asked in text}
    for start, end, word in _attribute_table(entry).find(text):
        if not any(a <= start and end <= b for a, b in skip):
            out.add(word)
    return out


def window_has_attributes(param: Parameter, attributes: set[str], entry: KnowledgeIndex) -> bool:
    """Does this window measure what the question asks (浓度 is not 温度)?"""
    from .dimensions import unit_dimension

    if unit_dimension(param.unit) == "time":
        attributes = attributes - {"多久", "时间"}  # "渗氮时间多久": a time in s is how long
    if not attributes:
        return True
    spellings = [param.name, param.symbol, param.english]
    key = f"{param.process}:{param.name}" if param.process else param.name
    spellings += [s for s, keys in entry.vocabulary.spellings.items() if key in keys]
    text = normalize(" ".join(x for x in spellings if x))
    if "温差" in text:
        attributes = attributes - {"温度"}  # "里外温度能差几度": a temperature difference
    return all(word in text for word in attributes)


# Words that name a process, a furnace or a line: 中间退火, 平整线, 罩式炉.
_PROCESS_LIKE = re.compile(r"(?:退火|炉|线|机组|工序)$")
# A furnace or line named in the text: two name characters, then 炉/线/机组, not followed by
# what makes 炉 part of another word (炉温, 炉压: 均热段炉温 names no 段炉).
_NAMED_EQUIPMENT = re.compile(r"(?<![a-z])([^\W\d_的了在是这那个哪一每各该本段前后进候时要入里停开关出装往到回从向给把再]{2}"
                              r"(?:炉|线|机组))(?![温压内口辊子气况次台底门体膛顶管膛])")


# Words ending in 线 that name no line: 中心线, 曲线, 在线, 路线…
_NOT_A_LINE = re.compile(r"(?:中心|曲|直|界|红|底|基|连|续|在|离|电|管|视|光|路|上|下|全|沿|一|二|边|导|引|警戒|虚|实)线$")


def unlisted_processes(text: str, windows: list[Parameter], entry: KnowledgeIndex) -> list[str]:
    """Process, furnace or line names in the (normalised) question that none of the windows
    is for: "中间退火的露点" is not answered by 脱碳退火's or 高温退火's 露点. A name counts as
    the window's when it is its process, one of that process's other names, or written in
    the window's own record."""
    from .intent import process_aliases

    aliases = entry.extras.get("process_alias_names")
    if aliases is None:
        aliases = {}
        for alias, process in process_aliases(entry).items():
            aliases.setdefault(process, set()).add(alias)
        for unit in entry.units.structured_units():
            # and the process's own other names in the glossary (热轧卷退火 is 常化)
            if isinstance(unit, Term) and unit.title in entry.processes:
                aliases.setdefault(unit.title, set()).update(
                    normalize(s) for s in (*unit.synonyms, unit.english) if s)
        entry.extras["process_alias_names"] = aliases
    owned = []
    for param in windows:
        names = {normalize(param.process), *aliases.get(param.process, ())}
        owned.append((names, normalize(param.search_text())))
    found = []
    words = [w for w in entry.index.analyzer.words(text) if len(w) >= 3 and _PROCESS_LIKE.search(w)]
    # Segmentation may split an unfamiliar name (平整线 → 平整 / 线): read it off the text too.
    words += [w for w in _NAMED_EQUIPMENT.findall(text) if not _NOT_A_LINE.search(w)]
    words += re.findall(r"[\u4e00-\u9fff]{2}退火", text)  # 中间退火炉 cuts as 中间 / 退火炉
    for word in words:
        stem = _PROCESS_LIKE.sub("", word)  # 脱碳炉 → 脱碳, which 脱碳退火 starts with
        if not any(word in names or word in record or any(n in word for n in names if len(n) >= 2)
                   or (len(stem) >= 2 and any(stem in n for n in names))
                   for names, record in owned):
            found.append(word)
    return list(dict.fromkeys(found))


# Words that tell a window from its neighbour: the question says one, the window's name the
# other ("降温速率" is not the 升温速率 window, "加热段炉温" not the 均热段's).
_CONTRASTS = (("升温", "降温"), ("加热", "冷却"), ("加热", "均热"), ("均热", "冷却"), ("入口", "出口"),
              ("一次", "二次"), ("一段", "二段"), ("头段", "二段"), ("内罩", "外罩"), ("上涂", "下涂"),
              ("第一", "第二"), ("进水", "回水"), ("供水", "回水"), ("进水", "出水"),
              # the stages of the high-temperature anneal's cycle
              ("低温", "二次再结晶"), ("脱水", "二次再结晶"), ("净化", "二次再结晶"), ("冷却", "二次再结晶"),
              ("低温", "净化"), ("脱水", "净化"), ("净化", "冷却"), ("升温", "冷却"),
              # the sections of the decarburising line
              ("脱碳段", "冷却段"), ("渗氮段", "冷却段"), ("加热段", "冷却段"))


# The same sides in a window's English name ("second-stage cold reduction").
_CONTRAST_ENGLISH = {"first": "一次", "second": "二次", "heating": "加热", "cooling": "冷却",
                     "soaking": "均热", "entry": "入口", "exit": "出口", "secondary": "二次再结晶",
                     "purification": "净化", "dewatering": "脱水"}


def contrasts(text: str, param: Parameter) -> bool:
    """Does the (normalised) question name the other side of a pair the window's name takes?"""
    english = re.findall(r"[a-z]+", (param.english or "").lower())
    name = normalize(param.name) + " " + " ".join(_CONTRAST_ENGLISH.get(w, "") for w in english)
    return other_side_named(text, name)


def side_siblings(text: str, windows: list[Parameter], entry: KnowledgeIndex) -> list[Parameter]:
    """For windows of the other side of a pair the (normalised) question names: the same
    processes' parameters whose name says the question's side and ends as theirs does
    (脱水保温温度 for a 脱水段 question that found the 净化段's 保温温度)."""
    sides = {mine for a, b in _CONTRASTS for mine, other in ((a, b), (b, a))
             if mine in text and other not in text}
    endings = {normalize(p.name)[-2:] for p in windows}
    processes = {p.process for p in windows}
    return [p for params in entry.vocabulary.parameters.values() for p in params
            if p.process in processes and normalize(p.name)[-2:] in endings
            and any(side in normalize(p.name) for side in sides)]


# A window of a spread (厚度偏差, 炉温波动, 卷内温差) is not the quantity itself.
_SPREAD = re.compile(r"(?:偏差|波动|温差|公差|误差)$")
_SPREAD_ASKED = re.compile(r"偏差|波动|差|公差|误差|精度|±|正负|deviation|fluctuat|tolerance")


def spread_not_asked(text: str, param: Parameter) -> bool:
    """"第一次要轧到多厚": the 厚度偏差 window measures the thickness's spread, not the
    thickness, unless the (normalised) question speaks of a spread."""
    return bool(_SPREAD.search(normalize(param.name))) and not _SPREAD_ASKED.search(text)


# In running text these say other things too ("保一段时间", "一次改好几样", "第一步").
_LOOSE_IN_SENTENCES = {"一段", "一次", "第一"}


def other_side_named(question: str, said: str, sentence: bool = False) -> bool:
    """Does ``said`` (a window's name, or with ``sentence`` a quoted sentence) take one side
    of a pair whose other side the question names, and not the question's? ("二次再结晶段
    升快了" for a question about the 低温段)."""
    for a, b in _CONTRASTS:
        if sentence and {a, b} & _LOOSE_IN_SENTENCES:
            continue
        for mine, other in ((a, b), (b, a)):
            if mine in said and other not in said and other in question and mine not in question:
                return True
    return False


# What a name of the knowledge base's own is said of: "氢气纯度" asks the hydrogen's purity,
# and the 纯度 window the knowledge base has is MgO's.
_OWNER_ATTRIBUTES = re.compile(r"(比例|温度|压力|浓度|流量|纯度|含量|时间|露点)$")
_OWNER_GAP = re.compile(r"(?:里的|中的|的|里|中)?$")


def owner_words(entry: KnowledgeIndex) -> dict[str, frozenset[str]]:
    """Things the knowledge base names that parameters can be of, each with its other names:
    glossary terms (氢气, 氧化镁 = MgO, 内罩) and the thing part of parameter names (浆料 of
    浆料温度); not processes, grades nor parameters themselves (脱碳炉露点 is 脱碳退火's,
    and 露点 is no owner)."""
    cached = entry.extras.get("owner_words")
    if cached is not None:
        return cached
    from .intent import process_aliases

    names = {normalize(n) for n in entry.vocabulary.names.values()}
    groups: dict[str, frozenset[str]] = {}
    for unit in entry.units.structured_units():
        if isinstance(unit, Term):
            group = frozenset(normalize(s) for s in (unit.title, *unit.synonyms, unit.english) if s)
            for spelling in group:
                groups[spelling] = groups.get(spelling, frozenset()) | group
    for name in names:
        if m := _OWNER_ATTRIBUTES.search(name):
            groups.setdefault(name[:m.start()], frozenset({name[:m.start()]}))
    skip = names | {normalize(p) for p in entry.processes} | set(process_aliases(entry))
    skip |= {normalize(s) for s in entry.vocabulary.spellings}  # 露点温度 is 露点
    skip |= set(_grade_table(entry).phrases)  # Hi-B升温速率 is a grade's window
    owners = {w: g for w, g in groups.items() if 2 <= len(w) <= 5 and w not in skip
              and not _PROCESS_LIKE.search(w) and not g & {normalize(p) for p in entry.processes}}
    entry.extras["owner_words"] = owners
    return owners


# "氨气的爆炸范围": a thing, then (的) the property asked of it.
_OWNED = re.compile(r"的?(?:爆炸|可燃|燃烧|着火|闪点|沸点|熔点|密度|比重|浓度|纯度|含量|范围|下限|上限|温度|压力|报警)")


# Gases and the like, whether the knowledge base names them or not ("一氧化碳报警值").
_SUBSTANCE = re.compile(r"^(?:[一二三]氧化[一二三]?[碳硫氮]|硫化氢|[氢氨氮氧氩氦]气|煤气|天然气|燃气)$")


_WHERE_ON = re.compile(r"(?:总阀|阀门|阀|总管|管路|管道|管网)?[前后口]?$")


def owner_asked(text: str, entry: KnowledgeIndex) -> frozenset[str]:
    """The spellings of the thing a (normalised) question asks a property of ("氨气的爆炸
    范围" → 氨气's), or none: a sentence of another thing's property (氢气's range) is no
    answer to it."""
    owners = owner_words(entry)
    for match in _OWNED.finditer(text):
        # (where on it is said between: 氢气总阀前压力 is the hydrogen's)
        before = _WHERE_ON.sub("", text[max(0, match.start() - 8):match.start()])[-5:]
        for n in range(min(5, len(before)), 1, -1):
            if before[-n:] in owners:
                return owners[before[-n:]]
            if _SUBSTANCE.match(before[-n:]):
                return frozenset({before[-n:]})
    return frozenset()


# A chemical formula as written (CaO, TiO2, Al2O3): capitals with a small letter or a digit,
# so an abbreviation (DCL, MBAF) is none.
_FORMULA = re.compile(r"(?<![A-Za-z0-9])((?:[A-Z][a-z]?\d*){2,})(?![A-Za-z0-9])")


# What may stand between a thing and the amount asked of it (CaO要控制在多少, 加多少TiO2).
_HOW_MUCH_GAP = r"[要应该得一般大概约控制在到是为给加放有含的]{0,6}"


def unnamed_formula(asked: str, shown: str, entry: KnowledgeIndex) -> str:
    """A chemical a value question names by its formula (as asked, not normalised) that no
    clause of the (normalised) answer gives a number beside, by the formula or another of
    its names (MgO: 氧化镁), or "": CaO named among MgO's impurities says not how much."""
    owners = owner_words(entry)
    clauses = re.split(r"[\n，,；;。]", shown)
    for match in _FORMULA.finditer(asked):
        formula = match.group(1)
        if formula.isupper() and not re.search(r"\d", formula):
            continue
        if not re.search(rf"{re.escape(formula)}{_HOW_MUCH_GAP}(?:多少|几)|(?:多少|几){_HOW_MUCH_GAP}"
                         rf"{re.escape(formula)}", asked):
            continue  # (the amount asked is of another thing: MgO涂布量多少)
        spellings = owners.get(formula.lower(), frozenset({formula.lower()}))
        # (a figure, not a formula's digit: SO3 beside CaO gives no amount)
        if not any(s in clause and re.search(r"(?<![a-z])\d", clause.replace(s, ""))
                   for clause in clauses for s in spellings):
            return formula
    return ""


def unnamed_owner(text: str, shown: str, entry: KnowledgeIndex) -> str:
    """The thing a (normalised) value question asks a property of when the (normalised)
    answer never names it, or "": 一氧化碳's alarm level is not the hydrogen alarm's."""
    spellings = owner_asked(text, entry)
    if not spellings or any(s in shown for s in spellings):
        return ""
    said = [s for s in spellings if s in text]  # the name the question uses for it
    return min(said or spellings, key=len)


def other_owner(text: str, mentions, windows: list[Parameter], entry: KnowledgeIndex) -> str:
    """A thing the (normalised) question says a window's name is of that the window is not
    about: "氢气纯度" of the MgO purity window → "氢气". The thing counts as the window's
    when its own record mentions it (氧化镁纯度)."""
    owners = owner_words(entry)
    if not owners or not windows:
        return ""
    records = [normalize(f"{p.process} {p.search_text()}") for p in windows]
    keys = {quantity_key(p.process, p.name) for p in windows}
    for start, _end, mention_keys in mentions:
        if not keys & set(mention_keys):
            continue
        before = _OWNER_GAP.sub("", text[max(0, start - 8):start], count=1)
        owner = next((before[-n:] for n in range(min(5, len(before)), 1, -1)
                      if before[-n:] in owners), "")
        if owner and not any(name in record for record in records for name in owners[owner]):
            return owner
    return ""


# Magnetic properties hold at a test condition: P1.7/50 is the loss at 1.7 T and 50 Hz.
_HZ_SAID = re.compile(r"(?<![\d.])(\d{2,3})\s*(?:hz|赫兹|赫)")
_TESLA_SAID = re.compile(r"(?<![\d.])([01]\.\d{1,2})\s*t(?![a-z])")
_P_NOTATION = re.compile(r"p\s*([01]\.\d{1,2})\s*/\s*(\d{2,3})")


def other_test_condition(text: str, param: Parameter) -> str:
    """A frequency or induction the (normalised) question names that the window is not
    measured at ("60 Hz" of a P1.7/50 window), or ""."""
    record = normalize(" ".join(x for x in (param.english, param.symbol, param.condition, param.body) if x))
    return condition_not_in(text, record)


def condition_not_in(text: str, record: str) -> str:
    """A test condition the (normalised) question names (P1.5/50, 60 Hz, 1.5 T) that the
    (normalised) record, naming conditions of its own, does not, or "". Quoted sentences
    are such a record too: "23QG085不大于0.85 (P1.7/50)" gives no P1.5/50."""
    tesla = {float(t) for t, _hz in _P_NOTATION.findall(record)} | {float(t) for t in _TESLA_SAID.findall(record)}
    hertz = {int(hz) for _t, hz in _P_NOTATION.findall(record)} | {int(h) for h in _HZ_SAID.findall(record)}
    asked = _P_NOTATION.findall(text)
    for said in [*_HZ_SAID.findall(text), *(hz for _t, hz in asked)]:
        if hertz and int(said) not in hertz:
            return f"{said} Hz"
    for said in [*_TESLA_SAID.findall(text), *(t for t, _hz in asked)]:
        if tesla and float(said) not in tesla:
            return f"{said} T"
    return ""
