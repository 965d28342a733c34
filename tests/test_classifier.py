"""ActiveLearningClassifier behaviour, one SPEC item per test."""

import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import RecordingOracle
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle, StopLabeling
from skactive.stopping import StoppingCriterion
from skactive.strategies import uncertainty_scores

HISTORY_KEYS = {
    "round", "n_labeled", "query_indices", "query_labels", "query_scores", "n_skipped",
    "strategy", "fit_time", "query_time", "oracle_time",
}


def _known_before(clf, k):
    """Classes labeled before round ``k`` started."""
    known = (clf.labeled_iter_ >= 0) & (clf.labeled_iter_ < k)
    return set(clf.y_labeled_[known].tolist())


# --------------------------------------------------------------------------- basics
def test_binary_and_multiclass_fit_predict(problem):
    clf = ActiveLearningClassifier(oracle=problem.oracle, budget=12, batch_size=3,
                                   random_state=0).fit(problem.X, problem.y)
    classes = np.unique(problem.y_true)
    np.testing.assert_array_equal(clf.classes_, classes)
    np.testing.assert_array_equal(clf.estimator_.classes_, classes)
    assert clf.n_features_in_ == problem.X.shape[1]
    pred = clf.predict(problem.X)
    assert pred.shape == (problem.X.shape[0],)
    np.testing.assert_array_equal(pred, clf.estimator_.predict(problem.X))
    proba = clf.predict_proba(problem.X)
    assert proba.shape == (problem.X.shape[0], classes.shape[0])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba, clf.estimator_.predict_proba(problem.X))
    # The well-separated problem is learned from 6-9 seeds plus 12 queries.
    assert clf.score(problem.X, problem.y_true) > 0.8


def test_default_estimator_is_logistic_regression_and_is_cloned(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=3, random_state=0).fit(p.X, p.y)
    assert isinstance(clf.estimator_, LogisticRegression)
    assert clf.estimator_.max_iter == 1000
    assert clf.estimator is None
    est = LogisticRegression(C=0.5)
    clf = ActiveLearningClassifier(est, oracle=p.oracle, budget=3).fit(p.X, p.y)
    assert clf.estimator_ is not est
    assert not hasattr(est, "coef_")  # the caller's estimator is never fitted
    assert clf.estimator_.C == 0.5


@pytest.mark.parametrize(
    "budget, batch_size, sizes",
    [(10, 3, [3, 3, 3, 1]), (9, 3, [3, 3, 3]), (7, 1, [1] * 7), (5, 10, [5]), (0, 4, [])],
)
def test_budget_and_batch_arithmetic(binary_problem, budget, batch_size, sizes):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=budget, batch_size=batch_size,
                                   random_state=0).fit(p.X, p.y)
    assert clf.n_queries_ == budget
    assert clf.n_iter_ == math.ceil(budget / batch_size) == len(sizes)
    assert len(clf.history_) == clf.n_iter_ + 1
    assert [len(h["query_indices"]) for h in clf.history_[1:]] == sizes
    assert p.oracle.n_answered_ == budget
    assert clf.termination_condition_ == "budget_exhausted"


def test_history_contents(multiclass_problem):
    p = multiclass_problem
    oracle = RecordingOracle(p.oracle)
    clf = ActiveLearningClassifier(oracle=oracle, budget=8, batch_size=3,
                                   random_state=0).fit(p.X, p.y)
    h0 = clf.history_[0]
    assert HISTORY_KEYS <= set(h0)
    assert h0["round"] == 0
    assert h0["n_labeled"] == len(p.labeled)
    assert len(h0["query_indices"]) == len(h0["query_labels"]) == len(h0["query_scores"]) == 0
    assert len(oracle.queries) == len(clf.history_) - 1
    n_labeled = len(p.labeled)
    for k, (h, query, answers) in enumerate(
        zip(clf.history_[1:], oracle.queries, oracle.answers, strict=True), start=1
    ):
        assert HISTORY_KEYS <= set(h)
        assert h["round"] == k
        idx = h["query_indices"]
        assert np.issubdtype(idx.dtype, np.integer)
        assert ((idx >= 0) & (idx < p.X.shape[0])).all()
        # Positions into X: the rows sent to the oracle are X[query_indices], in order.
        np.testing.assert_array_equal(query, p.X[idx])
        np.testing.assert_array_equal(h["query_labels"], answers)
        np.testing.assert_array_equal(h["query_labels"], p.y_true[idx])
        assert h["query_scores"].shape == idx.shape
        # Best first: the margin scores of a batch never increase.
        assert (np.diff(h["query_scores"]) <= 0).all()
        n_labeled += len(idx)
        assert h["n_labeled"] == n_labeled
        assert h["n_skipped"] == 0
        assert h["strategy"] == "margin"
        for key in ("fit_time", "query_time", "oracle_time"):
            assert h[key] >= 0.0


def test_labeled_iter_and_y_labeled(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=7, batch_size=2,
                                   random_state=0).fit(p.X, p.y)
    expected = np.full(p.X.shape[0], -1)
    expected[p.labeled] = 0
    for h in clf.history_[1:]:
        expected[h["query_indices"]] = h["round"]
    np.testing.assert_array_equal(clf.labeled_iter_, expected)
    assert set(np.unique(clf.labeled_iter_)) == {-1, 0, 1, 2, 3, 4}
    assert clf.labeled_iter_.dtype == np.int32  # 4 bytes per pool row on the driver
    known = clf.labeled_iter_ >= 0
    np.testing.assert_array_equal(clf.y_labeled_[known], p.y_true[known])
    assert (clf.y_labeled_[~known] == -1).all()
    assert clf.y_labeled_.dtype == p.y.dtype
    assert not np.shares_memory(clf.y_labeled_, p.y)


# --------------------------------------------------------------------------- termination
def test_pool_exhausted(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=500, batch_size=25,
                                   random_state=0).fit(p.X, p.y)
    assert clf.termination_condition_ == "pool_exhausted"
    assert clf.n_queries_ == len(p.unlabeled)
    assert (clf.labeled_iter_ >= 0).all()
    np.testing.assert_array_equal(clf.y_labeled_, p.y_true)
    assert clf.history_[-1]["n_labeled"] == p.X.shape[0]


def test_no_oracle_trains_on_labeled_rows_only(multiclass_problem):
    p = multiclass_problem
    clf = ActiveLearningClassifier(budget=10, batch_size=2).fit(p.X, p.y)
    assert clf.termination_condition_ == "no_oracle"
    assert clf.n_queries_ == clf.n_iter_ == 0
    assert len(clf.history_) == 1
    np.testing.assert_array_equal(clf.y_labeled_, p.y)
    np.testing.assert_array_equal(clf.labeled_iter_, np.where(p.y == -1, -1, 0))
    ref = LogisticRegression(max_iter=1000).fit(p.X[p.labeled], p.y[p.labeled])
    np.testing.assert_allclose(clf.predict_proba(p.X), ref.predict_proba(p.X))
    np.testing.assert_allclose(clf.estimator_.coef_, ref.coef_)


def test_stopping_criterion_callable(binary_problem):
    p = binary_problem
    n0 = len(p.labeled)
    calls = []

    def enough(estimator, X, candidates, history):
        calls.append((estimator, candidates.copy(), len(history)))
        return "enough labels" if history[-1]["n_labeled"] >= n0 + 5 else False

    clf = ActiveLearningClassifier(oracle=p.oracle, budget=20, batch_size=2,
                                   stopping_criterion=enough, random_state=0).fit(p.X, p.y)
    assert clf.termination_condition_ == "stopping_criterion"
    assert clf.n_queries_ == 6 and clf.n_iter_ == 3
    assert clf.history_[-1]["stop_reason"] == "enough labels"
    assert all("stop_reason" not in h for h in clf.history_[:-1])
    assert len(calls) == 4  # after round 0 and after each of the 3 rounds
    for k, (estimator, candidates, n_history) in enumerate(calls):
        assert hasattr(estimator, "classes_")  # a fitted model
        assert candidates.dtype == bool and candidates.shape == (p.X.shape[0],)
        assert candidates.sum() == len(p.unlabeled) - 2 * k
        assert n_history == k + 1


class StopAt(StoppingCriterion):
    def __init__(self, n_labeled=10):
        self.n_labeled = n_labeled

    def should_stop(self, estimator, X, *, candidates, history):
        return history[-1]["n_labeled"] >= self.n_labeled


def test_stopping_criterion_subclass_reason_is_class_name(binary_problem):
    p = binary_problem
    criterion = StopAt(len(p.labeled) + 3)
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=20, stopping_criterion=criterion,
                                   random_state=0).fit(p.X, p.y)
    assert clf.termination_condition_ == "stopping_criterion"
    assert clf.n_queries_ == 3
    assert clf.history_[-1]["stop_reason"] == "StopAt"


class QuitAfter:
    """Answers ``n_calls`` batches, then raises StopLabeling with ``partial`` answers."""

    def __init__(self, oracle, n_calls, partial=None):
        self.oracle, self.n_calls, self.partial = oracle, n_calls, partial
        self.calls = 0
        self.last_query = None

    def __call__(self, X_query):
        self.calls += 1
        self.last_query = X_query
        if self.calls > self.n_calls:
            labels = None if self.partial is None else list(self.oracle(X_query)[: self.partial])
            raise StopLabeling("annotator went home", labels=labels)
        return self.oracle(X_query)


@pytest.mark.parametrize("partial", [None, 0])
def test_stopped_by_oracle_without_labels(binary_problem, partial):
    p = binary_problem
    oracle = QuitAfter(p.oracle, n_calls=2, partial=partial)
    clf = ActiveLearningClassifier(oracle=oracle, budget=20, batch_size=3,
                                   random_state=0).fit(p.X, p.y)
    assert clf.termination_condition_ == "stopped_by_oracle"
    assert oracle.calls == 3
    assert clf.n_queries_ == 6 and clf.n_iter_ == 2
    assert len(clf.history_) == 3
    assert (clf.labeled_iter_ > 0).sum() == 6
    assert hasattr(clf.estimator_, "coef_")
    np.testing.assert_array_equal(clf.predict(p.X), clf.estimator_.predict(p.X))


def test_stopped_by_oracle_with_partial_labels(binary_problem):
    p = binary_problem
    oracle = QuitAfter(p.oracle, n_calls=2, partial=2)
    clf = ActiveLearningClassifier(oracle=oracle, budget=20, batch_size=3,
                                   random_state=0).fit(p.X, p.y)
    assert clf.termination_condition_ == "stopped_by_oracle"
    assert clf.n_queries_ == 8 and clf.n_iter_ == 3
    last = clf.history_[-1]
    assert last["round"] == 3
    assert len(last["query_indices"]) == len(last["query_labels"]) == 2
    np.testing.assert_array_equal(p.X[last["query_indices"]], oracle.last_query[:2])
    np.testing.assert_array_equal(last["query_labels"], p.y_true[last["query_indices"]])
    assert (clf.labeled_iter_[last["query_indices"]] == 3).all()
    assert (clf.labeled_iter_ > 0).sum() == 8
    # The unanswered third row of the interrupted batch stays unlabeled.
    third = np.flatnonzero((p.X == oracle.last_query[2]).all(axis=1))
    assert clf.labeled_iter_[third] == -1 and clf.y_labeled_[third] == -1


# --------------------------------------------------------------------------- missing_label
def _fit_with_labels(p, y_true, y, missing_label, **kwargs):
    params = dict(budget=10, batch_size=2, random_state=0)
    params.update(kwargs)
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(p.X, y_true),
                                   missing_label=missing_label, **params)
    return clf.fit(p.X, y)


def _check_filled(clf, y_true, y, is_missing):
    asked = clf.labeled_iter_ > 0
    assert asked.sum() == clf.n_queries_
    np.testing.assert_array_equal(clf.y_labeled_[asked], y_true[asked])
    never = clf.labeled_iter_ == -1
    assert all(is_missing(v) for v in clf.y_labeled_[never])
    assert (~never).sum() == (~np.array([is_missing(v) for v in y])).sum() + clf.n_queries_


def test_missing_label_none_with_object_y(binary_problem):
    p = binary_problem
    y_true = np.where(p.y_true == 0, "cat", "dog").astype(object)
    y = y_true.copy()
    y[p.unlabeled] = None
    clf = _fit_with_labels(p, y_true, y, None)
    assert clf.classes_.tolist() == ["cat", "dog"]
    assert clf.n_queries_ == 10
    _check_filled(clf, y_true, y, lambda v: v is None)
    assert set(clf.predict(p.X).tolist()) <= {"cat", "dog"}


def test_missing_label_nan_with_float_y(binary_problem):
    p = binary_problem
    y_true = p.y_true.astype(float)
    y = y_true.copy()
    y[p.unlabeled] = np.nan
    clf = _fit_with_labels(p, y_true, y, np.nan)
    assert clf.classes_.tolist() == [0.0, 1.0]
    assert clf.n_queries_ == 10
    assert np.isnan(clf.y_labeled_).sum() == len(p.unlabeled) - 10
    _check_filled(clf, y_true, y, np.isnan)
    # score() ignores NaN rows of y
    y_eval = y_true.copy()
    y_eval[::2] = np.nan
    expected = accuracy_score(y_true[1::2], clf.predict(p.X[1::2]))
    assert clf.score(p.X, y_eval) == pytest.approx(expected)


def test_missing_label_string_with_str_labels(multiclass_problem):
    p = multiclass_problem
    names = np.array(["a", "bb", "elephant"])
    y_true = names[p.y_true]
    # Only "a" and "bb" are labeled on entry: y has dtype <U2, answers are longer.
    y = np.full(p.X.shape[0], "?", dtype="<U2")
    seeds = p.labeled[p.y_true[p.labeled] < 2]
    y[seeds] = y_true[seeds]
    assert y.dtype == np.dtype("<U2")
    clf = _fit_with_labels(p, y_true, y, "?", budget=20, batch_size=4, query_strategy="random")
    asked = clf.labeled_iter_ > 0
    assert "elephant" in set(clf.y_labeled_[asked].tolist())  # the draw reached class 2
    assert clf.classes_.tolist() == ["a", "bb", "elephant"]
    _check_filled(clf, y_true, y, lambda v: v == "?")
    assert (y[p.unlabeled] == "?").all()  # caller's y untouched


@pytest.mark.parametrize("missing", [None, np.nan, "?"], ids=["none", "nan", "str"])
def test_skip_with_each_missing_label(binary_problem, missing):
    p = binary_problem
    if missing is None:
        y_true = np.where(p.y_true == 0, "cat", "dog").astype(object)
    elif isinstance(missing, str):
        y_true = np.where(p.y_true == 0, "cat", "dog")
    else:
        y_true = p.y_true.astype(float)
    y = y_true.copy()
    y[p.unlabeled] = missing
    truth = SimulatedOracle(p.X, y_true)

    def skip_every_other(X_query):
        answers = list(truth(X_query))
        answers[::2] = [missing] * len(answers[::2])  # skip rows 0, 2, ... of each batch
        return answers

    def is_missing(value):
        return value is None if missing is None else value == missing or value != value

    clf = ActiveLearningClassifier(oracle=skip_every_other, missing_label=missing, budget=9,
                                   batch_size=3, random_state=0).fit(p.X, y)
    assert clf.n_queries_ == 9
    for h in clf.history_[1:]:
        assert h["n_skipped"] == 2
        idx = h["query_indices"]
        assert (clf.labeled_iter_[idx[::2]] == -1).all()
        assert all(is_missing(v) for v in clf.y_labeled_[idx[::2]])
        assert all(is_missing(v) for v in h["query_labels"][::2])
        assert (clf.labeled_iter_[idx[1::2]] == h["round"]).all()
        np.testing.assert_array_equal(clf.y_labeled_[idx[1::2]], y_true[idx[1::2]])
    assert (clf.labeled_iter_ > 0).sum() == 3
    assert clf.history_[-1]["n_labeled"] == len(p.labeled) + 3


# --------------------------------------------------------------------------- cold start
@pytest.mark.parametrize("seeds", ["none", "one_class"])
def test_cold_start(binary_problem, seeds):
    p = binary_problem
    y = np.full_like(p.y, -1)
    if seeds == "one_class":
        zeros = p.labeled[p.y_true[p.labeled] == 0]
        y[zeros] = 0
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=12, batch_size=2,
                                   random_state=0).fit(p.X, y)
    assert clf.n_queries_ == 12
    kinds = []
    for h in clf.history_[1:]:
        cold = h["strategy"] != "margin"
        kinds.append(cold)
        if len(_known_before(clf, h["round"])) < 2:
            assert h["strategy"] == "random (cold start)"
        assert h["strategy"] in ("random (cold start)", "margin")
    assert kinds[0] and not kinds[-1]  # both regimes happened
    assert kinds == sorted(kinds, reverse=True)  # once margin takes over, it keeps it
    assert clf.classes_.tolist() == [0, 1]
    assert len(list(clf.staged_predict(p.X))) == len(clf.history_)
    staged = list(clf.staged_predict_proba(p.X))
    assert len(staged) == len(clf.history_)
    for proba in staged:
        assert proba.shape == (p.X.shape[0], 2)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def _three_classes():
    X, y = load_iris(return_X_y=True)
    return X, y


@pytest.mark.parametrize("cold_start", ["random", "typiclust"])
def test_cold_start_explores_until_no_new_class(cold_start):
    # After two classes the cold start goes on while it finds classes; the query
    # strategy takes over only after n_known_classes + 2 rows in a row found nothing new.
    X, y_true = _three_classes()
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), budget=30,
                                   batch_size=1, cold_start_strategy=cold_start,
                                   random_state=0).fit(X, np.full_like(y_true, -1))
    cold = [h for h in clf.history_[1:] if "cold start" in h["strategy"]]
    found = [len(_known_before(clf, h["round"] + 1)) for h in cold]
    if cold_start == "typiclust":
        assert found[-1] == 3  # one typical row per cluster finds every iris class
    assert found[-1] >= 2
    assert len(cold) - 1 - found.index(found[-1]) == found[-1] + 2  # the dry rows
    assert all(h["strategy"] == "margin" for h in clf.history_[len(cold) + 1:])


def test_cold_start_stops_at_half_the_budget():
    # One class is never found by the oracle: exploring stops after half the budget.
    X, y_true = _three_classes()
    keep = y_true < 2
    X, y_true = X[keep], y_true[keep]
    y = np.full_like(y_true, -1)
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), budget=40,
                                   batch_size=1, random_state=0).fit(X, y)
    n_cold = sum("cold start" in h["strategy"] for h in clf.history_[1:])
    assert n_cold <= 20
    assert clf.history_[-1]["strategy"] == "margin"


def test_no_exploration_when_the_user_labeled_two_classes():
    X, y_true = _three_classes()
    y = np.full_like(y_true, -1)
    y[[0, 1, 50, 51]] = y_true[[0, 1, 50, 51]]  # class 2 unlabeled, but a model exists
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), budget=4,
                                   random_state=0).fit(X, y)
    assert [h["strategy"] for h in clf.history_[1:]] == ["margin"] * 4


def test_cold_start_with_model_free_query_strategy(binary_problem):
    p = binary_problem
    y = np.full_like(p.y, -1)
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy="random", budget=6,
                                   batch_size=2, random_state=0).fit(p.X, y)
    assert [h["strategy"] for h in clf.history_[1:]] == ["random"] * 3


# --------------------------------------------------------------------------- skips
class SkipSome:
    """Skips (answers -1 for) the rows of ``X`` at ``skip`` positions, found by content."""

    def __init__(self, oracle, X, skip):
        self.oracle = oracle
        self.skip = {tuple(row) for row in X[skip]}
        self.asked = []

    def __call__(self, X_query):
        rows = list(map(tuple, X_query))
        self.asked.extend(rows)
        answers = self.oracle(X_query).copy()
        answers[[row in self.skip for row in rows]] = -1
        return answers


def test_oracle_skips(binary_problem):
    p = binary_problem
    skip = np.zeros(p.X.shape[0], dtype=bool)
    skip[np.random.RandomState(0).permutation(p.X.shape[0])[:50]] = True
    oracle = SkipSome(p.oracle, p.X, skip)
    clf = ActiveLearningClassifier(oracle=oracle, budget=20, batch_size=4,
                                   random_state=0).fit(p.X, p.y)
    assert clf.n_queries_ == 20  # skips cost budget
    assert clf.termination_condition_ == "budget_exhausted"
    assert len(set(oracle.asked)) == len(oracle.asked) == 20  # never asked again
    queried = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert len(np.unique(queried)) == 20
    skipped, answered = queried[skip[queried]], queried[~skip[queried]]
    assert len(skipped) > 0 and len(answered) > 0
    assert (clf.labeled_iter_[skipped] == -1).all()
    assert (clf.y_labeled_[skipped] == -1).all()
    np.testing.assert_array_equal(clf.y_labeled_[answered], p.y_true[answered])
    assert (clf.labeled_iter_[answered] > 0).all()
    n_labeled = len(p.labeled)
    for h in clf.history_[1:]:
        idx = h["query_indices"]
        assert h["n_skipped"] == skip[idx].sum()
        n_labeled += len(idx) - skip[idx].sum()
        assert h["n_labeled"] == n_labeled  # skipped rows are not counted
        np.testing.assert_array_equal(h["query_labels"][skip[idx]], -1)
        np.testing.assert_array_equal(h["query_labels"][~skip[idx]], p.y_true[idx][~skip[idx]])
    assert clf.history_[-1]["n_labeled"] == (clf.labeled_iter_ >= 0).sum()


def test_all_skipped_batch_keeps_model(binary_problem):
    p = binary_problem
    oracle = SkipSome(p.oracle, p.X, np.ones(p.X.shape[0], dtype=bool))
    clf = ActiveLearningClassifier(oracle=oracle, budget=6, batch_size=2,
                                   random_state=0).fit(p.X, p.y)
    assert clf.n_queries_ == 6 and clf.n_iter_ == 3
    assert [h["n_labeled"] for h in clf.history_] == [len(p.labeled)] * 4
    np.testing.assert_array_equal(clf.y_labeled_, p.y)
    ref = LogisticRegression(max_iter=1000).fit(p.X[p.labeled], p.y[p.labeled])
    np.testing.assert_allclose(clf.predict_proba(p.X), ref.predict_proba(p.X))


# --------------------------------------------------------------------------- query
def test_query_ranks_like_the_strategy(multiclass_problem):
    p = multiclass_problem
    oracle = RecordingOracle(p.oracle)
    clf = ActiveLearningClassifier(oracle=oracle, budget=6, batch_size=4,
                                   random_state=0).fit(p.X, p.y)
    n_calls = len(oracle.queries)
    X_new = p.X[clf.labeled_iter_ == -1]
    picked = clf.query(X_new, 7)
    assert len(oracle.queries) == n_calls  # no oracle call
    assert picked.shape == (7,) and len(np.unique(picked)) == 7
    scores = uncertainty_scores(clf.predict_proba(X_new), "margin")
    np.testing.assert_array_equal(picked, np.argsort(-scores, kind="stable")[:7])
    assert len(clf.query(X_new)) == 4  # default n = batch_size
    assert sorted(clf.query(X_new[:3], 10).tolist()) == [0, 1, 2]


def test_query_is_reproducible_under_random_state(binary_problem):
    p = binary_problem

    def fitted(seed):
        return ActiveLearningClassifier(oracle=p.oracle, query_strategy="random", budget=2,
                                        random_state=seed).fit(p.X, p.y)

    clf = fitted(0)
    first = clf.query(p.X, 6)
    assert len(np.unique(first)) == 6
    np.testing.assert_array_equal(clf.query(p.X, 6), first)
    np.testing.assert_array_equal(clone(clf).fit(p.X, p.y).query(p.X, 6), first)
    assert not all(np.array_equal(fitted(s).query(p.X, 6), first) for s in (1, 2, 3))


@pytest.mark.parametrize("strategy", ["least_confident", "entropy"])
def test_query_uses_query_strategy(binary_problem, strategy):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=strategy, budget=4,
                                   random_state=0).fit(p.X, p.y)
    scores = uncertainty_scores(clf.predict_proba(p.X), strategy)
    np.testing.assert_array_equal(clf.query(p.X, 5), np.argsort(-scores, kind="stable")[:5])


# --------------------------------------------------------------------------- staged API
def test_staged_methods_end_at_the_final_model(problem):
    p = problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=9, batch_size=3,
                                   random_state=0).fit(p.X, p.y)
    preds = list(clf.staged_predict(p.X))
    probas = list(clf.staged_predict_proba(p.X))
    y_eval = p.y_true.copy()
    y_eval[::3] = -1
    scores = list(clf.staged_score(p.X, y_eval))
    assert len(preds) == len(probas) == len(scores) == len(clf.history_) == 4
    np.testing.assert_array_equal(preds[-1], clf.predict(p.X))
    np.testing.assert_allclose(probas[-1], clf.predict_proba(p.X))
    assert scores[-1] == pytest.approx(clf.score(p.X, y_eval))
    # Round 0 is the model fitted on the initial labeled rows only.
    ref = LogisticRegression(max_iter=1000).fit(p.X[p.labeled], p.y[p.labeled])
    np.testing.assert_allclose(probas[0], ref.predict_proba(p.X))
    np.testing.assert_array_equal(preds[0], ref.predict(p.X))


def test_staged_proba_columns_align_with_classes(multiclass_problem):
    p = multiclass_problem
    y = np.full_like(p.y, -1)
    seeds = p.labeled[p.y_true[p.labeled] != 1]  # class 1 only arrives from the oracle
    y[seeds] = p.y_true[seeds]
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy="random", budget=12,
                                   batch_size=3, random_state=0).fit(p.X, y)
    assert clf.classes_.tolist() == [0, 1, 2]
    probas = list(clf.staged_predict_proba(p.X))
    assert len(probas) == len(clf.history_)
    ref = LogisticRegression(max_iter=1000).fit(p.X[seeds], y[seeds])
    np.testing.assert_allclose(probas[0][:, [0, 2]], ref.predict_proba(p.X))
    np.testing.assert_array_equal(probas[0][:, 1], 0.0)
    for k, proba in enumerate(probas):
        assert proba.shape == (p.X.shape[0], 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        if 1 not in _known_before(clf, k + 1):
            np.testing.assert_array_equal(proba[:, 1], 0.0)
    np.testing.assert_allclose(probas[-1], clf.predict_proba(p.X))
    preds = list(clf.staged_predict(p.X))
    for proba, pred in zip(probas, preds, strict=True):
        np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)


def test_score_ignores_unlabeled_rows(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=5, random_state=0).fit(p.X, p.y)
    y_eval = p.y_true.copy()
    y_eval[::2] = -1
    labeled = y_eval != -1
    expected = accuracy_score(p.y_true[labeled], clf.predict(p.X[labeled]))
    assert clf.score(p.X, y_eval) == pytest.approx(expected)
    naive = accuracy_score(y_eval, clf.predict(p.X))  # counting -1 rows as errors
    assert clf.score(p.X, y_eval) > naive + 0.3
    weights = np.linspace(1, 2, p.X.shape[0])
    expected_w = accuracy_score(p.y_true[labeled], clf.predict(p.X[labeled]),
                                sample_weight=weights[labeled])
    assert clf.score(p.X, y_eval, sample_weight=weights) == pytest.approx(expected_w)


# --------------------------------------------------------------------------- delegation
def test_decision_function_available_if(binary_problem):
    p = binary_problem
    svc = ActiveLearningClassifier(LinearSVC(random_state=0), oracle=p.oracle, budget=4,
                                   random_state=0)
    assert hasattr(svc, "decision_function")
    assert not hasattr(svc, "predict_proba")
    svc.fit(p.X, p.y)
    assert hasattr(svc, "decision_function") and not hasattr(svc, "predict_proba")
    np.testing.assert_allclose(svc.decision_function(p.X), svc.estimator_.decision_function(p.X))
    nb = ActiveLearningClassifier(GaussianNB(), oracle=p.oracle, budget=4, random_state=0)
    assert not hasattr(nb, "decision_function")
    nb.fit(p.X, p.y)
    assert not hasattr(nb, "decision_function")
    assert hasattr(nb, "predict_proba")
    with pytest.raises(AttributeError):
        nb.decision_function(p.X)


@pytest.mark.parametrize("measure", ["least_confident", "margin", "entropy"])
def test_uncertainty_without_predict_proba(problem, measure):
    p = problem
    clf = ActiveLearningClassifier(LinearSVC(random_state=0), oracle=p.oracle,
                                   query_strategy=measure, budget=1,
                                   random_state=0).fit(p.X, p.y)
    assert clf.n_queries_ == 1
    picked = clf.history_[1]["query_indices"][0]
    # The row picked in round 1 is the most uncertain one for the round-0 model.
    model = LinearSVC(random_state=0).fit(p.X[p.labeled], p.y[p.labeled])
    decision = model.decision_function(p.X)
    if decision.ndim == 1:
        scores = -np.abs(decision)
    else:
        top = np.sort(decision, axis=1)
        if measure == "least_confident":
            scores = -top[:, -1]
        elif measure == "margin":
            scores = top[:, -2] - top[:, -1]
        else:
            z = np.exp(decision - decision.max(axis=1, keepdims=True))
            z /= z.sum(axis=1, keepdims=True)
            scores = -(z * np.log(z)).sum(axis=1)
    scores[p.labeled] = -np.inf
    assert picked == np.argmax(scores)


# --------------------------------------------------------------------------- containers
def test_sparse_input(binary_problem):
    p = binary_problem
    X = sp.csr_matrix(p.X)
    oracle = RecordingOracle(SimulatedOracle(X, p.y_true))
    clf = ActiveLearningClassifier(oracle=oracle, budget=6, batch_size=3,
                                   random_state=0).fit(X, p.y)
    assert clf.n_queries_ == 6
    for h, query in zip(clf.history_[1:], oracle.queries, strict=True):
        assert sp.issparse(query)
        np.testing.assert_array_equal(query.toarray(), p.X[h["query_indices"]])
    assert clf.predict(X).shape == (p.X.shape[0],)
    np.testing.assert_array_equal(clf.predict(X), clf.predict(p.X))
    assert clf.score(X, p.y_true) > 0.8


def test_dataframe_input_keeps_columns_and_index(binary_problem):
    pd = pytest.importorskip("pandas")
    p = binary_problem
    columns = [f"feat_{i}" for i in range(p.X.shape[1])]
    index = np.random.RandomState(0).permutation(p.X.shape[0]) + 7  # labels != positions
    df = pd.DataFrame(p.X, columns=columns, index=index)
    oracle = RecordingOracle(SimulatedOracle(df, p.y_true))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "X does not have valid feature names"
        clf = ActiveLearningClassifier(oracle=oracle, budget=6, batch_size=3,
                                       random_state=0).fit(df, p.y)
        pred = clf.predict(df)
    np.testing.assert_array_equal(clf.feature_names_in_, columns)
    assert clf.n_features_in_ == p.X.shape[1]
    for h, query in zip(clf.history_[1:], oracle.queries, strict=True):
        idx = h["query_indices"]
        assert ((idx >= 0) & (idx < p.X.shape[0])).all()
        assert isinstance(query, pd.DataFrame)
        assert list(query.columns) == columns
        assert list(query.index) == list(index[idx])
        np.testing.assert_array_equal(query.to_numpy(), p.X[idx])
    np.testing.assert_array_equal(pred, clf.estimator_.predict(df))


def _text_problem(n_docs=80, seed=0):
    rng = np.random.RandomState(seed)
    vocab = [["apple", "banana", "cherry", "grape", "melon", "peach"],
             ["engine", "wheel", "brake", "piston", "clutch", "gear"]]
    y_true = np.arange(n_docs) % 2
    docs = [
        " ".join([f"doc{i}", *rng.choice(vocab[c], 4), rng.choice(vocab[1 - c])])
        for i, c in enumerate(y_true)
    ]
    y = np.full(n_docs, -1)
    y[:4] = y_true[:4]
    return docs, y_true, y


def test_text_input_with_pipeline():
    docs, y_true, y = _text_problem()
    oracle = RecordingOracle(SimulatedOracle(docs, y_true))
    est = make_pipeline(TfidfVectorizer(), LogisticRegression())
    clf = ActiveLearningClassifier(est, oracle=oracle, budget=8, batch_size=2,
                                   random_state=0).fit(docs, y)
    assert clf.n_queries_ == 8
    for h, query in zip(clf.history_[1:], oracle.queries, strict=True):
        assert type(query) is list
        assert query == [docs[i] for i in h["query_indices"]]
    np.testing.assert_array_equal(clf.y_labeled_[clf.labeled_iter_ > 0],
                                  y_true[clf.labeled_iter_ > 0])
    assert clf.score(docs, y_true) > 0.8
    assert len(clf.query(docs, 3)) == 3


# --------------------------------------------------------------------------- no mutation
def test_fit_does_not_mutate_ndarray_inputs(binary_problem):
    p = binary_problem
    X, y = p.X.copy(), p.y.copy()
    ActiveLearningClassifier(oracle=p.oracle, budget=10, batch_size=3).fit(X, y)
    np.testing.assert_array_equal(X, p.X)
    np.testing.assert_array_equal(y, p.y)
    assert X.dtype == p.X.dtype and y.dtype == p.y.dtype


def test_fit_does_not_mutate_dataframe_inputs(binary_problem):
    pd = pytest.importorskip("pandas")
    p = binary_problem
    df = pd.DataFrame(p.X, columns=list("abcde"), index=np.arange(p.X.shape[0])[::-1])
    y = pd.Series(p.y, index=df.index)
    df_copy, y_copy = df.copy(deep=True), y.copy(deep=True)
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(df, p.y_true), budget=10,
                                   batch_size=3).fit(df, y)
    pd.testing.assert_frame_equal(df, df_copy)
    pd.testing.assert_series_equal(y, y_copy)
    assert clf.n_queries_ == 10


def test_fit_does_not_mutate_list_inputs():
    docs, y_true, y = _text_problem()
    docs_copy, y_list = list(docs), y.tolist()
    y_list_copy = list(y_list)
    est = make_pipeline(TfidfVectorizer(), LogisticRegression())
    ActiveLearningClassifier(est, oracle=SimulatedOracle(docs, y_true), budget=6,
                             batch_size=2).fit(docs, y_list)
    assert docs == docs_copy
    assert y_list == y_list_copy


# --------------------------------------------------------------------------- fit_params
class WeightRecordingLR(LogisticRegression):
    """Records the rows, labels and sample weights its fit received."""

    def fit(self, X, y, sample_weight=None):
        self.seen_X_ = np.array(X, copy=True)
        self.seen_y_ = np.array(y, copy=True)
        self.seen_w_ = None if sample_weight is None else np.array(sample_weight, copy=True)
        return super().fit(X, y, sample_weight=sample_weight)


def test_sample_weight_is_subset_to_labeled_rows(binary_problem):
    p = binary_problem
    weights = np.arange(p.X.shape[0], dtype=float) + 1.0  # weight = position + 1
    clf = ActiveLearningClassifier(WeightRecordingLR(), oracle=p.oracle, budget=7,
                                   batch_size=3, random_state=0)
    clf.fit(p.X, p.y, sample_weight=weights)
    est = clf.estimator_
    labeled = np.flatnonzero(clf.labeled_iter_ >= 0)
    assert est.seen_w_ is not None and est.seen_w_.shape == (len(labeled),)
    rows = est.seen_w_.astype(int) - 1
    np.testing.assert_array_equal(np.sort(rows), labeled)
    np.testing.assert_array_equal(est.seen_X_, p.X[rows])  # weights aligned with rows
    np.testing.assert_array_equal(est.seen_y_, clf.y_labeled_[rows])
    assert weights.tolist() == (np.arange(p.X.shape[0]) + 1.0).tolist()  # not mutated


# --------------------------------------------------------------------------- misc
def test_verbose_prints_one_line_per_round(binary_problem, capsys):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=5, batch_size=2, verbose=1,
                                   random_state=0).fit(p.X, p.y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(clf.history_) == 4
    for k, line in enumerate(lines):
        assert f"round {k}" in line
    ActiveLearningClassifier(oracle=p.oracle, budget=5, random_state=0).fit(p.X, p.y)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("strategy", ["random", "margin", "entropy"])
@pytest.mark.parametrize("cold", [False, True])
def test_same_random_state_same_queries(binary_problem, strategy, cold):
    p = binary_problem
    y = np.full_like(p.y, -1) if cold else p.y
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=strategy, budget=9,
                                   batch_size=3, random_state=42).fit(p.X, y)
    again = clone(clf).fit(p.X, y)
    assert len(again.history_) == len(clf.history_)
    for a, b in zip(clf.history_, again.history_, strict=True):
        np.testing.assert_array_equal(a["query_indices"], b["query_indices"])
    refit = clf.fit(p.X, y)  # refitting the same object repeats the queries too
    for a, b in zip(refit.history_, again.history_, strict=True):
        np.testing.assert_array_equal(a["query_indices"], b["query_indices"])


def test_different_random_state_different_random_queries(binary_problem):
    p = binary_problem
    runs = [
        np.concatenate([h["query_indices"] for h in ActiveLearningClassifier(
            oracle=p.oracle, query_strategy="random", budget=9, batch_size=3,
            random_state=seed).fit(p.X, p.y).history_[1:]])
        for seed in (0, 1)
    ]
    assert not np.array_equal(runs[0], runs[1])


@pytest.mark.parametrize("missing_label", [None, np.nan])
def test_none_and_nan_are_both_missing_in_object_labels(binary_problem, missing_label):
    # pandas turns None into NaN in text columns: both spellings must mean "unlabeled".
    p = binary_problem
    y = np.array(["neg" if v == 0 else "pos" for v in p.y_true], dtype=object)
    y[p.unlabeled[::2]] = None
    y[p.unlabeled[1::2]] = np.nan
    truth = np.where(p.y_true == 0, "neg", "pos").astype(object)
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(p.X, truth), budget=5,
                                   missing_label=missing_label, random_state=0).fit(p.X, y)
    assert (clf.labeled_iter_ == 0).sum() == len(p.labeled)
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert set(asked) <= set(p.unlabeled)
    assert set(clf.classes_) == {"neg", "pos"}
