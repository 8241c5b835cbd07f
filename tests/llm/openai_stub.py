"""A scripted model behind a real HTTP server that speaks the OpenAI chat-completions
protocol, streamed (server-sent events) and not.

Tests give it a script: a function from the request to a ``Reply`` (text, a status code, a
broken body, a delay). ``faithful`` writes an answer by copying the sources it was sent,
with their markers; ``planted`` does the same and plants one fabrication of a known kind
in it, remembering the sentence, so a test can prove every plant was caught.

By hand: ``python tests/llm/openai_stub.py --port 8765 --mode planted`` and then
``LAOSHIFU_LLM_BASE_URL=http://127.0.0.1:8765/v1 LAOSHIFU_LLM_MODEL=stub laoshifu eval --generate``.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    raw: str | None = None  # a body (or, streamed, an SSE data line) sent as is
    delay_s: float = 0.0  # before the first byte
    chunk_delay_s: float = 0.0  # between streamed pieces


Script = Callable[[dict], Reply]


@dataclass
class StubModel:
    """The server and what it saw."""

    script: Script
    requests: list[dict] = field(default_factory=list)
    planted: list[dict] = field(default_factory=list)  # {"kind", "sentence", "question"}

    def start(self, port: int = 0) -> StubModel:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "stub", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                stub.requests.append(body)
                reply = stub.script(body)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": "scripted failure"}})
                elif body.get("stream"):
                    self._stream(reply, body)
                elif reply.raw is not None:
                    self._send(200, reply.raw.encode(), "application/json")
                else:
                    self._json(200, _completion(reply.text, body))

            def _json(self, status, data):
                self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json")

            def _send(self, status, payload, kind):
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, reply, body):
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                try:
                    for piece in _pieces(reply.text):
                        self.wfile.write(f"data: {json.dumps(_chunk(piece, body), ensure_ascii=False)}\n\n".encode())
                        self.wfile.flush()
                        if reply.chunk_delay_s:
                            time.sleep(reply.chunk_delay_s)
                    if reply.raw is not None:
                        self.wfile.write(f"data: {reply.raw}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _completion(text: str, body: dict) -> dict:
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0,
            "model": body.get("model", "stub"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunk(piece: str, body: dict) -> dict:
    return {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0,
            "model": body.get("model", "stub"),
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}


def _pieces(text: str) -> list[str]:
    # Uneven pieces, as a tokenizer cuts: markers and numbers get split across chunks.
    return [text[i:i + 3] for i in range(0, len(text), 3)]


# -- what a model sees and a faithful answer ---------------------------------------------------
def sources_of(body: dict) -> dict[int, str]:
    """The [n] blocks of the user message."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    material = user.split("资料：\n", 1)[1].rsplit("\n\n问题：", 1)[0]
    out = {}
    for block in re.split(r"\n\n(?=\[\d+\] )", material):
        match = re.match(r"\[(\d+)\] (.*)", block, re.DOTALL)
        if match:
            out[int(match.group(1))] = match.group(2)
    return out


def question_of(body: dict) -> str:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return user.rsplit("问题：", 1)[1]


def faithful_sentences(body: dict) -> list[tuple[str, int]]:
    """Sentences copied from the sources, each with its source number."""
    out: list[tuple[str, int]] = []
    for n, text in list(sources_of(body).items())[:3]:
        lines = text.split("\n")
        head = lines[0]
        for line in lines[1:]:
            if line.startswith("窗口："):
                name = re.sub(r"（.*", "", head.split("：", 1)[1])
                out.append((f"{name}{line[3:]}", n))
            elif line.startswith("判断："):
                out.append((line[3:].rstrip("。"), n))
            elif re.match(r"\d+\. ", line):
                if sum(1 for s in out if s[1] == n) < 3:
                    out.append((line.split(". ", 1)[1].rstrip("。"), n))
            elif line.startswith(("师傅的话：", "释义：", "答：")) or (
                    not re.match(r"^[^：]{1,6}：", line) and len(line) > 8):
                first = re.split(r"(?<=[。！？])", line.split("：", 1)[-1] if "：" in line[:6] else line)[0]
                out.append((first.rstrip("。"), n))
        if len(out) >= 5:
            break
    return out[:5]


def render(sentences: list[tuple[str, int]]) -> str:
    return "".join(f"{text}[{n}]。" for text, n in sentences)


def faithful(body: dict) -> Reply:
    if body["messages"][0]["content"].startswith("你帮忙检索"):
        return Reply(json.dumps({"paraphrases": [question_of(body)]}, ensure_ascii=False))
    return Reply(render(faithful_sentences(body)))


# -- planted fabrications -----------------------------------------------------------------------
_FLIPS = (("降低", "提高"), ("提高", "降低"), ("打开", "关闭"), ("关闭", "打开"), ("加大", "减小"),
          ("减小", "加大"), ("升高", "降低"), ("停止", "启动"))
_UNITS_TO_K = re.compile(r"(\d+(?:\.\d+)?)\s*℃")


def plant(body: dict, sentences: list[tuple[str, int]], kind: str) -> tuple[list[tuple[str, int]], dict | None]:
    """Plant one fabrication of ``kind`` in a copy of ``sentences``; None if none fits."""
    sources = sources_of(body)
    everything = "\n".join(sources.values())
    for i, (text, n) in enumerate(sentences):
        changed, marker = None, n
        if kind == "invent_number":
            match = re.search(r"(?<![A-Za-z_\d.])(\d+)(?![\d.])", text)
            if match:
                value = int(match.group(1))
                new = next(v for v in range(value + 7, value + 500) if str(v) not in everything)
                changed = text[:match.start()] + str(new) + text[match.end():]
        elif kind == "unit_to_kelvin":
            if _UNITS_TO_K.search(text):
                changed = _UNITS_TO_K.sub(lambda m: f"{m.group(1)}K", text, count=1)
        elif kind == "wrong_marker":
            digits = re.findall(r"\d+", text)
            others = [m for m, t in sources.items() if m != n and digits and not any(d in t for d in digits)]
            if others:
                changed, marker = text, others[0]
        elif kind == "unknown_marker":
            changed, marker = text, max(sources) + 5
        elif kind == "flip_action":
            for old, new in _FLIPS:
                if old in text and new not in sources[n]:
                    changed = text.replace(old, new, 1)
                    break
        elif kind == "invented_claim":
            changed = "露点超过80℃时炉子会自己降温" if i == 0 else None
        if changed is not None:
            out = list(sentences)
            out[i] = (changed, marker)
            return out, {"kind": kind, "sentence": f"{changed}[{marker}]", "question": question_of(body)}
    return sentences, None


PLANT_KINDS = ("invent_number", "unit_to_kelvin", "wrong_marker", "unknown_marker", "flip_action",
               "invented_claim")


def planted_script(stub_holder: list) -> Script:
    """Every answer gets one plant when one fits; the kinds take turns."""

    def script(body: dict) -> Reply:
        if body["messages"][0]["content"].startswith("你帮忙检索"):
            return faithful(body)
        sentences = faithful_sentences(body)
        turn = len(stub_holder[0].planted)
        for offset in range(len(PLANT_KINDS)):
            kind = PLANT_KINDS[(turn + offset) % len(PLANT_KINDS)]
            changed, record = plant(body, sentences, kind)
            if record is not None:
                stub_holder[0].planted.append(record)
                return Reply(render(changed))
        return Reply(render(sentences))

    return script


def main() -> None:  # pragma: no cover - for trying the flow by hand
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--mode", choices=["faithful", "planted"], default="faithful")
    args = parser.parse_args()
    holder: list = [None]
    stub = StubModel(faithful if args.mode == "faithful" else planted_script(holder))
    holder[0] = stub
    stub.start(args.port)
    print(f"stub model on {stub.base_url} ({args.mode}); Ctrl-C stops it", flush=True)
    try:
        stub.thread.join()
    except KeyboardInterrupt:
        print(f"planted {len(stub.planted)} fabrications")
        stub.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
