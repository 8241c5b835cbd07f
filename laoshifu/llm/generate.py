"""A generated answer: retrieval decides, the model words it, the checker keeps it honest.

1. ``ask()`` answers or refuses exactly as without a model. When it is unsure, the model may
   propose paraphrases and retrieval runs again on each (``prepare``); a refusal stands
   unless one of them is answered with confidence.
2. The model gets the question and the units the answer cites, nothing else, and writes
   sentences with ``[n]`` markers (``stream_generation``).
3. Each sentence is checked as it completes; only kept sentences are shown. If the answer
   loses its substance — nothing kept, most of it dropped, or a value question's window
   number gone — or the model fails, it falls back to the extractive answer, which is
   always shown under the generated one anyway.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..answer import IndexCache, ask, cache_for
from ..answer.model import Answer
from ..errors import LaoshifuError
from ..quantities import normalize_unit
from ..store import Store
from ..text import normalize
from ..knowledge.units import DEFAULT_BASE
from .client import ModelClient, ModelError
from .numbers import Quantity, same_quantity
from .prompt import KnowledgeChanged, answer_messages, cited_sources, rewrite_messages
from .rejections import log_rejections
from .verify import CheckedSentence, Checker, is_unsure, split_reply

log = logging.getLogger(__name__)

MAX_PARAPHRASES = 3
_END = re.compile(r"[。！？!?\n](?:\s*[\[【]\s*\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\s*[\]】])*")


@dataclass
class Prepared:
    """What retrieval found, possibly for a paraphrase of the question."""

    question: str
    answer: Answer
    rewritten_as: str = ""  # the paraphrase retrieval answered, if any
    paraphrases: list[str] = field(default_factory=list)  # what the model proposed


@dataclass
class Generated:
    question: str
    answer: Answer  # the extractive answer: shown under the generated text, or instead
    model: str
    sentences: list[CheckedSentence] = field(default_factory=list)  # kept, in order
    rejected: list[CheckedSentence] = field(default_factory=list)
    fell_back: bool = False
    reason: str = ""  # why there is no generated text ("" when there is)
    rewritten_as: str = ""
    reply: str = ""  # the model's reply as received
    elapsed_ms: float = 0.0

    @property
    def text(self) -> str:
        return "" if self.fell_back else "".join(s.text for s in self.sentences)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "model": self.model,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences] if not self.fell_back else [],
            "fell_back": self.fell_back,
            "reason": self.reason,
            "rejected": [s.to_dict() for s in self.rejected],
            "rewritten_as": self.rewritten_as,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "answer": self.answer.to_dict(),
        }


@dataclass(frozen=True)
class Event:
    """What a stream reports: ``answer`` first, then each kept ``sentence``, then ``done``."""

    kind: str
    prepared: Prepared | None = None
    sentence: CheckedSentence | None = None
    generated: Generated | None = None


def prepare(store: Store, question: str, base: str = DEFAULT_BASE, client: ModelClient | None = None,
            *, record: bool = True, index_dir: Path | None = None, cache: IndexCache | None = None,
            actor: str = "", threshold: float | None = None) -> Prepared:
    """Retrieval's answer, with paraphrases tried first when it is unsure. The question is
    queued for the master only if it stays unanswered."""
    options = {"index_dir": index_dir, "cache": cache, "threshold": threshold, "actor": actor}
    rewriting = client is not None and client.settings.rewrite
    first = ask(store, question, base, record=record and not rewriting, **options)
    if not (first.refused and rewriting):
        return Prepared(question, first)
    paraphrases: list[str] = []
    if not first.note:  # a grade the knowledge base lacks is not a wording problem
        paraphrases = propose_paraphrases(client, question)
        for paraphrase in paraphrases:
            try:
                candidate = ask(store, paraphrase, base, record=False, **options)
            except LaoshifuError:
                continue  # too long, empty: not a question
            if not candidate.refused:
                return Prepared(question, candidate, paraphrase, paraphrases)
    if record:
        first = ask(store, question, base, record=True, **options)
    return Prepared(question, first, "", paraphrases)


def propose_paraphrases(client: ModelClient, question: str) -> list[str]:
    """The model's paraphrases, kept only if they keep the question's numbers."""
    try:
        reply = client.complete(rewrite_messages(question), max_tokens=300)
    except (ModelError, LaoshifuError) as exc:
        log.warning("no paraphrases: %s", exc)
        return []
    wanted = _numbers_of(question)
    out = []
    for text in _paraphrase_list(reply):
        text = text.strip()[:500]
        if text and text != question and text not in out and wanted <= _numbers_of(text):
            out.append(text)
    return out[:MAX_PARAPHRASES]


def _paraphrase_list(reply: str) -> list[str]:
    """``{"paraphrases": [...]}`` or a bare list, inside a code fence or not; else nothing."""
    body = re.sub(r"<think>.*?</think>", "", reply, flags=re.DOTALL).strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", body, flags=re.DOTALL)
    if fenced:
        body = fenced.group(1).strip()
    try:
        data = json.loads(body)
    except ValueError:
        return []
    if isinstance(data, dict):
        data = data.get("paraphrases") or data.get("questions") or []
    if not isinstance(data, list):
        return []
    return [x for x in data if isinstance(x, str)]


def _numbers_of(text: str) -> set[str]:
    # Not the 2 of H2: digits inside a symbol are part of a name.
    return set(re.findall(r"(?<![a-z_\d.])\d+(?:\.\d+)?", normalize(text)))


def stream_generation(store: Store, base: str, prepared: Prepared, client: ModelClient, *,
                      index_dir: Path | None = None, cache: IndexCache | None = None,
                      log_rejected: bool = True) -> Iterator[Event]:
    """Stream the checked sentences of a generated answer; the last event says whether
    the generated text stands or the answer falls back."""
    started = time.perf_counter()
    answer = prepared.answer
    result = Generated(prepared.question, answer, client.name, rewritten_as=prepared.rewritten_as)
    yield Event("answer", prepared=prepared)
    if answer.refused:
        result.reason = "refused"
        yield _done(result, started)
        return
    vocabulary = (cache or cache_for(store, index_dir)).get(base).vocabulary
    try:
        sources = cited_sources(store, base, answer, vocabulary)
    except KnowledgeChanged as exc:
        result.fell_back, result.reason = True, f"knowledge_changed: {exc}"
        yield _done(result, started)
        return
    checker = Checker(sources, vocabulary)
    splitter = SentenceSplitter()
    reply: list[str] = []
    error = ""
    try:
        for delta in client.stream(answer_messages(prepared.question, sources)):
            reply.append(delta)
            for sentence in splitter.feed(delta):
                checked = _keep(checker, sentence, result)
                if checked is not None:
                    yield Event("sentence", sentence=checked)
        for sentence in splitter.flush():
            checked = _keep(checker, sentence, result)
            if checked is not None:
                yield Event("sentence", sentence=checked)
    except (ModelError, LaoshifuError) as exc:  # LaoshifuError: a public endpoint refused
        error = f"model_error: {exc}"
    result.reply = "".join(reply)
    unsure = not result.sentences and is_unsure(result.reply)
    result.reason = error or ("model_unsure" if unsure else _lost_substance(answer, result, checker))
    result.fell_back = bool(result.reason)
    if result.rejected and log_rejected and not unsure:
        log_rejections(store, base, prepared.question, client.name, result.rejected, sources,
                       result.fell_back)
    yield _done(result, started)


def generate_answer(store: Store, question: str, base: str, client: ModelClient, *,
                    record: bool = True, index_dir: Path | None = None,
                    cache: IndexCache | None = None, actor: str = "",
                    threshold: float | None = None, log_rejected: bool = True) -> Generated:
    """``prepare`` then ``stream_generation``, run to the end."""
    prepared = prepare(store, question, base, client, record=record, index_dir=index_dir,
                       cache=cache, actor=actor, threshold=threshold)
    done = None
    for event in stream_generation(store, base, prepared, client, index_dir=index_dir,
                                   cache=cache, log_rejected=log_rejected):
        done = event
    assert done is not None and done.generated is not None
    return done.generated


def _keep(checker: Checker, sentence: str, result: Generated) -> CheckedSentence | None:
    checked = checker.check(sentence)
    (result.sentences if checked.ok else result.rejected).append(checked)
    return checked if checked.ok else None


def _done(result: Generated, started: float) -> Event:
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return Event("done", generated=result)


def _lost_substance(answer: Answer, result: Generated, checker: Checker) -> str:
    if not result.sentences:
        return "nothing_verified"
    if len(result.rejected) > len(result.sentences):
        return "too_many_dropped"
    if answer.windows:
        # A value question is answered by its window: one of its numbers must survive.
        w = answer.windows[0]
        window = [Quantity(v, normalize_unit(w.unit), 0, "") for v in (w.lower, w.target, w.upper)
                  if v is not None]
        said = [q for s in result.sentences
                for q in checker.reader.read(normalize(re.sub(r"\[\d+\]", " ", s.text)))]
        if window and not any(same_quantity(q, v) for q in said for v in window):
            return "window_number_lost"
    return ""


class SentenceSplitter:
    """Cuts a streamed reply into sentences as soon as each is complete (its end mark and
    any markers after it have arrived)."""

    def __init__(self) -> None:
        self.buffer = ""

    def feed(self, delta: str) -> list[str]:
        self.buffer += delta
        out: list[str] = []
        while True:
            visible = _without_thinking(self.buffer)
            if visible is None:
                return out  # inside <think>…: wait for its end
            self.buffer = visible
            match = _END.search(self.buffer)
            if match is None:
                return out
            rest = self.buffer[match.end():]
            # Wait until we know no more markers follow the end mark.
            if not rest.strip() or rest.lstrip()[:1] in "[【":
                return out
            out += split_reply(self.buffer[:match.end()])
            self.buffer = rest

    def flush(self) -> list[str]:
        text, self.buffer = _without_thinking(self.buffer) or "", ""
        return split_reply(text)


def _without_thinking(text: str) -> str | None:
    """The text without finished <think>…</think> blocks; None while one is still open."""
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL)
    if "<think>" in text:
        return None
    # A reasoning model that opens with its thoughts may omit the opening tag.
    if "</think>" in text:
        text = text.split("</think>", 1)[1]
    return text
