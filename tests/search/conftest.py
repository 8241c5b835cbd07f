import pytest

from laoshifu.knowledge.units import QA, Note, Parameter, Rule, Section, Term


@pytest.fixture
def units():
    return [
        Term(id="term-dp", title="露点", synonyms=("DP",), english="dew point", body="气氛中水汽开始凝结的温度。"),
        Parameter(
            id="par-dc-dp",
            title="脱碳退火露点",
            process="脱碳退火",
            name="露点",
            symbol="DP",
            unit="℃",
            lower=55,
            upper=65,
            body="露点过低脱碳不充分，过高则氧化层过厚。",
        ),
        Rule(
            id="rule-mgo",
            title="氧化镁涂层结垢",
            process="涂层",
            symptom="氧化镁涂层结垢、涂液变稠",
            diagnosis="涂液水化过度或搅拌不足。",
            actions=("降低涂液温度。", "缩短涂液存放时间。"),
        ),
        Section(
            id="sec-hta",
            title="高温退火",
            process="高温退火",
            body="高温退火在罩式炉中进行。升温段通入氢气和氮气的混合气体。保温温度约1200℃，以完成二次再结晶和净化。冷却到600℃以下方可出炉。",
        ),
        Note(id="note-coil", title="卷取张力", process="冷轧", body="卷取张力太大容易造成层间粘结。"),
        QA(id="qa-h2", title="氢气比例", process="脱碳退火", question="脱碳退火氢气比例多少合适？", body="氢气一般占75%左右。"),
    ]
