"""Same-sounding typing slips put right (slips written for the test)."""

from laoshifu.text.typos import HomophoneFixer

KB_TEXT = "乳化液温度 冷轧 渗氮 高温退火 涂层量 两面 露点 水化率 灼减"
KNOWN = {KB_TEXT[i:i + 2] for i in range(len(KB_TEXT) - 1)}
FIXER = HomophoneFixer(["乳化液", "渗氮", "高温退火", "涂层量", "露点", "水化率", "灼减", "冷轧"])


def fix(text):
    return FIXER.fix(text, lambda piece: piece in KNOWN)


def test_a_slip_becomes_the_word_that_sounds_the_same():
    assert fix("乳话液温度多少") == "乳化液温度多少"
    assert fix("渗蛋以后") == "渗氮以后"
    assert fix("高温退伙曲线") == "高温退火曲线"
    assert fix("卓减高了") == "灼减高了"


def test_text_the_knowledge_base_writes_is_left_alone():
    assert fix("冷轧乳化液") == "冷轧乳化液"
    # 涂层两 sounds like 涂层量, but 两面 is written as meant
    assert fix("涂层两面") == "涂层两面"


def test_no_word_or_two_words_sounding_alike_leave_the_text():
    assert fix("咋整") == "咋整"
    two = HomophoneFixer(["露点", "路点"])  # both sound lu dian: no guess
    assert two.fix("炉点", lambda p: False) == "炉点"
    assert two.fix("鹿点", lambda p: False) == "鹿点"


def test_of_two_words_sounding_alike_the_one_read_as_usual_wins():
    # 路 is read lu (luo only rarely), as 露 is; 裸 is luo
    fixer = HomophoneFixer(["露晶", "裸晶"])
    assert fixer.fix("有路晶", lambda p: False) == "有露晶"
