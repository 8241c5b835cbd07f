"""A day to review is checked once, its error naming the field it came in."""

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.localtime import check_day


def test_a_day_that_reads_passes():
    check_day("2026-07-22")


@pytest.mark.parametrize("day, field", [("2026-13-40", "day"), ("昨天", "--day")])
def test_a_day_that_does_not_read_names_its_field_and_the_form(day, field):
    with pytest.raises(LaoshifuError) as caught:
        check_day(day, field)
    problem = caught.value.problems[0]
    assert problem.field == field and "YYYY-MM-DD" in problem.hint
