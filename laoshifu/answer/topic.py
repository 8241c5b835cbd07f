"""What a question is about, and whether a quoted sentence says it: the checks that keep a
why-question from being "answered" by the knowledge base restating the question."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..text import normalize
from .asker import KnowledgeIndex
from .intent import processes_named
from .model import Answer
from .slots import ATTRIBUTES

WHY = re.compile(r"为什么|为啥|为何|凭什么|凭啥|why")
# Words that give a reason or a consequence, in the master's speech too ("快了…推迟",
# "一热…就水化", "拉过了铁损就上去了").
EXPLAINS = re.compile(r"因为|由于|所以|因此|否则|不然|才能|才会|为了|为的是|导致|造成|引起|以免|防止|避免|"
                      r"会|使得|容易|一旦|要不|结果|原因|道理|一.{1,6}就|就|"
                      r"[快慢高低多少大小急热冷过长短厚薄松紧猛]了|反过来|才")
_ASKING = re.compile(r"多少|几|多久|多长|多厚|多大|多高|怎么|什么|啥")
# A unit is what a number is counted in, not what it is of ("现在3 bar，正常多少MPa").
_UNIT_WORD = re.compile(r"(?:k?pa|mpa|bar|ppm|mm|μm|um|℃|°c|分钟|秒|小时|钟头|min|m/min|kw|w/kg|t)")
# One character, yet the whole topic of "铬高了为什么底层更匀": the alloying and
# impurity elements a grain-oriented steel's chemistry is written in.
_ELEMENTS = frozenset("碳硅锰硫磷氮氢氧铝铜锡铬铋锑钛硼镁钒铌")

# Words of the knowledge base that say nothing of what a question is about.
_FILLER = frozenset("""还是 现在 正常 一般 应该 需要 可以 就是 是不是 时候 里面 这个 那个 大概 具体 到底
左右 上下 以上 以下 之间 多少 一下 一点 有点 这样 那样 怎样 如果 还要 要是 能不能 行不行 算不算
至少 最多 超过 低于 高于 允许 不能 不许 必须 一定 非得 要求
后面 前面 后头 前头 里头 外面 上面 下面 传统 指标 情况 方面 问题 东西 规定
一整 整个 下来 总共 一共 加起来 之前 之后 以前 以后 高过 低过""".split())
# "加热到几度": the verb that carries the number asked is how it is asked, not what of.
_CARRIES_ASKED = re.compile(r"([\u4e00-\u9fff]{2})(?=(?:到|至)(?:几|多少))")
# "段里", "炉里": a place word with its preposition, too short to name anything.
_PLACE = re.compile(r"^.[里中上内]$")

# A topic word: how the question wrote it and its synonym group's name (B8 / 磁感).
TopicWord = tuple[str, str]


def topic_words(entry: KnowledgeIndex, text: str) -> list[TopicWord]:
    """What a question is about, word by word: the knowledge base's words in it (and the
    elements it names), without numbers, the attribute asked (温度) and the asking words."""
    analyzer = entry.index.analyzer
    carriers = set(_CARRIES_ASKED.findall(text))
    out = []
    for surface in analyzer.words(text, canonical=False):
        if surface in carriers:
            continue
        name = analyzer.canonical(surface)
        if surface in _ELEMENTS or (
                len(name) >= 2 and name in entry.index.vocab.ids and not re.search(r"\d", name)
                and name not in ATTRIBUTES and not _ASKING.search(surface)
                and not _UNIT_WORD.fullmatch(surface) and surface not in _FILLER
                and not _PLACE.match(surface)):
            out.append((surface, name))
    return out


def said_of(words: list[TopicWord], sentence: str) -> int:
    """How many of the question's topic words a sentence says, as the question wrote them
    or by their group's name (not by every synonym: 底层 is in many sentences)."""
    said = normalize(sentence)
    return sum(surface in said or name in said for surface, name in words)


def speaks_of(entry: KnowledgeIndex, text: str) -> Callable[[str], bool] | None:
    """Whether a sentence speaks of the question's topic, or None if it has no topic words.
    The process named is where the topic is; when two words or more say what, a sentence
    naming the process alone does not speak of it ("高温退火冷却时降到多少度换成氮气" is not
    answered by "高温退火最高温度1200℃"; "渗氮段里待多久" is by "渗氮时间60～120 s")."""
    words = topic_words(entry, text)
    if not words:
        return None
    things = [w for w in words if not processes_named(w[0], entry)]
    if len(things) >= 2:
        return lambda sentence: said_of(things, sentence) > 0
    return lambda sentence: said_of(words, sentence) > 0


def restated_not_explained(text: str, entry: KnowledgeIndex, answer: Answer) -> bool:
    """A why-question answered only by the knowledge base saying the same thing again: a
    quoted sentence holds the question's own words and no reason, and no sentence that
    gives a reason speaks of its topic. The knowledge base states it; it does not explain.
    A rule or a procedure may carry its reason; a window never does."""
    if not WHY.search(text) or answer.rules or answer.procedures:
        return False
    words = topic_words(entry, text)
    if not words:
        return False
    # (a word the question itself says explains nothing: "不容易团聚" restated; 就, 会 are
    # too common to tell)
    def explains(sentence: str) -> bool:
        return any(len(m.group()) < 2 or m.group() not in text
                   for m in EXPLAINS.finditer(normalize(sentence)))

    restating = [s for s in answer.sentences
                 if said_of(words, s.text) >= 0.75 * len(words) and not explains(s.text)]
    # the master's reason right beside his claim, in the same note ("露点仪读数掉了先别调
    # 加湿器…" then "伴热坏了，管子里一结水，读的就是假露点")
    # (a marker of two characters or more: a lone 就 or 会 beside it proves nothing)
    if any(any(len(m.group()) >= 2 and m.group() not in text for m in EXPLAINS.finditer(normalize(s.text)))
           and set(s.citations) & set(r.citations)
           for r in restating for s in answer.sentences if s is not r):
        return False
    restated = bool(restating)
    # A reason given for something else (涂布量…就会色差, beside 铬…底层更均匀) is none:
    # it must speak of the question's rarest word and of half its topic (words the
    # segmenter guessed, 成纯 of 切换成纯氢, are no measure of either).
    analyzer = entry.index.analyzer
    words = [w for w in words if analyzer.in_dictionary(w[0]) or analyzer.in_dictionary(w[1])] or words
    rarest = max(words, key=lambda w: _idf(entry, w[1]))
    explained = any(explains(s.text) and said_of([rarest], s.text)
                    and said_of(words, s.text) >= max(min(2, len(words)), len(words) / 2)
                    for s in answer.sentences)
    return restated and not explained


# A figure a why-question asks the reason of: "为啥要五倍炉膛容积", "带速为啥不能超过60"
_FIGURE = re.compile(r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+(?=倍|步|遍|个?小时|个?钟头)")
_CHINESE_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                   "七": "7", "八": "8", "九": "9", "十": "10"}


def figure_not_explained(text: str, answer: Answer) -> str:
    """The figure a (normalised) why-question asks about ("吹扫为啥要五倍炉膛容积") when it
    is shown only as a procedure's step or a study's finding, with no reason beside it (the
    steps set five times and say no more), or "". A figure in the master's own notes or
    rules is left to the other checks: his reason is often a sentence away."""
    if not WHY.search(text):
        return ""
    # (a procedure's step sets a figure; it does not explain it)
    stepped = {c.n for c in answer.citations if c.kind == "procedure"}
    def reports(s) -> bool:
        return s.attribution == "literature" or bool(set(s.citations) & stepped)

    own = [normalize(s.text) for s in answer.sentences if not reports(s)]
    own += [normalize(t) for r in answer.rules for t in (r.diagnosis, *r.actions)]
    reported = [normalize(s.text) for s in answer.sentences if reports(s)]
    reported += [normalize(step) for p in answer.procedures for step in p.steps]
    for match in _FIGURE.finditer(text):
        figure = match.group()
        spellings = {figure, "".join(_CHINESE_DIGITS.get(c, c) for c in figure)}

        def holds(said: str) -> bool:
            return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d.])", said) for f in spellings)

        if any(holds(s) for s in own):
            continue
        holding = [s for s in reported if holds(s)]
        if holding and not any(m.group() not in text for s in holding for m in EXPLAINS.finditer(s)
                               if len(m.group()) >= 2 or m.group() in "会就才"):
            unit = "" if figure[0].isdigit() else re.match(r"[^\s，,。？?！!、]{0,1}", text[match.end():]).group()
            return figure + unit
    return ""


def _idf(entry: KnowledgeIndex, name: str) -> float:
    column = entry.index.vocab.ids.get(name)
    idf = entry.index.idf()
    return float(idf[column]) if column is not None and column < len(idf) else float("inf")


# "镰刀弯是啥", "Blaine比表面积到底是什么意思": the thing a what-is question asks about.
_ASKED_TERM = re.compile(r"([\u4e00-\u9fffa-z0-9/+\-]{2,12}?)[”\"'’]?(?:到底|究竟)?(?:是啥意思|是什么意思|什么意思|啥意思|"
                         r"是个?(?:啥|什么)(?:东西|玩意儿?)|是个啥|是个什么|"
                         r"是(?:什么|啥)样的?(?:钢|料|东西|毛病|缺陷)?|"
                         r"是啥|是什么|指的是什么|指什么|是指什么|是咋回事|是怎么回事)(?=[？?，,。!！\s]|$)")
_ASKED_TERM_AFTER = re.compile(r"^(?:请问)?(?:什么叫做?|啥叫|何谓|什么是|啥是)[“\"']?([\u4e00-\u9fffa-z0-9/+\-]{2,12}?)[”\"']?"
                                r"(?=[？?，,。!！\s]|$)")
_FILLER_BEFORE = re.compile(r"^(?:那个|这个|说的|讲的|所谓|所谓的|叫|叫做|的)+")
# A sentence that says what it is: "X是…", "X就是…", "X指…", "叫X", "X，即…" (not "X是5%").
_DEFINES = r"(?:是(?![\d一二两三四五六七八九十百零多少每约大概])|就是|指|即|意思是|代表|表示|称为|叫做?)"


# "数字都啥意思" after a designation (23QG085) asks what the designation says.
_KIND_OF_THING = frozenset({"比值", "东西", "词", "说法", "指标", "参数", "玩意", "玩意儿", "名词", "概念"})
_PARTS_OF_A_NAME = frozenset({"数字", "字母", "符号", "代号", "编号", "数"})
_DESIGNATION = re.compile(r"([a-z0-9][a-z0-9.\-]{3,})")


def undefined_term(text: str, answer: Answer, defined: tuple[str, ...] = ()) -> str:
    """The thing a (normalised) what-is question asks about when the glossary entry the
    answer leads with (``defined``: its spellings) is not for it and no shown sentence says
    what it is (镰刀弯 is only named, as a cause of running off; MgO's entry is not what
    its Blaine specific surface means), or ""."""
    match = _ASKED_TERM.search(text)
    if not match:
        # "什么叫反常涡流损耗": the thing after the asking words
        after = _ASKED_TERM_AFTER.search(text)
        return _unexplained(after.group(1), answer, defined) if after else ""
    parts = re.split(r"[，,。“”\"'‘’（）()：:]|里|的|那个|这个|后面|前面", match.group(1))
    # "PH2O/PH2这个比值是什么意思": the thing is named before the word that says what kind it is
    while len(parts) > 1 and parts[-1] in _KIND_OF_THING:
        parts.pop()
    asked = _FILLER_BEFORE.sub("", parts[-1])
    asked = re.sub(r"(?:到底|究竟)?(?:是个?)?[都也又]?$", "", asked)  # "{110}<001>到底是个啥意思"
    if asked in _PARTS_OF_A_NAME and (named := _DESIGNATION.search(text[:match.end()])):
        # "23QG085这牌号…数字都啥意思": the designation is asked, and "23QG085是0.23 mm高磁感"
        # says what it is (a number after 是 is its reading, not an amount)
        shown = [normalize(s.text) for s in answer.sentences]
        return "" if any(re.search(rf"{re.escape(named.group(1))}就?是", s) for s in shown) \
            else named.group(1)
    return _unexplained(asked, answer, defined)


def _unexplained(asked: str, answer: Answer, defined: tuple[str, ...]) -> str:
    """``asked`` when no glossary entry quoted is for it and no shown sentence says what it
    is, else ""."""
    if len(asked) < 2 or any(asked in d or d in asked for d in defined):
        return ""
    shown = [normalize(s.text) for s in answer.sentences]
    defining = re.compile(rf"{re.escape(asked)}[”\"']?\s*[，,]?\s*{_DEFINES}|"
                          rf"(?:叫|称为|叫做|所谓)[“\"']?{re.escape(asked)}")
    said = any(asked in s for s in shown)
    return "" if any(defining.search(s) for s in shown) or (said and _glossed(asked, shown)) else asked


def _glossed(asked: str, shown: list[str]) -> bool:
    """The thing in brackets or after a dash beside its explanation: "coil burning（钢卷粘结）"."""
    return any(re.search(rf"{re.escape(asked)}\s*[（(—]", s) for s in shown)
