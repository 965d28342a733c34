"""SimulatedOracle: answers by row content, whatever the container or row order."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from skactive import ActiveLearningClassifier
from skactive.oracles import Oracle, SimulatedOracle


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    y = rng.randint(0, 3, size=30)
    return X, y


def test_ndarray_reordered_and_subset_queries(data):
    X, y = data
    oracle = SimulatedOracle(X, y)
    order = np.random.RandomState(1).permutation(30)
    np.testing.assert_array_equal(oracle(X[order]), y[order])
    np.testing.assert_array_equal(oracle(X[[7]]), y[[7]])
    np.testing.assert_array_equal(oracle(X[[3, 3, 1]]), y[[3, 3, 1]])
    assert oracle(X[:0]).shape == (0,)


def test_string_labels_and_list_rows():
    oracle = SimulatedOracle([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], ["a", "b", "c"])
    assert oracle([[4.0, 5.0], [0.0, 1.0]]).tolist() == ["c", "a"]


def test_float32_and_float64_rows_match(data):
    X, y = data
    X32 = X.astype(np.float32)
    # Built on float32 rows, asked with the same values as float64, and vice versa.
    np.testing.assert_array_equal(SimulatedOracle(X32, y)(X32.astype(np.float64)[::-1]),
                                  y[::-1])
    np.testing.assert_array_equal(SimulatedOracle(X32.astype(np.float64), y)(X32[5:9]),
                                  y[5:9])
    # Integer rows and float rows with equal values are the same row.
    Xi = np.arange(12).reshape(4, 3)
    np.testing.assert_array_equal(SimulatedOracle(Xi, [0, 1, 2, 3])(Xi[[2, 0]] * 1.0), [2, 0])


def test_negative_zero_equals_zero():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, 2.0]])
    oracle = SimulatedOracle(X, [10, 20, 30])
    assert oracle(np.array([[-0.0, 1.0], [1.0, -0.0]])).tolist() == [10, 20]


def test_nan_rows_match():
    X = np.array([[np.nan, 1.0], [2.0, np.nan]])
    oracle = SimulatedOracle(X, [0, 1])
    assert oracle(np.array([[2.0, float("nan")], [np.nan, 1.0]])).tolist() == [1, 0]


def test_sparse_rows(data):
    X, y = data
    X = X * (np.abs(X) > 0.8)  # about half the entries are zero
    X[:, 0] = np.arange(30) + 1.0  # rows stay distinct
    Xs = sp.csr_matrix(X)
    oracle = SimulatedOracle(Xs, y)
    order = np.random.RandomState(2).permutation(30)[:12]
    np.testing.assert_array_equal(oracle(Xs[order]), y[order])
    np.testing.assert_array_equal(oracle(sp.coo_matrix(X[order]).tocsr()), y[order])
    # The same row stored differently: an explicit zero, unsorted column indices.
    r = int(np.flatnonzero((X == 0).any(axis=1) & ((X != 0).sum(axis=1) >= 2))[0])
    cols = np.flatnonzero(X[r])[::-1]
    zero_col = np.flatnonzero(X[r] == 0)[0]
    odd = sp.csr_matrix(
        (np.append(X[r, cols], 0.0), np.append(cols, zero_col), [0, len(cols) + 1]),
        shape=(1, 4),
    )
    assert odd.nnz == len(cols) + 1 and not odd.has_sorted_indices
    assert oracle(odd).tolist() == [y[r]]


def test_dataframe_rows_reordered_columns_and_index(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=np.arange(30) * 10)
    oracle = SimulatedOracle(df, y)
    order = np.random.RandomState(3).permutation(30)[:10]
    query = df.iloc[order][["d", "b", "a", "c"]]  # columns reordered
    np.testing.assert_array_equal(oracle(query), y[order])
    # The index does not matter, only the content.
    np.testing.assert_array_equal(oracle(query.reset_index(drop=True)), y[order])


def test_dataframe_with_mixed_columns():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"city": ["Oslo", "Lima", "Oslo"], "temp": [1.5, 20.0, 3.0]})
    oracle = SimulatedOracle(df, ["cold", "warm", "cold"])
    assert oracle(df.iloc[[2, 1]][["temp", "city"]]).tolist() == ["cold", "warm"]
    with pytest.raises(KeyError, match="index 5"):
        oracle(pd.DataFrame({"city": ["Rome"], "temp": [15.0]}, index=[5]))


def test_list_of_strings():
    docs = ["the cat sat", "a dog barked", "birds sing", "the cat sat "]
    oracle = SimulatedOracle(docs, ["cat", "dog", "bird", "cat2"])
    assert oracle(["birds sing", "the cat sat"]).tolist() == ["bird", "cat"]
    assert oracle(["the cat sat "]).tolist() == ["cat2"]  # exact text, no normalizing
    with pytest.raises(KeyError, match="SimulatedOracle has no label"):
        oracle(["a cat sat"])


def test_unknown_row_raises_key_error(data):
    X, y = data
    oracle = SimulatedOracle(X, y)
    unknown = np.vstack([X[:2], X[2] + 1e-9])
    with pytest.raises(KeyError, match=r"no label for row 2 of the query.*not in the X"):
        oracle(unknown)
    with pytest.raises(KeyError, match="not in the X"):
        SimulatedOracle(sp.csr_matrix(X), y)(sp.csr_matrix(X[:1] + 1.0))


def test_unknown_dataframe_row_names_index(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    df = pd.DataFrame(X, columns=list("abcd"))
    oracle = SimulatedOracle(df, y)
    query = pd.DataFrame(X[:2] + 5.0, columns=list("abcd"), index=["first", "second"])
    with pytest.raises(KeyError, match="'first'"):
        oracle(query)


def test_wrong_width_and_length(data):
    X, y = data
    with pytest.raises(ValueError, match="30 rows but y has 29"):
        SimulatedOracle(X, y[:-1])
    oracle = SimulatedOracle(X, y)
    with pytest.raises(ValueError, match="4 features.*3"):
        oracle(X[:, :3])


def test_duplicate_rows_answer_the_most_frequent_label_with_a_warning():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [1.0, 2.0], [3.0, 4.0]])
    with pytest.warns(UserWarning, match=r"1 group\(s\) of identical rows \(3 rows\)"):
        oracle = SimulatedOracle(X, [7, 6, 5, 7, 6])
    assert oracle(X[[0, 2, 1]]).tolist() == [7, 7, 6]
    assert oracle.n_conflicting_groups_ == 1


@pytest.mark.parametrize("X", [
    np.array([[1.0], [1.0], [2.0]]),
    ["x", "x", "y"],
    sp.csr_matrix(np.array([[1.0], [1.0], [2.0]])),
], ids=["dense", "text", "sparse"])
def test_duplicate_rows_tie_goes_to_the_smallest_label(X):
    with pytest.warns(UserWarning, match="most frequent"):
        oracle = SimulatedOracle(X, ["b", "a", "c"])
    assert oracle(X[:1] if not isinstance(X, list) else X[:1]).tolist() == ["a"]


def test_duplicates_with_equal_labels_do_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SimulatedOracle(np.array([[1.0], [1.0]]), [3, 3])


def test_unknown_row_names_the_pipeline_cause():
    oracle = SimulatedOracle(np.array([[1.0, 2.0]]), [0])
    with pytest.raises(KeyError, match=r"last step of a Pipeline.*make_pipeline"):
        oracle(np.array([[0.5, 0.5]]))


def test_oracle_on_a_memmap_holds_no_copy_of_the_pool(tmp_path):
    rng = np.random.RandomState(0)
    X = np.lib.format.open_memmap(tmp_path / "pool.npy", mode="w+", dtype=np.float64,
                                  shape=(20_000, 50))
    X[:] = rng.rand(*X.shape)
    y = rng.randint(0, 3, X.shape[0])
    oracle = SimulatedOracle(X, y)
    held = sum(v.nbytes for v in vars(oracle).values() if isinstance(v, np.ndarray))
    assert held <= 32 * X.shape[0]  # a 16-byte key and one label per row, not 400 bytes
    np.testing.assert_array_equal(oracle(X[[5, 17, 19_999]]), y[[5, 17, 19_999]])


def test_counters(data):
    X, y = data
    oracle = SimulatedOracle(X, y)
    assert oracle.n_calls_ == 0 and oracle.n_answered_ == 0
    oracle(X[:3])
    oracle(X[10:12])
    assert oracle.n_calls_ == 2 and oracle.n_answered_ == 5
    with pytest.raises(KeyError):
        oracle(X[:2] + 100.0)
    assert oracle.n_answered_ == 5  # nothing answered by a failed call


def test_counters_inside_fit(binary_problem):
    p = binary_problem
    ActiveLearningClassifier(oracle=p.oracle, budget=7, batch_size=3).fit(p.X, p.y)
    assert p.oracle.n_calls_ == 3 and p.oracle.n_answered_ == 7


def test_copies_share_the_oracle(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=3)
    assert clone(clf).oracle is p.oracle
    assert copy.deepcopy(clf).oracle is p.oracle
    assert copy.deepcopy(p.oracle) is p.oracle
    fitted = clf.fit(p.X, p.y)
    assert clone(fitted).oracle is p.oracle
    assert copy.deepcopy(fitted).oracle is p.oracle
    # The shared oracle keeps counting across copies, as one annotator would.
    clone(clf).fit(p.X, p.y)
    assert p.oracle.n_answered_ == 6


def test_oracle_base_class():
    class Constant(Oracle):
        def __call__(self, X_query):
            return np.ones(len(X_query), dtype=int)

    oracle = Constant()
    assert copy.deepcopy(oracle) is oracle
    assert oracle(np.zeros((3, 2))).tolist() == [1, 1, 1]
    with pytest.raises(NotImplementedError):
        Oracle()(np.zeros((1, 1)))
