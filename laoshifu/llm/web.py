"""The ask page with a model: the extractive answer at once, the generated one streamed
above it as server-sent events, sentence by checked sentence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from ..answer import asking
from ..people import permissions
from ..answer.model import Answer
from ..errors import LaoshifuError
from ..store import Store
from . import configured_client


@dataclass(frozen=True)
class PageAnswer:
    answer: Answer
    model: str = ""  # "" when no model is used: the page is as it always was
    retrieval_question: str = ""  # what the stream asks retrieval (a paraphrase, if one won)


def ask_for_page(store: Store, base: str, question: str, user) -> PageAnswer:
    """``asking.ask`` when no model is configured; else retrieval with rewriting, the
    question queued only if it stays unanswered."""
    permissions.check(user, "ask", base)
    client = _client()
    if client is None:
        return PageAnswer(asking.ask(store, base, question, user))
    from .generate import prepare  # the model's libraries load only when a model is used

    prepared = prepare(store, question, base, client, record=True, actor=user.name)
    return PageAnswer(prepared.answer, client.name, prepared.rewritten_as or question)


def sse(store: Store, base: str, retrieval_question: str, asked: str, user) -> Iterator[str]:
    """Events: ``sentence`` {text, citations} for each kept sentence, then ``done``
    {fell_back, reason, model}. Nothing here is queued or recorded twice."""
    try:
        permissions.check(user, "ask", base)
        client = _client()
        if client is None:
            yield _event("done", {"fell_back": True, "reason": "no_model", "model": ""})
            return
        from ..answer import ask

        answer = ask(store, retrieval_question, base, record=False, actor=user.name)
    except LaoshifuError as exc:
        yield _event("done", {"fell_back": True, "reason": exc.render(), "model": ""})
        return
    from .generate import Prepared, stream_generation

    prepared = Prepared(asked or retrieval_question, answer,
                        retrieval_question if asked and asked != retrieval_question else "")
    for event in stream_generation(store, base, prepared, client):
        if event.kind == "sentence" and event.sentence is not None:
            yield _event("sentence", {"text": event.sentence.text,
                                      "citations": list(event.sentence.citations)})
        elif event.kind == "done" and event.generated is not None:
            g = event.generated
            yield _event("done", {"fell_back": g.fell_back, "reason": g.reason, "model": g.model})


def _client():
    client = configured_client()
    if client is None or client.settings.generate == "off":
        return None
    return client


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
