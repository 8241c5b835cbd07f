"""What a question asks for, and whether the answer shows it: a kind of number, a property.

"干燥炉里带钢要烘多少秒？" asks for a time. The knowledge base has the dryer's strip
temperature (250–400 ℃) and no drying time: an answer quoting the temperature looks like
an answer and is not one. When a question asks, in so many words, for a time, a length, a
pressure… and nothing the answer shows measures that, the answer is withheld and the note
says what was asked for.

The same holds for a property asked of a thing (材质, 寿命, 型号): an answer that never
names it is about the thing, not about what was asked.

Only explicit asking words count ("多少秒", "多久", "几毫米", "多少kPa"); a quantity the
question merely mentions ("同样厚度…") or a reading it states ("露点到72了") asks nothing.
"""

from __future__ import annotations

import re

from ..quantities import normalize_unit
from ..text import normalize
from .model import Answer

_CN_DIGITS = "一二两三四五六七八九十百千半"

# dimension -> words that ask for a number of it (text is normalised: lower case, simplified).
_ASKS: dict[str, str] = {
    "time": r"多久|多长时间|多少时间|多少个?(?:秒|分钟|小时|钟头|天|年|月|周|min(?![a-z])|s(?![a-z])|h(?![a-z]))|"
            r"几(?:个)?(?:秒|分钟|小时|钟头|天|年|月|周)|哪一?年|how long|how many (?:seconds|minutes|hours|days|years)",
    "length": r"多厚|多宽|多深|多长(?!时间)|多少(?:毫米|mm(?![a-z])|微米|μm|um(?![a-z])|丝|米(?!/|每))|"
              r"几(?:个)?(?:毫米|mm(?![a-z])|微米|μm|丝)|"
              r"how (?:thick|wide|deep)",
    "pressure": r"多少(?:k?pa(?![a-z])|mpa(?![a-z])|兆帕|千帕|帕|n/mm|m?bar(?![a-z]))|"
                r"几(?:个)?(?:k?pa(?![a-z])|mpa(?![a-z])|兆帕|千帕|帕|m?bar(?![a-z]))",
    "temperature": r"多少(?:度(?!/)|(?:°c|℃)(?!/)|摄氏度|华氏度|°f|k(?![a-z]))|几(?:度(?!/)|(?:°c|℃)(?!/))|what temperature|how hot",
    "rate": r"多少(?:°c|℃)/(?:h|s|min)|几(?:°c|℃)/(?:h|s|min)|每(?:小时|秒|分钟)[^，,。?？]{0,4}(?:几|多少)度|"
            r"(?:几|多少)度一?(?:秒|小时|分钟)|一(?:秒|小时|分钟)[^，,。?？\d]{0,3}(?:几|多少)度",
    "fraction": r"多少个?(?:ppm|%)|百分之几|几成|百分数|多少个点|几个点|what percent",
    "power": r"多少(?:kw(?![a-z])|千瓦|瓦)|几(?:kw(?![a-z])|千瓦)",
    "flow": r"多少(?:m3/h|m³/h|立方)|几(?:个)?(?:立方|方)(?!向)",
    "speed": r"(?:每|一)(?:秒|分钟?)[^，,。?？]{0,3}多少米|多少(?:米每|米/|m/min|m/s)|"
             r"(?:走|跑|开|拉|过)得?多快",
    "count": r"(?:几|多少)(?:个|支|根|台|套|只|处|把|条)(?!小时|钟头|月|点|班|百分点|ppm|%|mm|毫米|微米|μm|丝|字|度|秒)|"
             r"用多少炉|用几炉|多少炉次|how many (?:units|sensors|detectors|heats)",
    "money": r"多少钱|什么价|价格|how much does .* cost",
    # mass per volume (an exposure limit, a dust load): no window of this knowledge base is
    "density": r"(?:多少|几)\s*(?:mg/m[3³]|毫克每立方|毫克/立方|g/m[3³](?![a-z]))",
    "person": r"是谁|谁是|哪位|谁来|谁负责|谁管|谁值班|(?<![a-z])who(?![a-z])",
    "conductivity": r"(?:多少|几)\s*(?:μs/cm|us/cm|ms/cm)|电导率[^，,。?？]{0,6}(?:多少|几)",
    "acidity": r"(?<![a-z])ph(?![a-z0-9])\s*值?[^，,。?？]{0,6}(?:多少|几)",
    "gravity": r"比重[^，,。?？]{0,8}(?:多少|几)",
    "parts": r"(?:多少|几)份",
    # mass per area: a residue, a coating weight asked in so many words
    "areal": r"(?:多少|几)\s*(?:mg/m[2²]|g/m[2²]|毫克每平方|克每平方)",
    "organization": r"哪(?:个|家|一家)(?:钢厂|厂(?!家)|公司|企业|供应商|厂商)|which (?:plant|mill|company|supplier)",
}
_TIME_LENGTH = re.compile(r"(?:时间|时长|周期|寿命)[^，,。?？]{0,4}多长")
_ASK_PATTERNS = {dim: re.compile(p) for dim, p in _ASKS.items()}

_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"
# dimension -> a number followed by a unit of it, in the shown text.
_SHOWN: dict[str, str] = {
    "time": rf"{_NUM}\s*(?:s(?![a-z])|秒|min(?![a-z])|分钟|h(?![a-z])|小时|个小时|个?钟头|天|年|个月|周|班|个班)",
    "length": rf"{_NUM}\s*(?:mm(?![a-z])|毫米|μm|um(?![a-z])|微米|丝|m(?![a-z])(?!/)|米(?!/|每))",
    "pressure": rf"{_NUM}\s*(?:k?pa(?![a-z])|mpa(?![a-z])|兆帕|千帕|帕|n/mm|m?bar(?![a-z]))",
    "temperature": rf"{_NUM}\s*(?:(?:°c|℃)(?!/)|度(?!/)|k(?![a-z])|°f)",
    "rate": rf"{_NUM}\s*(?:(?:°c|℃)|度)\s*/\s*(?:h|s|min|小时|秒)|每(?:小时|秒|分钟){_NUM}\s*(?:(?:°c|℃)|度)|"
            rf"{_NUM}\s*(?:(?:°c|℃)|度)每(?:小时|秒|分钟)",
    "fraction": rf"{_NUM}\s*(?:%|ppm|‰|成)|百分之{_NUM}|千分之{_NUM}",
    "power": rf"{_NUM}\s*(?:kw(?![a-z])|千瓦|瓦)",
    "flow": rf"{_NUM}\s*(?:m3/h|m³/h|nm3|立方)",
    "speed": rf"{_NUM}\s*(?:m/min|米/分|米每分|米(?!/|每))",
    # (not "一": "这一炉", "一次改好几样" count nothing)
    "count": r"(?:\d+|[二两三四五六七八九十百千]|[一二两三四五六七八九十百千]{2,})\s*(?:台|根|个|套|只|处|炉|次)",
    "money": rf"{_NUM}\s*(?:元|块|万元)",
    "density": rf"{_NUM}\s*(?:mg/m[3³]|g/m[3³](?![a-z])|毫克每立方)",
    # a person by name: a surname and how the shop calls him (王师傅, 李工)
    "person": r"[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
              r"苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
              r"邵万钱严武戴莫孔汤](?:师傅|工(?![艺序作])|班长|主任|经理|总(?![是之结]))",
    # what instruments read in units of their own, or in none (a pH, a specific gravity)
    "conductivity": rf"{_NUM}\s*(?:μs/cm|us/cm|ms/cm)",
    "acidity": rf"(?<![a-z])ph(?![a-z0-9])\s*值?[^，,。；;\d]{{0,6}}{_NUM}",
    "gravity": rf"比重[^，,。；;\d]{{0,12}}{_NUM}|{_NUM}\s*g/cm[3³]",
    # parts by weight of a recipe ("每100份MgO加5份TiO2")
    "parts": rf"{_NUM}\s*份",
    "areal": rf"{_NUM}\s*(?:mg/m[2²]|g/m[2²]|毫克每平方|克每平方)",
    # any figure but a formula's (CrO3, TiO2): how much of something
    "amount": rf"(?<![a-z\d.])\d+(?:\.\d+)?(?![a-z\d])|[{_CN_DIGITS}]+\s*(?:份|克|千克|公斤|升|毫升|成)",
    # a plant or a company by name (新日铁, JFE, 宝钢…)
    "organization": r"新日铁|日本制铁|川崎|jfe|nsc|宝钢|武钢|首钢|鞍钢|太钢|[\u4e00-\u9fff]{2,4}(?:钢铁|钢厂|公司)",
}
_SHOWN_PATTERNS = {dim: re.compile(p) for dim, p in _SHOWN.items()}

# A window's unit, by dimension (units the quantities code does not convert included).
_UNIT_DIMENSION = {
    "℃": "temperature", "K": "temperature", "°F": "temperature",
    "%": "fraction", "ppm": "fraction", "‰": "fraction",
    "mm": "length", "μm": "length",
    "s": "time", "min": "time", "h": "time",
    "Pa": "pressure", "kPa": "pressure", "MPa": "pressure", "N/mm²": "pressure", "mbar": "pressure",
    "m/min": "speed", "m/s": "speed",
    "℃/h": "rate", "℃/s": "rate", "℃/min": "rate",
    "g/m²": "areal", "mg/m²": "areal", "g/cm³": "gravity",
}

NAMES_ZH = {"time": "时间", "length": "尺寸", "pressure": "压力", "temperature": "温度",
            "rate": "升降温速度", "fraction": "含量或比例", "power": "功率", "flow": "流量",
            "count": "数量", "money": "价格", "person": "人名", "speed": "速度",
            "density": "每立方米含量", "conductivity": "电导率", "acidity": "pH", "gravity": "比重",
            "parts": "配比份数", "areal": "每平方米的量", "organization": "厂名", "amount": "用量"}


# "好几度", "十几度", "几十度" say "several", they ask nothing.
_SEVERAL = re.compile(r"好几|[十百千]几|几[十百千]")


def unit_dimension(unit: str) -> str:
    """The kind of number a unit measures ("s" → time), or the unit itself."""
    return _UNIT_DIMENSION.get(normalize_unit(unit), unit)


def asked_dimensions(text: str) -> set[str]:
    """The dimensions ``text`` (normalised) asks a number of, in so many words."""
    text = _SEVERAL.sub("", text)
    asked = {dim for dim, pattern in _ASK_PATTERNS.items() if pattern.search(text)}
    if "rate" in asked:
        asked.discard("temperature")  # 每秒升多少度 asks a rate, not a temperature
    if "speed" in asked:
        asked.discard("length")  # 每秒走多少米 asks a speed
    if "length" in asked and _TIME_LENGTH.search(text):
        asked.discard("length")  # 时间给多长
        asked.add("time")
    return asked


def shown_dimensions(answer: Answer) -> set[str]:
    """The dimensions of the numbers an answer shows: its windows' units and the numbers
    with units in its quoted sentences, rule actions and procedure steps."""
    found = {_UNIT_DIMENSION.get(normalize_unit(w.unit), w.unit) for w in answer.windows}
    text = normalize(_shown_text(answer))
    # (any figure is an amount: that kind is looked for only where it is asked)
    found |= {dim for dim, pattern in _SHOWN_PATTERNS.items() if dim != "amount" and pattern.search(text)}
    return found


def _shown_text(answer: Answer) -> str:
    parts = [s.text for s in answer.sentences]
    for rule in answer.rules:
        parts += [rule.title, rule.diagnosis, *rule.actions]
    for procedure in answer.procedures:
        parts += [procedure.title, *procedure.steps]
    return "\n".join(parts)


def missing_dimension(text: str, answer: Answer) -> str:
    """The dimension the question asks a number of that nothing shown measures, or ""."""
    return _unshown(asked_dimensions(text), answer)


def _unshown(kinds: set[str], answer: Answer) -> str:
    """The first of ``kinds`` when the answer shows a number of none of them, else ""."""
    if not kinds or kinds & shown_dimensions(answer):
        return ""
    return sorted(kinds)[0]


# A reading the question states is judged against a window or a rule of its kind; these
# kinds only (counts and money are said in passing: "第3卷", "两个班").
_READING_KINDS = ("temperature", "pressure", "fraction", "time", "rate", "flow", "power", "speed",
                  "length", "conductivity", "acidity", "gravity")
# 0.23 mm and 0.23的料 name the material, not a reading (0.2% and 0.4 MPa are readings).
_THICKNESS_SAID = re.compile(r"(?<![\d.])0\.\d+(?=\s*(?:mm(?![a-z])|毫米|厚|的|规格)|[^\d.%‰a-z℃°度/\s]|$)"
                             r"\s*(?:mm(?![a-z])|毫米)?")
# A reading is said in figures or a numeral of two characters or more (七十二度): "一秒",
# "一个小时" are how a rate or a span is asked ("多少度一秒"), not readings.
_STATED_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]{{2,}})"
_STATED = {dim: re.compile(_SHOWN[dim].replace(_NUM, _STATED_NUM)) for dim in _READING_KINDS}
# In a question "开到120米" is a line speed; a length is said in mm, μm or 丝.
_STATED_LENGTH = re.compile(rf"{_STATED_NUM}\s*(?:mm(?![a-z])|毫米|μm|um(?![a-z])|微米|丝)")


def stated_dimensions(text: str) -> set[str]:
    """The kinds of the readings a (normalised) question states: "进水温度32℃" → temperature."""
    text = _THICKNESS_SAID.sub(" ", text)
    stated = {dim for dim in _READING_KINDS if dim != "length" and _STATED[dim].search(text)}
    if _STATED_LENGTH.search(text):
        stated.add("length")
    if "rate" in stated:
        stated.discard("temperature")
    return stated


def unheld_reading(text: str, answer: Answer) -> str:
    """A kind of reading the question states that nothing shown measures, or "": "冷却水进水
    温度32℃超不超" answered with the cooling-water pressure rule judges nothing of it."""
    kind = _unshown(stated_dimensions(text), answer)
    if not kind:
        return ""
    # the very figure the question says, shown back ("换成75%的氢" answered at 75%)
    figures = set(re.findall(r"\d+(?:\.\d+)?", text))
    shown_text = " ".join([_shown_text(answer), *(f"{v:g}" for w in answer.windows
                                                  for v in (w.target, w.lower, w.upper)
                                                  if v is not None)])
    if figures & set(re.findall(r"\d+(?:\.\d+)?", normalize(shown_text))):
        return ""
    return kind


# The kind of number an attribute asked in words is ("清洗水温度控多少" a temperature):
# read for quoted sentences only, where no window says what is measured.
_ATTRIBUTE_ASKED = {
    "temperature": re.compile(r"(?:温度|带温|炉温|水温)[^，,。?？、]{0,6}(?:多少|几)(?!度?/)"),
    "pressure": re.compile(r"压力[^，,。?？、]{0,6}(?:多少|几)"),
    "time": re.compile(r"(?:时间|时长)[^，,。?？、]{0,6}(?:多少|几)(?!度)"),
    "speed": re.compile(r"(?<!升温)(?<!冷却)速度[^，,。?？、]{0,6}(?:多少|几)"),
    "fraction": re.compile(r"(?:浓度|比例|含量|纯度)[^，,。?？、]{0,6}(?:多少|几)|占(?:多少|几成)"),
    # "铬酐加多少": an amount of an ingredient, in whatever unit
    "amount": re.compile(r"(?:加|放|添|掺|配|兑)(?:多少|几)"),
}


def implied_dimensions(text: str) -> set[str]:
    """What a (normalised) question asks a number of, in so many words or by its attribute."""
    asked = asked_dimensions(text)
    if not asked:
        asked = {dim for dim, pattern in _ATTRIBUTE_ASKED.items() if pattern.search(text)}
    return asked


def unfocused_dimension(text: str, speaks_of_topic, answer: Answer, said_elsewhere=None,
                        rules_quoted: bool = False) -> str:
    """For an answer of quoted sentences only: the dimension the question asks a number of
    when no sentence giving such a number speaks of the question's topic (``speaks_of_topic``
    tells, or None when the question has no topic words) and of the side of a pair it names
    (低温段, not 二次再结晶段), or "". "辐射管排烟温度多少度" answered with a sentence about
    the decarburising temperature has a temperature, of something else. ``said_elsewhere``
    tells a sentence said of another process than the question's (脱碳炉's 氢气比例 for the
    flattening furnace)."""
    return _unfocused(implied_dimensions(text), text, speaks_of_topic, answer, said_elsewhere,
                      rules_quoted)


def unfocused_reading(text: str, speaks_of_topic, answer: Answer, said_elsewhere=None) -> str:
    """The same for a reading the question states and no window or rule judged: "低温段升温
    速率设50℃/h可以吗" is not judged by a sentence on the 二次再结晶段's rate."""
    return _unfocused(stated_dimensions(text), text, speaks_of_topic, answer, said_elsewhere)


def _unfocused(kinds: set[str], text: str, speaks_of_topic, answer: Answer, said_elsewhere,
               rules_quoted: bool = False) -> str:
    # A window is its parameter's own number, a procedure's steps are in order, a rule is
    # the judgement of its trigger: the other checks see to those. A rule shown for a
    # value nobody said went wrong (事故水箱能顶多久) is only quoted (``rules_quoted``).
    if not kinds or speaks_of_topic is None or answer.windows or answer.procedures or \
            (answer.rules and not rules_quoted):
        return ""
    from .slots import other_side_named

    for sentence in answer.sentences:
        said = normalize(sentence.text)
        if said_elsewhere and said_elsewhere(said):
            continue
        # a sentence is read with the title it is quoted from: a rule's "降回15℃/h" is of
        # the stage its title names; and clause by clause, as a cycle's stages are said in
        # one sentence ("…二次再结晶区…900到1100℃；…冷却时…降到较低温度后换成氮气"),
        # each number with what is said before it ("低温段…升到650℃，保温12 h": 低温段's)
        titles = [normalize(c.title) for c in answer.citations if c.n in sentence.citations]
        for clause in re.split(r"[；;]", said):
            parts = re.split(r"[，,]", clause)
            for i, part in enumerate(parts):
                if any(_SHOWN_PATTERNS[dim].search(part) for dim in kinds) and \
                        speaks_of_topic("，".join(parts[:i + 1])) and \
                        not other_side_named(text, " ".join([clause, *titles]), sentence=True):
                    return ""
    return sorted(kinds)[0]


# "两面最多允许差几克", "比0.23的低多少": a difference between two things is asked.
_DIFFERENCE_ASKED = re.compile(r"差(?:几|多少)|相差|差值|差(?:别|距)(?:多大|多少)|差多大|"
                               r"比[^，,。？?；;]{1,12}?(?:高|低|多|少|大|小|厚|薄|快|慢|重|轻)(?:多少|几)(?!倍)")
# ... and a shown clause that states one: a spread, a gap, a tolerance, with a number.
_DIFFERENCE_SAID = re.compile(r"差|波动|正负|±|高出|低出|多出|倍|比[^，,。；;]{1,12}?(?:高|低|多|少|大|小|厚|薄)")


def missing_difference(text: str, answer: Answer) -> bool:
    """The (normalised) question asks a difference and nothing shown states one with a
    number: windows of two levels are not the allowed gap between them."""
    if not _DIFFERENCE_ASKED.search(text):
        return False
    if any(re.search(r"偏差|波动|温差|公差|误差", w.name) for w in answer.windows):
        return False
    clauses = [normalize(c) for c in re.split(r"[\n，,；;。]", _shown_text(answer))]
    # a spread with a name of its own (卷内温差) is no gap between the two things compared
    own = [w for w in ("温差", "压差") if w not in text]
    clauses = [re.sub("|".join(own), "", c) if own else c for c in clauses]
    return not any(_DIFFERENCE_SAID.search(c) and re.search(r"\d|[一二两三四五六七八九十]", c)
                   for c in clauses)


# "压力下降不超过规定值", "具体按规程": the master leaves the number to the plant's rules.
_PER_RULES = re.compile(r"规定值|按规程|规程为准|按本厂规程|按厂里规定|规定的(?:值|范围|数)")
_ATTRIBUTE_WORDS = ("压力", "温度", "时间", "浓度", "比例", "含量", "厚度", "深度", "宽度", "速度", "流量",
                    "温差", "压差", "张力", "露点", "下降", "降")


_DOWN_WORDS = re.compile(r"降|掉|跌|下降|减少")
_UP_WORDS = re.compile(r"升|涨|上升|提高|增加")


def left_to_plant_rules(text: str, answer: Answer) -> bool:
    """The (normalised) value question's attribute is given in what is shown only as "per
    the plant's rules", with no number: the knowledge base has no value to give."""
    asked = [w for w in _ATTRIBUTE_WORDS if w in text]
    ways = [way for way in (_DOWN_WORDS, _UP_WORDS) if way.search(text)]
    if not asked and not ways:
        return False
    clauses = [normalize(c) for c in re.split(r"[\n，,；;。]", _shown_text(answer))]
    # "压力最多允许掉多少" is about the drop, not "压力升到5 kPa" in the same sentence
    for way in ways:
        clauses = [c for c in clauses if way.search(c)]
    # "15分钟掉了0.4 kPa": a drop is what is asked when nothing else is named
    # (the thing asked is said by its name: 压力, not only 降 — "氧含量降到20 ppm" is another's)
    named = [w for w in asked if w not in ("下降", "降")] or asked
    about = [c for c in clauses if any(w in c for w in named)] if named else clauses
    return any(_PER_RULES.search(c) and not re.search(r"\d", c) for c in about) and \
        not any(re.search(r"\d", c) for c in about)


# "咱们调到多少": this plant's own setting is asked
_OURS = re.compile(r"咱们|咱厂|我们|本厂|厂里|我厂|\bour\b|\bwe\b")


def only_reported(asked: str, answer: Answer) -> bool:
    """This plant's own value is asked ("圆盘剪侧隙咱们调到多少μm") and every number the
    answer quotes is what the handbook reports from elsewhere (a study's, a patent's), with
    no window of the master's: those are no setting of this plant."""
    if not _OURS.search(normalize(asked)) or answer.windows:
        return False
    numbered = [q for q in answer.sentences if re.search(r"\d", q.text)]
    return bool(numbered) and all(q.attribution == "literature" for q in numbered) and \
        not any(re.search(r"\d", a) for r in answer.rules for a in (r.diagnosis, *r.actions))


# "控温热电偶用S型还是B型": a choice between two things, the shorter of them said after 还是.
_CHOICE = re.compile(r"还是([^\s，,。？?！!；;吗呢啊]{1,6})[吗呢啊]?(?:[？?，,。！!；;]|$)")
_NOT_A_THING = re.compile(r"几|多|不|没|别|要|能|会")  # 几十秒还是几分钟, 能装还是不能装


_ORDER_ASKED = re.compile(r"先[^，,。？?]{1,12}还是先")


def unanswered_choice(text: str, answer: Answer) -> str:
    """A choice the (normalised) question offers ("S型还是B型") that nothing shown names
    either side of, said as "S型还是B型"; or "". Amounts and yes-or-no are not choices."""
    match = _CHOICE.search(text)
    if not match or (answer.procedures and _ORDER_ASKED.search(text)):
        return ""  # (which comes first: the procedure's steps say, whatever words it uses)
    second = match.group(1)
    first = text[max(0, match.start() - len(second)):match.start()]
    if _NOT_A_THING.search(first + second):
        return ""
    shown = normalize(_shown_text(answer) + " " + " ".join(w.name for w in answer.windows))
    # each side as said, or without the verb or particle it starts with (先加氮 / 加氮)
    sides = {side for raw in (first, second) for side in (raw, raw.lstrip("先后用是在"))
             if len(side) >= 2}
    if not sides:
        return ""  # (高还是低: a way, not a thing to be named; a "越…越…" says it)
    return "" if any(side in shown for side in sides) else f"{first}还是{second}"


def dimension_note(dimension: str, answer: Answer) -> str:
    """Why the answer is withheld: what was asked for, and what the knowledge base has."""
    asked = NAMES_ZH.get(dimension, dimension)
    if dimension == "person":
        return "知识库里没有讲到这个问题问的是哪个人。"
    if dimension == "organization":
        return "知识库里没有讲到这个问题问的是哪个厂。"
    have = "、".join(dict.fromkeys(f"{w.process}{w.name}" for w in answer.windows))
    if have:
        return f"知识库里有{have}的窗口，没有这个问题要的{asked}数值。"
    return f"知识库里没有找到这个问题要的{asked}数值。"


# Properties a question asks of a thing ("炉辊是啥材质", "滤芯多久换"): an answer that never
# says the word speaks of the thing, not of what was asked.
_PROPERTIES = ("材质", "材料", "型号", "厂家", "品牌", "牌子", "寿命", "周期", "价格", "成本", "直径",
               "长度", "宽度", "深度", "功率", "电流", "电压", "频率", "流量", "重量", "容量", "数量",
               "位置", "尺寸", "间距", "燃料", "标准气", "浓度", "纯度", "压差", "电导率", "粒度",
               "耗量", "消耗", "粗糙度", "硬度", "含水量", "黏度", "粘度", "转速", "密度")
# "消除应力退火用什么保护气": the thing asked for by its kind must be named in the answer.
# (a verb after it asks how, not what thing: "用什么来表示")
_WHICH_THING = re.compile(r"用(?:什么|哪种|哪个|哪一种|啥)(?![来去])([\u4e00-\u9fff]{2,4}?)(?:[？?，,。、吗呢]|$)")
_ANY_THING = re.compile(r"方法|办法|东西|手段|仪器|仪表|设备|工具|气体|材料")  # kinds too wide to be named


# "残碳化验用的是红外碳硫仪吗": an instrument the question names, asked whether it is the one.
_INSTRUMENT_ASKED = re.compile(r"([\u4e00-\u9fffa-z]{2,8}?(?:分析仪|测定仪|仪|计|检测器))"
                              r"[测量检化验的来出]{0,4}(?:吗|嘛|是不是|对不对|对吧)")


def unnamed_instrument(text: str, answer: Answer) -> str:
    """An instrument a (normalised) yes-or-no question names that nothing shown names,
    or "": the answer says nothing of whether it is the one."""
    shown = normalize(_shown_text(answer))
    for match in _INSTRUMENT_ASKED.finditer(text):
        name = re.split(r"是|用|拿|靠|的|在|个|台", match.group(1))[-1]  # the instrument's own name
        if len(name) >= 3 and name not in shown:
            return name
    return ""


# "辊速差一般设多少", "氨气分解率控多少": a rate, difference or ratio asked by its own word.
_RATIO_ASKED = re.compile(r"([\u4e00-\u9fff]{3})(?:一般|大概|大约|通常|应该|应|要|得)?"
                          r"(?:设|控|控制|给|调|定|保持|落)?(?:在|到|成)?(?:多少|几|百分之几)")
_RATIO = re.compile(r"[率差比]$")
_NOT_A_NAME = re.compile(r"[能会可要得最多少几]")  # 最多能差多少: how far apart, not a name


def missing_property(text: str, answer: Answer, wants_value: bool = False) -> str:
    """A property the (normalised) question asks about that nothing shown mentions, or "".
    When the question asks its value (碱液浓度控多少), a clause naming it must hold a number
    ("查碱液浓度" names it and gives none)."""
    # (周期性小坑 asks no period; 磁通密度 is B8, no density)
    asked = [p for p in _PROPERTIES if re.search(f"(?<!磁通){p}(?!性)", text)]
    asked += [m.group(1) for m in _WHICH_THING.finditer(text) if not _ANY_THING.search(m.group(1))]
    if wants_value and not answer.windows:
        # a window shown was chosen for the asked name already; a rule or a sentence must
        # say a number beside the ratio's word ("调整辊速差" gives none)
        asked += [m.group(1) for m in _RATIO_ASKED.finditer(text)
                  if _RATIO.search(m.group(1)) and not _NOT_A_NAME.search(m.group(1))]
    if not asked:
        return ""
    lines = [normalize(clause) for clause in re.split(r"[\n，,；;。]", _shown_text(answer))]
    lines += [normalize(f"{w.process}{w.name}{w.condition} {w.target}") for w in answer.windows]
    for prop in asked:
        # (a ratio's word is read from three characters: its last two may be all it is called)
        spellings = (prop, prop[-2:]) if _RATIO.search(prop) else (prop,)
        naming = [line for line in lines if any(s in line for s in spellings)]
        if not naming or (wants_value and not any(re.search(r"\d", line) for line in naming)):
            return prop
    return ""


# "厚度0.20 mm及以下的…": the thicknesses a sentence's figure is said for.
_THICKNESS_BOUND = re.compile(r"(\d+(?:\.\d+)?)\s*(?:mm|毫米)\s*(?:及|和|或)?(以下|以上|以内|以外|之下|之上)")


def thickness_not_covered(thickness: float, answer: Answer) -> str:
    """When every quoted sentence that bounds the thickness it speaks of ("0.20 mm及以下")
    leaves out the thickness the question names, and none names it: say what it is for."""
    bounds = [(float(m.group(1)), m.group(2), m.group(0)) for s in answer.sentences
              for m in _THICKNESS_BOUND.finditer(s.text)]
    if not bounds or any(f"{thickness:g}" in s.text for s in answer.sentences):
        return ""
    covered = [(thickness <= value) if side in ("以下", "以内", "之下") else (thickness >= value)
               for value, side, _said in bounds]
    if any(covered):
        return ""
    said = "、".join(dict.fromkeys(written for _value, _side, written in bounds))
    return f"知识库里这个数是给{said}的，没有{thickness:g} mm的。"


# Care of a person the question asks for: first aid, or a splash or burn on the body. An
# answer about the leak or the line is no answer to it.
_FIRST_AID = ("急救", "抢救", "救治", "包扎", "止血", "人工呼吸", "心肺复苏", "洗眼", "送医")
_ON_THE_BODY = re.compile(r"(胳膊|手臂|手上|手背|眼睛|眼里|皮肤|脸上|身上|脚上)[^，,。？?]{0,4}"
                          r"(?:溅|烫|烧伤|灼伤|沾)|(?:溅|烫|烧伤|灼伤|沾)[^，,。？?]{0,4}"
                          r"(胳膊|手臂|手上|手背|眼睛|眼里|皮肤|脸上|身上|脚上)")


def unanswered_care(text: str, answer: Answer) -> str:
    """First aid or a splash on the body a (normalised) question asks about that nothing
    shown speaks of, or "": the ammonia leak rule says nothing of treating the poisoned."""
    shown = normalize(_shown_text(answer))
    for act in _FIRST_AID:
        if act in text and act not in shown:
            return act
    if (match := _ON_THE_BODY.search(text)):
        part = match.group(1) or match.group(2)
        if part[:1] not in shown:
            return f"{part}上的处理"
    return ""
