"""ask, questions, answer, eval: the apprentice's and the master's commands."""

from __future__ import annotations

from pathlib import Path

import click

from .. import answer as answering
from ..knowledge import folders as knowledge
from ..answer.model import Answer
from ..config import load_settings
from ..knowledge.units import format_number
from . import llm as llm_cli
from ..progress import bars
from .common import base_option, echo_json, json_option, open_store


def register(main: click.Group) -> None:
    for command in (ask_cmd, questions_cmd, answer_cmd, dismiss_cmd, merge_cmd, eval_cmd):
        main.add_command(command)


def _ask(store, question: str, base: str, record: bool = True) -> Answer:
    return answering.ask(store, question, base, record=record,
                         index_dir=load_settings().index_dir)


@click.command("ask")
@click.argument("question", required=False)
@base_option
@click.option("--no-record", is_flag=True, help="Do not queue an unanswered question.")
@click.option("--generate/--no-generate", default=None,
              help="Word the answer with the plant's model, checked sentence by sentence "
                   "(default: when one is configured).")
@json_option
def ask_cmd(question: str | None, base: str, no_record: bool, generate: bool | None,
            as_json: bool) -> None:
    """Ask the master a question; without one, an interactive prompt (Ctrl-D to leave)."""
    store = open_store()
    warn_if_empty(store, base)
    if question is None:
        _interactive(store, base)
        return
    client = llm_cli.model_for_ask(generate)
    if client is not None:
        llm_cli.ask_generated(client, store, question, base, not no_record, as_json)
        return
    result = _ask(store, question, base, record=not no_record)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(render_answer(result))


def warn_if_empty(store, base: str) -> None:
    """Asking a base with nothing approved in it is nearly always the wrong store (or no
    import yet): say so, and where the store is, before the answer says 不确定."""
    if knowledge.is_empty(store, base):
        home = load_settings().home
        click.echo(click.style("注意 warning: ", fg="yellow", bold=True)
                   + f"知识库 {base!r} 里还没有已批准的知识，只能回答「不确定」 (base {base!r} "
                     f"is empty in the store at {home}). 先导入 import first: "
                     "laoshifu import examples/go-silicon-steel, or set LAOSHIFU_HOME to the "
                     "store that holds it (laoshifu status shows which one is used).", err=True)


def _interactive(store, base: str) -> None:
    import readline  # noqa: F401  (line editing and history for input())

    history = load_settings().home / "ask_history"
    try:
        readline.read_history_file(history)
    except OSError:
        pass
    click.echo("问师傅 — 试试：脱碳退火的露点控制在多少？ / 氢气比例低了怎么办？  (Ctrl-D 退出)")
    try:
        while True:
            try:
                question = input("问> ").strip()
            except EOFError:
                click.echo()
                break
            except KeyboardInterrupt:
                click.echo()
                continue
            if not question:
                continue
            try:
                click.echo(render_answer(_ask(store, question, base)))
            except answering.LaoshifuError as exc:
                click.echo(exc.render(), err=True)
            click.echo()
    finally:
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)
        except OSError:
            pass


def render_answer(result: Answer) -> str:
    lines: list[str] = []
    if result.refused:
        lines.append(f"不确定 (not sure) — confidence {result.confidence:.2f}")
        if result.note:
            lines.append(result.note)
        if result.dismissed:
            lines.append(f"师傅看过这个问题，没有收进知识库：{result.dismissed} (dismissed by the master).")
        elif result.queued_question_id is not None:
            lines.append(f"这个问题已转给师傅 (queued for the master as question {result.queued_question_id}).")
        if result.related:
            lines.append("相关 (related):")
            lines += [f"  - {r.title}  [{r.kind} {r.unit_id}]" for r in result.related]
        return "\n".join(lines)
    if result.readings:
        lines.append("读数 (readings):")
        for r in result.readings:
            judged = {"high": "偏高", "low": "偏低", "unjudged": "没法判断：窗口按牌号或厚度分，请说明"
                      }.get(r["status"], "在窗口内")
            limit = f"（限 {_num(r['limit'])}，窗口 {r['window']}）" if "limit" in r else ""
            lines.append(f"  {r['parameter']} = {_num(r['value'])} {r['unit']}  {judged}{limit}")
    if result.windows:
        lines.append("工艺窗口 (window):")
        lines.append(f"  {'参数':<8} {'工序':<8} {'下限':>6} {'目标':>6} {'上限':>6}  {'单位':<6} 条件")
        for w in result.windows:
            lines.append(f"  {w.name:<8} {w.process:<8} {_num(w.lower):>6} {_num(w.target):>6} "
                         f"{_num(w.upper):>6}  {w.unit:<6} {w.condition or '—'} [{w.citation}]")
    for rule in result.rules:
        lines.append(f"判断 (diagnosis) [{rule.citation}]: {rule.diagnosis}")
        lines.append("先做什么 (actions):")
        lines += [f"  {i}. {a}" for i, a in enumerate(rule.actions, 1)]
    for procedure in result.procedures:
        lines.append(f"操作步骤 (steps) [{procedure.citation}]: {procedure.title}")
        lines += [f"  {i}. {step}" for i, step in enumerate(procedure.steps, 1)]
    for who, heading in (("master", "师傅的话:"), ("literature", "手册 (reported in the handbook):")):
        quoted = [s for s in result.sentences if s.attribution == who]
        if quoted:
            lines.append(heading)
            lines += [f"  「{s.text}」" + "".join(f"[{n}]" for n in s.citations) for s in quoted]
    if result.conversions:
        lines.append("数字与换算 (figures, in the unit asked):")
        lines += [f"  {c.what + '：' if c.what else ''}{c.given} {c.converted} [{c.citation}]"
                  for c in result.conversions]
    lines.append("出处 (sources):")
    for c in result.citations:
        lines.append(f"  [{c.n}] {c.unit_id}  {c.kind}  {c.title}  v{c.version}  {c.source or '—'}")
    lines.append(f"(confidence {result.confidence:.2f}, {result.elapsed_ms:.0f} ms)")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "—" if value is None else format_number(value)


@click.command("questions")
@base_option
@click.option("--all", "show_all", is_flag=True, help="Also list answered questions.")
@json_option
def questions_cmd(base: str, show_all: bool, as_json: bool) -> None:
    """The questions waiting for the master, most asked first."""
    queue = open_store().list_questions(base, status=None if show_all else "open")
    if as_json:
        echo_json([q.to_dict() for q in queue])
        return
    if not queue:
        click.echo("no questions waiting")
    for q in queue:
        click.echo(f"{q.id:>4}  ×{q.askers:<3} {q.last_asked}  {q.status:<8} {q.text}")


@click.command("answer")
@click.argument("qid", type=int)
@click.argument("text")
@base_option
@click.option("--actor", default="master", show_default=True, help="Who answers (audit log).")
@click.option("--replace", is_flag=True,
              help="Replace an answer already given (the old one stays in the history).")
def answer_cmd(qid: int, text: str, base: str, actor: str, replace: bool) -> None:
    """The master answers a queued question; the next ask finds it."""
    store = open_store()
    previous = answering.previous_answer(store, base, qid)
    unit = answering.answer_question(store, base, qid, text, actor, replace=replace)
    if previous is not None and previous.status != "retired":
        click.echo(f"replaced the answer {unit.id}: v{previous.version} → v{unit.version}; "
                   f"v{previous.version} stays in `laoshifu history {unit.id}`")
    else:
        click.echo(f"recorded {unit.id} (v{unit.version}); the next ask will find it")


@click.command("dismiss")
@click.argument("qid", type=int)
@click.option("--reason", required=True, help="Why it is not answered (kept and shown with it).")
@base_option
@click.option("--actor", default="master", show_default=True, help="Who dismisses (audit log).")
def dismiss_cmd(qid: int, reason: str, base: str, actor: str) -> None:
    """The master closes a queued question that is not for him; asked again, it only counts."""
    from ..answer import asking

    question = open_store().dismiss_question(base, qid, asking.dismissal_reason(reason), actor)
    click.echo(f"dismissed question {question.id} ({question.text}): {question.close_reason}")


@click.command("merge")
@click.argument("qid", type=int)
@click.option("--into", type=int, required=True, help="The question QID repeats.")
@base_option
@click.option("--actor", default="master", show_default=True, help="Who merges (audit log).")
def merge_cmd(qid: int, into: int, base: str, actor: str) -> None:
    """Merge queued question QID into the question it repeats: its askers join that one."""
    target = open_store().merge_questions(base, qid, into, actor)
    click.echo(f"merged question {qid} into {target.id} ({target.text}), now asked by {target.askers}")


@click.command("eval")
@click.option("--questions", "questions_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Question set (default: the example knowledge base's).")
@click.option("--split", type=click.Choice(["dev", "held-out", "all"]), default="dev", show_default=True)
@base_option
@click.option("--calibrate", is_flag=True,
              help="Fit the confidence model on this split (dev) and save it in LAOSHIFU_HOME.")
@click.option("--generate", is_flag=True,
              help="Measure the model's answers instead: faithfulness and fall-back rate.")
@click.option("--graded", "graded_paths", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Question sets graded by what the answer says (JSON; default: the example's "
                   "eval/go-silicon-steel/*.json). Repeat for several.")
@json_option
def eval_cmd(questions_path: Path | None, split: str, base: str, calibrate: bool, generate: bool,
             graded_paths: tuple[Path, ...], as_json: bool) -> None:
    """Measure answers: unit recall and MRR on the question set, and on the graded sets
    right / wrong / refused by content, refusals of what the KB lacks, confident wrong
    answers and calibration error, per kind and style."""
    from ..answer import evaluate
    from ..answer.grading import load_graded

    path = questions_path or evaluate.EXAMPLE_QUESTIONS
    questions = evaluate.load_questions(path, split)
    sets = graded_paths or tuple(p for p in evaluate.EXAMPLE_GRADED if p.exists())
    items = [i for i in load_graded(*sets) if split == "all" or i.split == split]
    store = open_store()
    settings = load_settings()
    if calibrate:
        if split == "held-out":
            raise click.UsageError("calibrate on dev, never on the held-out split")
        if items:
            from ..answer.asker import cache_for
            from ..answer.confidence import calibration_name, entry_mode

            mode = entry_mode(cache_for(store, settings.index_dir).get(base))
            target = settings.home / calibration_name(mode)
            fitted = evaluate.calibrate_graded(store, items, base, target, settings.index_dir)
            click.echo(f"{mode}: threshold {fitted.threshold:.4f} saved to {target}")
        else:
            threshold = evaluate.calibrate(store, questions, base, settings.index_dir)
            click.echo(f"threshold {threshold:.4f} saved to {settings.home / 'calibration.json'}")
    if generate:
        llm_cli.eval_generated(store, questions, base, as_json)
        return
    with bars(enabled=not as_json) as progress:
        report = evaluate.evaluate(store, questions, base, settings.index_dir, progress=progress)
    graded = evaluate.graded(store, items, base, settings.index_dir) if items else None
    if as_json:
        echo_json({**report.to_dict(), "graded": graded.to_dict() if graded else None})
        return
    click.echo(report.render())
    if graded:
        click.echo(f"graded by content ({', '.join(p.name for p in sets)}, split {split}):")
        click.echo(graded.render())
