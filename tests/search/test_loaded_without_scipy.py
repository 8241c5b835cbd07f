"""A loaded index is queried as plain arrays: the same scores, and no scipy import."""

import subprocess
import sys

import numpy as np

from laoshifu.search import Index, build_index

QUERIES = ("脱碳退火的露点一般控制在多少？", "DP", "氧化镁涂层结垢", "氢气", "dew point")


def test_loaded_scores_and_terms_equal_the_built_ones(units, tmp_path):
    built = build_index(units)
    built.save(tmp_path / "idx")
    loaded = Index.load(tmp_path / "idx")
    assert loaded.fields[0].__class__.__name__ == "Columns"
    for q in QUERIES:
        assert np.array_equal(loaded.sentence_scores(q), built.sentence_scores(q))
        assert np.array_equal(loaded.passage_scores(q), built.passage_scores(q))
    assert np.array_equal(loaded.idf(), built.idf())
    for unit in units:
        assert loaded.unit_terms(unit.id) == built.unit_terms(unit.id) != set()


def test_querying_a_loaded_index_imports_no_scipy(units, tmp_path):
    build_index(units).save(tmp_path / "idx")
    probe = ("import sys; from laoshifu.search import Index; i = Index.load(sys.argv[1]); "
             "h = i.search('露点'); i.search_sentences('露点'); i.unit_terms(h[0].unit_id); "
             "print(h[0].unit_id, 'scipy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "idx")], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split()[1] == "False"
