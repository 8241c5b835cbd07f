"""The glossary: terms with English names, synonyms and a definition, as YAML."""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import Problem
from ..knowledge.units import Term
from ..knowledge.validate import Where, build_unit
from . import yamlio


def parse_glossary(text: str, file: str, defaults: Mapping[str, Any] | None = None
                   ) -> tuple[list[Term], list[Problem]]:
    data, lines, problems = yamlio.load_with_lines(text, file)
    if problems:
        return [], problems
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem("the glossary must be a YAML list of terms", file=file, line=1,
                            hint="each item starts with '- id: …'")]
    terms: list[Term] = []
    for index, item in enumerate(data):
        line, field_lines = lines.get(index, (1, {}))
        if not isinstance(item, dict):
            problems.append(Problem("a glossary item must be a set of fields", file=file, line=line))
            continue
        item = {k: v for k, v in item.items() if k != "kind"}
        unit, errors = build_unit(item, Where(file, line, field_lines), defaults=defaults,
                                  kind="term")
        problems += errors
        if unit is not None:
            terms.append(unit)  # type: ignore[arg-type]
    return terms, problems


def render_glossary(terms: list[Term]) -> str:
    items = []
    for t in terms:
        item: dict[str, Any] = {"id": t.id, "term": t.title}
        if t.english:
            item["english"] = t.english
        if t.synonyms:
            item["synonyms"] = list(t.synonyms)
        if t.body:
            item["definition"] = t.body
        for name in ("process", "author", "status"):
            if getattr(t, name):
                item[name] = getattr(t, name)
        if t.tags:
            item["tags"] = list(t.tags)
        items.append(item)
    return yamlio.dump(items) if items else "[]\n"
