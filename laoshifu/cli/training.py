"""train (a terminal quiz) and progress: 带徒弟 on the command line.

Whoever runs the CLI has the machine (and the store) in hand, so ``progress`` reads as
an administrator would; ``train`` studies as the named learner.
"""

from __future__ import annotations

import click

from ..people import accounts
from ..people.accounts import User
from ..errors import LaoshifuError
from ..training import drills, progress, study
from ..training.cards import Card
from .common import base_option, echo_json, json_option, open_store

OPERATOR = User("cli", "admin")


def register(main: click.Group) -> None:
    main.add_command(train_cmd)
    main.add_command(progress_cmd)
    main.add_command(drills_cmd)


def _show(card: Card, changes: list[str]) -> None:
    if changes:
        click.secho("师傅改了这条知识，先看改了什么：", fg="yellow", bold=True)
        for line in changes:
            click.secho(f"  {line}", fg="yellow")
    click.secho(f"[{card.process or '—'}] ", fg="cyan", nl=False)
    click.echo(card.prompt)
    for i, line in enumerate(card.context, 1):
        click.echo(f"  {i}. {line}" if card.answer_kind == "order" else f"  · {line}")
    for i, choice in enumerate(card.choices, 1):
        click.echo(f"  {i}) {choice}")


def _ask_response(card: Card):
    """Read one answer; None when the learner wants to stop."""
    hints = {"number": f"答案（数字{'，单位 ' + card.unit if card.unit else ''}）",
             "choice": f"选 1-{len(card.choices)}", "order": "每一步是第几步（如 3 1 2 …）"}
    if card.answer_kind == "self":
        if click.prompt("想好了按回车看答案（q 退出）", default="", show_default=False).strip() == "q":
            return None
        click.echo(card.answer_text)
        return click.prompt("记得怎么样？1 重来 2 困难 3 记得 4 简单", default="3")
    while True:
        text = click.prompt(f"{hints[card.answer_kind]}（q 退出）", default="", show_default=False).strip()
        if text == "q":
            return None
        if card.answer_kind != "choice":
            return text
        if text.isdigit() and 1 <= int(text) <= len(card.choices):
            return int(text) - 1  # people count from 1
        click.secho(f"选 1 到 {len(card.choices)} 中的一个", fg="red")


@click.command("train")
@click.option("--user", "user_name", required=True, help="The learner (a user name).")
@click.option("--limit", default=20, show_default=True, help="Cards in this session.")
@base_option
def train_cmd(user_name: str, limit: int, base: str) -> None:
    """A terminal quiz: today's cards for USER, changed ones first (q quits)."""
    store = open_store()
    user = accounts.get_user(store, user_name)
    done = right = 0
    while done < limit:
        item = study.today_queue(store, base, user, limit=1).first
        if item is None:
            click.echo("今天的卡片学完了。")
            break
        _show(item.card, study.changes_for(store, base, item))
        while True:
            response = _ask_response(item.card)
            if response is None:
                click.echo(f"学了 {done} 张，对 {right} 张。")
                return
            try:
                answered = study.answer(store, base, user, item.card.unit_id, item.card.slot, response)
                break
            except LaoshifuError as exc:  # no answer at all: ask again
                click.secho(exc.render(), fg="red")
        verdict = answered.verdict
        done += 1
        right += bool(verdict.correct)
        if verdict.correct is not None:
            click.secho("✔ 对了" if verdict.correct else "✘ 错了", fg="green" if verdict.correct else "red",
                        bold=True)
            if verdict.message:
                click.echo(f"  （{verdict.message}）")
            click.echo(f"  正确答案：{item.card.answer_text}")
        click.secho(f"  出处：{item.card.unit_id} v{item.card.unit_version} {item.card.source}", dim=True)
        click.echo()
    click.echo(f"学了 {done} 张，对 {right} 张。")


@click.command("progress")
@click.argument("user_name", required=False)
@base_option
@json_option
def progress_cmd(user_name: str | None, base: str, as_json: bool) -> None:
    """Mastery per process, due load and weakest cards of USER (or every apprentice)."""
    store = open_store()
    people = [progress.learner_progress(store, base, user_name, OPERATOR)] if user_name \
        else progress.overview(store, base, OPERATOR)
    if as_json:
        echo_json({"base": base, "apprentices": [p.to_dict() for p in people]})
        return
    if not people:
        click.echo(f"no apprentices in {base}")
    for p in people:
        click.secho(f"{p.user}: 掌握度 {p.mastery:.0%}  已学 {p.learned}/{p.cards}  待复习 {p.due_now}  "
                    f"七天内 {p.due_week}  答 {p.reviews} 错 {p.wrong}", bold=True)
        for m in p.processes:
            if m.learned or user_name:
                click.echo(f"  {m.process or '—':<10} {m.mastery:>5.0%}  ({m.learned}/{m.cards})")
        if user_name and p.weakest:
            click.echo("  最薄弱：")
            for w in p.weakest:
                click.echo(f"    {w.recall:>4.0%}  {w.prompt.splitlines()[0]}  [{w.unit_id}]")
        for e in p.exams:
            click.echo(f"  考核 {e['process']}: {(e['score'] or 0):.0%} {'通过' if e['passed'] else '未通过'}")



@click.command("drills")
@click.argument("data", type=click.Path(exists=True))
@click.option("--day", help="The day to drill on (default: the last in the data).")
@click.option("--line", help="The production line, when the data has several.")
@click.option("--limit", default=20, show_default=True, help="At most this many drills.")
@base_option
@json_option
def drills_cmd(data: str, day: str | None, line: str | None, limit: int, base: str, as_json: bool) -> None:
    """Drills from a day of production data: each rule firing or excursion the review finds
    becomes a "看到什么，先做什么？" card for everyone learning that unit."""
    store = open_store()
    cards = drills.drills_from_data(data, store.list_units(base), day=day, line=line, limit=limit)
    added = drills.add_drills(store, base, cards)
    if as_json:
        echo_json({"base": base, "found": len(cards), "added": [c.to_dict() for c in added]})
        return
    click.echo(f"{len(cards)} drills found, {len(added)} new")
    for card in added:
        click.echo(f"  {card.unit_id}  {card.slot}  {card.answer_text}")
