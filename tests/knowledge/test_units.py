"""Units made without their dataclass ``__init__`` are the units ``__init__`` makes."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from laoshifu.formats.folder import read_folder
from laoshifu.knowledge.units import KINDS, Note, make_unit, unit_from_dict

from ..conftest import EXAMPLE


def test_a_unit_made_at_once_equals_the_one_init_makes():
    units = read_folder(EXAMPLE).units
    assert {u.kind for u in units} == set(KINDS)
    for unit in units:
        made = unit_from_dict(unit.to_dict())
        by_init = type(unit)(**vars(made))
        assert made == by_init and hash(made) == hash(by_init), unit.id
        # every field there, in the class's order (defaults included), in as little memory
        assert list(vars(made)) == list(vars(by_init)), unit.id
        assert sys.getsizeof(vars(made)) == sys.getsizeof(vars(by_init)), unit.id


def test_left_out_fields_take_their_defaults_and_the_unit_stays_frozen():
    note = make_unit(Note, {"id": "n1", "title": "笔记"})
    assert note == Note(id="n1", title="笔记")
    assert list(vars(note).items()) == list(vars(Note(id="n1", title="笔记")).items())
    assert (note.status, note.version, note.tags, note.context) == ("approved", 1, (), "")
    with pytest.raises(AttributeError):
        note.title = "改"  # type: ignore[misc]
    assert replace(note, title="改").title == "改" and note.title == "笔记"


def test_fields_init_would_refuse_get_its_error():
    with pytest.raises(TypeError, match="title"):
        make_unit(Note, {"id": "n1"})
    with pytest.raises(TypeError, match="colour"):
        make_unit(Note, {"id": "n1", "title": "t", "colour": "red"})
