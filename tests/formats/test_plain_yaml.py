"""Plain front matter read without the YAML parser gives exactly what the parser gives."""

import random

import pytest

from laoshifu.formats.plain_yaml import read_plain
from laoshifu.formats.yamlio import _is_text, load_with_lines, parse_yaml

PLAIN_KEYS = ["kind", "title", "tags", "actions", "condition", "a_b", "x1"]
KEYS = ["yes", "null", "On", "~", "1", "标题", "x y", "-a", "a" * 130, "id"]  # "id" repeated
PLAIN_SEPARATORS = [": ", ":  ", ":"]
SEPARATORS = [": \t", " : ", ":x"]
PLAIN_ATOMS = ["露点", "脱碳 退火", "温度 > 5 and P < 3", "[a, b]", "[ ]", "[]", "[是, 否]", "[a, ]",
               "[ 露点 , 温度 ]", "中文：值", "a#b", "x]", "a, b", "R&D", "a*b", "C#", "a  ", ""]
ATOMS = [
    "12", "1.5", "-3", "+4", "0x1F", "1_000", "1:20", ".5", ".inf", "true",
    "no", "Off", "~", "null", "2024-01-01", "a: b", "a #b", "a#b", "x:", "x]", "a, b", "R&D",
    "a*b", "'q'", '"q"', "|", ">", "&x", "*x", "!t x", "%x", "@x", "`x", "- x", "? x", "{a: 1}",
    "[a, b]", "[ ]", "[]", "[a,, b]", "[a, [b]]", "[1, 2]", "[是, 否]", "[a, ]", "[a: b]", "[a",
    "[ 露点 , 温度 ]", "中文：值", "=", "<<", "C#", "温度 > 5 and P < 3", "x\r", "x\u2028y",
    "\ufeffx", "x\x85y", "x\x07", "a  ", "",
]
ITEMS = ["甲", "乙 丙", "温度 > 5", "a#b", "R&D"]
FOLLOWING = ["  - 1", "  - [a]", "  -", "  - a: b", "  继续", "# comment", "\t- x", "  - x # c",
             "  - ", "-  x", "    - 丙", "  - 甲", "- 乙"]


def _pick(rng: random.Random, plain: list[str], other: list[str]) -> str:
    return rng.choice(other if rng.random() < 0.03 else plain)


def _document(rng: random.Random) -> str:
    rows = ["id: n1"]
    for key in rng.sample(PLAIN_KEYS, rng.randint(1, 6)):
        atom = _pick(rng, PLAIN_ATOMS, ATOMS)
        rows.append(_pick(rng, [key], KEYS) + _pick(rng, PLAIN_SEPARATORS, SEPARATORS)
                    + atom + rng.choice(["", "", " ", "  "]))
        indent = rng.choice(["", "  ", "    "])
        for _ in range(rng.choice([0, 1, 2, 3]) if not atom.strip() else 0):
            rows.append(rng.choice(["", "   "]) if rng.random() < 0.1 else
                        indent + "- " + rng.choice(ITEMS) + rng.choice(["", " "]))
        if rng.random() < 0.05:
            rows.append(rng.choice(FOLLOWING))
    return "\n".join(rows) + rng.choice(["", "\n", "\n\n"])


def test_plain_front_matter_equals_the_parsers_reading():
    rng = random.Random(13)
    fast = 0
    for _ in range(20000):
        text = _document(rng)
        plain = read_plain(text, 3, _is_text)
        if plain is None:
            continue
        fast += 1
        data, lines, problems = parse_yaml(text, "f.md", 3)
        assert problems == [], text
        assert (repr(plain[0]), plain[1], plain[2]) == (repr(data), dict(lines), lines.values), text
    assert fast > 2000  # the plain shape was met often enough to mean something


@pytest.mark.parametrize("text", [
    "id: n1\nkind: note\ntitle: 笔记\ntags: [经验, 露点]\nactions:\n  - 先查\n  - 再调\n",
    "id: n1\nempty:\nlist:\n- 甲\n\n- 乙\nlast: 末",
])
def test_the_usual_front_matter_is_read_without_the_parser(text):
    plain = read_plain(text, 1, _is_text)
    assert plain is not None
    data, lines, problems = load_with_lines(text, "f.md")
    assert problems == [] and data == plain[0] and dict(lines) == plain[1]
    assert lines.values == plain[2]


@pytest.mark.parametrize("text", [
    "title: '引号'", "title: |\n  块", "title: 甲 # 注", "tags: [1, 2]", "title: 甲\n  续行",
    "title: 甲\ntitle: 乙", "on: 甲", "title: 12", "title: 1.5", "title: ~", "title: 甲\r\n",
    "title: \t甲", "tags:\n  - 甲\n    - 乙", "a:\n  b: c", "", "# 只有注释",
])
def test_anything_more_than_plain_goes_to_the_parser(text):
    assert read_plain(text, 1, _is_text) is None
