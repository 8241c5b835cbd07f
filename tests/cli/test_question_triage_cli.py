"""laoshifu dismiss / merge: the master's queue from the terminal (issue 9 #8)."""

from __future__ import annotations

import json


def _queued(cli) -> dict[str, int]:
    return {q["text"]: q["id"] for q in json.loads(cli("questions", "--json").stdout)}


def test_dismiss_and_merge(cli):
    for question in ("食堂几点开饭", "露点高了怎么办", "露点偏高如何处理"):
        assert cli("ask", "--json", question).returncode == 0
    ids = _queued(cli)
    done = cli("dismiss", str(ids["食堂几点开饭"]), "--reason", "与工艺无关")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"dismissed question {ids['食堂几点开饭']} (食堂几点开饭): 与工艺无关"
    done = cli("merge", str(ids["露点偏高如何处理"]), "--into", str(ids["露点高了怎么办"]))
    assert done.stdout.strip() == (f"merged question {ids['露点偏高如何处理']} into "
                                   f"{ids['露点高了怎么办']} (露点高了怎么办), now asked by 2")
    assert list(_queued(cli)) == ["露点高了怎么办"]
    everything = {q["text"]: q for q in json.loads(cli("questions", "--all", "--json").stdout)}
    assert everything["食堂几点开饭"]["status"] == "dismissed"
    assert everything["露点偏高如何处理"]["merged_into"] == ids["露点高了怎么办"]


def test_refusals(cli):
    cli("ask", "--json", "食堂几点开饭")
    qid = str(_queued(cli)["食堂几点开饭"])
    blank = cli("dismiss", qid, "--reason", "  ")
    assert blank.returncode == 2 and "[reason] say why the question is dismissed" in blank.stderr
    assert cli("dismiss", qid).returncode == 2  # --reason is required
    itself = cli("merge", qid, "--into", qid)
    assert itself.returncode == 2 and "cannot be merged into itself" in itself.stderr
    missing = cli("dismiss", "999", "--reason", "无关")
    assert missing.returncode == 2 and "no question 999" in missing.stderr


def test_a_dismissed_question_asked_again_says_the_master_saw_it(cli):
    cli("ask", "--json", "食堂几点开饭")
    qid = str(_queued(cli)["食堂几点开饭"])
    assert cli("dismiss", qid, "--reason", "与工艺无关").returncode == 0
    again = cli("ask", "食堂几点开饭")
    assert "师傅看过这个问题，没有收进知识库：与工艺无关" in again.stdout
    assert "已转给师傅" not in again.stdout
    assert json.loads(cli("ask", "--json", "食堂几点开饭").stdout)["dismissed"] == "与工艺无关"
    assert "食堂几点开饭" not in _queued(cli)  # still out of the queue
