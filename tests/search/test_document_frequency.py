"""Document frequency: rows holding a term in any field, each row once."""

import numpy as np
import scipy.sparse as sp

from laoshifu.search.bm25 import Columns, document_frequency


def _columns(dense) -> Columns:
    m = sp.csc_matrix(np.asarray(dense, np.float32))
    return Columns(m.data, m.indices, m.indptr, m.shape)


def test_a_row_holding_a_term_in_two_fields_counts_once():
    title = _columns([[1, 0, 0], [0, 2, 0]])
    body = _columns([[3, 0, 1], [0, 1, 0]])
    assert document_frequency([title, body]).tolist() == [1.0, 1.0, 1.0]


def test_explicit_zeros_are_not_counted():
    m = sp.csc_matrix((np.array([0, 1], np.float32), np.array([0, 1]), np.array([0, 1, 2])), shape=(2, 2))
    assert document_frequency([m]).tolist() == [0.0, 1.0]


def test_the_same_as_counting_the_distinct_rows_of_each_term():
    rng = np.random.default_rng(7)
    fields = [sp.random(60, 40, density=0.1, format="csc", random_state=rng, dtype=np.float32)
              for _ in range(3)]
    union = sum((f != 0).astype(np.int32) for f in fields)
    expected = np.asarray((union > 0).sum(axis=0)).ravel().astype(np.float32)
    assert document_frequency(fields).tolist() == expected.tolist()


def test_one_field_counts_its_rows_without_a_sort():
    rng = np.random.default_rng(11)
    field = sp.random(80, 30, density=0.15, format="csc", random_state=rng, dtype=np.float32)
    expected = np.asarray((field != 0).sum(axis=0)).ravel().astype(np.float32)
    assert document_frequency([field]).tolist() == expected.tolist()


def test_an_empty_index_has_no_frequencies():
    empty = Columns(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(4, np.int64), (0, 3))
    assert document_frequency([empty]).tolist() == [0.0, 0.0, 0.0]
    assert document_frequency([empty, empty, empty]).tolist() == [0.0, 0.0, 0.0]


def test_distinct_is_np_unique():
    from laoshifu.search.bm25 import distinct

    rng = np.random.default_rng(3)
    for size in (0, 1, 2, 50):
        values = rng.integers(0, 10, size)
        assert distinct(values.copy()).tolist() == np.unique(values).tolist()
