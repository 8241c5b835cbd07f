"""The real command in a subprocess on a temp home."""

import json

from ..knowledge.test_folders import RULES, make_kb


def test_import_status_show_history_export(cli, tmp_path, example_dir):
    result = cli("import", str(example_dir))
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout

    result = cli("status", "--json")
    data = json.loads(result.stdout)
    counts = data["counts"]
    assert counts["parameter"] >= 40 and counts["procedure"] >= 10 and counts["rule"] >= 15
    assert counts["note"] >= 15 and counts["term"] >= 40 and counts["section"] >= 20
    assert len({p for p in data["by_process"] if p}) >= 6

    text = cli("status").stdout
    assert "parameter" in text and "工艺参数" in text and "by process" in text

    some_id = next(iter(json.loads(cli("show", "dc-dew-point", "--json").stdout)["id"]))
    assert some_id
    shown = cli("show", "dc-dew-point")
    assert shown.returncode == 0 and "dc-dew-point" in shown.stdout and "v1" in shown.stdout
    history = cli("history", "dc-dew-point")
    assert history.returncode == 0 and history.stdout.startswith("v1")

    out = tmp_path / "out"
    assert cli("export", str(out)).returncode == 0
    assert (out / "parameters.csv").exists() and (out / "glossary.yaml").exists()


def test_errors_exit_2_with_location_and_write_nothing(cli, tmp_path):
    kb = make_kb(tmp_path / "kb", **{"rules/r.md": RULES.replace("露点温度 > 65", "露天 > 65")})
    result = cli("import", str(kb))
    assert result.returncode == 2
    assert "rules/r.md:6:12: [condition] unknown name '露天'" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(cli("status", "--json").stdout)["counts"]["rule"] == 0


def test_show_unknown_unit(cli):
    result = cli("show", "nope")
    assert result.returncode == 2 and "no unit 'nope'" in result.stderr


def test_dry_run_writes_nothing(cli, tmp_path):
    kb = make_kb(tmp_path / "kb")
    result = cli("import", "--dry-run", str(kb))
    assert "would import" in result.stdout
    assert sum(json.loads(cli("status", "--json").stdout)["counts"].values()) == 0


def test_a_bad_base_name_is_refused_and_nothing_is_written(cli, tmp_path, home):
    kb = make_kb(tmp_path / "kb")
    for bad in ("../x", "", "a/b", "x" * 65):
        result = cli("import", str(kb), "--base", bad)
        assert result.returncode == 2, (bad, result.stdout)
        assert "[base] bad knowledge base name" in result.stderr
    assert not (home / "x").exists()
    result = cli("ask", "露点控制在多少？", "--base", "../x")
    assert result.returncode == 2 and "bad knowledge base name" in result.stderr
    assert not (home / "x").exists()
    assert cli("import", str(kb), "--base", "line-3.b").returncode == 0
