"""The knowledge base over the Model Context Protocol, for AI assistants that speak it."""
