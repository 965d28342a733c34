"""Bad input and failures: clear ValueErrors, and no answer lost when the oracle fails."""

import re

import numpy as np
import pytest
from conftest import RecordingOracle

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle

ORACLES = ["none", "simulated"]


def _oracle(kind, p):
    return None if kind == "none" else p.oracle


# --------------------------------------------------------------------------- data
def test_empty_X_raises(binary_problem):
    clf = ActiveLearningClassifier(oracle=binary_problem.oracle)
    with pytest.raises(ValueError, match="0 sample"):
        clf.fit(np.empty((0, 5)), np.empty(0, dtype=int))


def test_X_y_length_mismatch_raises(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples.*120.*119"):
        clf.fit(p.X, p.y[:-1])
    with pytest.raises(ValueError, match="inconsistent"):
        clf.fit(p.X[:10], p.y)


def test_y_none_raises(binary_problem):
    with pytest.raises(ValueError, match="requires y"):
        ActiveLearningClassifier().fit(binary_problem.X, None)


# --------------------------------------------------------------------------- parameters
@pytest.mark.parametrize("oracle", ORACLES)
@pytest.mark.parametrize("budget", [-1, -10, 2.5, "10", True, None])
def test_bad_budget(binary_problem, oracle, budget):
    clf = ActiveLearningClassifier(oracle=_oracle(oracle, binary_problem), budget=budget)
    with pytest.raises(ValueError, match=rf"'budget'.*{re.escape(repr(budget))}"):
        clf.fit(binary_problem.X, binary_problem.y)


@pytest.mark.parametrize("oracle", ORACLES)
@pytest.mark.parametrize("batch_size", [0, -3, 1.0, "2", False])
def test_bad_batch_size(binary_problem, oracle, batch_size):
    clf = ActiveLearningClassifier(oracle=_oracle(oracle, binary_problem),
                                   batch_size=batch_size)
    with pytest.raises(ValueError, match=rf"'batch_size'.*{re.escape(repr(batch_size))}"):
        clf.fit(binary_problem.X, binary_problem.y)


@pytest.mark.parametrize("oracle", ORACLES)
def test_unknown_strategy_name(binary_problem, oracle):
    clf = ActiveLearningClassifier(oracle=_oracle(oracle, binary_problem),
                                   query_strategy="most_confused")
    with pytest.raises(ValueError, match=r"'query_strategy'.*'most_confused'") as info:
        clf.fit(binary_problem.X, binary_problem.y)
    assert "margin" in str(info.value)  # the allowed names are listed


@pytest.mark.parametrize("oracle", ORACLES)
@pytest.mark.parametrize(
    "params, name",
    [
        ({"query_strategy": 42}, "query_strategy"),
        ({"cold_start_strategy": "margin"}, "cold_start_strategy"),
        ({"cold_start_strategy": "nope"}, "cold_start_strategy"),
        ({"missing_label": [-1]}, "missing_label"),
        ({"verbose": -1}, "verbose"),
        ({"estimator": "not an estimator"}, "estimator"),
    ],
)
def test_other_bad_params_name_parameter_and_value(binary_problem, oracle, params, name):
    clf = ActiveLearningClassifier(oracle=_oracle(oracle, binary_problem), **params)
    value = repr(params[name])
    with pytest.raises(ValueError, match=rf"'{name}'.*{re.escape(value)}"):
        clf.fit(binary_problem.X, binary_problem.y)


def test_non_callable_oracle(binary_problem):
    clf = ActiveLearningClassifier(oracle="ask bob")
    with pytest.raises(ValueError, match=r"'oracle'.*'ask bob'"):
        clf.fit(binary_problem.X, binary_problem.y)


# --------------------------------------------------------------------------- oracle answers
def _answering(func):
    def oracle(X_query):
        return func(X_query.shape[0])

    return oracle


@pytest.mark.parametrize(
    "answer",
    [
        lambda n: np.zeros(n + 1, dtype=int),
        lambda n: np.zeros(n - 1, dtype=int),
        lambda n: [],
        lambda n: np.zeros((n, 2), dtype=int),
    ],
    ids=["too_many", "too_few", "empty", "2d"],
)
def test_oracle_answer_of_wrong_length(binary_problem, answer):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=_answering(answer), budget=6, batch_size=3)
    with pytest.raises(ValueError, match="oracle"):
        clf.fit(p.X, p.y)


@pytest.mark.parametrize(
    "answer",
    [
        lambda n: np.full(n, np.nan),
        lambda n: [1] * (n - 1) + [None],
        lambda n: [None] * n,
        lambda n: [0] * (n - 1) + [float("nan")],
    ],
    ids=["nan_array", "one_none", "all_none", "one_nan_in_list"],
)
@pytest.mark.parametrize("y_dtype", [int, float])
def test_oracle_answer_nan_or_none_with_numeric_labels(binary_problem, answer, y_dtype):
    p = binary_problem
    y = p.y.astype(y_dtype)
    clf = ActiveLearningClassifier(oracle=_answering(answer), budget=6, batch_size=3)
    with pytest.raises(ValueError, match=r"(?i)oracle answered (nan|none)"):
        clf.fit(p.X, y)
    # Only the valid answers before the bad one are kept (a partial round); the bad
    # answer labels nothing.
    kept = clf.labeled_iter_ > 0
    assert len(clf.history_) == 1 + bool(kept.any())
    np.testing.assert_array_equal(clf.y_labeled_[~kept], y[~kept])
    valid = answer(3)[:-1] if kept.any() else []
    assert sorted(clf.y_labeled_[kept].tolist()) == sorted(valid)


def test_oracle_answers_as_list_or_ndarray(binary_problem):
    p = binary_problem

    def as_list(X_query):
        return p.oracle(X_query).tolist()

    a = ActiveLearningClassifier(oracle=as_list, budget=6, batch_size=3,
                                 random_state=0).fit(p.X, p.y)
    b = ActiveLearningClassifier(oracle=p.oracle, budget=6, batch_size=3,
                                 random_state=0).fit(p.X, p.y)
    np.testing.assert_array_equal(a.y_labeled_, b.y_labeled_)
    np.testing.assert_array_equal(a.labeled_iter_, b.labeled_iter_)


# --------------------------------------------------------------------------- fewer than 2 classes
def test_single_class_at_the_end_raises_after_recording(binary_problem):
    p = binary_problem
    y = np.full_like(p.y, -1)

    def always_zero(X_query):
        return np.zeros(X_query.shape[0], dtype=int)

    clf = ActiveLearningClassifier(oracle=always_zero, budget=5, batch_size=2, random_state=0)
    with pytest.raises(ValueError, match="two classes"):
        clf.fit(p.X, y)
    assert len(clf.history_) == 4  # round 0 + 3 rounds
    assert clf.n_queries_ == 5
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert len(asked) == 5
    assert (clf.y_labeled_[asked] == 0).all()
    assert (np.delete(clf.y_labeled_, asked) == -1).all()
    np.testing.assert_array_equal(np.flatnonzero(clf.labeled_iter_ > 0), np.sort(asked))
    assert not hasattr(clf, "estimator_")
    assert "cold start" in clf.history_[-1]["strategy"]


@pytest.mark.parametrize("labels", ["none", "one_class"])
def test_single_class_without_oracle_raises(binary_problem, labels):
    p = binary_problem
    y = np.full_like(p.y, -1)
    if labels == "one_class":
        y[p.labeled[p.y[p.labeled] == 1]] = 1
    clf = ActiveLearningClassifier()
    with pytest.raises(ValueError, match="two classes"):
        clf.fit(p.X, y)
    assert len(clf.history_) == 1
    np.testing.assert_array_equal(clf.y_labeled_, y)


def test_failed_refit_clears_previous_fit(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier().fit(p.X, p.y)
    with pytest.raises(ValueError, match="two classes"):
        clf.fit(p.X, np.full_like(p.y, -1))
    assert not hasattr(clf, "estimator_")
    assert not hasattr(clf, "classes_")


# --------------------------------------------------------------------------- oracle raises
class FailOnCall:
    """Answers truthfully, but raises RuntimeError on call number ``fail_on``."""

    def __init__(self, oracle, fail_on):
        self.oracle, self.fail_on = oracle, fail_on
        self.calls = 0

    def __call__(self, X_query):
        self.calls += 1
        if self.calls == self.fail_on:
            raise RuntimeError("annotation server down")
        return self.oracle(X_query)


def test_oracle_error_propagates_and_keeps_answers(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=FailOnCall(p.oracle, fail_on=3), budget=15,
                                   batch_size=2, random_state=0)
    with pytest.raises(RuntimeError, match="annotation server down"):
        clf.fit(p.X, p.y)
    assert len(clf.history_) == 3  # round 0 + the 2 completed rounds
    assert [h["round"] for h in clf.history_] == [0, 1, 2]
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert len(asked) == 4
    np.testing.assert_array_equal(clf.y_labeled_[asked], p.y_true[asked])
    expected_iter = np.where(p.y == -1, -1, 0)
    for h in clf.history_[1:]:
        expected_iter[h["query_indices"]] = h["round"]
    np.testing.assert_array_equal(clf.labeled_iter_, expected_iter)
    unasked = np.setdiff1d(p.unlabeled, asked)
    assert (clf.y_labeled_[unasked] == -1).all()
    assert not hasattr(clf, "estimator_")

    # Resume: answered rows are labeled now, so they are never asked again.
    y_resume = clf.y_labeled_.copy()
    oracle = RecordingOracle(p.oracle)
    resumed = ActiveLearningClassifier(oracle=oracle, budget=6, batch_size=2,
                                       random_state=0).fit(p.X, y_resume)
    assert resumed.history_[0]["n_labeled"] == len(p.labeled) + 4
    again = np.concatenate([h["query_indices"] for h in resumed.history_[1:]])
    assert len(again) == 6
    assert not set(again.tolist()) & set(asked.tolist())
    assert not set(again.tolist()) & set(p.labeled.tolist())
    asked_rows = {tuple(r) for r in p.X[asked]}
    assert not any(tuple(r) in asked_rows for q in oracle.queries for r in q)


def test_oracle_error_in_first_round(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=FailOnCall(p.oracle, fail_on=1), budget=5)
    with pytest.raises(RuntimeError):
        clf.fit(p.X, p.y)
    assert len(clf.history_) == 1
    np.testing.assert_array_equal(clf.y_labeled_, p.y)
    np.testing.assert_array_equal(clf.labeled_iter_, np.where(p.y == -1, -1, 0))


def test_simulated_oracle_unknown_row_propagates_from_fit(binary_problem):
    p = binary_problem
    oracle = SimulatedOracle(p.X[:60], p.y_true[:60])  # knows only half the rows
    clf = ActiveLearningClassifier(oracle=oracle, budget=120, batch_size=10,
                                   query_strategy="random", random_state=0)
    with pytest.raises(KeyError, match="SimulatedOracle has no label"):
        clf.fit(p.X, p.y)
    # Every answer before the failing batch is kept.
    answered = clf.labeled_iter_ > 0
    assert answered.sum() == 10 * (len(clf.history_) - 1)
    assert (np.flatnonzero(answered) < 60).all()
