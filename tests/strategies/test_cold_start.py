"""Model-free strategies: TypiClust, KMeansInit, and CoreSet under its alias KCenterInit."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import pairwise_distances

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import KCenterInit, KMeansInit, TypiClust, get_strategy
from skactive.strategies._cold_start import typicality

COLD = ["typiclust", "kmeans_init", "kcenter_init"]


def _line(center, n, spread):
    """``n`` points evenly spaced on a horizontal segment around ``center``."""
    xs = center + np.linspace(-spread, spread, n)
    return np.column_stack([xs, np.zeros(n)])


@pytest.fixture
def three_blobs():
    """A (40 rows, holds the labeled row), B (21 rows), C (11 rows), far apart.

    Each blob is an evenly spaced segment, so its middle row is the unique most typical
    one (smallest mean distance to the other rows of the blob)."""
    A, B, C = _line(0.0, 40, 3.0), _line(100.0, 21, 2.0), _line(200.0, 11, 1.0)
    X = np.vstack([A, B, C])
    return X, {"A": np.arange(40), "B": 40 + np.arange(21), "C": 61 + np.arange(11)}


@pytest.mark.parametrize("dense", [True, False])
def test_typiclust_picks_most_typical_row_of_largest_uncovered_cluster(three_blobs, dense):
    X, blobs = three_blobs
    Xp = X if dense else sp.csr_matrix(X)
    candidates = np.ones(len(X), dtype=bool)
    candidates[blobs["A"][0]] = False
    X_labeled = X[blobs["A"][:1]]  # cluster A is covered
    # Default n_clusters: 1 labeled + 2 wanted = 3 clusters, one per blob.
    indices, scores = TypiClust(random_state=0).select(
        None, Xp, 2, candidates=candidates, X_labeled=X_labeled if dense else sp.csr_matrix(
            X_labeled)
    )
    # B is the largest uncovered cluster and comes first; then C. Middle rows win.
    assert indices.tolist() == [blobs["B"][10], blobs["C"][5]]
    B = X[blobs["B"]]
    assert scores[0] == pytest.approx(typicality(B, 20)[10])
    assert np.argmax(typicality(B, 20)) == 10


def test_typiclust_with_nothing_labeled_starts_with_the_largest_cluster(three_blobs):
    X, blobs = three_blobs
    indices, _ = TypiClust(n_clusters=3, random_state=1).select(None, X, 3)
    assert indices[1:].tolist() == [blobs["B"][10], blobs["C"][5]]
    # In A (40 rows, 20 neighbours) interior rows tie: any row of maximal typicality.
    typ = typicality(X[blobs["A"]], 20)
    assert indices[0] in blobs["A"]
    assert typ[indices[0]] == pytest.approx(typ.max())


def test_typicality_is_inverse_mean_neighbour_distance():
    Z = np.array([[0.0], [1.0], [3.0], [7.0]])
    D = pairwise_distances(Z)
    np.fill_diagonal(D, np.inf)
    expected = 1.0 / np.sort(D, axis=1)[:, :2].mean(axis=1)
    np.testing.assert_allclose(typicality(Z, 2), expected)
    np.testing.assert_allclose(typicality(sp.csr_matrix(Z), 2), expected)
    assert np.isinf(typicality(np.ones((1, 3)), 20)).all()


@pytest.mark.parametrize("dense", [True, False])
def test_kcenter_picks_the_row_farthest_from_the_labeled_set(dense):
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [9.0, 0.0]])
    L = np.array([[0.5, 0.0]])
    Xp, Lp = (X, L) if dense else (sp.csr_matrix(X), sp.csr_matrix(L))
    indices, scores = KCenterInit().select(None, Xp, 2, X_labeled=Lp)
    # 9 is 8.5 from the labeled row; then 2 is 1.5 from its nearest (0.5), 0 and 1 are 0.5.
    assert indices.tolist() == [3, 2]
    np.testing.assert_allclose(scores, [8.5, 1.5])


@pytest.mark.parametrize("seed", range(5))
def test_kcenter_random_start_then_farthest_point(seed):
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    indices, scores = KCenterInit(random_state=seed).select(None, X, 2)
    first, second = indices
    assert np.isinf(scores[0])
    assert second == np.argmax(np.abs(X[:, 0] - X[first, 0]))
    assert scores[1] == pytest.approx(np.abs(X[second, 0] - X[first, 0]))


def test_kcenter_never_repeats_duplicate_rows():
    X = np.zeros((4, 2))  # every row identical: all distances 0
    indices, _ = KCenterInit(random_state=0).select(None, X, 4)
    assert sorted(indices.tolist()) == [0, 1, 2, 3]


def test_kmeans_init_picks_rows_closest_to_the_centres_largest_cluster_first():
    X = np.array([[0.0], [0.1], [0.2], [9.8], [10.0], [10.1], [10.2], [10.4]])
    for Xp in (X, sp.csr_matrix(X)):
        indices, scores = KMeansInit(random_state=0).select(None, Xp, 2)
        assert indices.tolist() == [5, 1]  # 10.1 and 0.1 are the cluster means
        assert ((scores <= 0) & (scores > -0.05)).all()  # minus the distance to a centre


def test_kmeans_init_serves_uncovered_clusters_first():
    X = np.array([[0.0], [0.1], [0.2], [9.8], [10.0], [10.1], [10.2], [10.4]])
    candidates = np.ones(8, dtype=bool)
    candidates[5] = False
    # 10.1 is labeled: 1 labeled + 1 wanted = 2 clusters, the right one is covered.
    indices, _ = KMeansInit(random_state=0).select(
        None, X, 1, candidates=candidates, X_labeled=X[[5]]
    )
    assert indices.tolist() == [1]


@pytest.mark.parametrize("name", COLD)
def test_registered_by_name_and_model_free(name):
    strategy = get_strategy(name)
    assert strategy.requires_model is False
    assert type(strategy) in (TypiClust, KMeansInit, KCenterInit)


@pytest.mark.parametrize("name", COLD)
def test_text_input_gets_a_clear_error(name):
    with pytest.raises(ValueError, match="numeric features"):
        get_strategy(name).select(None, ["a b", "c d", "e f"], 1)


@settings(max_examples=15, deadline=None)
@given(
    n_rows=st.integers(1, 40),
    n=st.integers(1, 50),
    seed=st.integers(0, 1000),
    name=st.sampled_from(COLD),
    sparse=st.booleans(),
    n_labeled=st.integers(0, 5),
)
def test_invariants(n_rows, n, seed, name, sparse, n_labeled):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_rows, 3))
    X[rng.rand(n_rows) < 0.2] = 0.0  # duplicate rows and exact ties
    candidates = rng.rand(n_rows) < 0.8
    candidates[rng.randint(n_rows)] = True
    X_labeled = rng.normal(size=(n_labeled, 3)) if n_labeled else None
    Xp = sp.csr_matrix(X) if sparse else X
    strategy = get_strategy(name).set_params(random_state=seed)
    indices, scores = strategy.select(None, Xp, n, candidates=candidates, X_labeled=X_labeled)
    expected = min(n, int(candidates.sum()))
    assert indices.shape == scores.shape == (expected,)
    assert len(set(indices.tolist())) == expected
    assert candidates[indices].all()
    assert not np.isnan(scores).any()
    again, _ = strategy.select(None, Xp, n, candidates=candidates, X_labeled=X_labeled)
    np.testing.assert_array_equal(indices, again)


@pytest.mark.parametrize("name", COLD)
def test_dense_and_csr_agree(name):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(c, 0.3, size=(20, 4)) for c in (0, 3, 6)])
    dense, _ = get_strategy(name).set_params(random_state=0).select(None, X, 4)
    csr, _ = get_strategy(name).set_params(random_state=0).select(None, sp.csr_matrix(X), 4)
    # Same clusters/centres; typical rows may differ only through float rounding.
    np.testing.assert_array_equal(np.sort(dense // 20), np.sort(csr // 20))
    if name == "kcenter_init":
        np.testing.assert_array_equal(dense, csr)


@pytest.mark.parametrize("name", COLD)
@pytest.mark.parametrize("sparse", [False, True])
def test_as_cold_start_of_the_classifier(name, sparse):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(c, 0.5, size=(30, 2)) for c in ((0, 0), (5, 0), (0, 5))])
    y_true = np.repeat([0, 1, 2], 30)
    Xp = sp.csr_matrix(X) if sparse else X
    clf = ActiveLearningClassifier(
        oracle=SimulatedOracle(Xp, y_true), cold_start_strategy=name, budget=6,
        batch_size=3, random_state=0,
    ).fit(Xp, np.full(90, -1))
    canonical = {"kcenter_init": "coreset"}.get(name, name)  # history_ names the canonical
    assert clf.history_[1]["strategy"] == f"{canonical} (cold start)"
    assert clf.history_[2]["strategy"] == "margin"
    if name != "kcenter_init":
        # One row per blob: the cluster-based starts find every class at once.
        assert sorted(y_true[clf.history_[1]["query_indices"]].tolist()) == [0, 1, 2]
    assert clf.n_queries_ == 6


@pytest.mark.parametrize("name", COLD)
def test_as_query_strategy_by_name(name, multiclass_problem):
    p = multiclass_problem
    clf = ActiveLearningClassifier(
        oracle=p.oracle, query_strategy=name, budget=8, batch_size=2, random_state=0
    ).fit(p.X, p.y)
    queried = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert queried.shape == (8,) and len(set(queried.tolist())) == 8
    assert (p.y[queried] == -1).all()
    assert clf.history_[1]["strategy"] == {"kcenter_init": "coreset"}.get(name, name)
    assert clf.termination_condition_ == "budget_exhausted"


def test_typiclust_handles_a_dataframe():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(30, 3)), index=np.arange(100, 130))
    indices, _ = TypiClust(random_state=0).select(None, X, 3)
    assert len(set(indices.tolist())) == 3 and indices.max() < 30
