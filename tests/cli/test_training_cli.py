"""laoshifu train and laoshifu progress, run as the real command."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def learner_home(home):
    from laoshifu.people import accounts
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.store import Store

    from ..conftest import EXAMPLE

    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    import_folder(store, EXAMPLE)
    accounts.add_user(store, "xiao", "apprentice", "password-123")
    store.close()
    return home


def test_train_asks_grades_and_cites(cli, learner_home):
    # The first card is the hydrogen-leak scenario: a wrong pick, "abc" refused, then quit.
    done = cli("train", "--user", "xiao", "--limit", "2", input="9\nabc\n1\nq\n")
    assert done.returncode == 0, done.stderr
    assert "脱碳退火现场读数：" in done.stdout and "先做什么？" in done.stdout
    assert "选 1 到 4 中的一个" in done.stdout
    assert "出处：rule-dc-h2-leak v1 rules/safety.md:1" in done.stdout
    assert "✘ 错了" in done.stdout and done.stdout.rstrip().endswith("学了 1 张，对 0 张。")


def test_progress_of_one_learner_and_of_all(cli, learner_home):
    cli("train", "--user", "xiao", "--limit", "1", input="1\n")
    one = json.loads(cli("progress", "xiao", "--json").stdout)
    assert (one["apprentices"][0]["user"], one["apprentices"][0]["reviews"]) == ("xiao", 1)
    assert "xiao: 掌握度" in cli("progress").stdout


def test_unknown_learners_are_errors(cli, learner_home):
    done = cli("progress", "nobody")
    assert done.returncode == 2 and "no apprentice 'nobody'" in done.stderr
    done = cli("train", "--user", "nobody")
    assert done.returncode == 2 and "no user 'nobody'" in done.stderr


def test_drills_from_a_day_of_production_data(cli, learner_home, tmp_path):
    from laoshifu.review.example_data import ExampleSpec, generate
    from laoshifu.store import Store

    store = Store.open(f"sqlite:///{learner_home / 'laoshifu.db'}")
    generate(store.list_units("main"), ExampleSpec(out=tmp_path / "data", days=1, hours=3, fmt="csv"))
    store.close()
    done = cli("drills", str(tmp_path / "data"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["found"] == len(report["added"]) > 0
    assert cli("drills", str(tmp_path / "data")).stdout.startswith(f"{report['found']} drills found, 0 new")
