"""With the plant's AI model configured, it proposes units from the captured text too;
its proposals go through the same validation as the extractor's, and one that fails is
dropped. Without a model (or when it fails) the rule-based extractor stands alone."""

from __future__ import annotations

import json
import re
from typing import Callable

from .document import Document, SourceLine
from .lexicon import Lexicon
from .proposals import Proposal, new_id

MAX_CHARS = 6000  # the text sent per capture: a shift note, a page, not a whole handbook
_KIND_FIELDS = {
    "parameter": ("name", "process", "unit", "lower", "upper", "target", "rationale"),
    "rule": ("title", "process", "symptom", "condition", "diagnosis", "actions"),
    "procedure": ("title", "process", "steps"),
    "term": ("term", "synonyms", "definition"),
}

_PROMPT = """你帮老师傅把他的话整理成知识条目。只用他原话里的内容，不要编数字。
输出一个 JSON 数组，每个元素是下列之一：
{{"kind":"parameter","name":参数名,"process":工序,"unit":单位,"lower":下限,"upper":上限,"target":目标,"rationale":原话,"line":行号}}
{{"kind":"rule","title":标题,"process":工序,"condition":"露点 > 65 and 氢气比例 < 20","symptom":现象,"diagnosis":原因,"actions":[按顺序的处置],"line":行号}}
{{"kind":"procedure","title":标题,"process":工序,"steps":[步骤],"line":行号}}
{{"kind":"term","term":术语,"synonyms":[别名],"definition":定义,"line":行号}}
条件里的参数名只能用这些：{names}
工序只能用这些：{processes}
没有可整理的就输出 []。

师傅的话（每行前是行号）：
{text}"""


def model_proposer(env: dict[str, str] | None = None) -> Callable | None:
    """A proposer for ``intake.propose`` when a model is configured, else None."""
    try:
        from ..llm import configured_client
        client = configured_client(env)
    except Exception:  # a broken configuration must not stop a capture
        return None
    if client is None:
        return None

    def propose(document: Document, lexicon: Lexicon, process: str) -> tuple[list[Proposal], str]:
        return proposals_from_model(client, document, lexicon, process), client.name
    return propose


def proposals_from_model(client, document: Document, lexicon: Lexicon, process: str) -> list[Proposal]:
    lines = [line for line in document.lines if line.text.strip() and not line.heading]
    numbered, used = [], 0
    for index, line in enumerate(lines, start=1):
        used += len(line.text)
        if used > MAX_CHARS:
            break
        numbered.append(f"{index}: {line.text}")
    names = sorted({n for n in lexicon.vocabulary.names.values()})
    prompt = _PROMPT.format(names="、".join(names[:300]), processes="、".join(lexicon.processes),
                            text="\n".join(numbered))
    try:
        from ..llm.client import ModelError
        reply = client.complete([{"role": "user", "content": prompt}], temperature=0.0)
    except (ModelError, Exception):  # the model is help, never a requirement
        return []
    return parse_reply(reply, lines, process)


def parse_reply(reply: str, lines: list[SourceLine], process: str) -> list[Proposal]:
    """The model's JSON as proposals; anything not in the expected shape is skipped."""
    match = re.search(r"\[.*\]", reply, re.S)
    try:
        items = json.loads(match.group(0)) if match else []
    except json.JSONDecodeError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("kind") not in _KIND_FIELDS:
            continue
        kind = item["kind"]
        fields = {k: item[k] for k in _KIND_FIELDS[kind] if item.get(k) not in (None, "", [])}
        if kind in ("parameter", "rule", "procedure"):
            fields.setdefault("process", process)
        index = item.get("line")
        source = lines[index - 1] if isinstance(index, int) and 1 <= index <= len(lines) else (
            lines[0] if lines else SourceLine("", "model", 1))
        key = str(fields.get("name") or fields.get("title") or fields.get("term") or "")
        fields["id"] = new_id(kind, "model", str(fields.get("process", "")), key)
        out.append(Proposal(kind, fields, source, source.text, by="model"))
    return out
