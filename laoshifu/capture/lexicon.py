"""The knowledge base's words as the extractor needs them: processes and the way the
master names them (脱碳炉, 脱碳段, 平整退火), and parameter names matched to the
vocabulary — exactly, inside a longer phrase, or as a did-you-mean for a new name."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

from ..quantities import UnitMismatch, convert, normalize_unit
from ..knowledge.units import Parameter, Term, Unit
from ..knowledge.vocabulary import Vocabulary

# A process named by its furnace, zone or line: 脱碳退火 → 脱碳炉, 脱碳段, 脱碳线.
_PLACE_SUFFIXES = ("炉", "段", "线", "工序")


@dataclass(frozen=True)
class NameMatch:
    """What a name the master wrote was matched to."""

    written: str
    name: str  # the knowledge base's name, or the written one for a new parameter
    process: str
    unit: str = ""  # the known parameter's unit ("" for a new one)
    known: bool = False
    how: str = ""  # exact | inside | prefix | similar | new
    suggestions: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """What the master should know about the match (empty when it is exact)."""
        if self.how in ("", "exact"):
            return ""
        if self.how == "new":
            hint = f"；是不是「{'」「'.join(self.suggestions)}」？" if self.suggestions else ""
            return f"「{self.written}」是新参数名{hint}"
        return f"「{self.written}」按知识库的「{self.name}」理解"


@dataclass
class Lexicon:
    vocabulary: Vocabulary
    processes: list[str] = field(default_factory=list)
    # alias -> process, longest first when searched
    process_aliases: dict[str, str] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)  # title -> term

    @classmethod
    def from_units(cls, units: Iterable[Unit]) -> "Lexicon":
        units = list(units)
        vocabulary = Vocabulary.from_units(units)
        processes = sorted({u.process for u in units if u.process})
        terms = {u.title: u for u in units if isinstance(u, Term)}
        aliases: dict[str, str] = {}
        for process in processes:
            stem = process[:-2] if process.endswith("退火") and len(process) > 3 else process
            for alias in (process, *(stem + s for s in _PLACE_SUFFIXES),
                          *(process + s for s in _PLACE_SUFFIXES)):
                aliases.setdefault(alias, process)
            term = terms.get(process)
            for synonym in (term.synonyms if term else ()):
                if len(synonym) >= 2 and not synonym.isascii():
                    aliases.setdefault(synonym, process)
        return cls(vocabulary, processes, aliases, terms)

    def process_in(self, text: str) -> str:
        """The process a sentence names (the longest alias found first), or ""."""
        best = ""
        best_at = len(text) + 1
        for alias, process in self.process_aliases.items():
            at = text.find(alias)
            if at >= 0 and (at < best_at or (at == best_at and len(alias) > len(best))):
                best, best_at = alias, at
        return self.process_aliases.get(best, "")

    def strip_process(self, text: str) -> str:
        """``脱碳段露点`` → ``露点``: a process named in front of a parameter is not its name."""
        for alias in sorted(self.process_aliases, key=len, reverse=True):
            if text.startswith(alias) and len(text) > len(alias):
                return text[len(alias):].lstrip("的")
        return text

    # -- parameter names --------------------------------------------------------------
    def spellings(self, process: str = "") -> dict[str, str]:
        """Every spelling of a parameter of ``process`` (all processes when "") → its key."""
        out: dict[str, str] = {}
        for spelling, keys in self.vocabulary.spellings.items():
            local = [k for k in keys if not process or self.vocabulary.processes.get(k) == process]
            if len(local) == 1:
                out[spelling] = local[0]
        return out

    def match(self, written: str, process: str = "", unit: str = "") -> NameMatch | None:
        """The parameter ``written`` names. A known name whose unit cannot take ``unit``
        is another quantity (开卷张力 in kN is not 张力 in MPa). None when ``written`` holds
        no name at all."""
        written = written.strip()
        if not written:
            return None
        spellings = self.spellings(process)
        folded = _fold(written)
        # 1. the whole phrase, 2. the longest known spelling inside it.
        key = spellings.get(folded)
        how = "exact"
        if key is None or not self._unit_fits(key, unit):
            key, how = None, ""
            for spelling in sorted(spellings, key=len, reverse=True):
                if len(spelling) >= 2 and spelling in folded and self._unit_fits(spellings[spelling], unit):
                    key, how = spellings[spelling], "inside"
                    break
        if key is None:
            key, how = self._near(folded, spellings, unit)
        if key is not None:
            return NameMatch(written, self.vocabulary.names[key], self.vocabulary.processes[key],
                             self.vocabulary.units.get(key, ""), True, how)
        name = self.strip_process(written)
        suggestions = tuple(difflib.get_close_matches(
            name, sorted({self.vocabulary.names[k] for k in spellings.values()}), n=3, cutoff=0.5))
        return NameMatch(written, name, process, "", False, "new", suggestions)

    def _near(self, folded: str, spellings: dict[str, str], unit: str) -> tuple[str | None, str]:
        """A name the master shortened (氢气 for 氢气比例) or wrote with words between
        (浆料配好以后存放时间): one known spelling of the process, the same unit."""
        prefixed = {k for s, k in spellings.items()
                    if len(folded) >= 2 and s.startswith(folded) and self._unit_fits(k, unit)}
        if len(prefixed) == 1:
            return prefixed.pop(), "prefix"
        spread = {k for s, k in spellings.items()
                  if len(s) >= 3 and _subsequence(s, folded) and folded.endswith(s[-2:])
                  and self._unit_fits(k, unit)}
        if len(spread) == 1:
            return spread.pop(), "similar"
        # A clause with only a shortened name: 保温 of 脱水保温时间 when the unit says hours.
        if unit and len(folded) >= 2:
            within = {k for s, k in spellings.items()
                      if folded in s and self._unit_fits(k, unit, strict=True)}
            if len(within) == 1:
                return within.pop(), "similar"
        return None, ""

    def _unit_fits(self, key: str, unit: str, strict: bool = False) -> bool:
        known = self.vocabulary.units.get(key, "")
        if not unit:
            return not strict
        if not known:
            return not strict
        try:
            convert(1.0, unit, known)
        except UnitMismatch:
            return False
        return normalize_unit(unit) == normalize_unit(known) or not strict

    def parameters(self, key: str) -> list[Parameter]:
        return self.vocabulary.parameters.get(key, [])

    def key_of(self, match: NameMatch) -> str:
        from ..knowledge.vocabulary import quantity_key
        return quantity_key(match.process, match.name)


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)
