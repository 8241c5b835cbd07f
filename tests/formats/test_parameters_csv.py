from hypothesis import given, settings
from hypothesis import strategies as st

from laoshifu.formats.parameters_csv import parse_parameters, render_parameters

GOOD = """id,process,name,symbol,unit,target,lower,upper,condition,rationale,tags
dc-dp,脱碳退火,露点,DP,℃,60,55,65,,"露点低了脱碳不够,高了氧化重。",露点;脱碳
dc-h2,脱碳退火,氢气比例,H2,%,75,,,,
dc-t-hib,脱碳退火,炉温,T,℃,840,830,850,牌号=HiB,
"""


def test_reads_rows_with_lines_and_open_windows():
    params, problems = parse_parameters(GOOD, "parameters.csv")
    assert problems == []
    dp, h2, t = params
    assert (dp.lower, dp.target, dp.upper, dp.unit) == (55, 60, 65, "℃")
    assert dp.tags == ("露点", "脱碳") and dp.body.startswith("露点低了")
    assert (h2.lower, h2.upper) == (None, None)
    assert t.condition == "牌号=HiB" and t.source == "parameters.csv:4"


def test_round_trip():
    params, _ = parse_parameters(GOOD, "parameters.csv")
    again, problems = parse_parameters(render_parameters(params), "parameters.csv")
    assert problems == []
    assert [p.content() for p in again] == [p.content() for p in params]


def one(text):
    return parse_parameters(text, "parameters.csv")[1]


def test_lower_above_upper():
    (p,) = one("id,process,name,lower,upper\nx,p,露点,70,60\n")
    assert p.field == "lower" and p.line == 2 and "above upper" in p.message


def test_target_outside_window():
    (p,) = one("id,process,name,target,lower,upper\nx,p,露点,80,55,65\n")
    assert p.field == "target" and p.line == 2


def test_not_a_number():
    (p,) = one("id,process,name,lower\nx,p,露点,五十\n")
    assert p.field == "lower" and "not a number" in p.message


def test_missing_required_column_and_unknown_column():
    problems = one("id,name,colour\nx,露点,red\n")
    assert {p.field for p in problems} == {"process", "colour"}


def test_missing_required_value():
    (p,) = one("id,process,name\nx,,露点\n")
    assert p.field == "process" and p.line == 2 and "missing" in p.message


def test_wrong_number_of_fields():
    (p,) = one("id,process,name\nx,p,n,extra\n")
    assert p.line == 2 and "fields" in p.message


def test_multiline_quoted_field_keeps_line_numbers():
    params, problems = parse_parameters('id,process,name,rationale\na,p,n,"一\n二"\nb,p,m,\n', "parameters.csv")
    assert problems == []
    assert [p.source_line for p in params] == [2, 4]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('id,process,name,lower\n"x露点5.-')), max_size=100))
def test_malformed_csv_never_crashes(text):
    _params, problems = parse_parameters(text, "parameters.csv")
    for p in problems:
        assert p.file == "parameters.csv"


def test_minus_signs_and_scientific_notation_as_spreadsheets_write_them():
    text = ("id,process,name,unit,lower,upper,target\n"
            "dp,脱碳,露点,℃,−40,−20,－30\n"  # U+2212 and the full-width minus
            "o2,脱碳,含氧量,ppm,1e-3,2.5E2,\n")
    units, problems = parse_parameters(text, "parameters.csv")
    assert problems == []
    assert [(u.lower, u.upper, u.target) for u in units] == [(-40, -20, -30), (0.001, 250, None)]
