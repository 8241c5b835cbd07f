"""The words and number shapes the master uses for windows, conditions and orders.

Only the common patterns (the issue's list): a window "控制在55～65℃", limits "不超过",
"±", 以上/以下, 左右; conditions "露点超过65℃、氢气低于20%时"; orders 先…再…最后….
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..quantities import normalize_unit

NUMBER = r"[-−]?\d+(?:\.\d+)?"
# Longest spellings first; a letter unit may not run on into a word (s in "same").
UNIT = (r"(?:℃/h|℃/s|℃/min|°C/h|℃|°C|摄氏度|度|K(?![A-Za-z])|%|％|‰|ppm|m/min|米/分钟|米/分|m/s|"
        r"mm|μm|µm|um|g/m²|g/m2|g/cm³|kPa|MPa|Pa(?![A-Za-z])|mbar|kN|Nm³/h|m³/h|mS/cm|L/min|kW|"
        r"rpm|min(?![A-Za-z])|分钟|s(?![A-Za-z])|秒|h(?![A-Za-z])|小时|T(?![A-Za-z])|W/kg|Ω·mm²)")
RANGE_SEP = r"(?:～|~|〜|－|—|–|-|到|至)"

_NUM_UNIT = rf"(?P<{{n}}>{NUMBER})\s*(?P<{{u}}>{UNIT})?"


def _nu(n: str, u: str) -> str:
    return _NUM_UNIT.format(n=n, u=u)


# A window in a clause, after the parameter's name. Each gives lower/upper/target.
RANGE = re.compile(rf"{_nu('a', 'ua')}\s*{RANGE_SEP}\s*{_nu('b', 'ub')}(?:\s*之间)?")
PLUS_MINUS = re.compile(rf"{_nu('t', 'ut')}\s*(?:±|\+/-|正负)\s*{_nu('d', 'ud')}")
SPREAD = re.compile(rf"(?:上下|正负)(?:不超过|浮动|波动|差)?\s*{_nu('d', 'ud')}")
UPPER_BEFORE = re.compile(
    rf"(?:最高也?|最多)?(?:不超过|不能超过|别超过|不要超过|不许超过|不得超过|超不过|不高于|不能高于|别高于|"
    rf"不大于|小于等于|≤|<=|最高|最多|(?<=[要得应须])(?:低于|小于|不到))\s*(?:到|在|是)?\s*{_nu('v', 'uv')}"
    rf"(?!\s*(?:{UNIT})?\s*(?:以上|以下|以内|之内|左右|上下|{RANGE_SEP}))")
LOWER_BEFORE = re.compile(
    rf"(?:不低于|不能低于|别低于|别低过|不能低过|不要低于|不许低于|不得低于|不少于|不小于|大于等于|≥|>=|至少|"
    rf"最低|最少得?|(?<=[要得应须])(?:高于|大于))"
    rf"\s*(?:到|在|是)?\s*{_nu('v', 'uv')}")
UPPER_AFTER = re.compile(rf"{_nu('v', 'uv')}\s*(?:以下|以内|之内)")
LOWER_AFTER = re.compile(rf"{_nu('v', 'uv')}\s*以上")
TARGET_BEFORE = re.compile(
    rf"(?:目标值?是?|一般(?:放在?|按|是|在)?|放在?|按|稳在|定在|控制在|保持在|设定?在?为?)\s*{_nu('v', 'uv')}")
TARGET_AFTER = re.compile(rf"{_nu('v', 'uv')}\s*(?:左右|上下|最好|为宜|最合适|最理想)")
RATE_UNIT = re.compile(rf"每(?P<per>小时|分钟|秒)\s*{_nu('v', 'uv')}")
_PER = {"小时": "h", "分钟": "min", "秒": "s"}

# Conditions: a name, a comparison word, a number.
COMPARE_WORDS = (
    ("不超过", "<="), ("不高于", "<="), ("不大于", "<="), ("不低于", ">="), ("不小于", ">="),
    ("不少于", ">="), ("超过", ">"), ("高于", ">"), ("大于", ">"), ("高过", ">"), ("超出", ">"),
    ("过了", ">"), ("超", ">"), ("低于", "<"), ("小于", "<"), ("不到", "<"), ("不足", "<"),
    ("掉到", "<"), ("降到", "<"), ("≥", ">="), ("≤", "<="), (">=", ">="), ("<=", "<="),
    (">", ">"), ("<", "<"),
)
_COMPARE_ALT = "|".join(re.escape(w) for w, _ in COMPARE_WORDS)
COMPARISON = re.compile(
    rf"(?P<name>[^，,、；;。\d<>≥≤]*?)\s*(?P<word>{_COMPARE_ALT})\s*{_nu('v', 'uv')}\s*(?P<after>以上|以下)?")
NAME_NUMBER_SIDE = re.compile(rf"(?P<name>[^，,、；;。\d]*?)\s*{_nu('v', 'uv')}\s*(?P<after>以上|以下)")
_COMPARE_OPS = dict(COMPARE_WORDS)

AND_WORDS = ("并且", "而且", "同时", "且", "和", "、", "，", ",")
OR_WORDS = ("或者", "或是", "或")

# Ordered actions and steps.
FIRST_WORDS = ("首先", "第一", "先")
NEXT_WORDS = ("然后", "接着", "随后", "之后", "其次", "最后", "再", "第二", "第三", "第四", "第五")
NEGATED_NEXT = re.compile(r"(?:不要|不能|别|不|没|不许)再")
# Words that start an action the master tells someone to do.
IMPERATIVE = re.compile(
    r"^(?:立即|马上|立刻|赶紧|迅速|要|必须|把|将|查|检查|看|降|提|调|关|开|停|切断|切|通知|报告|"
    r"加|减|补|换|挂牌|隔离|按|取样|测|撤|戴|打开|关闭|放|通|吹扫|联系|记录|确认|安排|启动)")
TRIGGER_START = re.compile(r"^(?:一旦|如果|假如|要是|若是?|万一|当)")
TRIGGER_END = re.compile(r"(?:的时候|时候|的话|时|之后|以后|后)$")
# A trigger that describes trouble: a symptom rule rather than an operation.
TROUBLE = re.compile(
    r"报警|偏高|偏低|偏厚|偏薄|偏大|偏小|超标|超限|异常|泄漏|漏|断带|断|跑偏|着火|起火|冒烟|爆|停电|停水|"
    r"结瘤|结垢|发暗|发黑|发蓝|发花|发白|缺陷|波动|失灵|故障|坏了|堵|裂|粘|不合格|不够|不足|差|掉|"
    r"高了|低了|多了|少了|不准|不对|打滑|抖")
SAFETY = re.compile(r"氢|氨|着火|起火|爆|泄漏|漏气|停电|防毒|撤人|撤出|氧含量|煤气|中毒")

# Numbered steps: 1. 1、 (1) （1） 一、 第一步
ENUMERATOR = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|"
    r"第[一二三四五六七八九十\d]{1,3}步\s*[，,、：:]?)\s*")

# Terms.
TERM_DEFINED = re.compile(r"^(?:所谓)?(?P<term>[^，,。；;\d]{1,14}?)(?:指的是|是指|就是指)(?P<rest>.+)$")
TERM_SO_CALLED = re.compile(r"^所谓(?P<term>[^，,。；;\d]{1,14})[，,]\s*(?:就是|是|指的是)(?P<rest>.+)$")
TERM_ALIAS = re.compile(
    r"^(?P<term>[^，,。；;\d]{1,14}?)(?:又叫做?|也叫做?|又称为?|也称为?|俗称|简称|也就是|外号叫)(?P<rest>[^，,。；;]{1,30})$")

SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n")
CLAUSE_SPLIT = re.compile(r"[，,；;]")


@dataclass(frozen=True)
class Value:
    number: float
    unit: str


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def unit_of(text: str | None) -> str:
    if not text:
        return ""
    text = text.replace("％", "%")
    if text in ("米/分", "米/分钟"):
        return "m/min"
    if text in ("度", "摄氏度", "°C"):
        return "℃"
    if text == "°C/h":
        return "℃/h"
    if text in ("μm", "µm", "um"):
        return "μm"
    return normalize_unit(text)


def rate_unit(per: str, unit: str) -> str:
    """每小时15℃ → ℃/h."""
    return f"{unit}/{_PER[per]}" if unit else ""


def compare_op(word: str, after: str | None) -> str:
    if after == "以上":
        return ">="
    if after == "以下":
        return "<="
    return _COMPARE_OPS[word]
