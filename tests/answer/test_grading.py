"""Grading answers by what they say, and the graded calibration's guards."""

import json

import pytest

from laoshifu.answer.grading import GradedQuestion, grade, load_graded, split_of, verdict
from laoshifu.answer.model import Answer, QuotedSentence, WindowRow
from laoshifu.errors import LaoshifuError
from laoshifu.knowledge.units import Citation


def _answer(text="", windows=(), refused=False, confidence=0.95):
    return Answer(question="q", refused=refused, confidence=confidence,
                  sentences=[QuotedSentence(text, (1,))] if text else [],
                  windows=list(windows),
                  citations=[] if refused else [Citation(1, "u", "note", "t", 1, "f:1")])


WINDOW = WindowRow("dc-dew-point", "露点", "脱碳退火", 60.0, 55.0, 65.0, "℃", "", 1)


def test_range_any_and_all_checks():
    item = GradedQuestion("a", "露点多少", True, kind="value", range=(55, 65))
    assert verdict(_answer(windows=[WINDOW]), item) == "right"
    assert verdict(_answer("高温退火要零下40度"), item) == "wrong"
    assert verdict(_answer(refused=True), item) == "refused"
    words = GradedQuestion("b", "怎么办", True, any=("加湿", "水温"), all=("先",))
    assert verdict(_answer("先查加湿器水位"), words) == "right"
    assert verdict(_answer("查加湿器水位"), words) == "wrong"


def test_an_answer_without_citations_counts_as_refused():
    item = GradedQuestion("a", "露点多少", True, range=(55, 65))
    uncited = Answer(question="q", refused=False, confidence=0.9,
                     sentences=[QuotedSentence("60", (1,))])
    assert verdict(uncited, item) == "refused"


def test_unanswerable_is_right_only_when_refused():
    trap = GradedQuestion("t", "炉辊直径", False, kind="trap")
    assert verdict(_answer(refused=True), trap) == "right"
    assert verdict(_answer("炉辊很重要"), trap) == "wrong"


def test_report_counts_confident_wrong_answers_and_calibration_error():
    right = GradedQuestion("a", "q", True, kind="value", style="colloquial", range=(55, 65))
    trap = GradedQuestion("t", "q", False, kind="trap", style="off-domain")
    report = grade([(right, _answer(windows=[WINDOW], confidence=0.92)),
                    (trap, _answer("随便说说", confidence=0.95))])
    assert (report.right, report.wrong, report.unanswerable_refused) == (1, 0, 0)
    assert report.confident_wrong == 1
    assert report.by_kind == {"value": {"right": 1}, "trap": {"wrong": 1}}
    # both answers fall in the 0.9–1.0 bin: mean confidence 0.935, half of them right
    assert report.calibration_error == pytest.approx(0.935 - 0.5)


def test_splits_are_fixed_by_id():
    assert split_of("t001") == split_of("t001")
    shares = [split_of(f"x{i}") == "held-out" for i in range(1000)]
    assert 0.25 < sum(shares) / 1000 < 0.35


def test_load_both_layouts(tmp_path):
    combined = tmp_path / "set.json"
    combined.write_text(json.dumps({"answerable": [{"id": "a", "q": "露点", "range": [1, 2]}],
                                    "unanswerable": ["食堂几点开门"]}), encoding="utf-8")
    plain = tmp_path / "unanswerable.json"
    plain.write_text(json.dumps([{"id": "n1", "q": "炉辊直径", "trap": "near-domain"}]),
                     encoding="utf-8")
    items = load_graded(combined, plain)
    assert [(i.id, i.answerable) for i in items] == [("a", True), ("食堂几点开门", False),
                                                     ("n1", False)]
    assert items[0].range == (1.0, 2.0) and items[2].style == "near-domain"


@pytest.mark.parametrize("content, message", [
    ("not json", "cannot read the question set"),
    ('[{"id": "a"}]', "item has no question"),
    ('[{"id": "a", "q": "x", "range": [1]}]', "range must be [lo, hi]"),
])
def test_bad_question_sets_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LaoshifuError) as info:
        load_graded(path)
    assert message in info.value.render() and "bad.json" in info.value.render()


def test_graded_calibration_refuses_the_held_out_split(store, tmp_path):
    from laoshifu.answer.evaluate import calibrate_graded

    held = GradedQuestion("h", "q", True, split="held-out")
    with pytest.raises(LaoshifuError, match="dev split only"):
        calibrate_graded(store, [held], "main", tmp_path / "calibration.json")
    assert not (tmp_path / "calibration.json").exists()


def test_a_negative_value_and_a_range_dash_are_read_as_written():
    below_zero = GradedQuestion("a", "净化露点多少", True, range=(-40, -20))
    window = WindowRow("ha-dew-point", "露点", "高温退火", -40.0, None, -20.0, "℃", "", 1)
    assert verdict(_answer(windows=[window]), below_zero) == "right"
    assert verdict(_answer("露点控在55-65℃"), GradedQuestion("b", "q", True, range=(-70, -60))) == "wrong"


def test_the_question_itself_is_not_part_of_the_answer_graded():
    item = GradedQuestion("a", "露点到60了", True, range=(60, 60))
    answer = _answer("先查加湿器")
    answer.question = "露点到60了"
    assert verdict(answer, item) == "wrong"


def test_why_answers_are_not_surer_than_they_have_been_right():
    from laoshifu.answer.confidence import why_ceiling

    # 9 why-answers at 0.9 or more, 7 right: they may say 0.78 at most
    high = [0.95] * 9
    assert why_ceiling(high, [True] * 7 + [False] * 2, threshold=0.6) == 7 / 9
    assert why_ceiling(high, [True] * 9, threshold=0.6) == 1.0  # right as often as they say
    assert why_ceiling(high[:3], [False] * 3, threshold=0.6) == 1.0  # too few to tell
    # never below the cut: the ceiling refuses nothing
    assert why_ceiling(high, [True] * 2 + [False] * 7, threshold=0.6) == 0.6


def test_a_calibration_file_keeps_its_why_ceiling(tmp_path):
    import json

    from laoshifu.answer.confidence import Calibration, Signals, load_calibration, save_calibration

    weights = (0.0,) * len(Signals.__dataclass_fields__)
    path = tmp_path / "calibration.json"
    save_calibration(Calibration(weights, 0.0, 0.6, 0.85), "test", path)
    assert load_calibration(path).why_ceiling == 0.85
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["why_ceiling"]  # a file from before the ceiling: none
    path.write_text(json.dumps(data), encoding="utf-8")
    from laoshifu.answer import confidence
    confidence._loaded.pop(path, None)
    assert load_calibration(path).why_ceiling == 1.0
