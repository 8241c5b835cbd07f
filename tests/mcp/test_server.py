"""The MCP server, driven by the ``mcp`` package's own client over stdio and streamable
HTTP: cited answers, diagnosis, units as resources, and the token deciding who asks."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import time

import httpx
import pytest

from ..conftest import ROOT


def run(coro):
    return asyncio.run(coro)


def stdio_params(home, token, *extra):
    from mcp import StdioServerParameters

    env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    env["LAOSHIFU_SEMANTIC"] = "off"  # the suite is lexical (conftest): no embedding at start
    env.update(LAOSHIFU_HOME=str(home), LAOSHIFU_SEMANTIC="off", LAOSHIFU_MCP_TOKEN=token)
    return StdioServerParameters(command=sys.executable, args=["-m", "laoshifu.cli", "mcp", *extra],
                                 env=env, cwd=str(ROOT))


def test_stdio_tools_and_resources(kb, home, tokens, tmp_path):
    from mcp import Client

    data = tmp_path / "data"
    data.mkdir()

    async def session():
        async with Client(stdio_params(home, tokens["xiao"], "--data-dir", str(data))) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            ask = await client.call_tool("ask", {"question": "脱碳退火的露点一般控制在多少？"})
            unsure = await client.call_tool("ask", {"question": "火星上的退火炉用什么颜色的油漆？"})
            diag = await client.call_tool("diagnose", {"readings": {"露点": "70", "带速": 95},
                                                       "process": "脱碳退火"})
            found = await client.call_tool("search_units", {"query": "露点", "kind": "parameter"})
            unit = await client.call_tool("get_unit", {"unit_id": "dc-dew-point"})
            escape = await client.call_tool("review_day", {"data": "../../etc/passwd"})
            listed = (await client.list_resources()).resources
            read = await client.read_resource("laoshifu://main/units/dc-dew-point")
            return names, ask, unsure, diag, found, unit, escape, listed, read

    names, ask, unsure, diag, found, unit, escape, listed, read = run(session())
    assert names == {"ask", "diagnose", "search_units", "get_unit", "review_day"}
    assert not ask.is_error
    answer = ask.structured_content
    assert answer["windows"][0]["unit_id"] == "dc-dew-point" and answer["windows"][0]["upper"] == 65
    assert "[1] dc-dew-point (parameter) 露点 v1" in ask.content[0].text
    assert unsure.structured_content["refused"] and unsure.structured_content["queued_question_id"]
    assert kb.list_questions("main")[0].text == "火星上的退火炉用什么颜色的油漆？"
    assert not diag.is_error and diag.structured_content["out_of_window"][0]["parameter"] == "露点"
    assert not found.is_error and "dc-dew-point" in {u["id"] for u in found.structured_content["units"]}
    assert unit.structured_content["id"] == "dc-dew-point" and "窗口：下限 55℃" in unit.content[0].text
    assert escape.is_error and "no data" in escape.content[0].text
    assert len(listed) == len(kb.list_units("main")) and listed[0].uri.startswith("laoshifu://main/units/")
    assert "窗口：下限 55℃，目标 60℃，上限 65℃" in read.contents[0].text


def test_stdio_refuses_to_start_with_a_bad_token(kb, home):
    from click.testing import CliRunner

    from laoshifu.cli import main

    result = CliRunner().invoke(main, ["mcp"], env={"LAOSHIFU_HOME": str(home), "LAOSHIFU_MCP_TOKEN": ""})
    assert result.exit_code == 2 and "needs an API token" in result.output
    result = CliRunner().invoke(main, ["mcp", "--token", "lsf_nope"], env={"LAOSHIFU_HOME": str(home)})
    assert result.exit_code == 2 and "not valid" in result.output


@pytest.fixture
def http_server(kb):
    """``laoshifu mcp --http``'s app under uvicorn on a loopback port, in a thread."""
    import uvicorn

    from laoshifu.mcp.server import http_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app, _ = http_app(kb, "127.0.0.1")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/mcp"
    server.should_exit = True
    thread.join(10)


def http_client(url, token):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return Client(streamable_http_client(url, http_client=http))


def test_http_answers_with_citations_and_the_token_decides(http_server, tokens):
    async def session(token, calls):
        async with http_client(http_server, token) as client:
            return [await client.call_tool(name, args) for name, args in calls]

    ask, other = run(session(tokens["xiao"], [
        ("ask", {"question": "脱碳退火的露点一般控制在多少？"}),
        ("get_unit", {"unit_id": "other-note", "base": "other"})]))
    assert not ask.is_error and ask.structured_content["citations"][0]["unit_id"] == "dc-dew-point"
    assert other.is_error and "no access to knowledge base 'other'" in other.content[0].text
    (mine,) = run(session(tokens["zhao"], [("get_unit", {"unit_id": "other-note"})]))
    assert not mine.is_error and mine.structured_content["base"] == "other"  # his only base


def test_http_without_a_valid_token_is_401(http_server):
    for headers in ({}, {"Authorization": "Bearer lsf_wrong"}, {"Authorization": "Basic eDp5"}):
        response = httpx.post(http_server, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                              headers={"Accept": "application/json, text/event-stream", **headers})
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_an_apprentice_cannot_read_drafts_through_mcp(kb, http_server, tokens):
    from laoshifu.knowledge.units import Note

    kb.save_unit("main", Note(id="note-draft", title="草稿", body="还没审。", status="draft"), "li")

    async def session():
        async with http_client(http_server, tokens["xiao"]) as client:
            tool = await client.call_tool("get_unit", {"unit_id": "note-draft"})
            listed = {r.name for r in (await client.list_resources()).resources}
            return tool, listed

    tool, listed = run(session())
    assert tool.is_error and "no unit 'note-draft'" in tool.content[0].text
    assert "note-draft" not in listed and "dc-dew-point" in listed
