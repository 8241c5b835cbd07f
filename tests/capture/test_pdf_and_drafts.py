"""A handbook PDF made here becomes drafts citing page and line; pasted text too; all or
nothing, never approved."""

from __future__ import annotations

import pytest

from laoshifu.capture.drafts import save_drafts
from laoshifu.capture.intake import propose, read_source
from laoshifu.capture.pdf import join_lines, read_pdf
from laoshifu.errors import LaoshifuError, PermissionDenied

from .sources import BODY_1, HEADER, handbook_pdf

pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def pdf_bytes():
    return handbook_pdf()


def test_pdf_headings_pages_and_joined_lines(pdf_bytes):
    doc = read_pdf(pdf_bytes, "handbook.pdf")
    headings = [(line.citation, line.heading, line.text) for line in doc.lines if line.heading]
    assert headings == [("handbook.pdf p.1:1", 1, "第三章 脱碳退火"), ("handbook.pdf p.1:2", 2, "3.1 露点控制"),
                        ("handbook.pdf p.2:1", 2, "3.2 气氛参数表"), ("handbook.pdf p.3:1", 1, "第四章 渗氮"),
                        ("handbook.pdf p.3:2", 3, "一、温度与氨气")]
    # Three printed lines, one paragraph, no space where the lines were wrapped.
    assert doc.lines[2].text == BODY_1 and doc.lines[2].citation == "handbook.pdf p.1:3"
    text = doc.text
    assert HEADER not in text and "第 1 页" not in text  # header and footer dropped
    assert [t.rows[0] for t in doc.tables] == [("参数", "下限", "目标", "上限", "单位")]
    assert doc.tables[0].citation == "handbook.pdf p.2:2"


def test_join_lines():
    assert join_lines("露点控制在55～65℃，一般", "放在60℃。") == "露点控制在55～65℃，一般放在60℃。"
    assert join_lines("dew point is", "kept at 60") == "dew point is kept at 60"
    assert join_lines("decarburi-", "zation") == "decarburization"


def test_a_handbook_pdf_becomes_drafts_citing_pages(store, example_units, engineer, tmp_path, pdf_bytes):
    from laoshifu.knowledge.folders import import_folder
    from .conftest import EXAMPLE

    import_folder(store, EXAMPLE)
    context = store.list_units("main", statuses=("approved", "draft"))
    doc = read_source(pdf_bytes, "handbook.pdf", tmp_path)
    capture = propose(doc, context)
    by_id = {p.id: p for p in capture.proposals}
    sections = [p for p in capture.proposals if p.kind == "section"]
    assert [p.fields["title"] for p in sections][:2] == ["第三章 脱碳退火", "3.1 露点控制"]
    assert sections[1].fields["process"] == "脱碳退火" and sections[1].fields["path"] == ["第三章 脱碳退火"]
    # The table's new row: a parameter of the chapter's process, cited at its row.
    [row] = [p for p in capture.proposals if p.by == "table" and p.fields["name"] == "出口密封氮气流量"]
    assert row.fields["process"] == "脱碳退火" and row.source.citation == "handbook.pdf p.2:5"
    assert (row.fields["lower"], row.fields["target"], row.fields["upper"]) == (30.0, 40.0, 50.0)
    assert by_id["dc-dew-point"].unchanged  # the handbook says what the base says
    report = save_drafts(store, "main", [p for p in capture.proposals if p.valid], engineer, doc.name)
    assert "dc-dew-point" in report.unchanged
    rule = next(p for p in capture.proposals if p.kind == "rule")
    saved = store.get_unit("main", rule.id)
    assert saved.status == "draft" and saved.source == "handbook.pdf p.1:6"
    assert saved.condition == "露点 > 65℃ and 氢气比例 < 20%"
    history = store.history("main", rule.id)
    assert history[-1][1]["comment"].startswith("录入 handbook.pdf → handbook.pdf p.1:6")
    section = store.get_unit("main", sections[1].id)
    assert section.status == "draft" and section.source == "handbook.pdf p.1:2"


def test_a_masters_capture_is_a_draft_too_and_all_or_nothing(store, example_units, master, tmp_path):
    from laoshifu.knowledge.folders import import_folder
    from .conftest import EXAMPLE

    import_folder(store, EXAMPLE)
    context = store.list_units("main", statuses=("approved", "draft"))
    text = "出口密封氮气流量控制在30到50 m³/h。\n露点控制在70～60℃。"
    capture = propose(read_source(text.encode(), "note.txt", tmp_path), context, "脱碳退火")
    new, changed = capture.proposals
    assert new.valid and changed.existing == "dc-dew-point"
    changed.fields.update(lower=70, upper=60)
    from laoshifu.capture.proposals import validate
    validate(capture.proposals, context)
    before = len(store.list_units("main", statuses=None))
    with pytest.raises(LaoshifuError) as refused:
        save_drafts(store, "main", capture.proposals, master, "note.txt")
    assert "note.txt:2" in refused.value.render()
    assert len(store.list_units("main", statuses=None)) == before  # nothing written
    save_drafts(store, "main", [new], master, "note.txt")
    assert store.get_unit("main", new.id).status == "draft"  # not approved, even by the master


def test_an_apprentice_may_not_capture(store, tmp_path):
    from laoshifu.people.accounts import User

    capture = propose(read_source("露点控制在55～65℃。".encode(), "n.txt", tmp_path), [], "")
    with pytest.raises(PermissionDenied):
        save_drafts(store, "main", capture.proposals, User("xiao", "apprentice", ("main",)), "n.txt")


@pytest.mark.parametrize("data, name, message", [
    (b"", "empty.txt", "the file is empty"),
    (b"%PDF-1.4 this is not really a pdf", "bad.pdf", "not a readable PDF"),
    (b"\x00\x01binary", "thing.exe", "cannot capture .exe files"),
])
def test_bad_sources_are_clear_errors(tmp_path, data, name, message):
    with pytest.raises(LaoshifuError) as error:
        read_source(data, name, tmp_path)
    assert message in error.value.render() and name in error.value.render()


def test_a_pdf_without_text_and_without_ocr_is_a_clear_error(tmp_path):
    from reportlab.pdfgen import canvas
    import io

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(100, 100, 200, 200)
    c.showPage()
    c.save()
    with pytest.raises(LaoshifuError) as error:
        read_pdf(out.getvalue(), "scan.pdf")
    assert "no text found in the PDF" in error.value.render()
