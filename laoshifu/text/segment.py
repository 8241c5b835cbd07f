"""Segmentation into index tokens: rjieba words + domain terms + CJK bigrams + synonyms."""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from laoshifu.text.normalize import normalize
from laoshifu.text.phrases import PhraseTable
from laoshifu.knowledge.units import Parameter, QA, Term, Unit

# Question and function words: they say how a question is asked, not what it is about.
# Dropped on both sides so they neither match nor glue bigrams together.
STOPWORDS = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 么 嘛 哦 是 在 和 与 及 或 而 之 其 于 以 为 被 把 让 给 对 从 向 到 由
    也 都 还 又 就 才 将 会 能 可 要 得 地 着 过 个 这 那 该 此 有 没 不 很 太 更 最 请 请问 一下
    这个 那个 这些 那些 这里 那里 这样 那样 哪 哪里 哪儿 哪个 哪些 哪一 哪一个 哪一年 哪年 哪位
    什么 什么样 啥 怎么 怎样 怎么样 怎么办 如何 为什么 为何 多少 几 几个 多大 多高 多长 多久
    何时 何地 谁 是否 是不是 有没有 能不能 可不可以 一般 通常 大概 大约 左右 应该 需要 可以 能够
    老是 总是 经常 我 你 他 她 它 我们 你们 他们 她们 它们 自己 一个 一种 一些
    什么时候 多少钱 叫 称为 被称为 哪些地方
    咋 咋办 咋整 咋弄 咋回事 咋样 怎么回事 怎么搞 怎么弄 怎么处理 如何处理 会怎样 会怎么样 怎么了
    啦 呗 哈 嗯 师傅 老师傅 请教 问一下 问下 想问 想知道 知道 告诉 平时 一般来说 到底 究竟
    啥意思 啥意 回事 指的是 啥东西 什么东西 为啥 咋个 行不行 行不
    the a an of to in on at is are was were be for and or what which who when where why how
    does do did
    """.split()
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MEMO_SIZE = 256  # texts whose tokens an analyzer remembers: an ask's own, not a day's
_CONTENT = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff℃%μ]")


@functools.cache
def _jieba_class() -> type:
    """rjieba's ``Jieba``, loaded without running ``import rjieba``: the package builds a
    default dictionary of its own at import (~0.15 s), and every analyzer builds its own
    anyway, so a cold command would build two."""
    try:
        spec = importlib.util.find_spec("rjieba")
        folder = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
        binary = next(folder.glob("rjieba.*.so"), None) or next(folder.glob("rjieba.*.pyd"))
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(binary))
        module = importlib.util.module_from_spec(
            importlib.util.spec_from_file_location("rjieba.rjieba", binary, loader=loader))
        loader.exec_module(module)
        return module.Jieba
    except Exception:  # another layout of the package: the ordinary import
        import rjieba

        return rjieba.Jieba


def _is_cjk(word: str) -> bool:
    return word == "" or _CJK_WORD.fullmatch(word) is not None


class Analyzer:
    """Turns text into index tokens; build one per knowledge base (its lexicon and synonyms).

    ``synonyms`` are groups whose first member is the canonical token every member maps to.
    """

    def __init__(
        self,
        terms: Iterable[str] = (),
        synonyms: Iterable[Sequence[str]] = (),
        *,
        bigrams: bool = True,
        phrases: Iterable[str] | None = None,
        normalized: bool = False,
    ) -> None:
        if normalized:  # from a saved spec: already normalised, unique and sorted
            self.terms = tuple(terms)
            groups = (tuple(g) for g in synonyms)
        else:
            self.terms = tuple(sorted({t for t in (normalize(x) for x in terms) if t}))
            groups = (tuple(t for t in (normalize(x) for x in g) if t) for g in synonyms)
        self.synonyms = tuple(g for g in groups if g)
        self.bigrams = bigrams
        self._canonical: dict[str, str] = {}
        for group in self.synonyms:
            for surface in group:
                self._canonical.setdefault(surface, group[0])
        # Each analyzer owns its jieba so one knowledge base's words never leak into another.
        self._jieba = _jieba_class()()
        surfaces = set(self.terms) | set(self._canonical)
        for surface in surfaces:
            if len(surface) >= 2 and " " not in surface:
                self._jieba.add_word(surface, None, None)
        # Terms jieba still will not produce whole ("dew point", "h2比例") are matched
        # directly, longest first, and emitted as extra tokens. Finding them means cutting
        # every term once, so a saved analyzer keeps the list (``spec``).
        if phrases is None:
            phrases = [s for s in surfaces if self._jieba.cut(s) != [s]]
        self.phrases = tuple(sorted(phrases))
        self._phrases = PhraseTable({p: p for p in self.phrases}, min_len=1) if self.phrases else None
        # One question is tokenized by retrieval, intent, support and confidence alike:
        # the same text is cut once (a copy is returned, so callers may change theirs).
        self._memo: dict[str, tuple[str, ...]] = {}

    def tokens(self, text: str) -> list[str]:
        """Index tokens of ``text`` (normalised here): words, domain terms, CJK bigrams."""
        return self.tokens_normalized(normalize(text))

    def tokens_normalized(self, text: str) -> list[str]:
        """``tokens`` for text that already went through ``normalize``."""
        if not text:
            return []
        found = self._memo.get(text)
        if found is None:
            found = tuple(self._tokens(text))
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()  # a burst of new texts (indexing) starts afresh
            self._memo[text] = found
        return list(found)

    def _tokens(self, text: str) -> list[str]:
        canonical = self._canonical
        out: list[str] = []
        for word in self._jieba.cut_for_search(text):
            if word in STOPWORDS or not _CONTENT.search(word):
                continue
            out.append(canonical.get(word, word))
        if self._phrases is not None:
            out.extend(canonical.get(p, p) for _start, _end, p in self._phrases.find(text))
        if self.bigrams:
            out.extend(self._bigrams(text))
        return out

    def word_bounds(self, text: str) -> set[int]:
        """Where the segmenter puts word boundaries in ``text`` (already normalised), as
        character offsets: a short form found across two words is not that word."""
        bounds, at = {0}, 0
        for word in self._jieba.cut(text):
            at += len(word)
            bounds.add(at)
        return bounds

    def words(self, text: str, *, canonical: bool = True) -> list[str]:
        """Content words of ``text`` (no bigrams): what a question is about, word by word;
        each as its synonym group's canonical name, or as written (``canonical=False``)."""
        text = normalize(text)
        if not text:
            return []
        words = [w for w in self._jieba.cut(text)
                 if w not in STOPWORDS and _CONTENT.search(w) and w.strip()]
        return [self._canonical.get(w, w) for w in words] if canonical else words

    def in_dictionary(self, word: str) -> bool:
        """Is ``word`` in the segmenter's dictionary (its own or the knowledge base's terms),
        not a run of characters the segmenter guessed to be a word ("切换成纯氢" → 成纯)?"""
        return bool(self._jieba.has_word(word))

    def canonical(self, word: str) -> str:
        """The name a word's synonym group goes by (the word itself if it has none)."""
        return self._canonical.get(word, word)

    def _bigrams(self, text: str) -> list[str]:
        # Bigrams over runs of CJK content words, so an unseen term still matches however
        # jieba cut it, while stopwords and punctuation break runs ("一般控制" gives no "般控").
        out: list[str] = []
        run: list[str] = []
        for word in [*self._jieba.cut(text), ""]:
            if word and word not in STOPWORDS and _is_cjk(word):
                run.append(word)
                continue
            if run:
                joined = "".join(run)
                out.extend(joined[i : i + 2] for i in range(len(joined) - 1))
                run = []
        return out

    def spec(self) -> dict[str, Any]:
        """Everything needed to rebuild this analyzer (saved next to an index)."""
        return {"terms": list(self.terms), "synonyms": [list(g) for g in self.synonyms],
                "bigrams": self.bigrams, "phrases": list(self.phrases), "normalized": True}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> "Analyzer":
        return cls(spec.get("terms", ()), spec.get("synonyms", ()), bigrams=spec.get("bigrams", True),
                   phrases=spec.get("phrases"), normalized=spec.get("normalized", False))

    @classmethod
    def from_units(cls, units: Iterable[Unit]) -> "Analyzer":
        terms, synonyms = lexicon_from_units(units)
        return cls(terms, synonyms)


def lexicon_from_units(units: Iterable[Unit]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Domain terms (parameter names/symbols, glossary terms, short titles) and synonym groups."""
    terms: list[str] = []
    groups: list[tuple[str, ...]] = []
    for unit in units:
        if isinstance(unit, Term):
            group = tuple(x for x in (unit.title, *unit.synonyms, unit.english) if x.strip())
            groups.append(group)
            terms.extend(group)
        elif isinstance(unit, Parameter):
            names = [x for x in (unit.name, unit.symbol, unit.english) if x.strip()]
            terms.extend(names)
            if len(names) > 1:
                groups.append(tuple(names))
        elif isinstance(unit, QA):
            pass  # questions are sentences, not terms
        # Short titles are names of things ("高温退火", "MgO 涂层"); long ones are sentences.
        if 2 <= len(unit.title) <= 12:
            terms.append(unit.title)
    return terms, groups
