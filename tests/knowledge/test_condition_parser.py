"""The generated stand-alone parser is the grammar in conditions.lark, and loads without lark."""

import subprocess
import sys

import pytest
from lark import Lark
from lark.exceptions import UnexpectedInput

from laoshifu.knowledge import condition_parser
from laoshifu.knowledge.conditions import _parser
from laoshifu.formats.folder import read_folder

from ..conftest import ROOT

GRAMMAR = ROOT / "laoshifu" / "knowledge" / "conditions.lark"
EXAMPLE = ROOT / "examples" / "go-silicon-steel"
WRITTEN = ["露点 > 65 and 氢气比例 < 20", "露点>62且氢气<20", "非露点>62", "not (a > 1 or b <= 2)",
           "a ≥ 3.5℃ 或 b ≠ 1e3", "带速 >= 90 m/min && !(张力 < 5 kN)", "x == -0.5", "a > 1 and",
           "a >> 1", "(a > 1", "1 < a < 3", "a > 1) or b", "露点 > 65度 || 氢气比例 = 20%", "a $ 3", ""]


def test_generated_from_the_current_grammar():
    import hashlib

    digest = hashlib.sha256(GRAMMAR.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
    assert condition_parser.GRAMMAR_SHA256 == digest, "run scripts/condition-parser"


def _outcome(parser, text):
    try:
        return repr(parser.parse(text))
    except UnexpectedInput as exc:
        return type(exc).__name__, getattr(exc, "column", None)
    except condition_parser.UnexpectedInput as exc:
        return type(exc).__name__, getattr(exc, "column", None)


def test_parses_as_lark_does():
    built = Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", propagate_positions=True,
                 maybe_placeholders=False)
    rules = [u.condition for u in read_folder(EXAMPLE).units if getattr(u, "condition", "")]
    assert len(rules) >= 30
    for text in rules + WRITTEN:
        assert _outcome(_parser(), text) == _outcome(built, text), text


@pytest.mark.parametrize("module", ["laoshifu.knowledge.conditions", "laoshifu.diagnosis.diagnose"])
def test_no_lark_at_run_time(module):
    probe = (f"import sys, {module}; from laoshifu.knowledge import conditions; conditions.parse('a > 1'); "
             "print('lark' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
