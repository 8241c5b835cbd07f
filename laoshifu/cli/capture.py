"""capture (text, PDF, scan, photo → drafts) and gaps (what the master should be asked)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..people.accounts import User
from ..capture import gaps as gap_finder
from ..capture.drafts import save_drafts
from ..capture.evaluate import evaluate, load_labelled
from ..capture.images import captures_dir
from ..capture.intake import propose, read_source
from ..capture.lexicon import Lexicon
from ..capture.model import model_proposer
from ..config import load_settings
from ..errors import LaoshifuError, Problem
from ..knowledge.units import KIND_LABELS
from .common import base_option, echo_json, json_option, open_store


def register(main: click.Group) -> None:
    main.add_command(capture_cmd)
    main.add_command(gaps_cmd)


@click.command("capture")
@click.argument("source", required=False)
@base_option
@click.option("--process", default="", help="The process the text is about when it does not say.")
@click.option("--dry-run", is_flag=True, help="Show the proposed drafts, save nothing.")
@click.option("--actor", default="capture", show_default=True, help="Who captures (the drafts' history).")
@click.option("--no-model", is_flag=True, help="Only the rule-based extractor, even with a model configured.")
@click.option("--eval", "eval_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score the extractor on a labelled YAML set against this base's vocabulary.")
@json_option
def capture_cmd(source: str | None, base: str, process: str, dry_run: bool, actor: str, no_model: bool,
                eval_path: Path | None, as_json: bool) -> None:
    """Turn SOURCE (a text file, a PDF handbook, a scanned page or photo; - for stdin)
    into drafts for the master's review, each citing its page, line or image."""
    store = open_store()
    context = store.list_units(base, statuses=("approved", "draft"))
    if eval_path is not None:
        report = evaluate(load_labelled(eval_path), Lexicon.from_units(context))
        if as_json:
            echo_json(report.to_dict())
            return
        click.echo(f"{report.sentences} sentences: precision {report.overall.precision:.3f}, "
                   f"recall {report.overall.recall:.3f}")
        for kind, c in report.by_kind.items():
            click.echo(f"  {kind:<10} proposed {c.proposed:>3}  expected {c.expected:>3}  "
                       f"correct {c.correct:>3}  P {c.precision:.3f}  R {c.recall:.3f}")
        return
    if not source:
        raise LaoshifuError(Problem("say what to capture: a file, or - for text on stdin",
                                    hint="laoshifu capture notes.txt, or laoshifu capture --eval SET.yaml"))
    if process and process not in {u.process for u in context}:
        raise LaoshifuError(Problem(f"unknown process {process!r}", field="process",
                                    hint="one of: " + ", ".join(sorted({u.process for u in context if u.process}))))
    if source == "-":
        data, name = sys.stdin.buffer.read(), "stdin.txt"
    else:
        path = Path(source)
        if not path.is_file():
            raise LaoshifuError(Problem(f"no such file: {source}", field="source"))
        data, name = path.read_bytes(), path.name
    images = captures_dir(load_settings().home, base)
    document = read_source(data, name, images, Lexicon.from_units(context), process)
    capture = propose(document, context, process, None if no_model else model_proposer())
    report = None
    if not dry_run:
        wanted = [p for p in capture.proposals if p.valid]
        report = save_drafts(store, base, wanted, User(actor, "engineer", (base,)), document.name)
    if as_json:
        echo_json({**capture.to_dict(), "saved": report.to_dict() if report else None})
        return
    _show(capture, report, dry_run)


def _show(capture, report, dry_run: bool) -> None:
    doc = capture.document
    click.echo(f"录入 {doc.name} ({doc.kind}{f', {doc.pages} pages' if doc.pages else ''}): "
               f"{len(doc.lines)} lines, {len(doc.tables)} tables"
               + (f", model {capture.model}" if capture.model else ""))
    for line in doc.uncertain_lines:
        click.echo(click.style("  ? ", fg="yellow") + f"{line.citation} OCR {line.confidence:.2f}: {line.text}"
                   + (f"  (image {line.image})" if line.image else ""))
    for proposal in capture.proposals:
        mark = "=" if proposal.unchanged else "+" if proposal.valid else "✗"
        label = KIND_LABELS.get(proposal.kind, proposal.kind)
        click.echo(f"  {mark} {label} {proposal.id}  {proposal.title}  ← {proposal.source.citation}")
        detail = _detail(proposal)
        if detail:
            click.echo(f"      {detail}")
        for note in proposal.notes:
            click.echo(click.style(f"      注意: {note}", fg="yellow"))
        for problem in proposal.problems:
            click.echo(click.style(f"      {problem}", fg="red"))
    for problem in capture.problems:
        click.echo(click.style(f"  ✗ {problem}", fg="red"))
    if dry_run:
        click.echo("dry run: nothing saved")
    elif report is not None:
        click.echo(f"saved {len(report.saved)} drafts for review (审核); "
                   f"{len(report.unchanged)} already in the knowledge base")


def _detail(proposal) -> str:
    f = proposal.fields
    if proposal.kind == "parameter":
        from ..capture.proposals import window_note
        return f"{f.get('process')} {f.get('name')}: {window_note(f.get('lower'), f.get('target'), f.get('upper'), f.get('unit', ''))}"
    if proposal.kind == "rule":
        trigger = f.get("condition") or f"症状: {f.get('symptom')}"
        return f"{trigger} → " + " / ".join(f.get("actions") or [])
    if proposal.kind == "procedure":
        return " → ".join(f.get("steps") or [])
    if proposal.kind == "term":
        return "、".join(f.get("synonyms") or []) or (f.get("definition") or "")[:60]
    return ""


@click.command("gaps")
@base_option
@click.option("--kind", type=click.Choice(gap_finder.GAP_KINDS), default=None, help="Only this kind of gap.")
@click.option("--limit", default=10, show_default=True, help="At most this many of each kind.")
@json_option
def gaps_cmd(base: str, kind: str | None, limit: int, as_json: bool) -> None:
    """What the knowledge base still lacks, each as a question for the master."""
    report = gap_finder.find_gaps(open_store(), base, limit_per_kind=limit)
    if kind:
        report.gaps = [g for g in report.gaps if g.kind == kind]
    if as_json:
        echo_json(report.to_dict())
        return
    titles = {"unhelpful": "回答没帮助", "asked": "徒弟常问", "no_rule": "没有应急判断",
              "no_procedure": "没有恢复规程", "no_rationale": "窗口没写原因", "thin_process": "知识太少的工序"}
    counts = report.to_dict()["counts"]
    click.echo(f"知识库 {base} 的缺口: " + ", ".join(f"{titles[k]} {n}" for k, n in counts.items() if n))
    for gap_kind, gaps in report.by_kind().items():
        if not gaps:
            continue
        click.echo(f"\n{titles[gap_kind]} ({gap_kind}):")
        for gap in gaps:
            refs = f"  [{', '.join(gap.refs)}]" if gap.refs else ""
            click.echo(f"  - {gap.prompt}{refs}")
    click.echo("\n师傅的回答用 laoshifu capture - --process 工序 录入，成为草稿。")
