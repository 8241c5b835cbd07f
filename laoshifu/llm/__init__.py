"""The plant's AI model, connected without letting it put a number in the master's mouth.

``config`` says where the model is (nothing configured: nothing changes), ``client`` talks
to it, ``prompt`` is exactly what it is sent, ``verify`` holds its words to the cited units,
``generate`` is the flow and ``training`` exports the approved knowledge for fine-tuning;
and ``laoshifu.mcp`` lets other assistants consult the master.

Importing this package is cheap: the ``openai`` library (over a second to import) loads
only when a model is configured and used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import ModelSettings, load_model_settings

if TYPE_CHECKING:
    from .client import ModelClient


def configured_client(env: dict[str, str] | None = None) -> ModelClient | None:
    """The configured model's client, or None when there is no model."""
    settings = load_model_settings(env)
    if settings is None:
        return None
    from .client import client_for

    return client_for(settings)


__all__ = ["ModelSettings", "configured_client", "load_model_settings"]
