"""ActiveLearningRegressor: the loop for float targets, composition, evaluation, stopping."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.linear_model import BayesianRidge, LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningRegressor
from skactive.model_selection import active_learning_curve, compare_strategies, make_oracle_scorer
from skactive.oracles import SimulatedOracle
from skactive.stopping import StabilizingRegression

N = 80


@pytest.fixture(autouse=True)
def _quiet_gp():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*close to the specified")
        yield


def _problem(n_labeled=4, seed=0):
    X, y_true = make_friedman1(n_samples=N, n_features=5, random_state=seed)
    y = np.full(N, np.nan)
    y[:n_labeled] = y_true[:n_labeled]
    return X, y, y_true


def _reg(oracle, **params):
    return ActiveLearningRegressor(oracle=oracle, **{"estimator": BayesianRidge(), "budget": 6,
                                                     "random_state": 0, **params})


def test_loop_asks_for_float_targets_and_records_every_round():
    X, y, y_true = _problem()
    reg = _reg(SimulatedOracle(X, y_true), batch_size=2).fit(X, y)
    assert reg.n_queries_ == 6 and reg.n_iter_ == 3 and len(reg.history_) == 4
    assert reg.termination_condition_ == "budget_exhausted"
    asked = np.concatenate([h["query_indices"] for h in reg.history_[1:]])
    np.testing.assert_array_equal(reg.y_labeled_[asked], y_true[asked])
    assert reg.y_labeled_.dtype == np.float64 and np.isnan(y[asked]).all()  # y untouched
    assert sorted(set(reg.labeled_iter_[asked].tolist())) == [1, 2, 3]
    assert [h["n_labeled"] for h in reg.history_] == [4, 6, 8, 10]
    assert not hasattr(reg, "classes_")
    assert len(reg.estimators_) == 4


def test_score_is_r2_on_labeled_rows_and_staged_score_ends_at_it():
    X, y, y_true = _problem()
    reg = _reg(SimulatedOracle(X, y_true)).fit(X, y)
    y_eval = y_true.copy()
    y_eval[::2] = np.nan  # unlabeled rows carry no truth
    expected = r2_score(y_true[1::2], reg.predict(X[1::2]))
    assert reg.score(X, y_eval) == pytest.approx(expected)
    staged = list(reg.staged_score(X, y_eval))
    assert len(staged) == len(reg.history_) and staged[-1] == pytest.approx(expected)
    final = list(reg.staged_predict(X))[-1]
    np.testing.assert_allclose(final, reg.predict(X))


def test_cold_start_picks_without_a_model_until_two_targets_exist():
    X, _, y_true = _problem()
    reg = _reg(SimulatedOracle(X, y_true), query_strategy="std", budget=4)
    reg.fit(X, np.full(N, np.nan))
    strategies = [h["strategy"] for h in reg.history_[1:]]
    assert strategies[:2] == ["random (cold start)"] * 2 and strategies[2] == "std"
    assert reg.estimators_[0] is None and reg.estimators_[1] is None
    # A round without a model predicts the mean of the targets known then.
    np.testing.assert_allclose(list(reg.staged_predict(X[:3]))[1],
                               y_true[reg.history_[1]["query_indices"]].mean())


def test_nan_answer_is_a_skip():
    X, y, y_true = _problem()

    def oracle(X_query):
        return np.full(len(X_query), np.nan)

    reg = _reg(oracle, budget=3).fit(X, y)
    skipped = np.concatenate([h["query_indices"] for h in reg.history_[1:]])
    assert reg.n_queries_ == 3 and (reg.labeled_iter_[skipped] == -1).all()
    assert np.isnan(reg.y_labeled_[skipped]).all()


def test_integer_and_none_targets_become_float():
    X, _, y_true = _problem()
    y_int = np.round(y_true).astype(int)
    reg = ActiveLearningRegressor(LinearRegression(), missing_label=-1).fit(X, y_int)
    assert reg.y_labeled_.dtype == np.float64
    y_obj = np.array([None] * N, dtype=object)
    y_obj[:5] = y_true[:5]
    reg = ActiveLearningRegressor(LinearRegression(), missing_label=None).fit(X, y_obj)
    assert (reg.labeled_iter_ == 0).sum() == 5


@pytest.mark.parametrize("y, match", [
    (np.array(["a"] * N), "numeric targets"),
    (np.r_[np.inf, np.full(N - 1, 1.0)], "infinity"),
])
def test_bad_targets_raise(y, match):
    X, _, _ = _problem()
    with pytest.raises(ValueError, match=match):
        ActiveLearningRegressor(LinearRegression()).fit(X, y)


def test_fewer_than_two_labels_raise_after_recording():
    X, _, y_true = _problem()
    reg = _reg(SimulatedOracle(X, y_true), budget=1)
    with pytest.raises(ValueError, match="two labeled rows"):
        reg.fit(X, np.full(N, np.nan))
    assert reg.n_queries_ == 1 and (reg.labeled_iter_ == 1).sum() == 1


def test_query_returns_positions_best_first_and_clone_repeats_queries():
    X, y, y_true = _problem()
    reg = _reg(SimulatedOracle(X, y_true), query_strategy="std").fit(X, y)
    top = reg.query(X, n=3)
    assert top.shape == (3,) and len(set(top.tolist())) == 3
    again = clone(reg).fit(X, y)
    np.testing.assert_array_equal(
        np.concatenate([h["query_indices"] for h in again.history_]),
        np.concatenate([h["query_indices"] for h in reg.history_]))


def test_oracle_failure_keeps_answers():
    X, y, y_true = _problem()
    calls = []

    def oracle(X_query):
        if calls:
            raise RuntimeError("annotator left")
        calls.append(1)
        return SimulatedOracle(X, y_true)(X_query)

    reg = _reg(oracle)
    with pytest.raises(RuntimeError):
        reg.fit(X, y)
    assert (reg.labeled_iter_ == 1).sum() == 1 and len(reg.history_) == 2


def test_default_estimator_gives_a_spread_and_nested_params_work():
    X, y, y_true = _problem()
    reg = ActiveLearningRegressor(oracle=SimulatedOracle(X, y_true), budget=2, random_state=0)
    reg.set_params(estimator__gaussianprocessregressor__alpha=1e-8)
    reg.fit(X, y)
    mean, std = reg.predict(X[:3], return_std=True)
    assert mean.shape == std.shape == (3,) and (std > 0).all()


# ------------------------------------------------------------------ composition
def test_pipeline_grid_search_cross_validate_and_pickle():
    X, y, y_true = _problem(n_labeled=20)
    oracle = SimulatedOracle(X, y_true)
    reg = _reg(oracle, budget=4)
    # As the last step of a Pipeline the oracle sees the scaled rows.
    scaled = _reg(SimulatedOracle(StandardScaler().fit_transform(X), y_true), budget=4)
    pipe = make_pipeline(StandardScaler(), scaled).fit(X, y)
    assert pipe[-1].n_queries_ == 4
    inner = _reg(oracle, budget=2, estimator=make_pipeline(StandardScaler(), Ridge()))
    grid = GridSearchCV(inner, {"estimator__ridge__alpha": [0.1, 1.0],
                                "query_strategy": ["gsx", "igs"]}, cv=2).fit(X, y)
    assert set(grid.best_params_) == {"estimator__ridge__alpha", "query_strategy"}
    scores = cross_validate(reg, X, y, cv=KFold(2), scoring=make_oracle_scorer(oracle))
    assert np.isfinite(scores["test_score"]).all()
    restored = pickle.loads(pickle.dumps(reg.fit(X, y)))
    np.testing.assert_allclose(restored.predict(X), reg.predict(X))


# ------------------------------------------------------------------ evaluation
def test_oracle_scorer_defaults_to_r2_for_a_regressor():
    X, y, y_true = _problem()
    oracle = SimulatedOracle(X, y_true)
    reg = _reg(oracle).fit(X, y)
    assert make_oracle_scorer(oracle)(reg, X, y) == pytest.approx(
        r2_score(y_true, reg.predict(X)))


def test_learning_curve_and_compare_strategies_with_the_regressor():
    X, y, y_true = _problem(n_labeled=10)
    oracle = SimulatedOracle(X, y_true)
    reg = _reg(oracle, budget=3)
    n_labels, scores = active_learning_curve(reg, X, y, cv=2,
                                             scoring=make_oracle_scorer(oracle))
    assert scores.shape == (4, 2) and np.isfinite(scores).all()
    res = compare_strategies(reg, X, y, ["igs"], cv=2, random_state=0,
                             scoring=make_oracle_scorer(oracle))
    assert res["strategy"].tolist() == ["igs", "random"] and res["score_name"] == "R²"


def test_display_labels_r2():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from skactive.plotting import ActiveLearningCurveDisplay

    X, y, y_true = _problem(n_labeled=10)
    oracle = SimulatedOracle(X, y_true)
    display = ActiveLearningCurveDisplay.from_estimator(
        _reg(oracle, budget=2), X, y, cv=2, scoring=make_oracle_scorer(oracle))
    assert display.ax_.get_ylabel() == "R²"


# ------------------------------------------------------------------ stopping
def test_stabilizing_regression_stops_when_predictions_stop_changing():
    X, _, y_true = _problem()
    X_lin = X[:, :2]
    y_lin = X_lin @ [1.0, 2.0]  # noise-free and linear: a few labels fix the model
    crit = StabilizingRegression(window=2, threshold=1e-6)
    reg = ActiveLearningRegressor(LinearRegression(), oracle=SimulatedOracle(X_lin, y_lin),
                                  query_strategy="igs", budget=20, stopping_criterion=crit,
                                  random_state=0).fit(X_lin, np.full(N, np.nan))
    assert reg.termination_condition_ == "stopping_criterion"
    assert reg.n_queries_ < 20 and "stabilizing regression" in reg.history_[-1]["stop_reason"]
    assert max(reg.stopping_criterion_.changes_[-2:]) <= 1e-6


def test_stabilizing_regression_keeps_going_while_predictions_move():
    crit = StabilizingRegression(window=1, threshold=0.01)
    X, pool = np.arange(10.0).reshape(-1, 1), np.ones(10, dtype=bool)
    first = LinearRegression().fit(X[:2], [0.0, 1.0])
    second = LinearRegression().fit(X[:2], [0.0, 3.0])
    assert not crit.should_stop(first, X, candidates=pool, history=[])
    assert not crit.should_stop(second, X, candidates=pool, history=[])
    assert crit.changes_[0] == pytest.approx(np.mean(np.abs(2 * X.ravel())) / (3 * X.std()))


# ------------------------------------------------------------------ loop invariants
@st.composite
def regression_problems(draw):
    n = draw(st.integers(5, 30))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, 2))
    y_true = X @ [1.0, -1.0] + rng.normal(scale=0.1, size=n)
    labeled = rng.random_sample(n) < draw(st.sampled_from([0.0, 0.2, 0.5]))
    params = {"budget": draw(st.integers(0, 10)), "batch_size": draw(st.integers(1, 4)),
              "query_strategy": draw(st.sampled_from(["random", "std", "gsx", "igs", "emcm"])),
              "random_state": draw(st.integers(0, 100))}
    return X, y_true, np.where(labeled, y_true, np.nan), params


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regression_problems())
def test_loop_invariants_for_regression(problem):
    X, y_true, y, params = problem
    reg = ActiveLearningRegressor(BayesianRidge(), oracle=SimulatedOracle(X, y_true), **params)
    try:
        reg.fit(X, y)
    except ValueError as exc:
        assert "two labeled rows" in str(exc)
    n_missing = int(np.isnan(y).sum())
    assert reg.n_queries_ == min(params["budget"], n_missing)
    asked = np.concatenate([h["query_indices"] for h in reg.history_])
    assert len(set(asked.tolist())) == asked.shape[0] and np.isnan(y[asked]).all()
    np.testing.assert_array_equal(reg.y_labeled_[asked], y_true[asked])
    assert ((reg.labeled_iter_ > 0) == np.isin(np.arange(len(y)), asked)).all()


def test_compare_strategies_defaults_to_the_learners_own_strategy():
    # A regressor compared with no strategies given runs its own query_strategy (a
    # classifier name such as "margin" would fail on a regressor).
    X, y, y_true = _problem(n_labeled=10)
    oracle = SimulatedOracle(X, y_true)
    res = compare_strategies(_reg(oracle, budget=3).set_params(query_strategy="std"), X, y,
                             cv=2, random_state=0, scoring=make_oracle_scorer(oracle))
    assert res["strategy"].tolist() == ["std", "random"]
