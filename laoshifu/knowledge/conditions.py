"""The condition language of rules: ``露点 > 65 and 氢气比例 < 20``.

Parsed by a lark grammar into a small typed AST, checked against the knowledge base's
parameters (names, units), then evaluated on one set of readings or on whole columns.
Never ``eval``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Union

import numpy as np

from ..quantities import UnitMismatch, convert, normalize_unit

if TYPE_CHECKING:
    from .condition_parser import Tree

# The grammar is conditions.lark; condition_parser.py is lark's stand-alone parser generated
# from it (scripts/condition-parser), so no command builds LALR tables when it starts. It is
# imported at the first parse: answering a question most often parses none.

# What a Chinese input method types in place of ASCII: full-width letters, digits and
# signs, the ideographic space, typographic minus signs. One character for one, so
# columns in error messages still point at what the author wrote.
_HALF_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)},
               0x3000: ord(" "), 0x2212: ord("-"), 0xFE63: ord("-"), 0x2013: ord("-")}


def half_width(text: str) -> str:
    """Full-width ASCII, the ideographic space and minus signs as plain ASCII, 1 for 1."""
    return text.translate(_HALF_WIDTH)


@functools.cache
def _parser():
    from .condition_parser import Lark_StandAlone

    return Lark_StandAlone()


_OPS = {"≥": ">=", "≤": "<=", "≠": "!=", "=": "=="}


class ConditionError(ValueError):
    """A syntax, name or type error in a condition, with the 1-based column."""

    def __init__(self, message: str, column: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class Name:
    text: str
    column: int
    key: str = ""  # the quantity this name resolves to
    unit: str = ""


@dataclass(frozen=True)
class Number:
    value: float
    unit: str
    column: int


@dataclass(frozen=True)
class Compare:
    left: "Operand"
    op: str
    right: "Operand"
    column: int


@dataclass(frozen=True)
class And:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Not:
    item: "Expr"
    column: int


Operand = Union[Name, Number]
Expr = Union[Compare, And, Or, Not, Name, Number]


@dataclass(frozen=True)
class Quantity:
    """What a name in a condition refers to: a measured quantity and its unit."""

    key: str
    unit: str = ""


Resolver = Callable[[str], "Quantity | None"]


def _to_ast(tree: "Tree") -> Expr:
    """The parse tree → AST, one function per grammar rule (_AST_RULES). A plain walk,
    not lark's Transformer: its per-node wrappers were a quarter of checking an import's
    rules. Recursive like the Transformer; ``_check_nesting`` bounds the depth first."""
    # A child is a token (a str) or a subtree.
    children = [child if isinstance(child, str) else _to_ast(child) for child in tree.children]
    return _AST_RULES[tree.data](tree.meta, children)


def _name(meta, children) -> Name:
    token = children[0]
    return Name(str(token), token.column)


def _number(meta, children) -> Number:
    token = children[0]
    unit = str(children[1]) if len(children) > 1 else ""
    return Number(float(token), unit, token.column)


def _compare(meta, children) -> Compare:
    left, op, right = children
    return Compare(left, _OPS.get(str(op), str(op)), right, op.column)


# The grammar's aliases always fire; a single child is not a real and/or.
def _and(meta, children) -> Expr:
    return children[0] if len(children) == 1 else And(tuple(children))


def _or(meta, children) -> Expr:
    return children[0] if len(children) == 1 else Or(tuple(children))


def _not(meta, children) -> Not:
    return Not(children[0], meta.column if not meta.empty else 1)


_AST_RULES = {"name": _name, "number": _number, "compare": _compare,
              "and_": _and, "or_": _or, "not_": _not}


@dataclass(frozen=True)
class Condition:
    """A parsed, checked condition and the quantities it reads."""

    text: str
    expr: Expr

    @property
    def keys(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for node in walk(self.expr):
            if isinstance(node, Name):
                seen[node.key or node.text] = None
        return tuple(seen)

    def evaluate(self, readings: Mapping[str, float | None]) -> bool | None:
        """True/False, or None when a reading it needs is missing (unknown)."""
        return _eval(self.expr, readings)

    def holds(self, readings: Mapping[str, float | None]) -> bool:
        return self.evaluate(readings) is True

    def evaluate_columns(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Row-wise truth over equally long columns; a missing (NaN) reading is False."""
        return _eval_columns(self.expr, columns)

    def specificity(self) -> int:
        """How many comparisons must hold: more is a more specific match."""
        return sum(1 for node in walk(self.expr) if isinstance(node, Compare))


def parse(text: str, resolver: Resolver | None = None) -> Condition:
    """Parse and check ``text``; raise ``ConditionError`` with a column on any mistake."""
    if not text or not text.strip():
        raise ConditionError("empty condition", 1)
    from .condition_parser import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    written, text = text, half_width(text)
    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        raise ConditionError(
            f"unexpected character {text[exc.pos_in_stream]!r}", exc.column,
            "use names, numbers, > >= < <= == !=, and/or/not and parentheses",
        ) from None
    except UnexpectedEOF:
        raise ConditionError("condition ends too early", len(text) + 1,
                             "a comparison needs a value on both sides") from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise ConditionError("condition ends too early", len(text) + 1,
                                 "a comparison needs a value on both sides") from None
        if exc.token.type == "COMP" and text[:exc.pos_in_stream].rstrip()[-1:] not in "<>=!":
            raise ConditionError(f"unexpected {str(exc.token)!r}", exc.column,
                                 "compare one thing at a time: write 1 < a < 3 as a > 1 and a < 3"
                                 ) from None
        raise ConditionError(f"unexpected {str(exc.token)!r}", exc.column,
                             "check the operators and parentheses") from None
    except UnexpectedInput as exc:  # pragma: no cover - other lark errors
        raise ConditionError(str(exc), getattr(exc, "column", None)) from None
    _check_nesting(tree)
    expr = _to_ast(tree)
    expr = _check(expr, resolver, boolean=True)
    return Condition(written, expr)


MAX_NESTING = 20


def _check_nesting(tree: "Tree") -> None:
    """Refuse parentheses and ``not`` nested more than MAX_NESTING deep, without recursion:
    building, checking and evaluating a condition recurse over it (400 parentheses or 600
    ``not`` were a RecursionError)."""
    from .condition_parser import Tree

    # Each pair of parentheses, and the whole condition, make one or_ node.
    stack: list[tuple[Tree, int]] = [(tree, -1)]
    while stack:
        node, depth = stack.pop()
        depth += node.data in ("or_", "not_")
        if depth > MAX_NESTING:
            raise ConditionError(f"condition nested more than {MAX_NESTING} deep",
                                 None if node.meta.empty else node.meta.column,
                                 "use fewer parentheses and 'not', or split the rule in two")
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))


def _check(node: Expr, resolver: Resolver | None, boolean: bool) -> Expr:
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_check(item, resolver, True) for item in node.items))
    if isinstance(node, Not):
        return Not(_check(node.item, resolver, True), node.column)
    if isinstance(node, (Name, Number)):
        if boolean:
            shown = node.text if isinstance(node, Name) else _format(node)
            raise ConditionError(f"{shown!r} is a value, not a true/false test", node.column,
                                 f"compare it, e.g. {shown} > 10")
        return node
    # a comparison
    left = _resolve(node.left, resolver)
    right = _resolve(node.right, resolver)
    if isinstance(left, Number) and isinstance(right, Number):
        raise ConditionError("compares two numbers", node.column, "one side must be a parameter name")
    _check_finite(left, right)
    left, right = _agree_units(left, right)
    _check_finite(left, right)  # a unit conversion can overflow too
    return Compare(left, node.op, right, node.column)


def _check_finite(*operands: Operand) -> None:
    for operand in operands:
        if isinstance(operand, Number) and not math.isfinite(operand.value):
            raise ConditionError("number too large", operand.column,
                                 "write a finite number such as 65 or 1.5e3")


def _resolve(operand: Operand, resolver: Resolver | None) -> Operand:
    if isinstance(operand, Number) or resolver is None:
        return operand
    quantity = resolver(operand.text)
    if quantity is None:
        raise ConditionError(f"unknown name {operand.text!r}", operand.column,
                             "use a parameter name or symbol from parameters.csv, or a glossary synonym")
    return Name(operand.text, operand.column, quantity.key, quantity.unit)


def _agree_units(left: Operand, right: Operand) -> tuple[Operand, Operand]:
    """Convert a number's unit to its parameter's unit, or refuse clearly."""
    if isinstance(left, Name) and isinstance(right, Name):
        if left.key and right.key and normalize_unit(left.unit) != normalize_unit(right.unit):
            raise ConditionError(
                f"compares {left.text} ({left.unit or 'no unit'}) with {right.text} ({right.unit or 'no unit'})",
                right.column, "both sides must have the same unit")
        return left, right
    name, number = (left, right) if isinstance(left, Name) else (right, left)
    assert isinstance(name, Name) and isinstance(number, Number)
    if number.unit and name.key:
        try:
            value = convert(number.value, number.unit, name.unit)
        except UnitMismatch as exc:
            raise ConditionError(str(exc), number.column,
                                 f"{name.text} is measured in {name.unit or 'no unit'}") from None
        number = Number(value, normalize_unit(name.unit), number.column)
    return (name, number) if isinstance(left, Name) else (number, name)


def _format(number: Number) -> str:
    value = int(number.value) if number.value.is_integer() else number.value
    return f"{value}{number.unit}"


def walk(node: Expr):
    """Every node of an expression, depth first."""
    yield node
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Compare):
        yield node.left
        yield node.right


_COMPARE = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _value(operand: Operand, readings: Mapping[str, float | None]) -> float | None:
    if isinstance(operand, Number):
        return operand.value
    value = readings.get(operand.key or operand.text)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _eval(node: Expr, readings: Mapping[str, float | None]) -> bool | None:
    # Kleene three-valued logic: a missing reading makes a comparison unknown.
    if isinstance(node, Compare):
        a, b = _value(node.left, readings), _value(node.right, readings)
        if a is None or b is None:
            return None
        return _COMPARE[node.op](a, b)
    if isinstance(node, And):
        results = [_eval(item, readings) for item in node.items]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if isinstance(node, Or):
        results = [_eval(item, readings) for item in node.items]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(node, Not):
        result = _eval(node.item, readings)
        return None if result is None else not result
    raise TypeError(f"not a boolean node: {node!r}")


def _column(operand: Operand, columns: Mapping[str, np.ndarray], length: int) -> np.ndarray:
    if isinstance(operand, Number):
        return np.full(length, operand.value, dtype=float)
    column = columns.get(operand.key or operand.text)
    if column is None:
        return np.full(length, np.nan)
    return np.asarray(column, dtype=float)


def _eval_columns(node: Expr, columns: Mapping[str, np.ndarray]) -> np.ndarray:
    length = len(next(iter(columns.values()))) if columns else 0
    true, _ = _truth_columns(node, columns, length)
    return true


def _truth_columns(node: Expr, columns: Mapping[str, np.ndarray], length: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Rows where ``node`` is true, and rows where it is known (true or false).

    Kleene logic over columns in one pass: each node is visited once, so the cost grows
    with the size of the condition, not exponentially with its nesting.
    """
    if isinstance(node, Compare):
        a = _column(node.left, columns, length)
        b = _column(node.right, columns, length)
        known = ~(np.isnan(a) | np.isnan(b))
        with np.errstate(invalid="ignore"):
            return _COMPARE[node.op](a, b) & known, known
    if isinstance(node, And):
        true = np.ones(length, dtype=bool)
        false = np.zeros(length, dtype=bool)
        for item in node.items:
            t, k = _truth_columns(item, columns, length)
            true &= t
            false |= k & ~t
        return true, true | false
    if isinstance(node, Or):
        true = np.zeros(length, dtype=bool)
        false = np.ones(length, dtype=bool)
        for item in node.items:
            t, k = _truth_columns(item, columns, length)
            true |= t
            false &= k & ~t
        return true, true | false
    if isinstance(node, Not):
        # "not" of an unknown stays unknown (never true).
        t, k = _truth_columns(node.item, columns, length)
        return k & ~t, k
    raise TypeError(f"not a boolean node: {node!r}")
