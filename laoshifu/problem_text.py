"""The library's problems (English, as the API and logs carry them) in the user's language.

The library raises ``Problem``s in English: the API's JSON and scripts read them, and one
wording keeps tests and logs stable. A person in the Chinese interface reads them here, in
Chinese: each entry is an English message pattern (``{name}`` matches any text) and what
it says in Chinese. A value quoted as ``'露点'`` is shown as 「露点」. A message without an
entry is shown as it is; a hint that names a shell command is not shown on a web page.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .errors import Problem

# (English pattern, 中文). Of the patterns that match the whole text, the one with the most
# fixed text wins.
PROBLEMS: tuple[tuple[str, str], ...] = (
    # -- who may do what -------------------------------------------------------------
    ("log in first", "请先登录"),
    ("{article} {role} may not {doing}", "{role}不能{doing}"),
    ("no access to knowledge base {base}", "没有知识库 {base} 的权限"),
    ("ask an administrator for another role", "需要的话请管理员调整你的角色"),
    ("ask an administrator to add you", "请管理员把你加进这个知识库"),
    ("Not Found", "找不到这个页面"),
    ("Method Not Allowed", "不支持这种请求方式"),
    ("the form's security token is missing or stale", "表单已过期"),
    ("reload the page and try again", "请刷新页面再试一次"),
    # -- things that are not there ---------------------------------------------------
    ("no unit {unit} in knowledge base {base}", "知识库 {base} 里没有 {unit} 这条知识"),
    ("no approved unit {unit}", "没有已批准的知识 {unit}"),
    ("no draft of {unit} is waiting in {base}", "{base} 里 {unit} 没有待审核的草稿"),
    ("no user {name}", "没有用户 {name}"),
    ("no token {id}", "没有编号为 {id} 的令牌"),
    ("no knowledge base {base}", "没有知识库 {base}"),
    ("no daily report {id} in knowledge base {base}", "知识库 {base} 里没有 {id} 的日报"),
    ("{unit} has no version {version}", "{unit} 没有第 {version} 版"),
    ("{unit} is {status}, not a draft", "{unit} 不是草稿"),
    # -- accounts --------------------------------------------------------------------
    ("user {name} already exists", "用户 {name} 已经存在"),
    ("bad user name {name}", "用户名 {name} 不合用"),
    ("bad knowledge base name {name}", "知识库名 {name} 不合用"),
    ("unknown role {role}", "没有 {role} 这个角色"),
    ("password too short", "密码太短"),
    ("at least 8 characters", "至少 8 位"),
    ("the password is the user name", "密码不能和用户名一样"),
    ("the current password is wrong", "当前密码不对"),
    ("the new password is the old one", "新密码和旧密码一样"),
    ("the two new passwords differ", "两次输入的新密码不一样"),
    ("type the same new password twice", "新密码输两遍，要一样"),
    ("choose a password nobody else has seen", "换一个别人没见过的密码"),
    ("forgotten it? an administrator can reset it", "忘了？请管理员重置"),
    ("{name} is the last administrator: {rest}", "{name} 是最后一个管理员，不能这样改"),
    ("make another user an administrator first", "先让别的用户当管理员"),
    # -- units and forms -------------------------------------------------------------
    ("thickness {value} is not a number", "厚度 {value} 不是数字"),
    ("{value} is not a number", "{value} 不是数字"),
    ("{value} is not a finite number", "{value} 不是有效的数字"),
    ("{value} is not a whole number", "{value} 不是整数"),
    ("write a plain number such as 62 or 0.23", "写一个数字，例如 62 或 0.23"),
    ("missing required field", "这一项必须填写"),
    ("bad id {id}", "编号 {id} 不合用"),
    ("letters, digits, '-', '_' and '.', at most 128 characters",
     "只能用字母、数字、'-'、'_' 和 '.'，最多 128 个字符"),
    ("unknown kind {kind}", "没有 {kind} 这种类型"),
    ("unknown status {status}", "没有 {status} 这种状态"),
    ("unknown severity {value}", "没有 {value} 这种严重程度"),
    ("unknown category {value}", "没有 {value} 这种类别"),
    ("unknown field {field} for a {kind}", "{kind} 没有 {field} 这一项"),
    ("lower limit {lower} is above upper limit {upper}", "下限 {lower} 比上限 {upper} 还高"),
    ("swap them, or leave one empty for an open window", "把两个对调，或者空着一个表示只限一边"),
    ("target {target} is outside its window", "目标值 {target} 不在窗口内"),
    ("the target must lie between lower and upper", "目标值要在下限和上限之间"),
    ("cannot read condition {condition}", "看不懂条件 {condition}"),
    ("write key=value or key<=number, separated by ';'", "写成 键=值 或 键<=数字，用 ';' 分隔"),
    ("a procedure needs its ordered steps", "操作规范要写明步骤"),
    ("a rule needs a symptom or a condition", "应急判断要有现象或条件"),
    ("a rule needs its ordered actions", "应急判断要写明处置步骤"),
    ("a unit with id {id} already exists ({rest}", "编号 {id} 已经被占用了"),
    ("choose another id, or open that unit and edit it", "换一个编号，或者打开那一条去修改"),
    ("or {field}", "或者填 {field}"),
    ("one of: {choices}", "可选：{choices}"),
    ("did you mean {choices}?", "是不是 {choices}？"),
    ("the draft of {unit} changed since it was opened: {rest}", "{unit} 的草稿在你打开之后又被改过了"),
    ("unit {unit} was changed by someone else (now version {version})",
     "{unit} 刚被别人改过（现在是第 {version} 版）"),
    ("reload it and make your change again", "请刷新后重新修改"),
    ("reload the review page and decide on the new draft", "请刷新审核页，对新草稿重新决定"),
    ("say why the draft is rejected", "请写明退回的理由"),
    ("say why the unit is retired", "请写明停用的理由"),
    ("say why the question is dismissed", "请写明移除的理由"),
    ("say which version of the draft you reviewed", "请说明审核的是草稿的哪一版"),
    ("the engineer reads this comment", "工程师会看到这条意见"),
    ("write the answer first", "请先写答复"),
    ("choose the question this one repeats", "请选出它重复的那个问题"),
    ("say whether the answer helped", "请说明答案有没有帮助"),
    ("the file is over the {limit} limit", "文件超过了 {limit} 的上限"),
    ("the request is over the {limit} limit", "请求超过了 {limit} 的上限"),
    ("split the folder, or zip it", "把文件夹拆开，或者压缩后再传"),
    ("send less at once", "一次少发一些"),
    # -- imports and the question queue ----------------------------------------------
    ("… and {n} more problems not shown ({total} in all)", "另有 {n} 个问题没有列出（共 {total} 个）"),
    ("… and {n} more problem not shown ({total} in all)", "另有 {n} 个问题没有列出（共 {total} 个）"),
    ("fix these and check again", "先改好这些，再检查一遍"),
    ("refers to missing unit {unit}", "引用的 {unit} 不存在"),
    ("no question {id} in knowledge base {base}", "知识库 {base} 里没有问题 {id}"),
    ("a question cannot be merged into itself", "问题不能合并到它自己"),
    ("choose the question it duplicates", "请选它重复的那个问题"),
    ("question {id} is {status}, not open: nothing to {doing}", "问题 {id} 已经处理过了"),
    ("question {id} is {status}: merge into an open or answered question",
     "问题 {id} 已经移除或合并了：只能合并到待答或已答复的问题"),
    ("a reason of at most {n} characters", "理由最多 {n} 个字"),
    ("e.g. 与工艺无关 (not about the process)", "例如：与工艺无关"),
    # -- diagnose --------------------------------------------------------------------
    ("nothing to diagnose", "没有可以诊断的内容"),
    ("give readings (露点=65 带速=95) and/or --symptom", "填读数，或者写看到的现象"),
    ("unknown parameter {name}", "没有参数 {name}"),
    ("use a parameter name, symbol or glossary synonym", "用参数名、符号或术语表里的叫法"),
    ("{name} is not a parameter of {process}; it belongs to {others}",
     "{name} 不是{process}的参数，它属于{others}"),
    ("{name} is a parameter of several processes: {others}", "{name} 是好几个工序的参数：{others}"),
    ("say which with --process", "请先选工序"),
    ("check --process, or leave this reading out", "检查工序，或者不填这个读数"),
    ("{name} is given twice ({rest}", "{name} 填了两次"),
    ("give each reading once", "每个读数只填一次"),
    ("{reading}: cannot convert {unit} to {target}", "{reading}：{unit} 换算不成 {target}"),
    ("{name} is measured in {unit}", "{name} 的单位是 {unit}"),
    ("write a number, e.g. 露点=62", "写一个数字，例如 62"),
    ("write it in mm, e.g. 0.23", "以毫米为单位，例如 0.23"),
    ("unknown process {process}", "没有 {process} 这个工序"),
    # -- the daily review ------------------------------------------------------------
    ("{file} is not a data file the review reads", "{file} 不是日报能读的数据文件"),
    ("send one of: {choices}", "可以传：{choices}"),
    ("no file was sent", "没有选文件"),
    ("choose the day's CSV or Parquet file", "请选那一天的 CSV 或 Parquet 文件"),
    ("knowledge base {base} is empty", "知识库 {base} 是空的"),
    ("{file} is empty", "{file} 是空的"),
    ("{file} is over the {limit} limit", "{file} 超过了 {limit} 的上限"),
    ("review the plant's data folder instead", "请改为读取厂里配置的数据文件夹"),
    ("no data folder is set for knowledge base {base}", "知识库 {base} 没有配置数据文件夹"),
    ("set review: {data: FOLDER} in LAOSHIFU_HOME/config.yaml, or upload a file",
     "请管理员在配置里设置数据文件夹，或者上传文件"),
    ("the data folder {folder} does not exist", "数据文件夹 {folder} 不存在"),
    ("check review.data in LAOSHIFU_HOME/config.yaml", "请管理员检查配置里的数据文件夹"),
    ("cannot read day {day}", "看不懂日期 {day}"),
    ("write YYYY-MM-DD, e.g. 2026-07-22", "写成 年-月-日，例如 2026-07-22"),
    ("import the master's knowledge first", "请先导入师傅的知识"),
    ("no data for line {line}", "没有 {line} 号线的数据"),
    ("no data for {day}", "没有 {day} 的数据"),
    ("the data covers {first} … {last}", "数据的日期范围是 {first} … {last}"),
    ("lines in the data: {lines}", "数据里的产线：{lines}"),
    ("the data has {n} lines: {lines}", "数据里有 {n} 条产线：{lines}"),
    ("choose one with --line", "请选一条产线"),
    ("no time column", "数据里没有时间列"),
    ("name it one of: {names}", "请把它命名为：{names}"),
    ("none of the data files could be read", "数据文件都读不了"),
    ("no CSV or Parquet files in this folder", "这个文件夹里没有 CSV 或 Parquet 文件"),
    ("no rows on {day}", "{day} 没有数据"),
    # -- 带徒弟 (training) -------------------------------------------------------------
    ("no answer given", "还没有填答案"),
    ("write a number, e.g. {example}", "写一个数，例如 {example}"),
    ("no choice made", "还没有选"),
    ("tap one of the answers", "点一个答案"),
    ("there is no choice {n}", "没有第 {n} 个选项"),
    ("{value} is not a choice", "{value} 不是一个选项"),
    ("choose 0 to {n}", "请在给出的选项里选"),
    ("every step needs its own place from 1 to {n}", "每一步都要排一个位置，从 1 到 {n}，不能重复"),
    ("each number once", "每个数字只用一次"),
    ("{value} is not a list of step numbers", "{value} 不是步骤的位置"),
    ("give each step its place, 1 to {n}", "给每一步排位置，1 到 {n}"),
    ("{value} is not a rating", "{value} 不是自评"),
    ("again, hard, good or easy (1 to 4)", "重来、困难、记得或简单"),
    ("no card {card} in knowledge base {base}", "知识库 {base} 里没有这张卡片"),
    ("the unit may have been retired: reload the queue", "这条知识可能停用了，请刷新"),
    ("no apprentice {name} in knowledge base {base}", "知识库 {base} 里没有徒弟 {name}"),
    ("no exam {id}", "没有编号为 {id} 的考核"),
    ("exam {id} was already handed in", "考核 {id} 已经交卷了"),
    ("exam {id} was not passed: no certificate", "考核 {id} 没有通过，没有合格证"),
    ("only the one taking an exam may answer it", "只有考试的本人能答题"),
    ("no exam questions for process {process} in {base}", "{base} 里的{process}还没有考题"),
    ("choose a process with parameters, rules or procedures", "请选有工艺参数、应急判断或操作规范的工序"),
    ("no track {id} in knowledge base {base}", "知识库 {base} 里没有编号为 {id} 的培训路线"),
    ("a track needs a name", "培训路线要有名称"),
    ("say who the track is for", "请写明给谁"),
    ("role:apprentice or user:NAME", "写 role:apprentice 或 user:姓名"),
    ("{who} is not role:ROLE or user:NAME", "{who} 应写成 role:角色 或 user:姓名"),
    ("roles: {roles}", "角色：{roles}"),
    ("new cards a day must be 1 to 500", "每天新卡要在 1 到 500 之间"),
    ("an exam has 1 to 200 questions", "考题数要在 1 到 200 之间"),
    ("the pass mark is a share above 0 and at most 1 (0.8 = 80%)", "及格线要大于 0%、不超过 100%"),
    ("the time limit is 1 to 600 minutes", "限时要在 1 到 600 分钟之间"),
)

# Words inside messages: roles and what they may not do.
TERMS: dict[str, str] = {
    "admin": "管理员", "master": "师傅", "engineer": "工程师", "apprentice": "徒弟",
    "ask questions": "提问", "read the knowledge base": "查看知识库", "see drafts": "查看草稿",
    "edit units": "编辑知识", "import files": "导入文件",
    "approve, reject or retire units": "批准、退回或停用知识", "answer questions": "答复问题",
    "see the question queue": "查看待答问题", "read the audit log": "查看审计日志",
    "manage users, bases and tokens": "管理用户、知识库和令牌",
    "study cards or take exams": "学习或考核", "teach": "带徒弟",
    "see apprentices' progress or set tracks": "查看徒弟进度或设置培训路线",
    "diagnose readings": "做应急诊断", "review production data": "做生产数据日报",
    "read the daily reports": "查看日报",
    "approved": "已批准", "draft": "草稿", "retired": "已停用",
}

_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")
_QUOTED = re.compile(r"^'(.*)'$|^\"(.*)\"$", re.S)


@lru_cache(maxsize=None)
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The patterns, the most specific first (the most fixed text): ``no exam questions for
    process {p}`` is tried before ``no exam {id}``, whatever order they are written in."""
    out = []
    for english, chinese in PROBLEMS:
        # {data: FOLDER} in a message is text, not a placeholder: only \w+ names are.
        pattern = _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>.+?)", re.escape(english))
        fixed = len(re.sub(r"\{\w+\}", "", english))
        out.append((fixed, re.compile(f"^{pattern}$", re.S), chinese))
    out.sort(key=lambda entry: -entry[0])  # stable: equal ones keep their order
    return tuple((pattern, chinese) for _, pattern, chinese in out)


def _value(text: str) -> str:
    """A value as the Chinese text shows it: quoted names in 「」, known words translated."""
    quoted = _QUOTED.match(text)
    if quoted:
        inner = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        return f"「{inner}」"
    return TERMS.get(text, text)


def localize(text: str | None, lang: str) -> str | None:
    """``text`` in ``lang``: English as it is; Chinese from the catalogue when it has it."""
    if not text or lang == "en":
        return text
    for pattern, chinese in _compiled():
        match = pattern.match(text)
        if match:
            values = {k: _value(v) for k, v in match.groupdict().items()}
            return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), chinese)
    return text


def names_a_command(hint: str | None) -> bool:
    """A hint for the terminal (``laoshifu user add …``, ``--process``): not for a web page."""
    return bool(hint) and ("laoshifu " in hint or "LAOSHIFU_HOME" in hint or " --" in f" {hint}")


def for_web(problem: Problem, lang: str) -> Problem:
    """The problem as a web page shows it: in the page's language, without terminal hints."""
    hint = problem.hint
    if names_a_command(hint):
        translated = localize(hint, "zh")
        # A hint with a web wording in the catalogue keeps it; a shell command is dropped.
        hint = hint if translated != hint and lang != "en" else None
    return replace(problem, message=localize(problem.message, lang) or "",
                   hint=localize(hint, lang))


def in_lang(problem: Problem, lang: str) -> Problem:
    """The problem in ``lang``, hints and all (for the terminal)."""
    return replace(problem, message=localize(problem.message, lang) or "",
                   hint=localize(problem.hint, lang))
