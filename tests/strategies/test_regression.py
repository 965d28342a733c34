"""Regression strategies: cases their definitions decide, invariants, end to end."""

import numpy as np
import pytest
from conftest import pools
from hypothesis import given, settings
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.ensemble import BaggingRegressor
from sklearn.linear_model import BayesianRidge, LinearRegression
from sklearn.utils import check_random_state

from skactive import ActiveLearningRegressor
from skactive.oracles import SimulatedOracle
from skactive.strategies import (
    ExpectedModelChange,
    GreedySampling,
    PredictiveStd,
    RegressionCommittee,
    available_strategies,
    get_strategy,
    predictive_std,
)
from skactive.strategies._base import SelectContext
from skactive.strategies._regression import _bootstrap_members

NAMES = available_strategies("regression")


class FixedModel:
    """``predict`` reads a table: the prediction and std of a row are its last columns."""

    def predict(self, X, return_std=False):
        X = np.asarray(X)
        return (X[:, -2], X[:, -1]) if return_std else X[:, -2]


def test_registry_by_task():
    assert set(NAMES) == {"random", "std", "std_diverse", "regression_committee", "emcm",
                          "gsx", "gsy", "igs"}
    assert "margin" not in NAMES and "std" not in available_strategies()
    assert set(NAMES) | set(available_strategies()) == set(available_strategies(None))
    with pytest.raises(ValueError, match="'task' parameter"):
        available_strategies("ranking")
    assert not get_strategy("gsx").requires_model and get_strategy("igs").requires_model


# ------------------------------------------------------------------ predictive spread
def test_std_asks_where_the_model_is_least_sure():
    X = np.array([[0.0, 1.0, 0.3], [0.0, 2.0, 0.9], [0.0, 3.0, 0.1]])
    indices, scores = PredictiveStd().select(FixedModel(), X, 2)
    assert indices.tolist() == [1, 0] and scores.tolist() == [0.9, 0.3]


def test_predictive_std_reads_an_ensembles_members_or_raises():
    X = np.arange(10.0).reshape(-1, 1)
    bag = BaggingRegressor(LinearRegression(), n_estimators=5, random_state=0).fit(
        X, X.ravel() ** 2)
    members = np.stack([m.predict(X) for m in bag.estimators_])
    np.testing.assert_allclose(predictive_std(bag, X), members.std(axis=0))
    with pytest.raises(ValueError, match="regression_committee"):
        predictive_std(LinearRegression().fit(X, X.ravel()), X)


def test_diverse_batch_spreads_where_top_n_clusters():
    # Cluster A (x ~ 0) is slightly less certain than cluster B (x ~ 10).
    X = np.array([[0.0, 0, 1.0], [0.1, 0, 0.99], [10.0, 0, 0.9], [10.1, 0, 0.89]])
    top, _ = PredictiveStd().select(FixedModel(), X, 2)
    spread, _ = PredictiveStd(diversity=0.5, random_state=0).select(
        FixedModel(), X, 2, X_labeled=np.array([[5.0, 0, 0]]))
    assert sorted(top.tolist()) == [0, 1] and sorted(i // 2 for i in spread) == [0, 1]


# ------------------------------------------------------------------ committee and EMCM
def _linear_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(12, 1))
    return X, X.ravel() + 0.3 * rng.randn(12)


def test_committee_variance_is_largest_far_from_the_data():
    X, y = _linear_data()
    pool = np.array([[0.0], [0.5], [40.0]])
    model = LinearRegression().fit(X, y)
    indices, scores = RegressionCommittee(random_state=0).select(
        model, pool, 3, X_labeled=X, y_labeled=y)
    assert indices[0] == 2 and np.all(np.diff(scores) <= 0)


def test_emcm_is_mean_prediction_gap_times_norm():
    X, y = _linear_data()
    model = LinearRegression().fit(X, y)
    pool = np.array([[0.0], [0.5], [-2.0]])
    strategy = ExpectedModelChange(n_members=3, random_state=0)
    _, scores = strategy.select(model, pool, 3, X_labeled=X, y_labeled=y)
    context = SelectContext(None, X, y, None, None, None)
    members = _bootstrap_members(strategy, model, check_random_state(0), context)
    gap = np.mean([np.abs(model.predict(pool) - m.predict(pool)) for m in members], axis=0)
    expected = gap * np.abs(pool.ravel())
    np.testing.assert_allclose(np.sort(scores)[::-1], np.sort(expected)[::-1])
    assert scores[-1] == 0.0  # the row at the origin changes a linear model by nothing


# ------------------------------------------------------------------ greedy sampling
def test_gsx_starts_at_the_centroid_then_goes_farthest():
    X = np.array([[-4.0], [0.1], [1.0], [9.0]])
    indices, _ = GreedySampling(space="x").select(None, X, 2)
    assert indices.tolist() == [2, 3]  # mean 1.5: row 2 is closest; row 3 farthest from it


class ShiftModel:
    """f(x) = x, except f(20) = 0.1: an output close to a labeled target."""

    def predict(self, X):
        x = np.asarray(X, dtype=float)[:, 0]
        return np.where(x == 20.0, 0.1, x)


@pytest.mark.parametrize("space, expected", [("x", 2), ("y", 0), ("xy", 0)])
def test_greedy_spaces_follow_their_distance(space, expected):
    # Labeled (0, 0) and (10, 0); pool x = 5 (dx 5, dy 5), 1 (dx 1, dy 1), 20 (dx 10, dy .1).
    X_lab, y_lab = np.array([[0.0], [10.0]]), np.array([0.0, 0.0])
    pool = np.array([[5.0], [1.0], [20.0]])
    indices, _ = GreedySampling(space=space).select(ShiftModel(), pool, 1, X_labeled=X_lab,
                                                    y_labeled=y_lab)
    assert indices.tolist() == [expected]


def test_gsy_batch_treats_picks_as_labeled_with_their_prediction():
    model = ShiftModel()
    pool = np.array([[5.0], [5.5], [-3.0]])
    indices, _ = GreedySampling(space="y").select(model, pool, 2, X_labeled=np.array([[0.0]]),
                                                  y_labeled=[0.0])
    assert indices.tolist() == [1, 2]  # after 5.5, the row 5.0 is 0.5 from it, -3 is 3 from 0


# ------------------------------------------------------------------ invariants
def _fitted(n_features):
    rng = np.random.RandomState(0)
    X_lab = rng.randn(5, n_features)
    y_lab = X_lab.sum(axis=1) + rng.randn(5)
    return BayesianRidge().fit(X_lab, y_lab), X_lab, y_lab


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=10, deadline=None)
@given(pool=pools())
def test_select_invariants(name, pool):
    X, candidates, n, _, seed = pool
    model, X_lab, y_lab = _fitted(X.shape[1])
    strategy = get_strategy(name).set_params(random_state=seed)
    kwargs = {"candidates": candidates, "X_labeled": X_lab, "y_labeled": y_lab}
    indices, scores = strategy.select(model, X, n, **kwargs)
    expected = min(n, int(candidates.sum()))
    assert indices.shape == scores.shape == (expected,)
    assert len(set(indices.tolist())) == expected and candidates[indices].all()
    assert not np.isnan(scores).any()
    again, again_scores = clone(strategy).select(model, X, n, **kwargs)
    np.testing.assert_array_equal(again, indices)
    np.testing.assert_array_equal(again_scores, scores)


@pytest.mark.parametrize("name", NAMES)
def test_every_name_runs_in_the_regressor(name):
    X, y_true = make_friedman1(n_samples=40, n_features=5, random_state=0)
    reg = ActiveLearningRegressor(BayesianRidge(), oracle=SimulatedOracle(X, y_true),
                                  query_strategy=name, budget=6, batch_size=3, random_state=0)
    reg.fit(X, np.full(40, np.nan))
    asked = np.concatenate([h["query_indices"] for h in reg.history_])
    assert reg.n_queries_ == 6 and len(set(asked.tolist())) == 6


@pytest.mark.parametrize("params", [{"diversity": 1.5}, {"n_members": 1}])
def test_bad_parameters_name_the_parameter(params):
    strategy = RegressionCommittee(**params)
    with pytest.raises(ValueError, match=f"'{next(iter(params))}' parameter"):
        strategy.select(None, np.zeros((3, 1)), 1)


@pytest.mark.parametrize("name", ["std", "regression_committee", "emcm", "std_diverse"])
def test_chunked_and_parallel_scoring_give_the_same_batch(name):
    X = np.random.RandomState(0).randn(50, 3)
    model, X_lab, y_lab = _fitted(3)
    kwargs = {"candidates": np.arange(50) >= 5, "X_labeled": X_lab, "y_labeled": y_lab}
    whole = get_strategy(name).set_params(random_state=0).select(model, X, 4, **kwargs)
    chunked = get_strategy(name).set_params(random_state=0).select(
        model, X, 4, chunk_rows=7, n_jobs=2, **kwargs)
    np.testing.assert_array_equal(whole[0], chunked[0])
    np.testing.assert_allclose(whole[1], chunked[1])
