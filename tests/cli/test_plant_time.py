"""The CLI shows stored times on the plant's clock (issue 9, item 13)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.conftest import EXAMPLE


def test_history_in_plant_time(cli, example_store):
    stored = example_store.history("main", "dc-dew-point")[0][1]["changed_at"]
    local = datetime.fromisoformat(stored).astimezone(timezone(timedelta(hours=8)))
    done = cli("history", "dc-dew-point", env={"LAOSHIFU_TIMEZONE": "Asia/Shanghai"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"v1  {local:%Y-%m-%d %H:%M}  import")
    assert "+00:00" not in done.stdout and EXAMPLE.name not in done.stdout
