"""What the example knowledge base still lacks, as questions for the master."""

from __future__ import annotations

from laoshifu.capture.gaps import find_gaps


def test_gaps_of_the_example_base(example_store):
    from laoshifu.answer import feedback
    from laoshifu.people.accounts import User

    store = example_store
    store.record_question("main", "退火炉着火了怎么办", "k1", [], actor="xiao")
    store.record_question("main", "退火炉着火了怎么办", "k1", [], actor="xiao2")
    feedback.record(store, "main", "露点仪怎么校准", False, User("xiao", "apprentice", ("main",)),
                    comment="没说校准周期")
    report = find_gaps(store, "main")
    groups = report.by_kind()
    prompts = [g.prompt for g in report.gaps]
    assert groups["unhelpful"][0].prompt == "「露点仪怎么校准」的回答被点了1次没帮助（徒弟说：没说校准周期）：这个该怎么讲？"
    assert groups["asked"][0].prompt == "徒弟问了2次：「退火炉着火了怎么办」——您怎么回答？"
    assert groups["asked"][0].weight == 2
    # Every parameter listed has no rule reading it; the dew point has two.
    assert "关于MgO涂层卷取张力偏高或偏低，还没有应急判断：出现时先做什么？" in prompts
    assert not any("脱碳段露点" in p for p in prompts)
    assert any(g.refs == ("rule-cr-edge-crack",) for g in groups["no_procedure"])
    assert any(p.startswith("激光刻痕只有2条知识") for p in prompts)
    assert groups["no_rationale"] == []  # every example window says why


def test_a_window_without_a_reason_and_a_watched_parameter(store):
    from laoshifu.knowledge.units import Parameter, Rule

    store.save_unit("main", Parameter(id="p1", title="氨气比例", name="氨气比例", process="渗氮", unit="%",
                                      lower=10, upper=20), actor="t")
    report = find_gaps(store, "main")
    assert [g.prompt for g in report.by_kind()["no_rationale"]] == ["渗氮段氨气比例为什么要控制在10 ~ 20 %？还没写原因。"]
    assert [g.prompt for g in report.by_kind()["no_rule"]] == ["关于渗氮段氨气比例偏高或偏低，还没有应急判断：出现时先做什么？"]
    store.save_unit("main", Rule(id="r1", title="氨气比例偏高", process="渗氮", condition="氨气比例 > 20",
                                 diagnosis="流量阀开大了", actions=("关小氨气阀",)), actor="t")
    assert find_gaps(store, "main").by_kind()["no_rule"] == []
