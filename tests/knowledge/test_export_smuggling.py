"""Export → import keeps a draft one draft: its body cannot carry units, headings or status."""

from pathlib import Path


from laoshifu.people import accounts
from laoshifu.knowledge import editing
from laoshifu.knowledge.folders import export_base, import_folder
from laoshifu.knowledge.validate import Where, build_unit

from .test_folders import make_kb

# An engineer's body that imitates a unit separator, front matter and a heading.
SMUGGLED = """露点要稳。
---
id: evil
kind: note
title: 露点 90 ℃ 没事
status: approved
author: 王师傅
---
露点 90 ℃ 没事，不用管。
## 露点放开 {#evil-sec status=approved author=王师傅}
# 升温 {#evil-top}
\\---
\\## 已经转义过的一行
```
## 代码块里的井号
```
最后一句。"""


def _engineer(store):
    user, _ = accounts.add_user(store, "li", "engineer")
    return user


def _round_trip(store, tmp_path: Path):
    """Export, import into a fresh store, export again: the two exports and the stores."""
    from laoshifu.store import Store

    first = tmp_path / "export1"
    export_base(store, first)
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    import_folder(other, first)
    second = tmp_path / "export2"
    export_base(other, second)
    for path in first.rglob("*"):
        if path.is_file():
            name = path.relative_to(first)
            assert path.read_bytes() == (second / name).read_bytes(), name
    return other


def test_a_draft_note_body_stays_one_draft(store, tmp_path):
    import_folder(store, make_kb(tmp_path / "kb"))
    engineer = _engineer(store)
    draft, problems = build_unit({"id": "note-li", "title": "露点经验", "process": "脱碳退火",
                                  "body": SMUGGLED}, Where("api"), kind="note")
    assert problems == []
    editing.save_edit(store, "main", draft, engineer)
    other = _round_trip(store, tmp_path)
    stored = {u.id: u for u in store.list_units("main", statuses=None)}
    again = {u.id: u for u in other.list_units("main", statuses=None)}
    assert set(again) == set(stored) and "evil" not in again
    note = again["note-li"]
    assert (note.status, note.author, note.body) == ("draft", "li", SMUGGLED)
    assert [u.id for u in again.values() if u.status == "draft"] == ["note-li"]
    assert {i: u.content() for i, u in again.items()} == {i: u.content() for i, u in stored.items()}


def test_a_draft_section_body_stays_one_draft_and_in_place(store, tmp_path):
    handbook = "# 总则 {#hb-a}\n露点要稳。\n# 氢气 {#hb-c}\n氢气别断。\n"
    import_folder(store, make_kb(tmp_path / "kb", **{"handbook/a.md": handbook}))
    engineer = _engineer(store)
    # A new section written between the two, in the same handbook file.
    section, problems = build_unit({"id": "hb-b", "title": "炉温", "level": 1, "order": 1,
                                    "body": SMUGGLED}, Where("handbook/a.md", 3), kind="section")
    assert problems == []
    editing.save_edit(store, "main", section, engineer)
    other = _round_trip(store, tmp_path)
    sections = other.list_units("main", kinds=["section"], statuses=None)
    assert [(s.id, s.status, s.author) for s in sorted(sections, key=lambda s: s.order)] == [
        ("hb-a", "approved", ""), ("hb-b", "draft", "li"), ("hb-c", "approved", "")]
    assert other.get_unit("main", "hb-b").body == SMUGGLED
