"""DensityWeighted (information density): definition, exactness, cost, invariants, loop."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import skactive.strategies._density as density_module
from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import DensityWeighted, UncertaintySampling, get_strategy


class FlagModel(ClassifierMixin, BaseEstimator):
    """Unsure (0.5, 0.5) where feature 1 is exactly 0, sure (0.95, 0.05) elsewhere."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        col = (X.toarray() if sp.issparse(X) else np.asarray(X))[:, 1]
        return np.where((col == 0)[:, None], [0.5, 0.5], [0.95, 0.05])


def _cluster_and_outlier():
    """Row 0: an unsure outlier; rows 1-20: a tight sure cluster; row 21: unsure, in it."""
    cluster = np.column_stack([np.ones(20), 0.05 + 0.01 * np.arange(20)])
    X = np.vstack([[[-1.0, 0.0]], cluster, [[1.0, 0.0]]])
    return X, FlagModel().fit(X, [0] * 21 + [1])


def _problem(n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(0, 1, size=(n - 5, 4)), rng.normal(6, 1, size=(5, 4))])
    labeled = np.arange(6)
    y = (X[labeled, 0] > 0).astype(int)
    y[:2] = [0, 1]
    pool = np.ones(n, dtype=bool)
    pool[labeled] = False
    return X, pool, LogisticRegression().fit(X[labeled], y)


# ---------------------------------------------------------------- hand-built case
@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("measure", ["margin", "least_confident", "entropy"])
def test_uncertain_row_in_the_dense_region_beats_an_equally_uncertain_outlier(metric, measure):
    X, model = _cluster_and_outlier()
    strategy = DensityWeighted(measure=measure, metric=metric, random_state=0)
    idx, scores = strategy.select(model, X, 22)
    assert idx[0] == 21  # uncertainty ties with row 0; density breaks the tie
    assert scores[0] > scores[idx.tolist().index(0)]
    # Plain uncertainty sampling cannot tell the two apart.
    plain = UncertaintySampling(measure).score(model, X)
    assert plain[0] == plain[21] and plain[21] == plain.max()
    if metric == "cosine":
        assert idx[1] != 0  # the outlier is anti-aligned: its density is ~0


def test_cosine_density_is_the_exact_mean_over_the_pool():
    X, pool, _ = _problem()
    density = DensityWeighted(metric="cosine").density_function(None, X, pool)
    expected = ((1 + cosine_similarity(X, X[pool])) / 2).mean(axis=1)
    np.testing.assert_allclose(density(X), expected, rtol=1e-10)


def test_euclidean_density_with_all_rows_as_landmarks_is_exact():
    X, pool, _ = _problem()
    density = DensityWeighted(metric="euclidean", n_landmarks=1000).density_function(
        None, X, pool
    )
    dist = pairwise_distances(X[pool])
    scale = np.median(dist[np.triu_indices_from(dist, k=1)])
    expected = (1 / (1 + pairwise_distances(X, X[pool]) / scale)).mean(axis=1)
    np.testing.assert_allclose(density(X), expected, rtol=1e-10)


def test_euclidean_cost_is_pool_times_landmarks_never_pool_squared(monkeypatch):
    X, pool, model = _problem(n=300)
    shapes = []

    def recording(A, B=None, **kwargs):
        shapes.append((A.shape[0], (A if B is None else B).shape[0]))
        return pairwise_distances(A, B, **kwargs)

    monkeypatch.setattr(density_module, "pairwise_distances", recording)
    DensityWeighted(metric="euclidean", n_landmarks=7, random_state=0).select(
        model, X, 3, candidates=pool
    )
    assert shapes and all(cols <= 7 for _, cols in shapes)


def test_beta_zero_is_uncertainty_sampling_made_non_negative():
    X, pool, model = _problem()
    idx, scores = DensityWeighted(beta=0.0, random_state=0).select(model, X, 5, candidates=pool)
    margin = UncertaintySampling("margin").score(model, X)
    np.testing.assert_allclose(scores, 1 + margin[idx])
    assert np.all(scores >= 0)


def test_larger_beta_weights_density_more():
    X, model = _cluster_and_outlier()
    density = DensityWeighted(metric="euclidean").density_function(model, X)(X)

    def scores_by_row(beta):
        idx, scores = DensityWeighted(metric="euclidean", beta=beta).select(model, X, 22)
        out = np.empty(22)
        out[idx] = scores
        return out

    np.testing.assert_allclose(scores_by_row(3.0), scores_by_row(1.0) * density**2)
    assert density[21] > density[0]


# ---------------------------------------------------------------- input types
@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_dense_csr_and_dataframe_pools_give_the_same_scores(metric):
    X, pool, model = _problem()
    strategy = DensityWeighted(metric=metric, n_landmarks=20, random_state=0)
    dense = strategy.select(model, X, 5, candidates=pool)
    sparse = strategy.select(model, sp.csr_matrix(X), 5, candidates=pool)
    np.testing.assert_array_equal(dense[0], sparse[0])
    np.testing.assert_allclose(dense[1], sparse[1], rtol=1e-8)
    pd = pytest.importorskip("pandas")
    frame = strategy.select(model, pd.DataFrame(X), 5, candidates=pool)
    np.testing.assert_allclose(dense[1], frame[1], rtol=1e-8)


def test_raw_text_uses_the_pipeline_features():
    docs = ["red apple", "red apple pie", "green apple", "stock market", "market crash",
            "apple red fruit", "stock price"]
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(
        docs[:4], [0, 0, 0, 1]
    )
    idx, scores = DensityWeighted(random_state=0).select(model, docs, 3)
    assert np.unique(idx).shape == (3,) and np.all(scores >= 0)
    with pytest.raises(ValueError, match="DensityWeighted.*numeric features"):
        DensityWeighted().select(LogisticRegression(), docs, 1)


def test_decision_function_only_estimators_are_scored_through_a_softmax():
    X, pool, _ = _problem()
    svc = LinearSVC().fit(X[:6], [0, 1, 0, 1, 0, 1])
    idx, scores = DensityWeighted(random_state=0).select(svc, X, 4, candidates=pool)
    assert pool[idx].all() and np.all((scores >= 0) & (scores <= 1))


@pytest.mark.parametrize(
    "params, match",
    [({"measure": "margins"}, "measure"), ({"metric": "manhattan"}, "metric"),
     ({"beta": -1.0}, "beta"), ({"n_landmarks": 0}, "n_landmarks")],
)
def test_invalid_parameters_are_named(params, match):
    X, pool, model = _problem()
    with pytest.raises(ValueError, match=match):
        DensityWeighted(**params).select(model, X, 1, candidates=pool)


# ---------------------------------------------------------------- invariants
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    measure=st.sampled_from(["margin", "least_confident", "entropy"]),
    metric=st.sampled_from(["cosine", "euclidean"]),
    n=st.integers(1, 70),
    n_landmarks=st.integers(1, 80),
    pool_bits=st.lists(st.booleans(), min_size=54, max_size=54),
    seed=st.integers(0, 2**16),
)
def test_select_returns_distinct_candidates_deterministically(
    measure, metric, n, n_landmarks, pool_bits, seed
):
    X, _, model = _problem()
    pool = np.zeros(60, dtype=bool)
    pool[6:] = pool_bits
    if not pool.any():
        pool[30] = True  # a pool of one row
    strategy = DensityWeighted(measure, metric=metric, n_landmarks=n_landmarks,
                               random_state=seed)
    idx, scores = strategy.select(model, X, n, candidates=pool)
    assert idx.shape == scores.shape == (min(n, pool.sum()),)
    assert np.unique(idx).shape == idx.shape and pool[idx].all()
    assert np.all(scores >= 0) and np.all(np.diff(scores) <= 0)
    again = strategy.select(model, X, n, candidates=pool)
    np.testing.assert_array_equal(idx, again[0])
    np.testing.assert_array_equal(scores, again[1])


# ---------------------------------------------------------------- in the loop
def test_active_learning_classifier_runs_by_name(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(
        oracle=SimulatedOracle(sp.csr_matrix(p.X), p.y_true),
        query_strategy="information_density", budget=6, batch_size=3, random_state=0,
    ).fit(sp.csr_matrix(p.X), p.y)
    assert isinstance(get_strategy("information_density"), DensityWeighted)
    assert clf.n_queries_ == 6 and clf.termination_condition_ == "budget_exhausted"
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert np.unique(asked).shape == (6,) and np.all(p.y[asked] == -1)
    np.testing.assert_array_equal(clf.y_labeled_[asked], p.y_true[asked])
    assert [h["strategy"] for h in clf.history_[1:]] == ["information_density"] * 2
    assert all(np.all(h["query_scores"] >= 0) for h in clf.history_[1:])
