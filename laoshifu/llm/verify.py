"""Hold every sentence the model writes to the units it cites.

A sentence is kept only if
- it carries at least one ``[n]`` and every ``[n]`` is a cited unit that says something
  the sentence says;
- every number in it, with its unit, equals a number in a unit it marks (after unit
  conversion: 60℃ may be written 333 K, never 60 K), and where the sentence names a
  parameter the number is that parameter's;
- every parameter it names is named in a unit it marks;
- every action in it (降低…, 关闭…, 检查…) is one of the marked units' actions or steps,
  with the same verb and the same "do" or "don't";
- its words are, for the most part, the marked units' words.

Anything else is dropped with the reasons, for the master to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rjieba

from ..text import normalize, split_sentences
from ..knowledge.vocabulary import Vocabulary
from .numbers import NumberReader, Quantity, same_quantity
from .prompt import Source

# Share of a sentence's content words that must occur in the units it marks: one new word
# in four is wording; "露点高了会爆炸" (one of two) is a claim the master never made.
CONTENT_OVERLAP = 0.75
# …and of an action clause's words in one action, step or sentence of those units.
ACTION_OVERLAP = 0.5
# …and, for each [n] that supports no number or name of the sentence, in that unit alone.
MARKER_OVERLAP = 0.34

# Operations a worker performs; a flipped or invented one is the most dangerous mistake.
ACTION_VERBS = (
    "提高", "降低", "升高", "加大", "减小", "减少", "增加", "关闭", "关掉", "关小", "开大", "打开", "开启",
    "停止", "停车", "停炉", "停机", "切换", "切断", "切除", "通入", "吹扫", "放散", "置换", "检查", "确认",
    "核对", "通知", "报告", "上报", "联系", "更换", "清理", "清洗", "补充", "排放", "排水", "升温", "降温",
    "降速", "升速", "提速", "减速", "调整", "调节", "调高", "调低", "取样", "点火", "熄火", "泄压", "充氮",
    "通氮", "复查", "改用", "切边", "隔离", "撤离", "疏散", "提到", "降到", "调到", "加到", "减到", "升到",
    "开到", "关到", "加湿", "停用", "投用", "启动", "放慢", "加快", "补涂", "修磨", "打磨", "标记",
)
_NEGATIONS = ("不要", "不能", "不得", "不可", "禁止", "严禁", "别", "勿", "不准", "不用", "无需", "不必")
_MARKER = re.compile(r"[\[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]")
# "1. ", "2、", "(3)", "- ": list marks, not numbers; "0.23 mm" keeps its "0.".
_LIST_PREFIX = re.compile(r"^\s*(?:[-*•·#>]+\s*|\d{1,2}\s*(?:\.(?!\d)|[、)）])\s*|[（(]\d{1,2}[)）]\s*)")
_CLAUSE = re.compile(r"[，,；;：:、]")
_REPLY_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』）)\]]*)?|[。！？!?]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万点多来余度个次档]+$")
# Words that carry no claim of their own: how a sentence is put, not what it says.
_GENERIC = frozenset("""
控制 之间 左右 一般 需要 应该 可以 保持 范围 目标 上下 以上 以下 时候 的话 注意 就是 这个 那个 我们 你们
师傅 资料 根据 所以 因为 如果 然后 同时 还要 还是 或者 以及 比较 非常 一定 要求 情况 问题 方面 主要 通常
大约 大概 现在 其中 进行 出现 发生 建议 这样 那样 这时 此时 也就是说 也就是 就要 就会 一下 一些 不过 但是
而且 并且 所谓 说明 表示 指的是 是指 意思 一点 总之 另外 首先 其次 最后 先要 再要 为了 由于 对于 关于
""".split())  # noqa: SIM905 (a word list reads better as words)


@dataclass(frozen=True)
class Finding:
    """Why a sentence cannot be kept: a code and the words at fault."""

    code: str
    detail: str

    def to_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # as shown: markers written [n]
    citations: tuple[int, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict:
        return {"text": self.text, "citations": list(self.citations),
                "findings": [f.to_dict() for f in self.findings]}


@dataclass
class _Span:
    """One sentence or line of a source, read once."""

    text: str
    numbers: list[Quantity]
    keys: set[str]


@dataclass
class _SourceText:
    source: Source
    text: str
    spans: list[_Span]
    keys: set[str] = field(default_factory=set)


class Checker:
    """Checks sentences against one answer's sources."""

    def __init__(self, sources: list[Source], vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        units = {p.unit for params in vocabulary.parameters.values() for p in params}
        self.reader = NumberReader(units)
        self._spellings = sorted(((s, keys) for s, keys in vocabulary.spellings.items()
                                  if len(s) >= 2), key=lambda item: -len(item[0]))
        self.sources: dict[int, _SourceText] = {}
        for source in sources:
            text = normalize(source.text)
            spans = []
            for line in split_sentences(text):
                spans.append(_Span(line.text, self.reader.read(line.text, all_chinese=True),
                                   self._keys(line.text)))
            item = _SourceText(source, text, spans)
            item.keys = set().union(*(s.keys for s in spans)) if spans else set()
            self.sources[source.n] = item

    # -- the sentence --------------------------------------------------------------------
    def check(self, sentence: str) -> CheckedSentence:
        shown, citations = _markers(sentence)
        findings: list[Finding] = []
        if not citations:
            return CheckedSentence(shown, (), (Finding("no_citation", "没有标出处"),))
        unknown = [n for n in citations if n not in self.sources]
        if unknown:
            findings.append(Finding("unknown_citation",
                                    "、".join(f"[{n}]" for n in unknown) + " 不是这个回答引用的资料"))
        marked = [self.sources[n] for n in citations if n in self.sources]
        if not marked:
            return CheckedSentence(shown, citations, tuple(findings))
        text = normalize(_LIST_PREFIX.sub("", _MARKER.sub(" ", sentence)))
        mentions = self._mentions(text)
        supported_by: dict[int, int] = {n: 0 for n in citations}
        findings += self._numbers(text, mentions, marked, supported_by)
        findings += self._names(mentions, marked, supported_by)
        findings += self._actions(text, marked)
        findings += self._content(text, marked, supported_by)
        return CheckedSentence(shown, citations, tuple(findings))

    def _numbers(self, text: str, mentions: list[set[str]], marked: list[_SourceText],
                 supported_by: dict[int, int]) -> list[Finding]:
        findings = []
        named = set().union(*mentions) if mentions else set()
        for claim in self.reader.read(text):
            matches = [(item, i) for item in marked for i, span in enumerate(item.spans)
                       if any(same_quantity(claim, q) for q in span.numbers)]
            if not matches:
                findings.append(Finding("number_unsupported",
                                        f"「{claim.text}」在所标资料里没有（换算单位后也对不上）"))
                continue
            for item, _ in matches:
                supported_by[item.source.n] += 1
            # The number must be said of the parameter the sentence names: in the same
            # sentence of the source, the one before it, or the source's own record.
            if named and not any(self._about(item, i) & named for item, i in matches):
                findings.append(Finding("number_other_parameter",
                                        f"「{claim.text}」在所标资料里不是说{self._names_of(named)}的"))
        return findings

    def _about(self, item: _SourceText, index: int) -> set[str]:
        keys = set(item.spans[index].keys)
        if index > 0:
            keys |= item.spans[index - 1].keys
        if item.spans:
            keys |= item.spans[0].keys  # the head line names the unit's own parameter
        return keys

    def _names(self, mentions: list[set[str]], marked: list[_SourceText],
               supported_by: dict[int, int]) -> list[Finding]:
        findings = []
        for keys in mentions:
            holders = [item for item in marked if item.keys & keys]
            if not holders:
                findings.append(Finding("name_unsupported",
                                        f"参数「{self._names_of(keys)}」所标资料里没有提到"))
            for item in holders:
                supported_by[item.source.n] += 1
        return findings

    def _actions(self, text: str, marked: list[_SourceText]) -> list[Finding]:
        findings = []
        spans = [span for item in marked for span in item.spans]
        for clause in _clauses_with_verbs(text):
            words = content_words(clause)
            verbs = [v for v in ACTION_VERBS if v in clause]
            close = [s for s in spans if not words or _share(words, s.text) >= ACTION_OVERLAP]
            for verb in verbs:
                holders = [s for s in close if verb in s.text]
                if not holders:
                    findings.append(Finding("action_unsupported",
                                            f"动作「{clause.strip()}」不是所标资料里的做法"))
                    break
                negated = _negated(clause, verb)
                if not any(_negated(s.text, verb) == negated for s in holders):
                    findings.append(Finding("action_unsupported",
                                            f"「{clause.strip()}」把资料里的{'要' if negated else '不要'}"
                                            f"{verb}说反了"))
                    break
        return findings

    def _content(self, text: str, marked: list[_SourceText], supported_by: dict[int, int]
                 ) -> list[Finding]:
        words = content_words(text)
        if not words:
            return []
        findings = []
        share = _share(words, "\n".join(item.text for item in marked))
        if share < CONTENT_OVERLAP:
            missing = "、".join(sorted(w for w in words
                                      if not any(w in item.text for item in marked))[:4])
            findings.append(Finding("content_unsupported",
                                    f"这句话只有 {share:.0%} 的词出自所标资料（没有：{missing}）"))
        for item in marked:
            own = _share(words, item.text)
            if not supported_by.get(item.source.n) and own < MARKER_OVERLAP:
                findings.append(Finding("citation_unrelated",
                                        f"[{item.source.n}] {item.source.unit.title} 和这句话无关"))
        return findings

    # -- names of parameters -------------------------------------------------------------
    def _keys(self, text: str) -> set[str]:
        return set().union(*self._mentions(text)) if text else set()

    def _mentions(self, text: str) -> list[set[str]]:
        """The quantities a text names, longest spelling first, without overlaps."""
        compact = text.replace(" ", "").casefold()
        taken = [False] * len(compact)
        found = []
        for spelling, keys in self._spellings:
            start = compact.find(spelling)
            while start >= 0:
                end = start + len(spelling)
                if not any(taken[start:end]) and _bounded(compact, start, end, spelling):
                    for i in range(start, end):
                        taken[i] = True
                    found.append(set(keys))
                start = compact.find(spelling, start + 1)
        return found

    def _names_of(self, keys: set[str]) -> str:
        return "、".join(sorted({self.vocabulary.names.get(k, k) for k in keys}))


def split_reply(text: str) -> list[str]:
    """The model's reply as sentences; a marker written after the full stop stays with
    the sentence before it (露点60℃。[1])."""
    text = re.sub(r"<think>.*?(?:</think>|$)", "", text, flags=re.DOTALL)
    text = text.replace("**", "").replace("__", "")
    # Not at ；: a clause cut from its sentence loses the sentence's marker.
    pieces = [p.strip() for p in _REPLY_SENTENCE.findall(text)]
    pieces = [p for p in pieces if p and any(ch.isalnum() for ch in p)]
    out: list[str] = []
    for piece in pieces:
        lead = re.match(r"^(\s*(?:[\[【]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]】]\s*)+)(.*)$", piece, re.DOTALL)
        if lead and out:
            out[-1] += lead.group(1).strip()
            piece = lead.group(2).strip()
            if not piece or not any(ch.isalnum() for ch in piece):
                continue
        out.append(piece)
    return [s for s in out if s.strip()]


def is_unsure(text: str) -> bool:
    """The model says it does not know (规则 4): not a fabrication, a fall-back."""
    bare = re.sub(r"[\s。.!！?？\[\]【】\d]", "", text)
    return bare in ("不确定", "我不确定", "不确定资料里没有", "资料里没有", "资料中没有") or bare.startswith("不确定")


def _markers(sentence: str) -> tuple[str, tuple[int, ...]]:
    numbers: list[int] = []

    def one(match: re.Match) -> str:
        found = [int(x) for x in re.split(r"\s*[,，、]\s*", match.group(1))]
        numbers.extend(n for n in found if n not in numbers)
        return "".join(f"[{n}]" for n in found)

    shown = _LIST_PREFIX.sub("", _MARKER.sub(one, sentence)).strip()
    return shown, tuple(numbers)


def _bounded(text: str, start: int, end: int, spelling: str) -> bool:
    # Latin spellings are words: "h2" is not in "h2o", "dp" not in "dpi".
    if not spelling.isascii():
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (before.isascii() and (before.isalnum() or before == "_")) and \
        not (after.isascii() and (after.isalpha() or after == "_"))


def content_words(text: str) -> set[str]:
    """The words that say something: two characters or more, not a number, not filler."""
    out = set()
    for word in rjieba.cut(text):
        word = word.strip().casefold()
        if len(word) < 2 or word in _GENERIC or _NUMERAL.match(word):
            continue
        if _HAN.search(word) or (word.isascii() and word.isalpha()):
            out.add(word)
    return out


def _share(words: set[str], text: str) -> float:
    """Share of ``words`` found in ``text`` (substring: segmentations may differ)."""
    return sum(1 for w in words if w in text) / len(words) if words else 1.0


def _clauses_with_verbs(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if any(v in c for v in ACTION_VERBS)]


def _negated(text: str, verb: str) -> bool:
    """Is the (first) ``verb`` in ``text`` under a don't (不要/严禁/别 … within 4 characters)?"""
    at = text.find(verb)
    if at < 0:
        return False
    before = text[max(0, at - 4):at]
    return any(n in before for n in _NEGATIONS)
