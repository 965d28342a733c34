"""semi_supervised=True: the estimator is fitted on every row, unlabeled ones as -1."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle


@pytest.fixture
def digits():
    X, y = load_digits(return_X_y=True)
    X, y = X[:200], y[:200]
    y_partial = np.full_like(y, -999)
    y_partial[:30] = y[:30]
    return X, y, y_partial


class Recorder(LabelSpreading):
    """LabelSpreading that records the targets it was fitted on."""

    seen = []

    def fit(self, X, y):
        Recorder.seen.append((X.shape[0], np.asarray(y).copy()))
        return super().fit(X, y)


def test_every_row_is_fitted_with_minus_one_for_unlabeled(digits):
    X, y, y_partial = digits
    Recorder.seen.clear()
    clf = ActiveLearningClassifier(Recorder(gamma=0.25, max_iter=20), oracle=SimulatedOracle(X, y),
                                   query_strategy="entropy", budget=10, batch_size=5,
                                   missing_label=-999, semi_supervised=True,
                                   random_state=0).fit(X, y_partial)
    assert [n for n, _ in Recorder.seen] == [200] * 3
    for k, (_, target) in enumerate(Recorder.seen):
        labeled = (clf.labeled_iter_ >= 0) & (clf.labeled_iter_ <= k)
        np.testing.assert_array_equal(target[labeled], y[labeled])
        assert (target[~labeled] == -1).all()
    assert clf.classes_.tolist() == list(range(10))


def test_the_pool_helps_label_spreading(digits):
    X, y, y_partial = digits
    scores = {}
    for semi in (False, True):
        clf = ActiveLearningClassifier(LabelSpreading(gamma=0.25, max_iter=20),
                                       oracle=SimulatedOracle(X, y), budget=10,
                                       batch_size=5, missing_label=-999,
                                       semi_supervised=semi, random_state=0)
        clf.fit(X, y_partial)
        rest = clf.labeled_iter_ == -1
        scores[semi] = np.mean(clf.predict(X[rest]) == y[rest])
    assert scores[True] > scores[False]


def test_self_training_classifier(digits):
    X, y, y_partial = digits
    clf = ActiveLearningClassifier(SelfTrainingClassifier(LogisticRegression(max_iter=200)),
                                   oracle=SimulatedOracle(X, y), budget=4, batch_size=2,
                                   missing_label=-999, semi_supervised=True, random_state=0)
    clf.fit(X, y_partial)
    assert clf.estimator_.labeled_iter_.shape == (200,)


@pytest.mark.parametrize("params, labels, message", [
    ({"refit": "warm_start", "estimator": LogisticRegression()}, None, "refit='full'"),
    ({"semi_supervised": "yes"}, None, "semi_supervised"),
    ({}, "strings", "must be numbers"),
    ({}, "minus_one", "-1 is a class label"),
])
def test_errors(digits, params, labels, message):
    X, y, _ = digits
    y = (y % 2) * 2 - 1 if labels == "minus_one" else y % 2
    if labels == "strings":
        y = np.array(["a", "b"])[y]
    marker = None if labels == "strings" else -999
    y_partial = np.array(y, dtype=object if labels == "strings" else None)
    y_partial[30:] = marker
    params = {"estimator": LabelSpreading(gamma=0.25), "semi_supervised": True, **params}
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y), budget=2,
                                   missing_label=marker, **params)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y_partial)
