"""What Laoshifu says to people outside the web page's labels — the diagnosis, audit
entries, the words for severities and categories — Chinese by default, English on request.

One catalogue, keyed, each entry (中文, English); the library keeps ``Message`` objects
(a key and its values) and the surface picks the language when it shows them: the web
page by its 中文/English switch, the CLI by ``--lang`` or ``LAOSHIFU_LANG``.
"""

from __future__ import annotations

import json
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
    "role.admin": ("管理员", "admin"),
    "role.master": ("师傅", "master"),
    "role.engineer": ("工程师", "engineer"),
    "role.apprentice": ("徒弟", "apprentice"),
    # -- how a version was made (history) and the audit log's actions ------------------
    "change.create": ("新建", "created"),
    "change.edit": ("修改", "edited"),
    "change.import": ("导入", "imported"),
    "change.approve": ("批准", "approved"),
    "change.reject": ("退回", "rejected"),
    "change.retire": ("停用", "retired"),
    "change.answer": ("师傅答复", "answered"),
    "change.draft": ("草稿", "drafted"),
    "change.restore": ("恢复", "restored"),
    "audit.import": ("导入知识", "import"),
    "audit.login": ("登录", "logged in"),
    "audit.login.fail": ("登录失败", "login failed"),
    "audit.user.add": ("添加用户", "user added"),
    "audit.user.role": ("修改角色", "role changed"),
    "audit.user.bases": ("修改知识库权限", "bases changed"),
    "audit.user.reset": ("重置密码", "password reset"),
    "audit.user.passwd": ("修改密码", "password changed"),
    "audit.user.disable": ("停用用户", "user disabled"),
    "audit.user.enable": ("启用用户", "user enabled"),
    "audit.token.create": ("新建 API 令牌", "token created"),
    "audit.token.revoke": ("吊销 API 令牌", "token revoked"),
    "audit.base.create": ("新建知识库", "base created"),
    "audit.store.restore": ("从备份恢复", "store restored"),
    "audit.question.queue": ("问题转给师傅", "question queued"),
    "audit.question.answer": ("答复问题", "question answered"),
    "audit.question.dismiss": ("移除问题", "question dismissed"),
    "audit.question.merge": ("合并问题", "question merged"),
    "audit.feedback.up": ("答案有帮助", "answer helpful"),
    "audit.feedback.down": ("答案没帮助", "answer not helpful"),
    "audit.exam.start": ("开始考核", "exam started"),
    "audit.exam.finish": ("交卷", "exam handed in"),
    "audit.track.save": ("保存培训路线", "track saved"),
    "audit.track.delete": ("删除培训路线", "track deleted"),
    "audit.review.run": ("生成日报", "daily review run"),
    "detail.role": ("角色", "role"),
    "detail.bases": ("知识库", "bases"),
    "detail.from": ("原来", "from"),
    "detail.to": ("改为", "to"),
    "detail.tokens_revoked": ("吊销令牌", "tokens revoked"),
    "detail.sessions_ended": ("结束的登录", "sessions ended"),
    "detail.source": ("来源", "source"),
    "detail.findings": ("发现", "findings"),
    "detail.into": ("并入", "into"),
    "detail.score": ("成绩", "score"),
    "detail.passed": ("通过", "passed"),
    "detail.late": ("超时", "late"),
    "detail.name": ("名称", "name"),
    "detail.exam": ("考核", "exam"),
    "detail.minutes": ("分钟", "minutes"),
    "detail.seconds": ("秒", "seconds"),
    "detail.backup": ("备份", "backup"),
    "detail.value": ("值", "value"),
    "detail.id": ("编号", "id"),
    "confidence.high": ("高", "high"),
    "confidence.medium": ("中", "medium"),
    "confidence.low": ("低", "low"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
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


# The answer's confidence is a calibrated probability of being right: said in words, as
# an apprentice weighs it. High: right about nine times in ten or better.
CONFIDENCE_BANDS = ((0.85, "high"), (0.6, "medium"), (0.0, "low"))


def confidence_level(probability: float) -> str:
    """``high``, ``medium`` or ``low`` for a calibrated confidence."""
    return next(level for floor, level in CONFIDENCE_BANDS if probability >= floor)


def known(key: str) -> bool:
    return key in CATALOGUE


def _or_raw(key: str, raw: str, lang: str) -> str:
    return say(key, lang) if key in CATALOGUE else raw


def change_name(change: str, lang: str = DEFAULT_LANG) -> str:
    """How a version was made, in words: ``approve`` → 批准."""
    return _or_raw(f"change.{change}", change, lang)


def audit_action(action: str, lang: str = DEFAULT_LANG) -> str:
    """An audit entry's action in words: ``unit.approve`` → 批准, ``user.add`` → 添加用户."""
    if action.startswith("unit."):
        return _or_raw(f"change.{action[5:]}", action, lang)
    return _or_raw(f"audit.{action}", action, lang)


def audit_detail(detail: str | None, lang: str = DEFAULT_LANG) -> str:
    """An audit entry's detail (a comment, or JSON the library wrote) as a line to read:
    ``{"role": "engineer", "bases": ["main"]}`` → 角色：工程师；知识库：main."""
    if not detail:
        return ""
    try:
        data = json.loads(detail) if detail.lstrip()[:1] in "{[" else detail
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return _value(data, lang)
    colon, sep = ("：", "；") if lang != "en" else (": ", "; ")
    return sep.join(f"{_or_raw(f'detail.{k}', k, lang)}{colon}{_value(v, lang)}"
                    for k, v in data.items())


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return say("yes" if value else "no", lang)
    if isinstance(value, list):
        return ("、" if lang != "en" else ", ").join(_value(v, lang) for v in value)
    if isinstance(value, dict):
        return audit_detail(json.dumps(value, ensure_ascii=False), lang)
    text = "" if value is None else str(value)
    return _or_raw(f"role.{text}", text, lang)


@dataclass(frozen=True)
class Message:
    """Something to say, kept as a key and its values until the language is known."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return say(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.text("en")
