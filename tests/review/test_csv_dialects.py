"""CSV files as plants export them: GBK, UTF-16, semicolons, times nobody can read."""

from __future__ import annotations

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.review.daily import ReviewOptions, review_day

from .test_bad_data import HEADER, _rows


def _text(rows: list[str] | None = None, header: str = HEADER) -> str:
    return header + "".join(rows if rows is not None else _rows(300, dew=70.0))


def _excursions(review) -> list:
    return [f for f in review.findings if f.kind == "excursion" and f.parameter == "露点"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_csv_in_chinese_windows_encodings_is_read(tmp_path, tiny_units, encoding):
    path = tmp_path / "d.csv"
    path.write_bytes(_text().encode(encoding))
    review = review_day(path, tiny_units, ReviewOptions())
    assert review.rows == 300
    assert review.matched.get("露点") == "露点"
    assert _excursions(review)  # 70 is above the window: the values were read


def test_semicolon_separated_csv_is_read(tmp_path, tiny_units):
    path = tmp_path / "d.csv"
    path.write_text(_text().replace(",", ";"), encoding="utf-8")
    review = review_day(path, tiny_units, ReviewOptions())
    assert review.rows == 300 and _excursions(review)


def test_semicolons_with_decimal_commas_are_read(tmp_path, tiny_units):
    # What a European-locale Excel writes: ';' between fields, ',' in numbers.
    text = "".join(line.replace(",", ";").replace(".", ",") for line in [HEADER, *_rows(300, dew=70.0)])
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    review = review_day(path, tiny_units, ReviewOptions())
    assert not [i for i in review.issues if i.kind == "non_numeric"]
    assert review.rows == 300 and _excursions(review)


def test_times_that_cannot_be_read_are_named_with_a_sample_and_row(tmp_path, tiny_units):
    rows = [r.replace("2026-07-22 ", "22/07/2026 ") for r in _rows(60)]
    path = tmp_path / "d.csv"
    path.write_text(_text(rows), encoding="utf-8")
    with pytest.raises(LaoshifuError) as caught:
        review_day(path, tiny_units, ReviewOptions())
    problem = caught.value.problems[0]
    assert "22/07/2026 00:00:00" in str(caught.value)
    assert "row 1" in str(caught.value) and problem.file and "d.csv" in problem.file
    assert "YYYY-MM-DD" in (problem.hint or "")
