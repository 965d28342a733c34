"""Invariants of the active-learning loop over random small problems (hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from skactive import ActiveLearningClassifier


class PositionOracle:
    """Knows the truth; finds each queried row's position in ``X`` by its content, so it
    records exactly which rows it was asked about. Skips the rows in ``skip``."""

    def __init__(self, X, y_true, skip):
        self.position = {row.tobytes(): i for i, row in enumerate(X)}
        self.y_true = y_true
        self.skip = skip
        self.asked = []
        self.answers = {}

    def __call__(self, X_query):
        positions = np.array([self.position[row.tobytes()] for row in X_query], dtype=int)
        answers = np.where(self.skip[positions], -1, self.y_true[positions])
        self.asked.append(positions)
        self.answers.update(zip(positions.tolist(), answers.tolist(), strict=True))
        return answers


@st.composite
def problems(draw):
    n_samples = draw(st.integers(10, 60))
    n_classes = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    y_true = rng.permutation(np.arange(n_samples) % n_classes)
    centers = rng.normal(scale=2.0, size=(n_classes, 3))
    X = centers[y_true] + rng.normal(size=(n_samples, 3))  # rows distinct almost surely
    labeled_fraction = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
    labeled = rng.random_sample(n_samples) < labeled_fraction
    y = np.where(labeled, y_true, -1)
    skip_fraction = draw(st.sampled_from([0.0, 0.0, 0.3]))
    skip = rng.random_sample(n_samples) < skip_fraction
    params = {
        "budget": draw(st.integers(0, 30)),
        "batch_size": draw(st.integers(1, 7)),
        "query_strategy": draw(st.sampled_from(["random", "least_confident", "margin",
                                                "entropy"])),
        "random_state": draw(st.integers(0, 1000)),
    }
    estimator = draw(st.sampled_from(["lr", "nb"]))
    return X, y_true, y, skip, params, estimator


def _fit(X, y, y_true, skip, params, estimator):
    """Fit; a problem that ends with fewer than two classes must raise the documented
    ValueError (after recording everything), which the invariants still cover."""
    est = LogisticRegression(max_iter=200) if estimator == "lr" else GaussianNB()
    oracle = PositionOracle(X, y_true, skip)
    clf = ActiveLearningClassifier(est, oracle=oracle, **params)
    try:
        clf.fit(X, y)
        fitted = True
    except ValueError as exc:
        assert "two classes" in str(exc)
        fitted = False
    return clf, oracle, fitted


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_loop_invariants(problem):
    X, y_true, y, skip, params, estimator = problem
    y_before = y.copy()
    clf, oracle, fitted = _fit(X, y, y_true, skip, params, estimator)
    initially_missing = y == -1
    np.testing.assert_array_equal(y, y_before)  # the caller's y is untouched

    # Budget: every round sends min(batch, budget left, pool left) rows; skips included.
    assert clf.n_queries_ == min(params["budget"], int(initially_missing.sum()))
    sizes = [len(h["query_indices"]) for h in clf.history_[1:]]
    assert sum(sizes) == clf.n_queries_
    assert all(0 < s <= params["batch_size"] for s in sizes)
    assert clf.n_iter_ == len(clf.history_) - 1 == len(oracle.asked)
    assert [h["round"] for h in clf.history_] == list(range(len(clf.history_)))

    # Rows asked: each at most once, only initially unlabeled rows, recorded in order.
    asked = np.concatenate([np.empty(0, int), *oracle.asked])
    assert len(np.unique(asked)) == len(asked) == clf.n_queries_
    assert initially_missing[asked].all()
    for h, positions in zip(clf.history_[1:], oracle.asked, strict=True):
        np.testing.assert_array_equal(h["query_indices"], positions)
        np.testing.assert_array_equal(h["query_labels"], [oracle.answers[i] for i in positions])
        assert h["n_skipped"] == skip[positions].sum()

    # labeled_iter_ agrees with history_; the labeled set only grows.
    expected_iter = np.where(initially_missing, -1, 0)
    for h in clf.history_[1:]:
        idx = h["query_indices"]
        expected_iter[idx[~skip[idx]]] = h["round"]
    np.testing.assert_array_equal(clf.labeled_iter_, expected_iter)
    n_labeled = [h["n_labeled"] for h in clf.history_]
    assert n_labeled == [
        int(((clf.labeled_iter_ >= 0) & (clf.labeled_iter_ <= k)).sum())
        for k in range(len(clf.history_))
    ]
    assert all(a <= b for a, b in zip(n_labeled, n_labeled[1:], strict=False))

    # y_labeled_: the oracle's answers on asked rows, y elsewhere.
    expected_y = y.copy()
    expected_y[asked] = [oracle.answers[i] for i in asked]
    np.testing.assert_array_equal(clf.y_labeled_, expected_y)

    if fitted:
        assert len(clf.classes_) >= 2
        assert set(clf.classes_.tolist()) == set(clf.y_labeled_[clf.y_labeled_ != -1].tolist())
        assert len(list(clf.staged_predict(X))) == len(clf.history_)
        if skip[asked].sum() == 0 and clf.termination_condition_ == "pool_exhausted":
            assert (clf.labeled_iter_ >= 0).all()
    else:
        assert len(set(clf.y_labeled_[clf.y_labeled_ != -1].tolist())) < 2
    pool = int(initially_missing.sum())
    if params["budget"] < pool:
        assert clf.termination_condition_ == "budget_exhausted"
    elif params["budget"] > pool:
        assert clf.termination_condition_ == "pool_exhausted"
    else:
        assert clf.termination_condition_ in ("budget_exhausted", "pool_exhausted")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_same_random_state_same_queries(problem):
    X, y_true, y, skip, params, estimator = problem
    first, _, fitted_first = _fit(X, y, y_true, skip, params, estimator)
    second, _, fitted_second = _fit(X, y, y_true, skip, params, estimator)
    assert fitted_first == fitted_second
    assert len(first.history_) == len(second.history_)
    for a, b in zip(first.history_, second.history_, strict=True):
        np.testing.assert_array_equal(a["query_indices"], b["query_indices"])
    np.testing.assert_array_equal(first.y_labeled_, second.y_labeled_)
    if fitted_first:
        # A clone of the fitted model, refitted, repeats the queries as well.
        again = clone(first).fit(X, y)
        for a, b in zip(first.history_, again.history_, strict=True):
            np.testing.assert_array_equal(a["query_indices"], b["query_indices"])


@pytest.mark.parametrize("n_skip", [0, 5])
@pytest.mark.parametrize("budget", [35, 36, 37, 100])
def test_spends_min_of_budget_and_pool(n_skip, budget):
    # A deterministic companion to the property test: exact counts at the boundary.
    rng = np.random.RandomState(0)
    y_true = np.arange(40) % 2
    X = np.column_stack([y_true + rng.normal(scale=0.5, size=40), rng.normal(size=40)])
    y = np.full(40, -1)
    y[:4] = y_true[:4]
    skip = np.zeros(40, dtype=bool)
    skip[4 : 4 + n_skip] = True
    clf, oracle, fitted = _fit(X, y, y_true, skip,
                               {"budget": budget, "batch_size": 4, "random_state": 0}, "lr")
    assert fitted
    assert clf.n_queries_ == min(budget, 36)
    assert clf.n_iter_ == -(-min(budget, 36) // 4)
    assert (clf.labeled_iter_ == -1).sum() == n_skip + 36 - min(budget, 36)
    if budget > 36:
        assert clf.termination_condition_ == "pool_exhausted"
    elif budget < 36:
        assert clf.termination_condition_ == "budget_exhausted"
