import pytest

from laoshifu.text.normalize import MAX_QUERY_CHARS, normalize, normalize_query


def test_empty():
    assert normalize("") == ""


def test_full_width_to_half_width_and_lowercase():
    assert normalize("ＤＰ　控制在６０") == "dp 控制在60"


def test_traditional_to_simplified():
    assert normalize("脫碳退火的露點控制") == "脱碳退火的露点控制"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("850℃", "850℃"),
        ("850 °C", "850℃"),
        ("850°Ｃ", "850℃"),
        ("850摄氏度", "850℃"),
        ("加热到850度", "加热到850℃"),
        ("温度", "温度"),  # no number before it: not a unit
        ("80米/分钟", "80m/min"),
        ("80 m/min", "80m/min"),
        ("0.23毫米", "0.23mm"),
        ("30 PPM", "30ppm"),
        ("2小时", "2h"),
    ],
)
def test_unit_spellings(text, expected):
    assert normalize(text) == expected


def test_sentence_marks_survive():
    # Full-width ？！； fold to ASCII, which the sentence splitter also splits at.
    assert normalize("一。二？三！四；") == "一。二?三!四;"


def test_query_is_cut_to_a_sane_length():
    assert len(normalize_query("露" * (MAX_QUERY_CHARS * 3))) == MAX_QUERY_CHARS
