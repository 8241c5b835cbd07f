"""The plant's settings: its time zone and where its production data is (issue 9, items 13, 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from laoshifu.config import load_settings
from laoshifu.errors import LaoshifuError


def _settings(home: Path, text: str):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text(text, encoding="utf-8")
    return load_settings()


def test_time_zone_and_data_folders(home):
    s = _settings(home, "timezone: Asia/Shanghai\nreview:\n  data:\n    main: /srv/line3\n    line4: /srv/line4\n")
    assert s.timezone == "Asia/Shanghai"
    assert s.review_data_for("main") == Path("/srv/line3") and s.review_data_for("other") is None
    s = _settings(home, "review: {data: /srv/all}\n")
    assert s.review_data_for("anything") == Path("/srv/all") and s.timezone is None
    assert s.reviews_dir == home / "reviews"


def test_the_environment_wins(home, monkeypatch):
    monkeypatch.setenv("LAOSHIFU_REVIEW_DATA", "/data/today")
    monkeypatch.setenv("LAOSHIFU_TIMEZONE", "Europe/Berlin")
    s = _settings(home, "timezone: Asia/Shanghai\nreview: {data: /srv/all}\n")
    assert s.timezone == "Europe/Berlin" and s.review_data_for("main") == Path("/data/today")


@pytest.mark.parametrize("text, field", [
    ("timezone: Mars/Olympus\n", "timezone"),
    ("review: /srv/all\n", "review"),
    ("review: {data: 5}\n", "review.data"),
    ("review: {data: {main: ''}}\n", "review.data"),
])
def test_bad_settings_are_named(home, text, field):
    with pytest.raises(LaoshifuError) as caught:
        _settings(home, text)
    problem = caught.value.problems[0]
    assert problem.field == field and problem.file == str(home / "config.yaml")
