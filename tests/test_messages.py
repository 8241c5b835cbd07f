"""The message catalogue, the library's problems in Chinese, and plant time (issue 9, items 12, 13)."""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from laoshifu import localtime, messages, problem_text
from laoshifu.errors import Problem


def test_every_key_has_both_languages_and_the_same_placeholders():
    import re

    for key, (zh, en) in messages.CATALOGUE.items():
        assert zh and en, key
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), key


def test_problems_in_chinese_with_quoted_values_and_known_words():
    assert problem_text.localize("an apprentice may not see drafts", "zh") == "徒弟不能查看草稿"
    assert problem_text.localize("'六十四' is not a number", "zh") == "「六十四」 不是数字"
    assert problem_text.localize("'六十四' is not a number", "en") == "'六十四' is not a number"
    # Unknown wording is shown as it is, never lost.
    assert problem_text.localize("the moon is made of cheese", "zh") == "the moon is made of cheese"


def test_the_most_specific_pattern_wins():
    """Every pattern's own wording is translated by it, not by a wider one."""
    import re

    for english, chinese in problem_text.PROBLEMS:
        names = re.findall(r"\{(\w+)\}", english)
        sample = english
        for name in names:
            sample = sample.replace("{" + name + "}", f"'v{name}'", 1)
        expected = chinese
        for name in names:
            expected = expected.replace("{" + name + "}", f"「v{name}」")
        assert problem_text.localize(sample, "zh") == expected, english


def test_terminal_hints_stay_off_web_pages():
    p = Problem("no unit 'x' in knowledge base 'main'", hint="laoshifu list shows the unit ids")
    assert problem_text.for_web(p, "zh").hint is None
    assert problem_text.for_web(p, "en").hint is None
    q = Problem("'露点' is a parameter of several processes: 脱碳退火, 高温退火", hint="say which with --process")
    assert problem_text.for_web(q, "zh").hint == "请先选工序"  # said for the web
    assert problem_text.for_web(q, "en").hint is None
    assert problem_text.in_lang(p, "zh").hint == "laoshifu list shows the unit ids"  # the terminal keeps it


def test_plant_time():
    zone = ZoneInfo("Asia/Shanghai")
    assert localtime.show("2026-07-22T22:05:09+00:00", zone) == "2026-07-23 06:05"
    assert localtime.show("2026-07-22T22:05:09Z", zone, seconds=True) == "2026-07-23 06:05:09"
    assert localtime.show("2026-07-22T22:05:09", timezone.utc) == "2026-07-22 22:05"  # naive: UTC
    assert localtime.show(None, zone) == "" and localtime.show("", zone) == ""
    assert localtime.show("yesterday", zone) == "yesterday"
    assert localtime.plant_zone(None) is not None
