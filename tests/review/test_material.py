"""A grade named by its standard designation is of its family, and a family at a thickness
is the designation's (designations written for these tests)."""

from laoshifu.review.material import Material, designation, same_grade, window_applies
from laoshifu.knowledge.units import Parameter


def _window(condition: str) -> Parameter:
    return Parameter(id="w", title="铁损", process="成品检验", name="铁损", unit="W/kg",
                     upper=0.9, condition=condition)


def test_a_designation_is_read_as_family_and_thickness():
    assert designation("23QG085") == ("hib", 0.23)
    assert designation("30Q120") == ("cgo", 0.30)
    assert designation("HiB") is None and designation("23QG08") is None


def test_a_designation_is_of_its_family_and_a_family_at_its_thickness_is_it():
    assert same_grade("27QG095", "HiB") and not same_grade("27QG095", "CGO")
    assert same_grade("HiB", "23QG085", 0.23) and not same_grade("HiB", "23QG085", 0.27)
    assert same_grade("Hi-B", "23QG085")  # no thickness said: every Hi-B designation
    assert not same_grade("CGO", "23QG085") and not same_grade("23QG085", "27QG095")
    assert window_applies(_window("牌号=HiB"), Material("27QG095")) is True
    assert window_applies(_window("牌号=23QG085"), Material("HiB", 0.27)) is False
