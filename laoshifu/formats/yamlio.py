"""YAML in and out: values with the line of every key, and stable, readable dumps."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from ..errors import Problem
from .plain_yaml import read_plain


# libyaml's C parser when present (over 10x faster on big imports), else pure Python.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type, misc]
    """Safe loader that keeps dates and times as the text the author wrote."""


for _first, _resolvers in list(_Loader.yaml_implicit_resolvers.items()):
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, regexp) for tag, regexp in _resolvers if tag != "tag:yaml.org,2002:timestamp"]


def load_with_lines(text: str, file: str, first_line: int = 1) -> tuple[Any, dict, list[Problem]]:
    """Parse YAML; return (data, lines, problems).

    ``lines`` maps a top-level key to its 1-based line in the file for a mapping, or a
    list index to the line of each item (and that item's keys) for a sequence.
    """
    refused = _anchor_problem(text, file, first_line)
    if refused is not None:
        return None, {}, [refused]
    plain = read_plain(text, first_line, _is_text)
    if plain is not None:  # the common shape of front matter, read the fast way
        data, keys, values = plain
        found = Lines()
        found.update(keys)
        found.values = values
        return data, found, []
    return parse_yaml(text, file, first_line)


def parse_yaml(text: str, file: str, first_line: int = 1) -> tuple[Any, dict, list[Problem]]:
    """``load_with_lines`` by the YAML parser alone (anchors not checked)."""
    loader = _Loader(text)
    try:
        # One parse: compose the node tree (for line numbers), then build values from it.
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        column = mark.column + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        return None, {}, [Problem(f"YAML syntax error: {reason}", file=file, line=line,
                                  column=column, hint="check indentation, colons and quotes")]
    finally:
        loader.dispose()
    return data, _lines(node, first_line), []


def _is_text(plain: str) -> bool:
    """Whether the parser reads this plain (unquoted) scalar as a string, by its rules."""
    resolvers = _Loader.yaml_implicit_resolvers
    if plain[0] not in resolvers and None not in resolvers:
        return True  # most text: no rule starts with its first character (a CJK one)
    return _by_rules(plain)


@lru_cache(maxsize=4096)  # keys, kinds and ids' first letters come again in every unit
def _by_rules(plain: str) -> bool:
    resolvers = _Loader.yaml_implicit_resolvers
    return not any(regexp.match(plain) for _tag, regexp in
                   (*resolvers.get(plain[0], ()), *resolvers.get(None, ())))


def _anchor_problem(text: str, file: str, first_line: int) -> Problem | None:
    """Anchors and aliases are refused: a few hundred bytes of ``*alias`` can stand for
    gigabytes once the values are built (a "billion laughs"), and no knowledge file
    needs them."""
    if "&" not in text and "*" not in text:
        return None  # the common case costs nothing
    loader = _Loader(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                mark = token.start_mark
                return Problem("YAML anchors and aliases (&name, *name) are not allowed",
                               file=file, line=first_line + mark.line, column=mark.column + 1,
                               hint="write each value out in full; quote text that starts "
                                    "with & or *")
    except yaml.YAMLError:
        return None  # a syntax error: the parse reports it with its place
    finally:
        loader.dispose()
    return None


class Lines(dict):
    """Key → line, plus ``values``: key → (line, column) where a one-line scalar value
    starts, so a mistake inside a value (a rule's condition) is shown where it is."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, tuple[int, int]] = {}


def _lines(node: Any, first_line: int) -> dict:
    lines: dict = Lines()
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[key.value] = first_line + key.start_mark.line
            if (isinstance(value, yaml.ScalarNode) and value.style not in ("|", ">")
                    and value.start_mark.line == value.end_mark.line):
                lines.values[key.value] = (first_line + value.start_mark.line,
                                           value.start_mark.column + 1 + (value.style in ("'", '"')))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[index] = (first_line + item.start_mark.line, _lines(item, first_line))
    return lines


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=10_000)
