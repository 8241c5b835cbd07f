"""The English gloss of one knowledge base: the shipped table plus the base's own English names."""

from __future__ import annotations

import re

from ..text.english import EnglishGloss
from ..units import Parameter, Term
from .asker import KnowledgeIndex

# "line speed (DCL)": the line is named apart; the name is the quantity's.
_LINE = re.compile(r"\s*\([^)]*\)\s*$")


def english_gloss(entry: KnowledgeIndex) -> EnglishGloss:
    """Built once per index: glossary terms' and parameters' English names → their Chinese."""
    gloss = entry.extras.get("english_gloss")
    if gloss is None:
        pairs = []
        for unit in entry.units.structured_units():
            if isinstance(unit, Term) and unit.english:
                pairs.append((unit.english, unit.title))
            elif isinstance(unit, Parameter) and unit.english:
                pairs.append((_LINE.sub("", unit.english), unit.name))
        gloss = entry.extras["english_gloss"] = EnglishGloss(pairs)
    return gloss
