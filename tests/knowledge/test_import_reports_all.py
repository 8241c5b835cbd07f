"""An import that finds errors reports every one (up to a limit), from every stage: a
bad number in parameters.csv does not hide a bad rule condition (issue 9 #6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.knowledge.folders import MAX_PROBLEMS_SHOWN, import_folder

from ..conftest import EXAMPLE


def _broken_folder(tmp_path: Path, bad_rows: int = 1) -> Path:
    """The example with ``bad_rows`` parameters whose lower limit is no number, and one
    rule condition that names nothing known."""
    folder = tmp_path / "kb"
    shutil.copytree(EXAMPLE, folder)
    csv = folder / "parameters.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    for i in range(1, bad_rows + 1):
        cells = lines[i].split(",")
        cells[7] = "九百"  # lower
        lines[i] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules = folder / "rules" / "quality.md"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("condition: 残碳 > 30", "condition: 残碳含量XYZ > 30"),
                     encoding="utf-8")
    return folder


def _messages(exc: LaoshifuError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_a_bad_row_does_not_hide_a_bad_condition(store, tmp_path):
    folder = _broken_folder(tmp_path)
    with pytest.raises(LaoshifuError) as caught:
        import_folder(store, folder, dry_run=True)
    shown = _messages(caught.value)
    assert shown[0] == ("parameters.csv:2:8: [lower] '九百' is not a number "
                        "(hint: write a plain number such as 62 or 0.23)")
    assert any(s.startswith("rules/quality.md:46:") and "unknown name '残碳含量XYZ'" in s
               for s in shown), shown
    # Each file's own problems first, then those across units, each by file and line.
    assert [s.split(":")[0] for s in shown] == ["parameters.csv", "rules/quality.md"]
    assert store.list_units("main", statuses=None) == []


def test_a_reference_that_a_broken_row_would_have_given_says_so(store, tmp_path):
    folder = _broken_folder(tmp_path)
    csv = folder / "parameters.csv"
    # The row of dc-n2-pressure cannot be read: the procedures naming it hold no typo.
    lines = csv.read_text(encoding="utf-8").splitlines()
    (row,) = [i for i, line in enumerate(lines) if line.startswith("dc-n2-pressure,")]
    cells = lines[row].split(",")
    cells[7] = "零点四"
    lines[row] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LaoshifuError) as caught:
        import_folder(store, folder, dry_run=True)
    references = [p for p in caught.value.problems if p.field == "parameters"]
    assert [(p.file, p.line) for p in references] == [("procedures/atmosphere.md", 7),
                                                      ("procedures/atmosphere.md", 40)]
    assert all(p.message == "refers to missing unit 'dc-n2-pressure'" for p in references)
    assert all(p.hint.endswith("or a unit in a file with errors that could not be read")
               for p in references)


def test_past_the_limit_the_rest_are_counted(store, tmp_path):
    folder = _broken_folder(tmp_path, bad_rows=60)
    with pytest.raises(LaoshifuError) as caught:
        import_folder(store, folder, dry_run=True)
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS_SHOWN + 1 == 51
    # The rows first (the 60 rows' windows are missing for 92 references and names after)
    assert all(p.file == "parameters.csv" and p.field == "lower" for p in problems[:50])
    assert problems[-1].message == "… and 102 more problems not shown (152 in all)"
    assert problems[-1].hint == "fix these and check again"


def test_the_cli_dry_run_lists_them_all(cli, tmp_path):
    folder = _broken_folder(tmp_path, bad_rows=3)
    done = cli("import", "--dry-run", str(folder))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 4, done.stderr
    assert "parameters.csv:4:8: [lower]" in lines[2]
    assert lines[3].startswith("rules/quality.md:46:") and "残碳含量XYZ" in lines[3]
