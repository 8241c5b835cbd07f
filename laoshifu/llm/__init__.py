"""The plant's AI model, connected without letting it put a number in the master's mouth.

``config`` says where the model is (nothing configured: nothing changes), ``client`` talks
to it, ``prompt`` is exactly what it is sent, ``verify`` holds its words to the cited units,
``generate`` is the flow, ``training`` exports the approved knowledge for fine-tuning and
``mcp_server`` lets other assistants consult the master.
"""

from __future__ import annotations

from .client import ModelClient, ModelError, client_for
from .config import ModelSettings, load_model_settings


def configured_client(env: dict[str, str] | None = None) -> ModelClient | None:
    """The configured model's client, or None when there is no model."""
    settings = load_model_settings(env)
    return client_for(settings) if settings is not None else None


__all__ = ["ModelClient", "ModelError", "ModelSettings", "client_for", "configured_client",
           "load_model_settings"]
