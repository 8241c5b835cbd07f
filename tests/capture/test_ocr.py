"""A scanned notebook page rendered here, read by OCR offline: lines with confidence,
units restored, the image kept and cited."""

from __future__ import annotations

import pytest

from laoshifu.capture import ocr
from laoshifu.capture.ocr import normalise_units

from .sources import scanned_page


def test_unit_spellings_after_ocr(lexicon):
    assert normalise_units("炉温840°C，露点55一65")[0] == "炉温840℃，露点55～65"
    assert normalise_units("露点65'C")[0] == "露点65℃"
    fixed, notes = normalise_units("露点控制在55～65，一般60", lexicon, "脱碳退火")
    assert fixed == "露点控制在55～65℃，一般60"
    assert "OCR 丢了单位" in notes[0]
    assert normalise_units("氢气比例不低于50%", lexicon, "脱碳退火") == ("氢气比例不低于50%", ())
    assert normalise_units("2号线换了3卷", lexicon, "脱碳退火")[0] == "2号线换了3卷"


@pytest.fixture(scope="module")
def engine():
    if not ocr.available():
        pytest.skip("rapidocr-onnxruntime cannot load here")


def test_a_scanned_page_becomes_drafts_citing_the_image(engine, store, example_units, engineer, tmp_path):
    from laoshifu.capture.drafts import save_drafts
    from laoshifu.capture.intake import propose, read_source
    from laoshifu.knowledge.folders import import_folder
    from .conftest import EXAMPLE

    import_folder(store, EXAMPLE)
    context = store.list_units("main", statuses=("approved", "draft"))
    from laoshifu.capture.lexicon import Lexicon
    doc = read_source(scanned_page(), "notebook.png", tmp_path, Lexicon.from_units(context), "脱碳退火")
    assert doc.kind == "image" and len(doc.images) == 1
    image = doc.images[0]
    assert (tmp_path / image).is_file() and image.startswith("notebook-")
    assert [line.text for line in doc.lines][1] == "氢气比例不低于50%。"
    assert all(0.5 < line.confidence <= 1 for line in doc.lines)
    assert all(line.citation == f"{image}:{n}" for n, line in enumerate(doc.lines, 1))
    capture = propose(doc, context, "脱碳退火")
    rule = next(p for p in capture.proposals if p.kind == "rule")
    assert rule.fields["condition"] == "露点 > 65℃"
    save_drafts(store, "main", [p for p in capture.proposals if p.valid and not p.unchanged], engineer,
                doc.name)
    saved = store.get_unit("main", rule.id)
    assert saved.status == "draft" and saved.source == f"{image}:3"
    assert f"原图 {image}" in store.history("main", rule.id)[-1][1]["comment"]


def test_low_confidence_lines_are_marked(engine, tmp_path):
    from laoshifu.capture.document import LOW_CONFIDENCE
    from laoshifu.capture.ocr import read_image

    lines = read_image(scanned_page(["露点控制在55～65℃"], size=11, noise=True), "p.png", "p.png")
    for line in lines:
        assert line.uncertain == (line.confidence < LOW_CONFIDENCE)


def test_an_unreadable_image_is_a_clear_error(engine, tmp_path):
    from laoshifu.capture.ocr import read_image
    from laoshifu.errors import LaoshifuError

    with pytest.raises(LaoshifuError) as error:
        read_image(b"not an image", "photo.jpg", "photo.jpg")
    assert "not a readable image" in error.value.render()
