"""A cold process builds one jieba dictionary (its analyzer's), not the package's default too."""

import subprocess
import sys

from laoshifu.text.segment import Analyzer, _jieba_class


def test_analyzer_does_not_import_the_rjieba_package():
    probe = ("import sys; from laoshifu.text.segment import Analyzer; "
             "print(Analyzer(['露点']).tokens('露点控制'), 'rjieba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['露点', '控制', '露点', '点控', '控制'] False"


def test_the_same_jieba_as_the_package():
    import rjieba

    assert _jieba_class() is rjieba.Jieba
    text = "脱碳退火的露点一般控制在多少？氢气比例低了怎么办"
    assert Analyzer()._jieba.cut_for_search(text) == rjieba.Jieba().cut_for_search(text)
