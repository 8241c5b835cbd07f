"""The knowledge base's own words: parameter names, symbols and glossary synonyms.

Rule conditions, diagnosis readings and production-data columns all name parameters the
way workers do (露点, DP, dew point); this maps every such spelling to one quantity.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

from .conditions import Quantity
from .units import Parameter, Term, Unit


def quantity_key(process: str, name: str) -> str:
    """One measured quantity: a parameter name within its process."""
    return f"{process}:{name}" if process else name


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


@dataclass
class Vocabulary:
    # folded spelling -> {quantity key}
    spellings: dict[str, set[str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # quantity key -> unit
    processes: dict[str, str] = field(default_factory=dict)  # quantity key -> process
    names: dict[str, str] = field(default_factory=dict)  # quantity key -> display name
    parameters: dict[str, list[Parameter]] = field(default_factory=dict)  # key -> windows
    synonym_groups: list[tuple[str, ...]] = field(default_factory=list)

    @classmethod
    def from_units(cls, units: Iterable[Unit]) -> "Vocabulary":
        vocab = cls()
        terms: list[Term] = []
        for unit in units:
            if isinstance(unit, Parameter):
                vocab._add_parameter(unit)
            elif isinstance(unit, Term):
                terms.append(unit)
        for term in terms:
            spellings = [term.title, *term.synonyms, term.english]
            spellings = [s for s in spellings if s]
            vocab.synonym_groups.append(tuple(spellings))
            keys: set[str] = set()
            for spelling in spellings:
                keys |= vocab.spellings.get(_fold(spelling), set())
            if keys:
                for spelling in spellings:
                    vocab.spellings.setdefault(_fold(spelling), set()).update(keys)
        return vocab

    def _add_parameter(self, param: Parameter) -> None:
        key = quantity_key(param.process, param.name)
        self.parameters.setdefault(key, []).append(param)
        self.units.setdefault(key, param.unit)
        self.processes[key] = param.process
        self.names[key] = param.name
        for spelling in (param.name, param.symbol, param.english):
            if spelling:
                self.spellings.setdefault(_fold(spelling), set()).add(key)

    def candidates(self, spelling: str) -> set[str]:
        return set(self.spellings.get(_fold(spelling), set()))

    def resolve(self, spelling: str, process: str | None = None) -> Quantity | None:
        """The quantity a spelling names; a rule's own process breaks ties."""
        keys = self.candidates(spelling)
        if len(keys) > 1 and process:
            local = {k for k in keys if self.processes.get(k) == process}
            keys = local or keys
        if len(keys) != 1:
            return None
        key = next(iter(keys))
        return Quantity(key, self.units.get(key, ""))

    def is_ambiguous(self, spelling: str, process: str | None = None) -> bool:
        keys = self.candidates(spelling)
        if process:
            keys = {k for k in keys if self.processes.get(k) == process} or keys
        return len(keys) > 1

    def resolver(self, process: str | None = None):
        return lambda spelling: self.resolve(spelling, process)

    def suggest(self, spelling: str, limit: int = 3) -> list[str]:
        """'Did you mean' candidates among every known spelling."""
        known = sorted({s for key in self.names for s in self._spellings_of(key)})
        return difflib.get_close_matches(spelling, known, n=limit, cutoff=0.4)

    def _spellings_of(self, key: str) -> list[str]:
        out = []
        for param in self.parameters.get(key, []):
            out += [s for s in (param.name, param.symbol, param.english) if s]
        return out

    def lexicon(self) -> list[str]:
        """Every name, symbol and synonym: the domain dictionary for segmentation."""
        words = {s for key in self.names for s in self._spellings_of(key)}
        for group in self.synonym_groups:
            words.update(group)
        return sorted(w for w in words if w)
