"""The review and example-data commands."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLE, run_cli


def test_example_data_then_review_json_and_reports(tmp_path):
    home = tmp_path / "home"
    data = tmp_path / "data"
    done = run_cli("example-data", str(data), "--days", "2", "--hours", "2", "--kb", str(EXAMPLE),
                   home=home)
    assert done.returncode == 0, done.stderr
    written = [p for p in data.rglob("*") if p.is_file()]
    assert done.stdout.startswith(f"wrote {len(written)} files to {data}: 2 daily data files, "
                                  "faults.json")
    faults = json.loads((data / "faults.json").read_text(encoding="utf-8"))
    done = run_cli("review", str(data), "--day", "2026-07-22", "--line", "3", "--kb", str(EXAMPLE),
                   "--out", str(tmp_path / "out"), "--json", home=home)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    kinds = {f["kind"] for f in result["findings"]}
    assert kinds >= {f["kind"] for f in faults}
    assert set(result["findings"][0]) >= {"kind", "parameter", "start", "end", "rule_id"}
    html = (tmp_path / "out" / "review-2026-07-22-line3.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "今日操作计划" in html
    bad = run_cli("review", str(data), "--day", "2026-08-01", "--kb", str(EXAMPLE), home=home)
    assert bad.returncode == 2 and "no data for 2026-08-01" in bad.stderr
