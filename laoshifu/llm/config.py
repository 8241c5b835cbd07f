"""Where the plant's model is: an OpenAI-compatible chat endpoint, from the environment
(LAOSHIFU_LLM_*) or the ``llm:`` section of LAOSHIFU_HOME/config.yaml.

With neither, there is no model and Laoshifu answers as it always has.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..config import load_settings
from ..errors import LaoshifuError, Problem

ENV_PREFIX = "LAOSHIFU_LLM_"
# Ollama, vLLM and llama.cpp's server take any key; the client library wants one.
NO_KEY = "not-needed"


@dataclass(frozen=True)
class ModelSettings:
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout_s: float = 60.0  # per request; a stream may not stall longer than this
    retries: int = 1  # on connection errors, 429 and 5xx (the client library's back-off)
    temperature: float = 0.2
    max_tokens: int = 800
    # Propose paraphrases when retrieval is unsure (one more model call before "not sure").
    rewrite: bool = True
    # A base URL that resolves to a public address is refused unless this is set: the
    # master's knowledge stays on the plant's network by default.
    allow_public: bool = False
    # "auto": ask and the web app use the model; "off": only `model check` and explicit use.
    generate: str = "auto"

    @property
    def key(self) -> str:
        return self.api_key or NO_KEY


# name in config.yaml -> (environment variable, type)
_FIELDS = {
    "base_url": ("BASE_URL", str),
    "model": ("MODEL", str),
    "api_key": ("API_KEY", str),
    "timeout_s": ("TIMEOUT", float),
    "retries": ("RETRIES", int),
    "temperature": ("TEMPERATURE", float),
    "max_tokens": ("MAX_TOKENS", int),
    "rewrite": ("REWRITE", bool),
    "allow_public": ("ALLOW_PUBLIC", bool),
    "generate": ("GENERATE", str),
}
_LIMITS = {"timeout_s": (0.1, 3600.0), "retries": (0, 10), "temperature": (0.0, 2.0),
           "max_tokens": (16, 32768)}
GENERATE_MODES = ("auto", "off")


def load_model_settings(env: dict[str, str] | None = None, home: Path | None = None
                        ) -> ModelSettings | None:
    """The configured model, or None when no base URL and model are set."""
    env = dict(os.environ if env is None else env)
    home = home or load_settings(env).home
    path = home / "config.yaml"
    section, line = _config_section(path)
    values: dict[str, object] = {}
    for name, (suffix, kind) in _FIELDS.items():
        raw = env.get(ENV_PREFIX + suffix)
        where = Problem("", file=ENV_PREFIX + suffix, field=name)
        if raw is None or raw == "":
            if name not in section:
                continue
            raw = section[name]
            where = Problem("", file=str(path), line=line.get(name), field=f"llm.{name}")
        values[name] = _typed(raw, kind, where)
    for name, (low, high) in _LIMITS.items():
        if name in values and not low <= values[name] <= high:  # type: ignore[operator]
            raise _error(f"{name} must be between {low:g} and {high:g}", name, path, line, env)
    if values.get("generate", "auto") not in GENERATE_MODES:
        raise _error(f"generate must be one of {', '.join(GENERATE_MODES)}", "generate",
                     path, line, env)
    if not values.get("base_url") and not values.get("model"):
        return None
    for name in ("base_url", "model"):
        if not values.get(name):
            raise _error(f"{name} is missing: set both the base URL and the model", name,
                         path, line, env)
    base_url = str(values["base_url"]).rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname:
        raise _error(f"base_url {base_url!r} is not an http(s) URL", "base_url", path, line, env,
                     hint="e.g. http://127.0.0.1:11434/v1 for Ollama")
    values["base_url"] = base_url
    return ModelSettings(**values)  # type: ignore[arg-type]


def _config_section(path: Path) -> tuple[dict, dict]:
    """The ``llm:`` mapping of config.yaml and the line of each of its keys."""
    if not path.exists():
        return {}, {}
    from ..formats import yamlio  # only when there is a file: a cold ask need not load YAML

    data, lines, problems = yamlio.load_with_lines(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise LaoshifuError(problems)
    if not isinstance(data, dict) or "llm" not in data:
        return {}, {}
    section = data["llm"] or {}
    if not isinstance(section, dict):
        raise LaoshifuError(Problem("'llm' must hold settings such as 'base_url: …'",
                                    file=str(path), line=lines.get("llm"), field="llm"))
    unknown = sorted(set(map(str, section)) - set(_FIELDS))
    if unknown:
        raise LaoshifuError(Problem(f"unknown setting llm.{unknown[0]}", file=str(path),
                                    line=lines.get("llm"), field=f"llm.{unknown[0]}",
                                    hint=f"known: {', '.join(_FIELDS)}"))
    # load_with_lines records top-level keys; the section's keys sit below its line.
    first = lines.get("llm") or 0
    text_lines = path.read_text(encoding="utf-8").splitlines()
    key_lines = {}
    for number, text in enumerate(text_lines[first:], first + 1):
        if text.strip() and not text.lstrip().startswith("#") and not text[:1].isspace():
            break  # the next top-level key: the section has ended
        name = text.strip().split(":", 1)[0]
        if name in section and name not in key_lines:
            key_lines[name] = number
    return section, key_lines


def _typed(raw: object, kind: type, where: Problem) -> object:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise LaoshifuError(Problem(f"{raw!r} is not true or false", file=where.file,
                                    line=where.line, field=where.field))
    if kind is str:
        if isinstance(raw, (dict, list)):
            raise LaoshifuError(Problem("must be a single value", file=where.file,
                                        line=where.line, field=where.field))
        return str(raw).strip()
    try:
        if isinstance(raw, bool):
            raise ValueError
        return kind(raw)
    except (TypeError, ValueError):
        raise LaoshifuError(Problem(f"{raw!r} is not a{'n integer' if kind is int else ' number'}",
                                    file=where.file, line=where.line, field=where.field)) from None


def _error(message: str, name: str, path: Path, lines: dict, env: dict, hint: str | None = None
           ) -> LaoshifuError:
    suffix = _FIELDS[name][0]
    if env.get(ENV_PREFIX + suffix):
        return LaoshifuError(Problem(message, file=ENV_PREFIX + suffix, field=name, hint=hint))
    return LaoshifuError(Problem(message, file=str(path), line=lines.get(name),
                                 field=f"llm.{name}", hint=hint))


def network_scope(base_url: str) -> str:
    """Where the endpoint is: "loopback", "private" (the plant's network), "public", or
    "unknown" when its name does not resolve."""
    host = urlsplit(base_url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError, OSError):
        return "unknown"
    scopes = set()
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if address.is_loopback:
            scopes.add("loopback")
        elif address.is_private or address.is_link_local:
            scopes.add("private")
        else:
            scopes.add("public")
    # The widest reach counts: one public address is enough to leave the plant.
    for scope in ("public", "private", "loopback"):
        if scope in scopes:
            return scope
    return "unknown"
