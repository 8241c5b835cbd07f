"""Grading: numbers with units (converted, with a tolerance), step orders, choices, self-grades."""

from __future__ import annotations

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.training import grading
from laoshifu.training.cards import Card


def _card(**fields):
    base = dict(unit_id="u", unit_version=1, slot="s", unit_kind="parameter", answer_kind="number",
                process="脱碳退火", title="露点", source="", prompt="?", answer_text="65 ℃")
    return Card(**{**base, **fields})


DEW = _card(value=65.0, unit="℃", tolerance=0.2)


@pytest.mark.parametrize("given,right", [
    ("65", True), ("65℃", True), ("65 °C", True), ("６５", True), ("65.2", True), ("64.8", True),
    ("338.15K", True), ("149°F", True), ("65.3", False), ("66", False), ("55", False), ("-65", False),
])
def test_numbers_with_units(given, right):
    verdict = grading.grade(DEW, given)
    assert verdict.correct is right
    assert verdict.rating == (grading.GOOD if right else grading.AGAIN)


def test_a_converted_answer_says_how_it_was_converted():
    assert grading.grade(DEW, "338.15K").message == "338.15 K = 65 ℃"


def test_a_unit_that_cannot_be_converted_is_wrong_and_says_why():
    verdict = grading.grade(DEW, "65 MPa")
    assert verdict.correct is False
    assert verdict.message == "单位不对：MPa 换算不成 ℃"


def test_a_number_without_unit_on_a_unitless_parameter():
    ratio = _card(value=0.4, unit="", tolerance=0.003)
    assert grading.grade(ratio, "0.40").correct is True
    assert grading.grade(ratio, "0.41").correct is False


@pytest.mark.parametrize("given,message", [("", "no answer given"), ("   ", "no answer given"),
                                           ("abc", "'abc' is not a number"), (None, "no answer given")])
def test_no_number_is_an_error_not_a_wrong_answer(given, message):
    with pytest.raises(LaoshifuError) as err:
        grading.grade(DEW, given)
    assert err.value.problems[0].message == message
    assert err.value.problems[0].field == "answer"


CHOICE = _card(answer_kind="choice", choices=("a", "b", "c", "d"), correct=2, answer_text="c")


def test_choices():
    assert grading.grade(CHOICE, 2).correct is True
    assert grading.grade(CHOICE, "2").correct is True
    wrong = grading.grade(CHOICE, 0)
    assert (wrong.correct, wrong.given, wrong.expected) == (False, "a", "c")


@pytest.mark.parametrize("given,message", [(9, "there is no choice 9"), (-1, "there is no choice -1"),
                                           ("x", "'x' is not a choice"), ("", "no choice made")])
def test_a_choice_that_does_not_exist_is_an_error(given, message):
    with pytest.raises(LaoshifuError) as err:
        grading.grade(CHOICE, given)
    assert err.value.problems[0].message == message


# Shown steps: B, C, A — the right order is A, B, C (shown indices 2, 0, 1).
ORDER = _card(answer_kind="order", context=("B", "C", "A"), order=(2, 0, 1), answer_text="A B C")


def test_step_order():
    assert grading.grade(ORDER, [2, 3, 1]).correct is True  # B is 2nd, C 3rd, A 1st
    assert grading.grade(ORDER, "2 3 1").correct is True
    assert grading.grade(ORDER, "２、３、１").correct is True
    wrong = grading.grade(ORDER, [1, 3, 2])
    assert (wrong.correct, wrong.message) == (False, "1/3 步放对了位置")


@pytest.mark.parametrize("given", [[1, 1, 2], [1, 2], "1 2 x", [0, 1, 2], []])
def test_an_order_that_is_not_a_permutation_is_an_error(given):
    with pytest.raises(LaoshifuError) as err:
        grading.grade(ORDER, given)
    assert err.value.problems[0].field == "order"


def test_self_grades():
    card = _card(answer_kind="self")
    assert [grading.grade(card, r).rating for r in ("again", "hard", "good", "easy", "1", 4)] == [1, 2, 3, 4, 1, 4]
    assert grading.grade(card, "good").correct is None
    with pytest.raises(LaoshifuError) as err:
        grading.grade(card, "great")
    assert err.value.problems[0].field == "rating"
