"""What Laoshifu says to people outside the web page's labels — the diagnosis, audit
entries, the words for severities and categories — Chinese by default, English on request.

One catalogue, keyed, each entry (中文, English); the library keeps ``Message`` objects
(a key and its values) and the surface picks the language when it shows them: the web
page by its 中文/English switch, the CLI by ``--lang`` or ``LAOSHIFU_LANG``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_ENV = "LAOSHIFU_LANG"

# key: (中文, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- diagnose --------------------------------------------------------------------
    "diagnose.head": ("诊断", "Diagnosis"),
    "diagnose.converted": ("（换算自 {given}）", "(from {given})"),
    "diagnose.out_of_window": ("超窗：", "Out of window:"),
    "diagnose.high": ("{name} = {value} {unit}，高于上限 {limit}，超出 {by}（窗口 {window}）",
                      "{name} = {value} {unit} is {by} above upper limit {limit} (window {window})"),
    "diagnose.low": ("{name} = {value} {unit}，低于下限 {limit}，差 {by}（窗口 {window}）",
                     "{name} = {value} {unit} is {by} below lower limit {limit} (window {window})"),
    "diagnose.all_in_window": ("有窗口的读数都在窗口内", "The readings with a window are inside it"),
    "diagnose.note": ("注意：", "Note: "),
    "diagnose.rules": ("规则命中（最严重的在前）：", "Rules that hold (most severe first):"),
    "diagnose.no_rule": ("这些读数没有触发任何规则", "No rule's condition holds for these readings"),
    "diagnose.possible": ("可能（只是现象相似，动手前先核实）：",
                          "Possible (symptom only; check before acting):"),
    "diagnose.condition": ("条件：", "condition: "),
    "diagnose.diagnosis": ("判断：", "diagnosis: "),
    "diagnose.source": ("出处：", "source: "),
    "diagnose.in_window": ("在窗口内", "Inside the window"),
    "diagnose.note.material": ("{name}：窗口取决于{missing}，给出牌号/厚度才能判断",
                               "{name}: the window depends on {missing}; give the grade/thickness "
                               "to check it"),
    "diagnose.note.no_match": ("没有哪条规则的现象与此相似，请问师傅",
                               "No rule's symptom resembles this; ask the master"),
    "reason.condition": ("读数符合条件", "by the readings"),
    "reason.both": ("读数和现象都符合", "by the readings and the symptom"),
    "reason.symptom": ("现象相似", "by the symptom only"),
    "severity.critical": ("危急", "critical"),
    "severity.high": ("严重", "high"),
    "severity.medium": ("中等", "medium"),
    "severity.low": ("轻微", "low"),
    "category.safety": ("安全", "safety"),
    "category.quality": ("质量", "quality"),
    "category.equipment": ("设备", "equipment"),
    "category.cost": ("成本", "cost"),
    "material.grade": ("牌号", "grade"),
    "material.thickness": ("厚度", "thickness"),
}


def pick(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def cli_lang(explicit: str | None = None, env: dict[str, str] | None = None) -> str:
    """The CLI's language: ``--lang``, else LAOSHIFU_LANG, else Chinese."""
    env = os.environ if env is None else env
    return pick(explicit or env.get(LANG_ENV) or DEFAULT_LANG)


def say(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    pair = CATALOGUE.get(key)
    text = key if pair is None else pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text


def word(kind: str, value: str, lang: str = DEFAULT_LANG) -> str:
    """A severity, category or reason in words (``severity``, ``high`` → 严重)."""
    key = f"{kind}.{value}"
    return say(key, lang) if key in CATALOGUE else value


@dataclass(frozen=True)
class Message:
    """Something to say, kept as a key and its values until the language is known."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return say(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.text("en")
