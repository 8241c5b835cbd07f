"""model check / rejections, export-training, mcp: the plant's AI model and assistants."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import load_settings
from ..errors import LaoshifuError, Problem
from .common import base_option, echo_json, json_option, open_store


def register(main: click.Group) -> None:
    for command in (model_group, export_training_cmd, mcp_cmd):
        main.add_command(command)


@click.group("model")
def model_group() -> None:
    """The plant's AI model (an OpenAI-compatible endpoint): check it, read what it got wrong."""


@model_group.command("check")
@json_option
def model_check_cmd(as_json: bool) -> None:
    """Say whether the configured model answers (and where it is on the network)."""
    from ..llm import configured_client

    client = configured_client()
    if client is None:
        if as_json:
            echo_json({"configured": False})
        else:
            click.echo("no model configured: answers are the master's own words, as always\n"
                       "(set LAOSHIFU_LLM_BASE_URL and LAOSHIFU_LLM_MODEL, or llm: in config.yaml)")
        return
    result = client.check()
    if as_json:
        echo_json({"configured": True, **result.to_dict()})
    else:
        where = {"loopback": "this machine", "private": "the plant's network",
                 "public": "a PUBLIC address", "unknown": "an address that does not resolve"}
        click.echo(f"model {result.model} at {result.base_url} ({where[result.scope]})")
        click.echo(f"answers: {'yes' if result.ok else 'no'} ({result.latency_ms:.0f} ms)"
                   + (f" — {result.error}" if result.error else f" — {result.reply!r}"))
    if not result.ok:
        raise SystemExit(1)


@model_group.command("rejections")
@base_option
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
@json_option
def model_rejections_cmd(base: str, limit: int, as_json: bool) -> None:
    """Sentences of generated answers the checker dropped, with why: for the master."""
    from ..llm.rejections import list_rejections

    rows = list_rejections(open_store(), base, limit)
    if as_json:
        echo_json([r.to_dict() for r in rows])
        return
    if not rows:
        click.echo("no dropped sentences")
    for r in rows:
        click.echo(f"{r.at}  {r.model}  {'fell back' if r.fell_back else 'dropped'}  问: {r.question}")
        click.echo(f"  「{r.sentence}」")
        for finding in r.findings:
            click.echo(f"    - {finding['code']}: {finding['detail']}")


def model_for_ask(generate: bool | None):
    """The client ``ask`` should use: --generate demands one, --no-generate none, and by
    default the configured model unless llm.generate is off."""
    from ..llm import configured_client

    if generate is False:
        return None
    client = configured_client()
    if client is None:
        if generate:
            raise LaoshifuError(Problem("no model configured", field="--generate",
                                        hint="set LAOSHIFU_LLM_BASE_URL and LAOSHIFU_LLM_MODEL; "
                                             "see docs/llm.md"))
        return None
    if generate is None and client.settings.generate == "off":
        return None
    return client


def ask_generated(client, store, question: str, base: str, record: bool, as_json: bool) -> None:
    """Print a generated answer, checked, above the master's own words."""
    from ..llm.generate import generate_answer
    from .ask import render_answer

    result = generate_answer(store, question, base, client, record=record,
                             index_dir=load_settings().index_dir)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(render_generated(result))
    click.echo(render_answer(result.answer))


def render_generated(result) -> str:
    lines = []
    if result.rewritten_as:
        lines.append(f"（按「{result.rewritten_as}」理解）")
    if result.text:
        lines += [f"{result.model} 整理（逐句核对过）:", f"  {result.text}", ""]
    elif result.fell_back:
        lines += [f"（{result.model} 的回答没有通过核对：{result.reason}；以下是师傅的原话）", ""]
    return "\n".join(lines)


@click.command("export-training")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["openai", "sharegpt", "alpaca"]),
              default="openai", show_default=True, help="Chat JSONL for common fine-tuning tools.")
@click.option("--heldout", default=10.0, show_default=True,
              help="Percent of units (all their records) held out for evaluation.")
@click.option("--title", default="", help="Who the model speaks for, in its system prompt.")
@base_option
@json_option
def export_training_cmd(path: Path, fmt: str, heldout: float, title: str, base: str,
                        as_json: bool) -> None:
    """Write training data from approved knowledge: PATH/train.jsonl, heldout.jsonl, data card."""
    from ..llm.training import export_training

    report = export_training(open_store(), path, base, fmt, heldout, title)
    if as_json:
        echo_json(report.to_dict())
        return
    card = report.card
    click.echo(f"wrote {report.train} training and {report.heldout} held-out records ({fmt}) "
               f"to {path}/ from {card['units_used']} units, knowledge {card['knowledge_version']}")
    click.echo("  by kind: " + ", ".join(f"{k} {n}" for k, n in card["by_kind"].items()))
    click.echo(f"  data card: {path / 'data_card.md'}")


@click.command("mcp")
@click.option("--http", "use_http", is_flag=True, help="Serve streamable HTTP instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP address to bind.")
@click.option("--port", default=8765, show_default=True, help="HTTP port.")
@click.option("--token", envvar="LAOSHIFU_MCP_TOKEN", default=None,
              help="stdio: the API token that decides user, role and bases "
                   "(better: the LAOSHIFU_MCP_TOKEN variable). HTTP: each request's Bearer token.")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Production data the review_day tool may read (nothing outside it).")
def mcp_cmd(use_http: bool, host: str, port: int, token: str | None, data_dir: Path | None) -> None:
    """Serve the master to other AI assistants over MCP (tools ask, diagnose, search_units,
    get_unit, review_day; units as resources)."""
    from ..mcp import server as mcp_server

    store = open_store()
    if use_http:
        click.echo(f"MCP on http://{host}:{port}/mcp (Bearer token required)", err=True)
        mcp_server.run_http(store, host, port, data_dir)
        return
    if not token:
        raise LaoshifuError(Problem("stdio needs an API token", field="--token",
                                    hint="laoshifu token create NAME, then LAOSHIFU_MCP_TOKEN=…"))
    mcp_server.run_stdio(store, token, data_dir)


def eval_generated(store, questions, base: str, as_json: bool) -> None:
    """``laoshifu eval --generate``: faithfulness and fall-back rate of the model's answers."""
    from ..llm import configured_client
    from ..llm.evaluate import evaluate_generation

    client = configured_client()
    if client is None:
        raise LaoshifuError(Problem("no model configured", field="--generate",
                                    hint="set LAOSHIFU_LLM_BASE_URL and LAOSHIFU_LLM_MODEL; see docs/llm.md"))
    report = evaluate_generation(store, questions, base, load_settings().index_dir, client)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(report.render())
