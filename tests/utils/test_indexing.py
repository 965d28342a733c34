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
