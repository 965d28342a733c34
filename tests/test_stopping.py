"""Stopping criteria: when each must stop, when it must not, and the loop's record of it."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.dummy import DummyClassifier
from sklearn.metrics import cohen_kappa_score

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.stopping import (
    ConfidenceThreshold,
    MaxUncertainty,
    OverallUncertainty,
    StabilizingPredictions,
    cohen_kappa,
)


class TableModel(ClassifierMixin, BaseEstimator):
    """``predict_proba`` of row x is ``table[int(x[0])]``."""

    def __init__(self, table=None):
        self.table = table

    def fit(self, X=None, y=None):
        self.classes_ = np.arange(np.shape(self.table)[1])
        return self

    def predict_proba(self, X):
        X = X.toarray() if sp.issparse(X) else np.asarray(X)
        return np.asarray(self.table, dtype=float)[X[:, 0].astype(int)]

    def predict(self, X):
        return self.predict_proba(X).argmax(axis=1)


def _table_pool(rows):
    """A pool of one row per table row: X[i, 0] = i."""
    model = TableModel(rows).fit()
    return np.arange(len(rows), dtype=float)[:, None], model


def _entropy(p):
    p = np.asarray(p, dtype=float)
    return float(-(p[p > 0] * np.log(p[p > 0])).sum())


def _stop(criterion, model, X, candidates=None):
    return criterion.should_stop(model, X, candidates=candidates, history=[])


# ---------------------------------------------------------------- StabilizingPredictions
def test_cohen_kappa_matches_scikit_learn():
    rng = np.random.RandomState(0)
    for _ in range(5):
        a, b = rng.randint(0, 3, 50), rng.randint(0, 3, 50)
        assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert cohen_kappa(["x"] * 4, ["x"] * 4) == 1.0  # sklearn's 0/0 case


def test_stabilizing_predictions_stops_once_the_last_window_agrees():
    X = np.arange(20, dtype=float)[:, None]
    same = TableModel([[1, 0]] * 10 + [[0, 1]] * 10).fit()
    crit = StabilizingPredictions(window=2, threshold=0.99)
    answers = [_stop(crit, same, X) for _ in range(3)]
    assert answers[:2] == [False, False]
    assert answers[2].startswith("stabilizing predictions: mean Cohen's kappa 1.0000")
    assert crit.kappas_ == [1.0, 1.0]


def test_stabilizing_predictions_does_not_stop_while_models_keep_changing():
    X = np.arange(20, dtype=float)[:, None]
    a = TableModel([[1, 0]] * 10 + [[0, 1]] * 10).fit()
    b = TableModel([[1, 0]] * 5 + [[0, 1]] * 15).fit()  # disagrees with a on 5 rows
    crit = StabilizingPredictions(window=2, threshold=0.9)
    answers = [_stop(crit, model, X) for model in (a, b, a, b, a, b)]
    assert not any(answers)
    assert crit.kappas_ == pytest.approx([0.5] * 5)
    # A model that stops changing is caught once `window` comparisons agree.
    assert not _stop(crit, b, X) and _stop(crit, b, X)


def test_the_stop_set_is_drawn_once_from_the_pool():
    X = np.arange(20, dtype=float)[:, None]
    model = TableModel([[1, 0]] * 20).fit()
    pool = np.arange(20) >= 4
    crit = StabilizingPredictions(stop_set_size=4)
    _stop(crit, model, X, pool)
    np.testing.assert_array_equal(crit.stop_set_, [4, 9, 14, 19])  # evenly spaced
    _stop(crit, model, X, np.arange(20) >= 15)
    np.testing.assert_array_equal(crit.stop_set_, [4, 9, 14, 19])  # fixed
    seeded = StabilizingPredictions(stop_set_size=4, random_state=0)
    _stop(seeded, model, X, pool)
    assert seeded.stop_set_.shape == (4,) and pool[seeded.stop_set_].all()
    assert clone(crit).get_params() == crit.get_params() and not hasattr(clone(crit), "kappas_")


# ---------------------------------------------------------------- uncertainty criteria
def test_max_uncertainty_stops_only_when_every_pool_row_is_nearly_certain():
    X, model = _table_pool([[0.99, 0.01], [0.6, 0.4], [1.0, 0.0]])
    worst = _entropy([0.6, 0.4])
    assert _stop(MaxUncertainty(threshold=worst - 1e-6), model, X) is False
    assert _stop(MaxUncertainty(threshold=worst + 1e-6), model, X).startswith(
        "max uncertainty (entropy) in the pool"
    )
    # Row 1 is no longer in the pool: the most uncertain row left is row 0.
    pool = np.array([True, False, True])
    reason = _stop(MaxUncertainty(threshold=0.1), model, X, pool)
    assert reason and f"{_entropy([0.99, 0.01]):.4f}" in reason
    assert _stop(MaxUncertainty(0.15, measure="least_confident"), model, X, pool)
    assert not _stop(MaxUncertainty(0.39, measure="least_confident"), model, X)


def test_overall_uncertainty_averages_over_the_pool_and_subsamples_evenly():
    rows = [[0.5, 0.5], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.9, 0.1]]
    X, model = _table_pool(rows)
    mean = np.mean([_entropy(r) for r in rows])
    assert _stop(OverallUncertainty(threshold=mean - 1e-6), model, X) is False
    reason = _stop(OverallUncertainty(threshold=mean + 1e-6), model, X)
    assert reason.startswith("overall uncertainty (entropy) of the pool")
    # max_rows=2 takes the first and the last pool rows: entropies ln 2 and H(0.9).
    two = (np.log(2) + _entropy([0.9, 0.1])) / 2
    assert not _stop(OverallUncertainty(threshold=two - 1e-6, max_rows=2), model, X)
    assert _stop(OverallUncertainty(threshold=two + 1e-6, max_rows=2), model, X)
    assert not _stop(OverallUncertainty(threshold=10.0), model, X, np.zeros(5, bool))


def test_confidence_threshold_uses_the_mean_max_probability_of_the_pool():
    rows = [[0.5, 0.5], [1.0, 0.0], [0.0, 1.0], [0.8, 0.2]]
    X, model = _table_pool(rows)
    assert not _stop(ConfidenceThreshold(0.83), model, X)  # mean is 0.825
    reason = _stop(ConfidenceThreshold(0.82), model, X)
    assert reason == "mean confidence on the pool 0.8250 >= 0.82"
    assert _stop(ConfidenceThreshold(0.99), model, X, np.array([0, 1, 1, 0], bool))
    # A seeded subsample of 2 rows: the mean of some pair, which varies with the seed.
    top = np.max(rows, axis=1)
    pair_means = {f"{(top[i] + top[j]) / 2:.4f}" for i in range(4) for j in range(i + 1, 4)}
    seen = {
        _stop(ConfidenceThreshold(0.0, max_rows=2, random_state=seed), model, X).split()[5]
        for seed in range(10)
    }
    assert seen <= pair_means and len(seen) > 1


@pytest.mark.parametrize(
    "criterion, match",
    [
        (StabilizingPredictions(window=0), "window"),
        (StabilizingPredictions(threshold=1.5), "threshold"),
        (MaxUncertainty(measure="gini"), "measure"),
        (OverallUncertainty(threshold=-1), "threshold"),
        (ConfidenceThreshold(max_rows=0), "max_rows"),
    ],
)
def test_invalid_parameters_are_named(criterion, match):
    X, model = _table_pool([[0.5, 0.5]])
    with pytest.raises(ValueError, match=match):
        _stop(criterion, model, X)


# ---------------------------------------------------------------- in the loop
def _fit(problem, criterion, budget=40):
    return ActiveLearningClassifier(
        oracle=SimulatedOracle(problem.X, problem.y_true), budget=budget, batch_size=2,
        stopping_criterion=criterion, random_state=0,
    ).fit(problem.X, problem.y)


@pytest.mark.parametrize(
    "criterion, prefix",
    [
        (StabilizingPredictions(window=2, threshold=0.95), "stabilizing predictions"),
        (MaxUncertainty(threshold=0.6), "max uncertainty"),
        (OverallUncertainty(threshold=0.4), "overall uncertainty"),
        (ConfidenceThreshold(threshold=0.85), "mean confidence"),
    ],
)
def test_the_loop_stops_and_records_the_reason(criterion, prefix, binary_problem):
    clf = _fit(binary_problem, criterion)
    assert clf.termination_condition_ == "stopping_criterion"
    assert 0 < clf.n_queries_ < 40  # met after some rounds, not at once
    assert clf.history_[-1]["stop_reason"].startswith(prefix)
    assert all("stop_reason" not in h for h in clf.history_[:-1])


@pytest.mark.parametrize(
    "criterion",
    [
        StabilizingPredictions(window=3, threshold=1.0, stop_set_size=100),
        MaxUncertainty(threshold=0.0),
        OverallUncertainty(threshold=0.0),
        ConfidenceThreshold(threshold=1.0),
    ],
)
def test_the_loop_runs_on_when_the_criterion_is_not_met(criterion, binary_problem):
    clf = _fit(binary_problem, criterion, budget=6)
    assert clf.termination_condition_ == "budget_exhausted" and clf.n_queries_ == 6
    assert all("stop_reason" not in h for h in clf.history_)


def test_criteria_work_on_csr_input_and_decision_function_estimators(binary_problem):
    from sklearn.svm import LinearSVC

    X = sp.csr_matrix(binary_problem.X)
    for criterion in (ConfidenceThreshold(0.5), OverallUncertainty(0.7), MaxUncertainty(0.7)):
        clf = ActiveLearningClassifier(
            LinearSVC(), oracle=SimulatedOracle(X, binary_problem.y_true), budget=4,
            stopping_criterion=criterion, random_state=0,
        ).fit(X, binary_problem.y)
        assert clf.termination_condition_ == "stopping_criterion" and clf.n_queries_ == 0
    dummy = DummyClassifier(strategy="prior").fit(X[:4], [0, 0, 0, 1])
    assert _stop(ConfidenceThreshold(0.75), dummy, X) and not _stop(ConfidenceThreshold(0.76),
                                                                   dummy, X)
