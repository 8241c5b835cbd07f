"""The MCP server is tested on the same imported example base and tokens as the model connection."""

from ..llm.conftest import kb, llm_template, tokens  # noqa: F401 - fixtures
