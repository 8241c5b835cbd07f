"""Re-importing a folder where units only moved: pointers follow, no new versions."""

from __future__ import annotations

from laoshifu.knowledge.folders import import_folder

NOTES = """---
id: n-a
kind: note
title: A
---
aaa
"""

HANDBOOK = """# 第一节 {#hb-1}
一。
# 第二节 {#hb-2}
二。
"""


def test_a_unit_moved_down_its_file_is_cited_at_its_new_line(store, tmp_path):
    (tmp_path / "kb" / "notes").mkdir(parents=True)
    path = tmp_path / "kb" / "notes" / "a.md"
    path.write_text(NOTES, encoding="utf-8")
    import_folder(store, tmp_path / "kb")
    path.write_text("\n\n\n" + NOTES, encoding="utf-8")
    report, _ = import_folder(store, tmp_path / "kb")
    assert not report.changed
    unit = store.get_unit("main", "n-a")
    assert (unit.source, unit.version) == ("notes/a.md:4", 1)


def test_a_unit_moved_to_another_file_is_cited_there(store, tmp_path):
    (tmp_path / "kb" / "notes").mkdir(parents=True)
    (tmp_path / "kb" / "notes" / "a.md").write_text(NOTES, encoding="utf-8")
    import_folder(store, tmp_path / "kb")
    (tmp_path / "kb" / "notes" / "a.md").rename(tmp_path / "kb" / "notes" / "b.md")
    report, _ = import_folder(store, tmp_path / "kb")
    assert not report.changed
    assert store.get_unit("main", "n-a").source == "notes/b.md:1"


def test_inserting_a_section_makes_no_new_version_of_the_others(store, tmp_path):
    (tmp_path / "kb" / "handbook").mkdir(parents=True)
    path = tmp_path / "kb" / "handbook" / "h.md"
    path.write_text(HANDBOOK, encoding="utf-8")
    import_folder(store, tmp_path / "kb")
    path.write_text("# 新的一节 {#hb-0}\n零。\n" + HANDBOOK, encoding="utf-8")
    report, _ = import_folder(store, tmp_path / "kb")
    assert (report.created, report.updated) == (["hb-0"], [])
    moved = store.get_unit("main", "hb-2")
    assert (moved.version, moved.order, moved.source) == (1, 3, "handbook/h.md:5")
    assert len(store.history("main", "hb-2")) == 1
    # Export keeps the new order.
    path.write_text(HANDBOOK, encoding="utf-8")
    report, _ = import_folder(store, tmp_path / "kb")
    assert report.retired == ["hb-0"] and not report.updated
