import numpy as np
import pytest
import scipy.sparse as sp

from skactive.utils._indexing import take_rows


@pytest.mark.parametrize("indices", [[2, 0], np.array([2, 0])])
def test_take_rows_ndarray_and_sparse(indices):
    X = np.arange(6.0).reshape(3, 2)
    expected = X[[2, 0]]
    np.testing.assert_array_equal(take_rows(X, indices), expected)
    for fmt in ("csr", "csc", "coo"):
        out = take_rows(sp.random(3, 2, density=1.0, format=fmt, random_state=0), indices)
        assert sp.issparse(out) and out.shape == (2, 2)


def test_take_rows_dataframe_by_position_keeps_index():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}, index=[10, 20, 30])
    out = take_rows(X, [2, 0])
    assert list(out.index) == [30, 10] and list(out["b"]) == ["z", "x"]


def test_take_rows_list_and_empty():
    docs = ["a", "b", "c"]
    assert take_rows(docs, [1, 2]) == ["b", "c"]
    assert take_rows(docs, []) == []
    assert take_rows(np.zeros((3, 2)), []).shape == (0, 2)


def test_take_rows_boolean_mask():
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(take_rows(X, np.array([True, False, True])), X[[0, 2]])
    assert take_rows(["a", "b", "c"], np.array([False, True, False])) == ["b"]


def test_chunked_top_n_keeps_every_row_the_whole_block_top_n_needs(monkeypatch):
    """A dask block scored in chunks on its worker: the merge picks the same rows."""
    from skactive.utils import _indexing
    from skactive.utils._indexing import block_top_n, chunked_top_n
    from skactive.utils._select import merge_top_n

    monkeypatch.setattr(_indexing, "_CHUNK_MAX_ROWS", 1024)
    rng = np.random.default_rng(0)
    X = rng.integers(0, 6, size=(5000, 1)).astype(float)  # many ties

    def score(estimator, rows):
        return rows[:, 0]

    mask = rng.random(5000) < 0.7
    for n in (1, 7, 300):
        whole = block_top_n(score, None, X, 100, mask, n)
        chunked = chunked_top_n(score, None, X, 100, mask, n)
        assert set(whole[0]) <= set(chunked[0])
        picks = [merge_top_n(p, s, n, 5100, np.random.RandomState(3)) for p, s in (whole, chunked)]
        np.testing.assert_array_equal(picks[0], picks[1])
