"""Grading an answer to a card: numbers with units, step orders, choices, self-grades.

An objective card answered right is rated Good, wrong Again; the learner rates the
master's-words cards himself (again / hard / good / easy) after seeing the answer.
Input that is no answer at all (an empty box, "abc", a choice that does not exist) is a
``LaoshifuError``, not a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..knowledge.conditions import half_width
from ..diagnosis.diagnose import parse_value
from ..errors import LaoshifuError, Problem
from ..quantities import UnitMismatch, convert, normalize_unit
from ..knowledge.units import format_number
from .cards import Card

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = {AGAIN: "重来", HARD: "困难", GOOD: "记得", EASY: "简单"}
RATING_NAMES = {"again": AGAIN, "hard": HARD, "good": GOOD, "easy": EASY}


@dataclass(frozen=True)
class Verdict:
    """How one answer went."""

    correct: bool | None  # None: self-graded
    rating: int  # FSRS rating 1..4
    given: str  # the answer as the learner gave it, for the record
    expected: str  # the card's answer
    message: str = ""  # e.g. "338 K = 64.85 ℃"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def grade(card: Card, response: Any) -> Verdict:
    """Grade ``response`` (text, a choice index, step positions or a rating) for ``card``."""
    if card.answer_kind == "number":
        return grade_number(card, response)
    if card.answer_kind == "choice":
        return grade_choice(card, response)
    if card.answer_kind == "order":
        return grade_order(card, response)
    return grade_self(card, response)


def grade_number(card: Card, text: Any) -> Verdict:
    raw = str("" if text is None else text).strip()
    if not raw:
        raise LaoshifuError(Problem("no answer given", field="answer",
                                    hint=f"write a number, e.g. {format_number(card.value)} {card.unit}".strip()))
    try:
        value, written = parse_value(raw)
    except ValueError:
        raise LaoshifuError(Problem(f"{raw!r} is not a number", field="answer",
                                    hint="写一个数，可以带单位，比如 65 或 338K")) from None
    expected = f"{format_number(card.value)} {card.unit}".strip()
    message = ""
    if written and normalize_unit(written) != normalize_unit(card.unit):
        try:
            converted = convert(value, written, card.unit)
        except UnitMismatch:
            return Verdict(False, AGAIN, raw, card.answer_text,
                           f"单位不对：{normalize_unit(written)} 换算不成 {card.unit or '无单位的数'}")
        message = f"{format_number(value)} {normalize_unit(written)} = " \
                  f"{format_number(round(converted, 6))} {card.unit}"
        value = converted
    right = card.value is not None and abs(value - card.value) <= card.tolerance + 1e-9
    return Verdict(right, GOOD if right else AGAIN, raw, card.answer_text or expected, message)


def _index(value: Any, size: int, field: str) -> int:
    try:
        index = int(str(value).strip())
    except (TypeError, ValueError):
        raise LaoshifuError(Problem(f"{value!r} is not a choice", field=field,
                                    hint=f"choose 0 to {size - 1}")) from None
    if not 0 <= index < size:
        raise LaoshifuError(Problem(f"there is no choice {index}", field=field,
                                    hint=f"choose 0 to {size - 1}"))
    return index


def grade_choice(card: Card, choice: Any) -> Verdict:
    if choice is None or str(choice).strip() == "":
        raise LaoshifuError(Problem("no choice made", field="choice", hint="tap one of the answers"))
    index = _index(choice, len(card.choices), "choice")
    right = index == card.correct
    return Verdict(right, GOOD if right else AGAIN, card.choices[index], card.answer_text)


def parse_order(response: Any, size: int) -> tuple[int, ...]:
    """Step positions as a sequence: ``[3, 1, 2]`` or ``"3 1 2"`` — the position (1-based)
    the learner gives each shown step, in the order they are shown."""
    if isinstance(response, str):
        items: Sequence[Any] = [p for p in re.split(r"[\s,，、;；]+", half_width(response)) if p]
    else:
        items = list(response or [])
    try:
        positions = [int(str(p).strip()) for p in items]
    except ValueError:
        raise LaoshifuError(Problem(f"{response!r} is not a list of step numbers", field="order",
                                    hint=f"give each step its place, 1 to {size}")) from None
    if sorted(positions) != list(range(1, size + 1)):
        raise LaoshifuError(Problem(f"every step needs its own place from 1 to {size}", field="order",
                                    hint="each number once"))
    return tuple(positions)


def grade_order(card: Card, response: Any) -> Verdict:
    positions = parse_order(response, len(card.context))
    # order[k] is the shown step that comes k-th: it must have been given place k + 1.
    placed = sum(1 for k, shown in enumerate(card.order) if positions[shown] == k + 1)
    right = placed == len(card.order)
    message = "" if right else f"{placed}/{len(card.order)} 步放对了位置"
    return Verdict(right, GOOD if right else AGAIN, " ".join(map(str, positions)), card.answer_text, message)


def parse_rating(value: Any) -> int:
    text = str("" if value is None else value).strip().lower()
    if text in RATING_NAMES:
        return RATING_NAMES[text]
    if text.isdigit() and int(text) in RATINGS:
        return int(text)
    raise LaoshifuError(Problem(f"{value!r} is not a rating", field="rating",
                                hint="again, hard, good or easy (1 to 4)"))


def grade_self(card: Card, rating: Any) -> Verdict:
    value = parse_rating(rating)
    return Verdict(None, value, RATINGS[value], card.answer_text)
