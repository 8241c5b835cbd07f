"""YAML in the knowledge files and settings: no anchors or aliases (alias bombs)."""

import time

import pytest

from laoshifu.config import load_settings
from laoshifu.errors import LaoshifuError
from laoshifu.formats.glossary import parse_glossary
from laoshifu.formats.handbook import parse_handbook
from laoshifu.formats.markdown_units import parse_units
from laoshifu.formats.yamlio import load_with_lines
from laoshifu.knowledge.folders import import_folder


def _bomb(levels: int) -> str:
    """Front matter whose ``tags`` stand for 9**levels strings through aliases."""
    lines = ["---", "id: n1", "kind: note", "title: 炸弹", "context: &a0 露点露点露点露点露点露点"]
    for level in range(1, levels + 1):
        lines.append(f"x{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    lines += [f"tags: [*a{levels}]", "---", "正文"]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_front_matter_is_refused_at_once():
    text = _bomb(6)  # 9**6 = 531,441 copies: it took seconds and hundreds of MB as a tag
    assert len(text) < 600
    started = time.perf_counter()
    units, problems = parse_units(text, "notes/bomb.md")
    assert time.perf_counter() - started < 0.5
    assert units == []
    assert [(p.file, p.line, p.column) for p in problems] == [("notes/bomb.md", 5, 10)]
    assert "aliases" in problems[0].message


@pytest.mark.parametrize("text,line", [
    ("a: &x 1\nb: 2\n", 1),          # an anchor alone
    ("a: 1\nb: *x\n", 2),            # an alias (unknown, but refused first)
    ("- id: t1\n  term: 露点\n  synonyms: &s [DP]\n", 3),
])
def test_anchors_and_aliases_are_refused_with_their_line(text, line):
    data, _lines, problems = load_with_lines(text, "x.yaml", first_line=1)
    assert data is None and [(p.file, p.line) for p in problems] == [("x.yaml", line)]


def test_ampersands_and_stars_in_text_are_fine():
    data, _lines, problems = load_with_lines("a: 'R&D *重要*'\nb: x & y\nc: 5*3\n", "x.yaml")
    assert problems == [] and data == {"a": "R&D *重要*", "b": "x & y", "c": "5*3"}


def test_the_glossary_handbooks_and_laoshifu_yaml_refuse_aliases(store, tmp_path):
    _, problems = parse_glossary("- id: t1\n  term: &t 露点\n- id: t2\n  term: *t\n", "glossary.yaml")
    assert [(p.file, p.line) for p in problems] == [("glossary.yaml", 2)]
    _, problems = parse_handbook("---\ntitle: &t 手册\nprocess: *t\n---\n# 甲\n", "handbook/h.md")
    assert [(p.file, p.line) for p in problems] == [("handbook/h.md", 2)]
    kb = tmp_path / "kb"
    (kb / "notes").mkdir(parents=True)
    (kb / "notes/n.md").write_text("---\nid: n1\nkind: note\ntitle: 甲\n---\n正文\n", encoding="utf-8")
    (kb / "laoshifu.yaml").write_text("defaults:\n  author: &w 王师傅\n  process: *w\n", encoding="utf-8")
    with pytest.raises(LaoshifuError) as info:
        import_folder(store, kb)
    assert [(p.file, p.line) for p in info.value.problems] == [("laoshifu.yaml", 2)]


def test_config_yaml_refuses_aliases(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text("max_file_mb: &m 3\nother: *m\n", encoding="utf-8")
    with pytest.raises(LaoshifuError) as info:
        load_settings()
    assert [(p.file, p.line) for p in info.value.problems] == [(str(home / "config.yaml"), 1)]
