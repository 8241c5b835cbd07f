"""The embedded store (SQLite by default, PostgreSQL for a plant group)."""

from .core import Store as _CoreStore
from .core import now
from .embeddings import EmbeddingsMixin
from .units import ImportReport, UnitsMixin
from .questions import QuestionsMixin


class Store(UnitsMixin, QuestionsMixin, EmbeddingsMixin, _CoreStore):
    """Units with versions, audit, the unanswered-question queue, sentence vectors."""


def open_store(url: str) -> Store:
    return Store.open(url)


__all__ = ["Store", "ImportReport", "open_store", "now"]
