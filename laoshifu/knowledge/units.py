"""Typed units of the master's knowledge.

Every unit shares identity, provenance and life-cycle fields (``Unit``); each kind adds
its own typed fields. Units are immutable: a change is a new version.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from operator import itemgetter
from typing import Any, ClassVar

KINDS = ("parameter", "procedure", "rule", "note", "section", "qa", "term")
KIND_LABELS = {
    "parameter": "工艺参数",
    "procedure": "操作规范",
    "rule": "应急判断",
    "note": "经验笔记",
    "section": "手册章节",
    "qa": "问答",
    "term": "术语",
}
STATUSES = ("draft", "approved", "retired")
SEVERITIES = ("critical", "high", "medium", "low")
CATEGORIES = ("safety", "quality", "equipment", "cost")
DEFAULT_BASE = "main"

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")
MAX_BASE_NAME = 64


def is_base_name(name: str) -> bool:
    """A knowledge base's name is an id of at most 64 characters (it names a folder too)."""
    return bool(ID_PATTERN.match(name or "")) and len(name) <= MAX_BASE_NAME

# Fields that describe where/when a unit lives rather than what it says: they never
# make a new version on their own.
_META_FIELDS = {"version", "source_file", "source_line", "created_at", "updated_at", "base"}


@dataclass(frozen=True, kw_only=True)
class Unit:
    """Fields every unit has."""

    kind: ClassVar[str] = ""
    id: str
    title: str
    process: str = ""
    tags: tuple[str, ...] = ()
    author: str = ""
    status: str = "approved"
    version: int = 1
    source_file: str = ""
    source_line: int = 0
    base: str = DEFAULT_BASE
    created_at: str = ""
    updated_at: str = ""
    body: str = ""

    @property
    def source(self) -> str:
        return f"{self.source_file}:{self.source_line}" if self.source_file else ""

    def content(self) -> dict[str, Any]:
        """What the unit says (everything but provenance), as plain JSON-able data."""
        names, values = _content_fields(type(self))
        data = dict(zip(names, values(vars(self))))
        data["kind"] = self.kind
        return data

    def content_hash(self) -> str:
        raw = json.dumps(self.content(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            data[name] = list(value) if isinstance(value, tuple) else value
        return data

    def search_text(self) -> str:
        """The text an apprentice's question is matched against (besides the title)."""
        return self.body

    def with_changes(self, **changes: Any) -> "Unit":
        return replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class Parameter(Unit):
    """A process parameter with its operating window; either limit may be open."""

    kind: ClassVar[str] = "parameter"
    name: str
    symbol: str = ""
    english: str = ""
    unit: str = ""
    target: float | None = None
    lower: float | None = None
    upper: float | None = None
    # e.g. "牌号=HiB; 厚度<=0.23": which grades/thicknesses this window applies to.
    condition: str = ""

    @property
    def rationale(self) -> str:
        return self.body

    def window_text(self) -> str:
        low = "—" if self.lower is None else format_number(self.lower)
        high = "—" if self.upper is None else format_number(self.upper)
        return f"{low} ~ {high} {self.unit}".strip()

    def search_text(self) -> str:
        parts = [self.name, self.symbol, self.english, self.condition, self.body]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, kw_only=True)
class Procedure(Unit):
    """An operating procedure: ordered steps and the parameters it sets or checks."""

    kind: ClassVar[str] = "procedure"
    steps: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()

    def search_text(self) -> str:
        return "\n".join([self.body, *self.steps]).strip()


@dataclass(frozen=True, kw_only=True)
class Rule(Unit):
    """An emergency judgment: a trigger (symptom and/or condition), a diagnosis, actions."""

    kind: ClassVar[str] = "rule"
    symptom: str = ""
    condition: str = ""
    diagnosis: str = ""
    actions: tuple[str, ...] = ()
    severity: str = "medium"
    category: str = "quality"

    def search_text(self) -> str:
        return "\n".join([self.symptom, self.diagnosis, *self.actions, self.body]).strip()


@dataclass(frozen=True, kw_only=True)
class Note(Unit):
    """An experience note in the master's own words."""

    kind: ClassVar[str] = "note"
    context: str = ""

    def search_text(self) -> str:
        return "\n".join([self.context, self.body]).strip()


@dataclass(frozen=True, kw_only=True)
class Section(Unit):
    """A handbook section (text under one heading)."""

    kind: ClassVar[str] = "section"
    level: int = 1
    path: tuple[str, ...] = ()  # headings above this one, outermost first
    order: int = 0  # position in its handbook file


@dataclass(frozen=True, kw_only=True)
class QA(Unit):
    """A question the master answered; ``body`` is the answer."""

    kind: ClassVar[str] = "qa"
    question: str = ""

    def search_text(self) -> str:
        return "\n".join([self.question, self.body]).strip()


@dataclass(frozen=True, kw_only=True)
class Term(Unit):
    """A glossary term with its synonyms; ``body`` is the definition."""

    kind: ClassVar[str] = "term"
    synonyms: tuple[str, ...] = ()
    english: str = ""

    def search_text(self) -> str:
        return " ".join([*self.synonyms, self.english, self.body]).strip()


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


_CONTENT_FIELDS: dict[type, tuple[tuple[str, ...], itemgetter]] = {}


def _content_fields(cls: type) -> tuple[tuple[str, ...], itemgetter]:
    """A unit class's content fields, and a getter of their values from an instance's
    ``__dict__``, where a dataclass keeps every field: half the time of ``getattr``,
    which looks each name up in the class first (an import hashes 100,000 units)."""
    found = _CONTENT_FIELDS.get(cls)
    if found is None:
        names = tuple(name for name in _field_names(cls) if name not in _META_FIELDS)
        found = _CONTENT_FIELDS[cls] = (names, itemgetter(*names))
    return found


UNIT_CLASSES: dict[str, type[Unit]] = {
    cls.kind: cls for cls in (Parameter, Procedure, Rule, Note, Section, QA, Term)
}


_BLANK: dict[type, tuple[dict[str, Any], frozenset[str], frozenset[str]]] = {}


def make_unit(cls: type[Unit], values: dict[str, Any]) -> Unit:
    """``cls(**values)`` at half its cost (an import makes 100,000 units, reading a base
    back as many): a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, one call a field; this fills the new instance's ``__dict__`` in
    one call, every field in its order, defaults for those left out. Values that
    ``__init__`` would refuse (a field missing or unknown) go to it, for its error."""
    blank = _BLANK.get(cls)
    if blank is None:
        known = fields(cls)
        blank = _BLANK[cls] = (
            {f.name: None if f.default is MISSING else f.default for f in known},
            frozenset(f.name for f in known),
            frozenset(f.name for f in known if f.default is MISSING))
    defaults, names, required = blank
    if not (names.issuperset(values) and required.issubset(values)):
        return cls(**values)
    unit = object.__new__(cls)
    # Filled key by key (``.items()``), the instance's dict shares its keys with the class's
    # other instances, as __init__'s does; a dict given whole would be copied into a dict
    # of its own (190 bytes more a unit).
    unit.__dict__.update({**defaults, **values}.items())
    return unit


def unit_from_dict(data: dict[str, Any]) -> Unit:
    """Rebuild a unit from ``to_dict`` output (lists become tuples)."""
    cls = UNIT_CLASSES[data["kind"]]
    names = _BLANK[cls][1] if cls in _BLANK else frozenset(_field_names(cls))
    return make_unit(cls, {key: tuple(value) if isinstance(value, list) else value
                           for key, value in data.items() if key in names})


def format_number(value: float | None) -> str:
    """Numbers as a master writes them: 62 not 62.0, 0.23 not 0.23000000000000001."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)  # the shortest text that reads back as the same float


@dataclass(frozen=True)
class Citation:
    """A pointer from an answer back to the unit it quotes."""

    n: int
    unit_id: str
    kind: str
    title: str
    version: int
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredUnit:
    """A unit plus what the store knows about it."""

    unit: Unit
    content_hash: str
    origin: str = ""  # the folder a unit was imported from, "" for units made in the app
    extra: dict[str, Any] = field(default_factory=dict)
