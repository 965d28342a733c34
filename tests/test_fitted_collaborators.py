"""Fitted collaborators and round models: the user's objects are never mutated."""

import copy
import pickle

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier

from skactive import ActiveLearningClassifier
from skactive.model_selection import active_learning_curve
from skactive.stopping import StabilizingPredictions
from skactive.strategies import StrategyBandit, UncertaintySampling


def _state(obj):
    return {k: copy.deepcopy(v) for k, v in vars(obj).items()}


def _equal_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert repr(a[key]) == repr(b[key]), key


def test_collaborators_are_clones_and_the_users_objects_stay_untouched(binary_problem):
    p = binary_problem
    strategy = StrategyBandit(random_state=0)
    cold = "random"
    criterion = StabilizingPredictions(stop_set_size=50, window=10, threshold=0.99)
    before = (_state(strategy), _state(criterion))
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=strategy, budget=6,
                                   batch_size=2, cold_start_strategy=cold,
                                   stopping_criterion=criterion, random_state=0)
    clf.fit(p.X, p.y)
    _equal_state(before[0], _state(strategy))
    _equal_state(before[1], _state(criterion))
    assert clf.query_strategy_ is not strategy
    assert isinstance(clf.query_strategy_, StrategyBandit)
    assert clf.stopping_criterion_ is not criterion
    assert clf.cold_start_strategy_.get_params() == {"random_state": None}


def test_each_fit_gets_fresh_collaborators(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy="auto", budget=4,
                                   random_state=0).fit(p.X, p.y)
    first = clf.query_strategy_
    clf.fit(p.X, p.y)
    assert clf.query_strategy_ is not first


def test_query_uses_the_fitted_strategy(binary_problem, monkeypatch):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy="margin", budget=2,
                                   random_state=0).fit(p.X, p.y)
    calls = []
    original = type(clf.query_strategy_).select

    def spy(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(clf.query_strategy_), "select", spy)
    clf.query(p.X, 3)
    assert calls == [clf.query_strategy_]


def test_estimators_has_one_model_per_round(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=6, batch_size=2,
                                   random_state=0).fit(p.X, p.y)
    assert len(clf.estimators_) == len(clf.history_) == 4
    assert clf.estimators_[-1] is clf.estimator_
    assert len({id(m) for m in clf.estimators_}) == 4


def test_estimators_are_none_before_two_classes(binary_problem):
    p = binary_problem
    y = np.full_like(p.y, -1)
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=10, random_state=0).fit(p.X, y)
    assert clf.estimators_[0] is None
    models = [m is None for m in clf.estimators_]
    assert models == sorted(models, reverse=True)  # None only before the first model


def test_keep_round_models_false_keeps_only_the_final_model(binary_problem):
    p = binary_problem
    forest = RandomForestClassifier(n_estimators=20, random_state=0)
    kept = ActiveLearningClassifier(forest, oracle=p.oracle, budget=20, random_state=0)
    lean = ActiveLearningClassifier(forest, oracle=p.oracle, budget=20, random_state=0,
                                    keep_round_models=False)
    kept.fit(p.X, p.y)
    lean.fit(p.X, p.y)
    assert not hasattr(lean, "estimators_")
    np.testing.assert_array_equal(kept.predict(p.X), lean.predict(p.X))
    lean_size = len(pickle.dumps(lean.set_params(oracle=None)))
    final_size = len(pickle.dumps(lean.estimator_))
    assert lean_size < 1.5 * final_size + 20_000
    assert len(pickle.dumps(kept.set_params(oracle=None))) > 5 * lean_size
    for method in ("staged_predict", "staged_predict_proba"):
        with pytest.raises(AttributeError, match="keep_round_models"):
            next(getattr(lean, method)(p.X))
    with pytest.raises(AttributeError, match="keep_round_models"):
        next(lean.staged_score(p.X, p.y_true))


def test_learning_curve_works_whatever_keep_round_models(binary_problem):
    p = binary_problem
    est = ActiveLearningClassifier(oracle=p.oracle, budget=4, random_state=0)
    n_a, s_a = active_learning_curve(est, p.X, p.y_true.copy(), cv=2)
    n_b, s_b = active_learning_curve(est.set_params(keep_round_models=False), p.X,
                                     p.y_true.copy(), cv=2)
    np.testing.assert_array_equal(n_a, n_b)
    np.testing.assert_array_equal(s_a, s_b)


def test_keep_round_models_must_be_a_bool(binary_problem):
    p = binary_problem
    with pytest.raises(ValueError, match="keep_round_models"):
        ActiveLearningClassifier(oracle=p.oracle, keep_round_models=1).fit(p.X, p.y)


def test_uncertainty_instance_is_not_the_fitted_one(binary_problem):
    p = binary_problem
    strategy = UncertaintySampling(measure="entropy")
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=strategy, budget=2,
                                   random_state=0).fit(p.X, p.y)
    assert clf.query_strategy_ is not strategy
    assert clf.query_strategy_.get_params() == strategy.get_params()
    assert clf.history_[1]["strategy"] == "entropy"
