"""``laoshifu mcp``: the master as a Model Context Protocol server, so the plant's other
assistants (Dify, Cherry Studio, Claude Desktop, …) consult him and cite him.

Tools: ``ask``, ``diagnose``, ``search_units``, ``get_unit``, ``review_day``; every approved
unit is a resource (``laoshifu://BASE/units/ID``). An API token (``laoshifu token create``)
decides who is asking, with that user's role and knowledge bases: given once for stdio,
sent as ``Authorization: Bearer …`` with every HTTP request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import CallToolResult, ListResourcesResult, Resource, TextContent

from ..people import accounts, permissions
from ..answer import asking
from ..knowledge import editing
from ..answer.model import Answer
from ..errors import LaoshifuError, Problem
from ..store import Store
from ..knowledge.units import DEFAULT_BASE, format_number
from ..knowledge.vocabulary import Vocabulary
from ..llm.prompt import render_unit

MAX_LISTED = 2000  # resources listed per base; the rest are read by URI
INSTRUCTIONS = (
    "老师傅 Laoshifu answers from a retired steel-plant master's approved knowledge. Quote his "
    "answer with its [n] citations; when he says 不确定 (not sure), say so — the question has been "
    "sent to him. Values, actions and steps come only from his units; never add your own.")


class _Access:
    """Who is asking: the process token (stdio) or the request's Bearer token (HTTP)."""

    def __init__(self, store: Store, token: str | None):
        self.store, self.token = store, token

    def user(self, request: Any = None) -> accounts.User:
        token = self.token
        if request is not None:
            header = request.headers.get("authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = accounts.user_for_token(self.store, token) if token else None
        if user is None:
            raise ToolError("no valid API token: create one with `laoshifu token create NAME`")
        return user

    def base(self, user: accounts.User, base: str) -> str:
        if base:
            return base
        return user.bases[0] if len(user.bases) == 1 else DEFAULT_BASE


def build_server(store: Store, token: str | None = None, data_dir: Path | None = None
                 ) -> MCPServer:
    """The server over ``store``; ``token`` for stdio, None to read each HTTP request's."""
    access = _Access(store, token)
    server = MCPServer("laoshifu", title="老师傅 Laoshifu", instructions=INSTRUCTIONS,
                       log_level="WARNING", middleware=[_ListUnits(store, access)])

    def who(ctx: Context) -> accounts.User:
        return access.user(ctx.request_context.request)

    @server.tool(description="Ask the master a question (Chinese works best). Returns his answer "
                             "with [n] citations, windows, rule actions and procedure steps, or "
                             "不确定 (not sure), in which case the question is queued for him.")
    def ask(question: str, ctx: Context, base: str = "") -> CallToolResult:
        user = who(ctx)
        base = access.base(user, base)
        answer = _call(lambda: asking.ask(store, base, question, user))
        data = answer.to_dict()
        data.pop("ranking", None)
        return _result(render_answer(answer), data)

    @server.tool(description="Judge readings against the master's windows and emergency rules, "
                             "e.g. readings={\"露点\": 65, \"氢气比例\": \"15%\"}; values may carry units.")
    def diagnose(readings: dict[str, str | float], ctx: Context, symptom: str = "",
                 grade: str = "", thickness: float | None = None, process: str = "",
                 base: str = "") -> CallToolResult:
        from ..diagnosis import diagnose as diagnosis
        from ..review.material import Material

        user = who(ctx)
        base = access.base(user, base)
        _call(lambda: permissions.check(user, "ask", base))
        units = store.list_units(base, kinds=("parameter", "term", "rule"))
        result = _call(lambda: diagnosis.diagnose(units, readings, symptom=symptom,
                                                  process=process or None,
                                                  material=Material(grade or None, thickness)))
        return _result(diagnosis.render_text(result), result.to_dict())

    @server.tool(description="Find units (parameter windows, procedures, rules, notes, handbook "
                             "sections, answered questions, terms) by words, kind and process.")
    def search_units(ctx: Context, query: str = "", kind: str = "", process: str = "",
                     base: str = "", limit: int = 20) -> CallToolResult:
        user = who(ctx)
        base = access.base(user, base)
        units = _call(lambda: editing.search_units(store, base, user, query, kind, process))
        rows = [{"id": u.id, "kind": u.kind, "title": u.title, "process": u.process,
                 "version": u.version, "status": u.status, "uri": unit_uri(base, u.id)}
                for u in units[:max(1, min(limit, 200))]]
        text = "\n".join(f"- {r['id']} ({r['kind']}, v{r['version']}) {r['title']}" for r in rows)
        return _result(text or "没有找到 (nothing found)", {"base": base, "count": len(units),
                                                         "units": rows})

    @server.tool(description="One unit with every field, its version and where it came from.")
    def get_unit(unit_id: str, ctx: Context, base: str = "") -> CallToolResult:
        user = who(ctx)
        base = access.base(user, base)
        unit = _call(lambda: editing.get_visible(store, base, unit_id, user))
        return _result(render_unit(unit, Vocabulary()), unit.to_dict())

    @server.tool(description="Review a day of production data (a CSV/Parquet file or folder under "
                             "the server's data folder) against the master's windows and rules: "
                             "excursions, drift, rules fired, stuck sensors, today's plan.")
    def review_day(data: str, ctx: Context, day: str = "", line: str = "", process: str = "",
                   base: str = "") -> CallToolResult:
        from ..review.daily import ReviewOptions
        from ..review.daily import review_day as review
        from ..review.report_md import render_markdown

        user = who(ctx)
        base = access.base(user, base)
        _call(lambda: permissions.check(user, "read", base))
        path = _data_path(data_dir, data)
        units = store.list_units(base)
        result = _call(lambda: review(path, units, ReviewOptions(day=day or None, line=line or None,
                                                                 process=process or None, charts=0)))
        return _result(render_markdown(result), result.to_dict())

    @server.resource("laoshifu://{base}/units/{unit_id}", mime_type="text/markdown",
                     description="An approved unit of the master's knowledge.")
    def unit_resource(base: str, unit_id: str, ctx: Context) -> str:
        try:
            user = who(ctx)
            unit = editing.get_visible(store, base, unit_id, user)
        except (LaoshifuError, ToolError) as exc:
            raise ResourceError(str(exc)) from None
        return render_unit(unit, Vocabulary())

    return server


def unit_uri(base: str, unit_id: str) -> str:
    return f"laoshifu://{base}/units/{unit_id}"


class _ListUnits:
    """resources/list names the units the token's user may read (a resource template alone
    would leave assistants guessing ids)."""

    def __init__(self, store: Store, access: _Access):
        self.store, self.access = store, access

    async def __call__(self, ctx, call_next):
        if ctx.method != "resources/list":
            return await call_next(ctx)
        try:
            user = self.access.user(ctx.request)
        except ToolError:
            return ListResourcesResult(resources=[])
        resources = []
        for base in user.visible_bases(self.store.bases()):
            for unit in self.store.list_units(base)[:MAX_LISTED]:
                resources.append(Resource(uri=unit_uri(base, unit.id), name=unit.id,
                                          title=unit.title, mime_type="text/markdown",
                                          description=f"{unit.kind} v{unit.version}"
                                                      + (f" · {unit.process}" if unit.process else "")))
        return ListResourcesResult(resources=resources)


def _call(fn):
    """Library errors become tool errors the assistant can read."""
    try:
        return fn()
    except LaoshifuError as exc:
        raise ToolError(exc.render()) from None


def _result(text: str, data: dict) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def _data_path(data_dir: Path | None, data: str) -> Path:
    """Only files inside the server's data folder: an assistant must not read the disk."""
    if data_dir is None:
        raise ToolError("this server has no production-data folder: start it with "
                        "`laoshifu mcp --data-dir DIR`")
    root = data_dir.resolve()
    path = (root / data).resolve()
    if not path.is_relative_to(root) or not path.exists():
        raise ToolError(str(LaoshifuError(Problem(f"no data {data!r} in the data folder",
                                                  field="data", hint="a path relative to it"))))
    return path


def render_answer(answer: Answer) -> str:
    """The answer as Markdown an assistant can quote."""
    if answer.refused:
        lines = ["不确定 (not sure). " + (answer.note or "") +
                 (f"师傅看过这个问题，没有收进知识库：{answer.dismissed}" if answer.dismissed else
                  "这个问题已转给师傅 (queued for the master)." if answer.queued_question_id else "")]
        if answer.related:
            lines.append("相关 (related): " + "；".join(f"{r.title} ({r.unit_id})" for r in answer.related))
        return "\n".join(lines)
    lines: list[str] = []
    for w in answer.windows:
        bounds = " ~ ".join("—" if v is None else format_number(v) for v in (w.lower, w.upper))
        target = f"，目标 {format_number(w.target)}" if w.target is not None else ""
        where = f"（{w.condition}）" if w.condition else ""
        lines.append(f"- {w.process}{w.name}{where}: {bounds} {w.unit}{target} [{w.citation}]")
    for rule in answer.rules:
        lines.append(f"判断 [{rule.citation}]: {rule.diagnosis}")
        lines += [f"  {i}. {a}" for i, a in enumerate(rule.actions, 1)]
    for procedure in answer.procedures:
        lines.append(f"{procedure.title} [{procedure.citation}]:")
        lines += [f"  {i}. {s}" for i, s in enumerate(procedure.steps, 1)]
    for s in answer.sentences:
        lines.append(f"> {s.text}" + "".join(f"[{n}]" for n in s.citations))
    lines.append("出处 (sources):")
    lines += [f"[{c.n}] {c.unit_id} ({c.kind}) {c.title} v{c.version} {c.source}".rstrip()
              for c in answer.citations]
    return "\n".join(lines)


def http_app(store: Store, host: str, data_dir: Path | None = None, path: str = "/mcp"):
    """The streamable-HTTP app, refusing any request without a valid Bearer token."""
    server = build_server(store, token=None, data_dir=data_dir)
    app = server.streamable_http_app(streamable_http_path=path, host=host)
    return _TokenGate(app, store), server


class _TokenGate:
    """401 before anything else runs when the request has no valid API token."""

    def __init__(self, app, store: Store):
        self.app, self.store = app, store

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            header = headers.get("authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not token or accounts.user_for_token(self.store, token) is None:
                body = b'{"error": "a valid API token is required (Authorization: Bearer ...)"}'
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"www-authenticate", b"Bearer"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def run_stdio(store: Store, token: str, data_dir: Path | None = None) -> None:
    if accounts.user_for_token(store, token) is None:
        raise LaoshifuError(Problem("the API token is not valid (revoked, or its user disabled)",
                                    field="token", hint="laoshifu token create NAME"))
    build_server(store, token=token, data_dir=data_dir).run("stdio")


def run_http(store: Store, host: str, port: int, data_dir: Path | None = None) -> None:
    import uvicorn

    app, _server = http_app(store, host, data_dir)
    uvicorn.run(app, host=host, port=port, log_level="warning")
