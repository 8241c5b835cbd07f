"""laoshifu list: the unit ids, with kind, process, version and title (issue 9 #5)."""

from __future__ import annotations

import json

import pytest

from laoshifu.knowledge import listing
from laoshifu.errors import LaoshifuError
from laoshifu.knowledge.units import Note

from ..conftest import EXAMPLE


@pytest.fixture
def imported(cli):
    assert cli("import", str(EXAMPLE)).returncode == 0
    return cli


def test_lists_by_kind_and_process(imported):
    done = imported("list", "--kind", "rule", "--process", "脱碳退火")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 18
    assert lines[0] == "rule-dc-cooling-water-loss   rule       脱碳退火  v1   冷却水压力低或断水"
    assert lines[4] == "rule-dc-h2-leak              rule       脱碳退火  v1   脱碳炉周边氢气泄漏"


def test_query_and_json(imported):
    done = imported("list", "--kind", "parameter", "--query", "露點", "--json")
    data = json.loads(done.stdout)
    assert data["count"] == 4
    assert data["units"][0] == {"id": "dc-dew-point", "kind": "parameter", "process": "脱碳退火",
                                "version": 1, "status": "approved", "title": "露点"}


def test_everything_without_filters(imported):
    assert len(imported("list").stdout.splitlines()) == 344


def test_a_misspelt_process_is_an_error(imported):
    done = imported("list", "--process", "脱碳")
    assert done.returncode == 2
    assert done.stderr.startswith("error: [process] no process '脱碳' in knowledge base 'main' "
                                  "(hint: processes here: MgO涂层, 冷轧, 安全,")


def test_unknown_kind_and_base(imported):
    assert imported("list", "--kind", "recipe").returncode == 2
    done = imported("list", "--base", "line9")
    assert done.returncode == 2 and "no knowledge base 'line9'" in done.stderr


def test_nothing_matches(imported):
    done = imported("list", "--query", "不存在的词")
    assert done.returncode == 0 and done.stdout == ""
    assert "no units match" in done.stderr


def test_status_filter_and_drafts_marked(example_store):
    example_store.save_unit("main", Note(id="note-draft", title="草稿", body="待审。", status="draft"),
                            actor="li")
    drafts = listing.list_units(example_store, "main", status="draft")
    assert [(u.id, u.status) for u in drafts] == [("note-draft", "draft")]
    everything = listing.list_units(example_store, "main")
    assert len(everything) == 345  # approved and draft by default
    with pytest.raises(LaoshifuError) as caught:
        listing.list_units(example_store, "main", status="done")
    assert caught.value.problems[0].field == "status"


def test_hints_for_a_missing_unit_name_list(imported):
    done = imported("show", "no-such-unit")
    assert done.returncode == 2
    assert "laoshifu list shows the unit ids" in done.stderr
    assert "laoshifu list" in imported("history", "no-such-unit").stderr
