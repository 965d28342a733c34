"""CoreSet, RankedBatch and ClusterMargin: hand-built cases, invariants, end to end."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import fitted_model, pools
from hypothesis import given, settings
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import (
    ClusterMargin,
    CoreSet,
    RankedBatch,
    UncertaintySampling,
    get_strategy,
)

# The generic invariant, container and end-to-end tests below cover every batch strategy,
# BADGE and Falcun (tests/strategies/test_badge.py) included.
NAMES = ["coreset", "ranked_batch", "cluster_margin", "badge", "falcun", "uncertainty_herding"]
CONTAINERS = [np.asarray, sp.csr_matrix]


def dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


class TwoClusterModel:
    """Three classes. Rows with x0 < 0 (cluster A) get p = (.505, .495, 0), margin .01;
    the others (cluster B) get p = (0, .49, .51), margin .02: A is strictly more
    uncertain, and the two clusters' probability vectors are far apart."""

    classes_ = np.array([0, 1, 2])

    def predict_proba(self, X):
        left = dense(X)[:, 0] < 0
        return np.where(left[:, None], [0.505, 0.495, 0.0], [0.0, 0.49, 0.51])


class MarginColumnModel:
    """Two classes; the margin p1 - p2 of a row is its last feature."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        m = dense(X)[:, -1]
        return np.column_stack([0.5 + m / 2, 0.5 - m / 2])


def two_clusters():
    """Ten rows around (-10, 0) and ten around (10, 0), spread by 0.01 along x1."""
    spread = 0.01 * np.arange(10)
    A = np.column_stack([np.full(10, -10.0), spread])
    B = np.column_stack([np.full(10, 10.0), spread])
    return np.vstack([A, B]), np.repeat([0, 1], 10)


@pytest.mark.parametrize("seed", range(5))
def test_top_k_margin_takes_both_rows_from_the_more_uncertain_cluster(seed):
    X, cluster = two_clusters()
    indices, _ = UncertaintySampling("margin").select(TwoClusterModel(), X, 2, random_state=seed)
    assert cluster[indices].tolist() == [0, 0]


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize(
    "strategy",
    [CoreSet(), RankedBatch(), RankedBatch(measure="margin"), ClusterMargin(n_clusters=2)],
    ids=["coreset", "ranked_batch", "ranked_batch_margin", "cluster_margin"],
)
@pytest.mark.parametrize("seed", range(3))
def test_batch_of_two_takes_one_row_from_each_cluster(strategy, container, seed):
    X, cluster = two_clusters()
    X_labeled = container(np.array([[0.0, 0.0]]))
    indices, scores = clone(strategy).set_params(random_state=seed).select(
        TwoClusterModel(), container(X), 2, X_labeled=X_labeled
    )
    assert sorted(cluster[indices].tolist()) == [0, 1]
    assert scores.shape == (2,)


# ----------------------------------------------------------------------------- CoreSet
@pytest.mark.parametrize("container", CONTAINERS)
def test_coreset_picks_the_farthest_row_then_the_farthest_from_both(container):
    X = container(np.array([[-3.0], [1.0], [10.0], [6.0]]))
    indices, scores = CoreSet().select(None, X, 3, X_labeled=container(np.array([[0.0]])))
    # Distances to {0}: 3, 1, 10, 6 -> 10; to {0, 10}: 3, 1, 4 -> 6; to {0, 10, 6}: 3, 1 -> -3.
    assert indices.tolist() == [2, 3, 0]
    np.testing.assert_allclose(scores, [10.0, 4.0, 3.0])


def test_coreset_respects_candidates_and_the_metric():
    X = np.array([[0.0, 0.0], [3.0, 3.0], [5.0, 0.0], [100.0, 100.0]])
    candidates = np.array([False, True, True, False])  # row 3 is farthest but not allowed
    labeled = X[:1]
    euclid, _ = CoreSet().select(None, X, 1, candidates=candidates, X_labeled=labeled)
    manhattan, _ = CoreSet(metric="manhattan").select(
        None, X, 1, candidates=candidates, X_labeled=labeled
    )
    assert euclid.tolist() == [2]  # 5 > sqrt(18)
    assert manhattan.tolist() == [1]  # 6 > 5


def test_coreset_without_labeled_rows_spreads_from_a_random_start():
    X = np.array([[0.0], [1.0], [10.0]])
    firsts = set()
    for seed in range(12):
        indices, scores = CoreSet(random_state=seed).select(None, X, 2)
        firsts.add(int(indices[0]))
        farthest = np.argmax(np.abs(X[:, 0] - X[indices[0], 0]))
        assert indices[1] == farthest
        assert np.isinf(scores[0])
    assert len(firsts) > 1  # the first pick is not tied to position 0


def test_coreset_measures_distance_in_transform_or_pipeline_space():
    # Feature 0 alone makes row 1 farthest from the labeled row 0; feature 1 makes row 2.
    X = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 9.0], [1.0, 1.0]])
    y = np.array([0, 1, -1, -1])
    first_feature = FunctionTransformer(lambda Z: Z[:, :1])
    candidates = np.array([False, True, True, True])
    raw, _ = CoreSet().select(None, X, 1, candidates=candidates, X_labeled=X[:1])
    assert raw.tolist() == [2]
    via_transform, _ = CoreSet(transform=lambda Z: Z[:, :1]).select(
        None, X, 1, candidates=candidates, X_labeled=X[:1]
    )
    assert via_transform.tolist() == [1]
    pipe = make_pipeline(first_feature, LogisticRegression()).fit(X[:2], y[:2])
    via_pipeline, _ = CoreSet().select(pipe, X, 1, candidates=candidates, X_labeled=X[:1])
    assert via_pipeline.tolist() == [1]


def test_coreset_on_text_needs_a_vectorizing_pipeline():
    docs = ["red apple", "green apple", "red car", "blue car"]
    with pytest.raises(ValueError, match="CoreSet.*numeric features.*Pipeline"):
        CoreSet(random_state=0).select(None, docs, 3)
    with pytest.raises(ValueError, match="CoreSet.*numeric features"):
        CoreSet().select(MarginColumnModel(), docs, 2)
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression())
    indices, _ = CoreSet(random_state=0).select(None, docs, 3, unfitted_estimator=pipe)
    assert len(set(indices.tolist())) == 3


# ----------------------------------------------------------------------------- RankedBatch
def test_ranked_batch_score_follows_the_formula_with_auto_alpha():
    X = np.array([[-3.0], [0.0], [0.01], [1.0], [3.0]])
    model = LogisticRegression().fit(X[[0, 4]], [0, 1])
    candidates = np.array([False, True, True, True, False])
    indices, scores = RankedBatch().select(
        model, X, 2, candidates=candidates, X_labeled=X[[0, 4]]
    )
    # alpha = |U| / (|U| + |L|) = 3 / 5; row 1 is 3 from the labeled set, p = (.5, .5).
    assert indices[0] == 1
    assert scores[0] == pytest.approx(0.6 * (1 - 1 / 4) + 0.4 * 0.5)
    # Second pick: alpha = 2 / 5 and row 1 counts as labeled; row 2 (0.01 away) loses.
    proba = model.predict_proba(X[[2, 3]])
    sim = 1 / (1 + np.array([0.01, 1.0]))
    expected = 0.4 * (1 - sim) + 0.6 * (1 - proba.max(axis=1))
    assert indices[1] == 3
    assert scores[1] == pytest.approx(expected.max())


def test_ranked_batch_alpha_extremes_are_uncertainty_and_dissimilarity():
    # Row margins (last feature) 0.0, 0.1, 0.2 -> uncertainty order 0, 1, 2.
    X = np.array([[0.0, 0.0], [1.0, 0.1], [20.0, 0.2], [30.0, 0.9]])
    labeled = X[3:]
    candidates = np.array([True, True, True, False])
    model = MarginColumnModel()
    by_uncertainty, _ = RankedBatch(alpha=0.0).select(
        model, X, 3, candidates=candidates, X_labeled=labeled
    )
    assert by_uncertainty.tolist() == [0, 1, 2]
    by_distance, _ = RankedBatch(alpha=1.0).select(
        model, X, 3, candidates=candidates, X_labeled=labeled
    )
    assert by_distance.tolist() == [0, 2, 1]  # farthest from 30, then farthest from {30, 0}


@pytest.mark.parametrize(
    "params, match",
    [({"alpha": 1.5}, "alpha"), ({"alpha": "half"}, "alpha"), ({"measure": "gini"}, "measure")],
)
def test_ranked_batch_rejects_bad_parameters(params, match):
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match=match):
        RankedBatch(**params).select(MarginColumnModel(), X, 1)


# ----------------------------------------------------------------------------- ClusterMargin
def three_clusters():
    """Clusters of 1, 2 and 5 rows far apart; last feature = margin (all small)."""
    centers = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    sizes = [1, 2, 5]
    cluster = np.repeat([0, 1, 2], sizes)
    offsets = 0.1 * np.arange(8)
    X = centers[cluster] + offsets[:, None]
    margin = 0.01 * np.arange(8)
    return np.column_stack([X, margin]), cluster


@pytest.mark.parametrize("container", CONTAINERS)
def test_cluster_margin_goes_round_robin_from_the_smallest_cluster(container):
    X, cluster = three_clusters()
    strategy = ClusterMargin(n_clusters=3, random_state=0)
    indices, scores = strategy.select(MarginColumnModel(), container(X), 5)
    # Sizes 1 < 2 < 5: one row from each, then the exhausted cluster is skipped.
    assert cluster[indices].tolist() == [0, 1, 2, 1, 2]
    np.testing.assert_allclose(scores, -X[indices, -1])


def test_cluster_margin_only_spreads_the_lowest_margin_rows():
    X, cluster = three_clusters()
    X[:, -1] = [0.9, 0.8, 0.05, 0.9, 0.01, 0.9, 0.9, 0.9]  # lowest margins: rows 4, 2
    indices, _ = ClusterMargin(n_clusters=3, margin_pool_factor=1, random_state=0).select(
        MarginColumnModel(), X, 2
    )
    assert sorted(indices.tolist()) == [2, 4]
    # With a wider margin pool the smallest cluster (row 0) is served first.
    indices, _ = ClusterMargin(n_clusters=3, margin_pool_factor=10, random_state=0).select(
        MarginColumnModel(), X, 2
    )
    assert indices[0] == 0


@pytest.mark.parametrize(
    "params, match",
    [({"n_clusters": 0}, "n_clusters"), ({"margin_pool_factor": 0.5}, "margin_pool_factor")],
)
def test_cluster_margin_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        ClusterMargin(**params).select(MarginColumnModel(), np.zeros((3, 2)), 1)


# ----------------------------------------------------------------------------- invariants
@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, deadline=None)
@given(pool=pools())
def test_select_invariants(name, pool):
    X, candidates, n, sparse, seed = pool
    model = fitted_model(X.shape[1])
    X_pool = sp.csr_matrix(X) if sparse else X
    labeled = X_pool[~candidates]
    strategy = get_strategy(name).set_params(random_state=seed)
    indices, scores = strategy.select(model, X_pool, n, candidates=candidates, X_labeled=labeled)
    expected = min(n, int(candidates.sum()))
    assert indices.shape == scores.shape == (expected,)
    assert len(set(indices.tolist())) == expected
    assert candidates[indices].all()
    assert not np.isnan(scores).any()
    again, again_scores = clone(strategy).select(
        model, X_pool, n, candidates=candidates, X_labeled=labeled
    )
    np.testing.assert_array_equal(again, indices)
    np.testing.assert_array_equal(again_scores, scores)


@pytest.mark.parametrize("name", NAMES)
def test_one_row_pool_and_batch_larger_than_pool(name):
    model = fitted_model(2)
    strategy = get_strategy(name).set_params(random_state=0)
    one, _ = strategy.select(model, np.array([[1.0, 2.0]]), 5)
    assert one.tolist() == [0]
    X = np.random.RandomState(1).randn(6, 2)
    everything, _ = strategy.select(model, X, 10, candidates=np.arange(6) % 2 == 0)
    assert sorted(everything.tolist()) == [0, 2, 4]
    none, none_scores = strategy.select(model, X, 0)
    assert none.shape == none_scores.shape == (0,)


@pytest.mark.parametrize("name", NAMES)
def test_dense_and_sparse_pools_give_the_same_batch(name):
    X = np.random.RandomState(0).randn(60, 4)
    X[np.abs(X) < 0.5] = 0.0
    model = fitted_model(4)
    candidates = np.arange(60) >= 5
    picks = [
        get_strategy(name).set_params(random_state=3).select(
            model, make(X), 8, candidates=candidates, X_labeled=make(X[:5])
        )
        for make in CONTAINERS
    ]
    np.testing.assert_array_equal(picks[0][0], picks[1][0])
    np.testing.assert_allclose(picks[0][1], picks[1][1])


# ----------------------------------------------------------------------------- end to end
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("container", CONTAINERS)
def test_active_learning_classifier_by_name(name, container, binary_problem):
    p = binary_problem
    X = container(p.X)
    est = ActiveLearningClassifier(
        query_strategy=name, batch_size=4, budget=12,
        oracle=SimulatedOracle(X, p.y_true), random_state=0,
    ).fit(X, p.y)
    assert est.n_queries_ == 12 and est.n_iter_ == 3
    queried = np.concatenate([h["query_indices"] for h in est.history_[1:]])
    assert len(set(queried.tolist())) == 12
    assert (p.y[queried] == -1).all()
    np.testing.assert_array_equal(est.y_labeled_[queried], p.y_true[queried])
    # Every round was picked by this strategy (recorded by registry or class name).
    cls = type(get_strategy(name)).__name__
    assert all(h["strategy"] == name or h["strategy"].startswith(cls) for h in est.history_[1:])
    again = clone(est).fit(X, p.y)
    for h1, h2 in zip(est.history_, again.history_, strict=True):
        np.testing.assert_array_equal(h1["query_indices"], h2["query_indices"])


def test_grid_search_over_strategy_names(binary_problem):
    p = binary_problem
    est = ActiveLearningClassifier(
        batch_size=5, budget=10, oracle=SimulatedOracle(p.X, p.y_true), random_state=0
    )
    search = GridSearchCV(est, {"query_strategy": NAMES}, cv=2, error_score="raise")
    search.fit(p.X, p.y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_["query_strategy"] in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_pipeline_rows_are_compared_in_the_preprocessing_output(name):
    rng = np.random.RandomState(0)
    words = np.array(["apple", "pear", "plum", "car", "bus", "train"])
    docs = [" ".join(rng.choice(words[:3] if i < 15 else words[3:], 3)) for i in range(30)]
    labeled = [0, 1, 15, 16]
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression())
    pipe.fit([docs[i] for i in labeled], [0, 0, 1, 1])
    T = pipe[:-1].transform(docs)
    candidates = np.ones(30, dtype=bool)
    candidates[labeled] = False
    strategy = get_strategy(name).set_params(random_state=0)
    on_text = strategy.select(pipe, docs, 4, candidates=candidates,
                              X_labeled=[docs[i] for i in labeled])
    on_features = strategy.select(pipe[-1], T, 4, candidates=candidates, X_labeled=T[labeled])
    np.testing.assert_array_equal(on_text[0], on_features[0])
    np.testing.assert_allclose(on_text[1], on_features[1])
