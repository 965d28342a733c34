"""pool_token: the fingerprint strategies key their per-fit caches on."""

import numpy as np
import pytest
import scipy.sparse as sp

from skactive.utils._indexing import pool_token


@pytest.mark.parametrize("make", [np.asarray, sp.csr_matrix],
                         ids=["ndarray", "sparse"])
def test_same_rows_same_token_other_rows_other_token(make):
    X = np.arange(200.0).reshape(100, 2)
    assert pool_token(make(X)) == pool_token(make(X.copy()))
    other = X.copy()
    other[-1] += 1.0  # the last row is one of the 16 the digest reads
    assert pool_token(make(other)) != pool_token(make(X))
    assert pool_token(make(X[:99])) != pool_token(make(X))  # the row count too


def test_dataframes_and_lists_of_strings():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": range(30), "b": list("xyz") * 10})
    assert pool_token(frame) == pool_token(frame.copy())
    assert pool_token(frame) != pool_token(frame.iloc[::-1].reset_index(drop=True))
    docs = [f"doc {i}" for i in range(30)]
    assert pool_token(docs) == pool_token(list(docs))
    assert pool_token(docs) != pool_token(docs[::-1])
    assert pool_token([]) == pool_token([])


def test_a_dask_pool_is_named_not_computed():
    da = pytest.importorskip("dask.array")
    X = da.from_array(np.arange(200.0).reshape(100, 2), chunks=25)
    never = X.map_blocks(lambda block: (_ for _ in ()).throw(AssertionError("computed")),
                         dtype=float)
    assert pool_token(never) == (100, never.name)
    assert pool_token(X) != pool_token(X + 1)
