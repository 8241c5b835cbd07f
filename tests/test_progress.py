"""Progress bars only on a terminal: a pipe and --json get nothing."""

import io

from laoshifu import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_callback_when_not_a_terminal_or_json():
    with progress.bars(stream=io.StringIO()) as callback:
        assert callback is None
    with progress.bars(enabled=False, stream=_Terminal()) as callback:
        assert callback is None


def test_a_terminal_gets_a_bar_per_stage():
    stream = _Terminal()
    with progress.bars(stream=stream) as callback:
        assert callback is not None
        for done in range(4):
            callback("reading", done, 3)
        callback("checks", 1, None)
    shown = stream.getvalue()
    assert "reading" in shown and "3/3" in shown and "checks" in shown


def test_steps_reports_each_item_and_report_skips_none():
    seen = []
    items = list(progress.steps(lambda *a: seen.append(a), "files", ["a", "b"]))
    assert items == ["a", "b"] and seen == [("files", 0, 2), ("files", 1, 2), ("files", 2, 2)]
    assert list(progress.steps(None, "files", iter("xy"))) == ["x", "y"]
    progress.report(None, "files", 1, 2)  # nothing to tell: no error
