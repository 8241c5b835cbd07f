"""The one connection to the plant's model: OpenAI-compatible chat completions.

Every failure — refused connection, time-out, HTTP error, a reply that is not the protocol —
becomes ``ModelError``, which callers answer by falling back to the master's own words.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import openai

from ..errors import LaoshifuError, Problem
from .config import ModelSettings, network_scope

Messages = list[dict[str, str]]


class ModelError(Exception):
    """The model did not give a usable reply (the reason is the message)."""


@dataclass(frozen=True)
class ModelCheck:
    ok: bool
    base_url: str
    model: str
    scope: str  # loopback / private / public / unknown
    latency_ms: float
    reply: str = ""
    error: str = ""

    def to_dict(self) -> dict:
        return {"ok": self.ok, "base_url": self.base_url, "model": self.model, "scope": self.scope,
                "latency_ms": round(self.latency_ms, 1), "reply": self.reply, "error": self.error}


class ModelClient:
    """Chat completions against one configured endpoint and model."""

    def __init__(self, settings: ModelSettings):
        self.settings = settings
        self._openai = openai.OpenAI(base_url=settings.base_url, api_key=settings.key,
                                     timeout=settings.timeout_s, max_retries=settings.retries)
        self._scope: str | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.settings.model

    def scope(self) -> str:
        with self._lock:
            if self._scope is None:
                self._scope = network_scope(self.settings.base_url)
            return self._scope

    def _guard(self) -> None:
        """Refuse to send the master's knowledge off the plant's network unless allowed."""
        if self.scope() == "public" and not self.settings.allow_public:
            raise LaoshifuError(Problem(
                f"the model endpoint {self.settings.base_url} is on a public address",
                field="llm.base_url",
                hint="use a model on the plant's network, or set llm.allow_public: true "
                     "(LAOSHIFU_LLM_ALLOW_PUBLIC=1) to send cited units there on purpose"))

    def complete(self, messages: Messages, *, max_tokens: int | None = None,
                 temperature: float | None = None) -> str:
        """The whole reply's text."""
        self._guard()
        try:
            response = self._openai.chat.completions.create(
                model=self.settings.model, messages=messages,  # type: ignore[arg-type]
                temperature=self.settings.temperature if temperature is None else temperature,
                max_tokens=max_tokens or self.settings.max_tokens)
            content = response.choices[0].message.content
        except openai.APITimeoutError:
            raise ModelError(f"no reply within {self.settings.timeout_s:g} s") from None
        except openai.APIStatusError as exc:
            raise ModelError(f"HTTP {exc.status_code} from the model endpoint") from None
        except openai.APIConnectionError:
            raise ModelError(f"cannot reach {self.settings.base_url}") from None
        except (openai.OpenAIError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ModelError(f"the reply is not a chat completion ({type(exc).__name__})") from None
        if not isinstance(content, str):
            raise ModelError("the reply has no text")
        return content

    def stream(self, messages: Messages, *, max_tokens: int | None = None) -> Iterator[str]:
        """The reply's text as it arrives; the whole reply may take at most timeout_s."""
        self._guard()
        deadline = time.monotonic() + self.settings.timeout_s
        try:
            chunks = self._openai.chat.completions.create(
                model=self.settings.model, messages=messages,  # type: ignore[arg-type]
                temperature=self.settings.temperature,
                max_tokens=max_tokens or self.settings.max_tokens, stream=True)
        except openai.APITimeoutError:
            raise ModelError(f"no reply within {self.settings.timeout_s:g} s") from None
        except openai.APIStatusError as exc:
            raise ModelError(f"HTTP {exc.status_code} from the model endpoint") from None
        except openai.APIConnectionError:
            raise ModelError(f"cannot reach {self.settings.base_url}") from None
        except (openai.OpenAIError, ValueError) as exc:
            raise ModelError(f"the reply is not a chat completion ({type(exc).__name__})") from None
        try:
            for chunk in chunks:
                if time.monotonic() > deadline:
                    raise ModelError(f"the reply took longer than {self.settings.timeout_s:g} s")
                if not chunk.choices:
                    continue  # usage-only chunks, keep-alives
                text = chunk.choices[0].delta.content
                if text:
                    yield text
        except ModelError:
            raise
        except openai.APITimeoutError:
            raise ModelError(f"the reply stalled for {self.settings.timeout_s:g} s") from None
        except (openai.OpenAIError, ValueError, KeyError, IndexError, TypeError, AttributeError,
                OSError) as exc:
            raise ModelError(f"the streamed reply broke off ({type(exc).__name__})") from None
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def check(self) -> ModelCheck:
        """Does the model answer? One short completion."""
        started = time.perf_counter()
        scope = self.scope()
        try:
            reply = self.complete([{"role": "user", "content": "请只回答：好"}], max_tokens=16,
                                  temperature=0.0)
        except (ModelError, LaoshifuError) as exc:
            return ModelCheck(False, self.settings.base_url, self.settings.model, scope,
                              (time.perf_counter() - started) * 1000, error=str(exc))
        return ModelCheck(True, self.settings.base_url, self.settings.model, scope,
                          (time.perf_counter() - started) * 1000, reply=reply.strip()[:200])


@functools.lru_cache(maxsize=4)
def client_for(settings: ModelSettings) -> ModelClient:
    """One client (one connection pool) per configuration, shared by threads."""
    return ModelClient(settings)
