"""The "explore_then_exploit" strategy (ExploreThenExploit): explore typical rows, then
switch."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_classification
from sklearn.linear_model import LogisticRegression

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import (
    ExploreThenExploit,
    RankedBatch,
    UncertaintySampling,
    get_strategy,
)


def _blobs(n_classes, per_class=40, std=0.5):
    X, y = make_blobs(n_samples=n_classes * per_class, centers=n_classes, cluster_std=std,
                      center_box=(-30, 30), random_state=0)
    return X, y


def _fit(X, y_true, labeled, budget, batch_size=2, **params):
    y = np.full_like(y_true, -1)
    y[labeled] = y_true[labeled]
    strategy = ExploreThenExploit(**{"exploit": "margin", "random_state": 0, **params})
    return ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), query_strategy=strategy,
                                    budget=budget, batch_size=batch_size,
                                    random_state=0).fit(X, y)


def test_registered_as_explore_then_exploit():
    assert isinstance(get_strategy("explore_then_exploit"), ExploreThenExploit)
    assert clone(get_strategy("explore_then_exploit")).get_params()["exploit"] == "falcun"


def test_moves_to_the_uncertainty_arm_once_typical_rows_are_right():
    # Three separated blobs, two labels each: the model already labels typical rows
    # right, so after one window of explored rows (3: the number of classes) the
    # strategy switches to its exploit arm (margin here).
    X, y_true = _blobs(3)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(3)])
    clf = _fit(X, y_true, labeled, budget=30)
    strategy = clf.query_strategy_
    assert strategy.errors_[0] == 0.0
    assert not strategy.exploring_ and strategy.switch_reason_ == "typical_rows_right"
    assert strategy.switched_at_ == 6 + 4  # two rounds of 2 rows cover the window
    # After the switch every batch is margin's choice for the model of that round.
    assert [h["n_labeled"] for h in clf.history_].index(10) == 2
    for k in range(3, len(clf.history_)):
        model, h = clf.estimators_[k - 1], clf.history_[k]
        candidates = (clf.labeled_iter_ == -1) | (clf.labeled_iter_ >= k)
        expected, _ = UncertaintySampling().select(model, X, 2, candidates=candidates,
                                                   random_state=0)
        assert set(h["query_indices"].tolist()) == set(expected.tolist())


def test_stays_exploring_while_the_model_gets_typical_rows_wrong():
    # Twelve blobs, only two classes labeled: typical rows of the unlabeled blobs are
    # all misclassified, so it keeps exploring, one blob at a time, and finds every class.
    X, y_true = _blobs(12)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(2)])
    clf = _fit(X, y_true, labeled, budget=20)
    strategy = clf.query_strategy_
    assert strategy.exploring_ and strategy.switched_at_ is None
    assert strategy.switch_reason_ is None
    assert min(strategy.errors_) > strategy.switch_error
    assert set(clf.y_labeled_[clf.labeled_iter_ >= 0].tolist()) == set(range(12))


def test_an_error_no_lower_than_the_window_before_does_not_end_exploring():
    # Labels are coin flips, so the error on the explored rows goes up and down from
    # one window to the next. A window of a few rows that is no better than the one
    # before is noise, not evidence that exploring stopped paying (on 28x28 digit
    # images, where exploring pays up to 100 labels, the error of 10-row windows goes
    # 0.6, 0.8, 0.4, 0.6); only the rules that measure more end it.
    X, _ = _blobs(6)
    y_true = np.random.RandomState(0).randint(2, size=X.shape[0])
    rules_off = {"max_per_class": None, "max_training_error": None, "window": 6}
    clf = _fit(X, y_true, np.arange(10), budget=30, **rules_off)
    strategy = clf.query_strategy_
    errors = strategy.errors_
    assert len(errors) >= 5
    assert any(later >= earlier for earlier, later in zip(errors, errors[1:], strict=False))
    assert min(errors) > strategy.switch_error
    # It explores until every one of its 30 clusters (10 labeled + 10 x 2) has a label.
    assert strategy.switch_reason_ == "covered" and strategy.switched_at_ == 30
    # The rules that measure more end it sooner: the cap of labels per class, and
    # first the training error.
    clf = _fit(X, y_true, np.arange(10), budget=30, **{**rules_off, "max_per_class": 10})
    assert clf.query_strategy_.switch_reason_ == "max_per_class"
    assert clf.query_strategy_.switched_at_ == 20
    clf = _fit(X, y_true, np.arange(10), budget=30,
               **{**rules_off, "max_per_class": 10, "max_training_error": 0.25})
    assert clf.query_strategy_.switch_reason_ == "training_error"
    assert clf.query_strategy_.switched_at_ < 20


def _alternating_blobs():
    # Twelve blobs on a line whose classes alternate: a linear model cannot fit them.
    centers = np.column_stack([np.arange(12) * 10.0, np.zeros(12)])
    X, blob = make_blobs(n_samples=12 * 40, centers=centers, cluster_std=0.5,
                         random_state=0)
    labeled = np.concatenate([np.flatnonzero(blob == c)[:2] for c in range(2)])
    return X, blob % 2, labeled


def test_switches_as_soon_as_the_model_cannot_fit_its_labeled_rows():
    # The first explored rows (typical rows of new blobs) get labels the linear model
    # cannot fit together with the first two blobs: more typical rows cannot help it,
    # so it switches when those answers arrive, before a window of errors is measured.
    X, y_true, labeled = _alternating_blobs()
    clf = _fit(X, y_true, labeled, budget=30, max_per_class=None)
    strategy = clf.query_strategy_
    assert strategy.switched_at_ == 4 + 2 and strategy.errors_ == []
    assert strategy.switch_reason_ == "training_error"
    model = clf.estimators_[1]  # the model that chose round 2's rows: it switched there
    rows = (clf.labeled_iter_ >= 0) & (clf.labeled_iter_ <= 1)
    assert np.mean(model.predict(X[rows]) != y_true[rows]) > strategy.max_training_error


def test_without_the_training_error_rule_it_explores_until_the_cap():
    X, y_true, labeled = _alternating_blobs()
    clf = _fit(X, y_true, labeled, budget=30, max_training_error=None)
    strategy = clf.query_strategy_
    assert strategy.switched_at_ == 10 and strategy.switch_reason_ == "max_per_class"
    assert strategy.errors_ == [1.0, 1.0, 0.5]  # wrong on the typical rows until the cap


def test_clusters_once_per_fit(monkeypatch):
    from skactive.strategies import _auto

    calls = []
    original = _auto._cluster
    monkeypatch.setattr(_auto, "_cluster", lambda *a: calls.append(1) or original(*a))
    X, y_true = _blobs(12)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(2)])
    clf = _fit(X, y_true, labeled, budget=20)
    assert clf.n_iter_ == 10 and len(calls) == 1


@pytest.mark.parametrize("params", [{"switch_error": 1.0}, {"window": 0}, {"exploit": 3},
                                    {"max_training_error": 1.0}])
def test_invalid_parameters(params):
    X, y_true = _blobs(3)
    with pytest.raises(ValueError):
        _fit(X, y_true, np.arange(0, 120, 10), budget=4, **params)


def test_query_after_fit_uses_the_exploit_arm():
    X, y_true = _blobs(3)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(3)])
    clf = _fit(X, y_true, labeled, budget=4)
    expected, _ = UncertaintySampling().select(clf.estimator_, X, 3, random_state=0)
    assert sorted(clf.query(X, 3).tolist()) == sorted(expected.tolist())


@pytest.mark.parametrize("sparse", [False, True])
def test_end_to_end_by_name(sparse):
    import scipy.sparse as sp

    X, y_true = _blobs(4)
    X = sp.csr_matrix(X) if sparse else X
    y = np.full_like(y_true, -1)
    y[::20] = y_true[::20]
    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true),
                                   query_strategy="explore_then_exploit", budget=8,
                                   batch_size=2, random_state=0).fit(X, y)
    queried = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert len(set(queried.tolist())) == 8 and (y[queried] == -1).all()
    assert clf.history_[1]["strategy"] == "explore_then_exploit"


def test_max_per_class_ends_exploring():
    # Same data as the "stays" case, but at most 3 labels per known class.
    X, y_true = _blobs(12)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(2)])
    clf = _fit(X, y_true, labeled, budget=20, max_per_class=1.5)
    strategy = clf.query_strategy_
    n_classes = len(set(clf.y_labeled_[clf.labeled_iter_ >= 0].tolist()))
    assert strategy.switched_at_ is not None and strategy.switch_reason_ == "max_per_class"
    assert strategy.switched_at_ <= 1.5 * n_classes + 2


def _spy(monkeypatch, cls):
    calls = []
    original = cls.select

    def select(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, "select", select)
    return calls


def _three_classes_of_four_clusters():
    # 20 features, 3 classes of 4 clusters each: a linear model fits its few labels,
    # and typical rows of clusters without a label are still wrong at the cap.
    X, y_true = make_classification(n_samples=600, n_features=20, n_informative=10,
                                    n_redundant=0, n_classes=3, n_clusters_per_class=4,
                                    class_sep=2.0, random_state=0)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(3)])
    return X, y_true, labeled


def test_after_the_cap_with_more_than_two_classes_it_follows_ranked_batch(monkeypatch):
    # The cap (3 per class) ends exploring while the model still gets typical rows
    # wrong but fits every labeled row: it lacks labels for what the data holds, so it
    # follows ranked_batch (uncertainty against similarity to the labeled rows).
    ranked, margin = _spy(monkeypatch, RankedBatch), _spy(monkeypatch, UncertaintySampling)
    X, y_true, labeled = _three_classes_of_four_clusters()
    clf = _fit(X, y_true, labeled, budget=24, max_per_class=3)
    strategy = clf.query_strategy_
    assert strategy.switch_reason_ == "max_per_class" and strategy.switched_at_ == 10
    assert strategy.errors_[-1] > strategy.switch_error
    assert isinstance(strategy.exploit_strategy_, RankedBatch)
    rounds_after = sum(h["n_labeled"] > strategy.switched_at_ for h in clf.history_[1:])
    assert len(ranked) == rounds_after > 0 and margin == []


def test_after_the_cap_a_model_that_misfits_its_labels_follows_exploit(monkeypatch):
    # Three overlapping classes in 4 features: at the cap the model gets 2 of its 10
    # labeled rows wrong (below max_training_error, so exploring went on). Distance-based
    # diversity fails when the model is wrong for the data: margin follows.
    ranked, margin = _spy(monkeypatch, RankedBatch), _spy(monkeypatch, UncertaintySampling)
    X, y_true = make_classification(n_samples=300, n_features=4, n_informative=3,
                                    n_redundant=0, n_classes=3, n_clusters_per_class=1,
                                    class_sep=0.5, random_state=0)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(3)])
    clf = _fit(X, y_true, labeled, budget=20, max_per_class=3)
    strategy = clf.query_strategy_
    assert strategy.switch_reason_ == "max_per_class" and strategy.switched_at_ == 10
    model = clf.estimators_[2]  # fitted on the 10 rows labeled when it switched
    rows = (clf.labeled_iter_ >= 0) & (clf.labeled_iter_ <= 2)
    assert 0 < np.mean(model.predict(X[rows]) != y_true[rows]) <= strategy.max_training_error
    assert isinstance(strategy.exploit_strategy_, UncertaintySampling)
    assert ranked == [] and len(margin) > 0


def test_after_the_cap_on_two_classes_or_other_switches_it_follows_exploit(monkeypatch):
    # Binary labels: the cap ends exploring at 10 labels and margin (the exploit arm
    # here) follows; so it does after any other reason (typical rows right).
    ranked, margin = _spy(monkeypatch, RankedBatch), _spy(monkeypatch, UncertaintySampling)
    X, y_true, labeled = _alternating_blobs()
    clf = _fit(X, y_true, labeled, budget=30, max_training_error=None)
    assert clf.query_strategy_.switch_reason_ == "max_per_class"
    assert isinstance(clf.query_strategy_.exploit_strategy_, UncertaintySampling)
    rounds_after = sum(h["n_labeled"] > 10 for h in clf.history_[1:])
    assert ranked == [] and len(margin) == rounds_after > 0
    X, y_true = _blobs(3)
    labeled = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in range(3)])
    clf = _fit(X, y_true, labeled, budget=30)
    assert clf.query_strategy_.switch_reason_ == "typical_rows_right" and ranked == []


def test_exploit_after_cap_none_follows_exploit(monkeypatch):
    ranked = _spy(monkeypatch, RankedBatch)
    X, y_true, labeled = _three_classes_of_four_clusters()
    clf = _fit(X, y_true, labeled, budget=24, max_per_class=3, exploit_after_cap=None)
    assert clf.query_strategy_.switch_reason_ == "max_per_class"
    assert isinstance(clf.query_strategy_.exploit_strategy_, UncertaintySampling)
    assert ranked == []


def test_a_new_pool_of_the_same_size_is_clustered_afresh():
    # Direct select() calls on one instance with another pool of the same size start a
    # new exploration on that pool's clusters instead of the first pool's.
    X_first, y_first = _blobs(3)
    X_second, y_second = _blobs(3)
    X_second = X_second[::-1] + 100.0
    y_second = y_second[::-1]

    def select(strategy, X, y):
        labeled = np.concatenate([np.flatnonzero(y == c)[:2] for c in range(3)])
        candidates = np.ones(X.shape[0], dtype=bool)
        candidates[labeled] = False
        fitted = LogisticRegression().fit(X[labeled], y[labeled])
        return strategy.select(fitted, X, 2, candidates=candidates, X_labeled=X[labeled],
                               y_labeled=y[labeled], random_state=0)[0]

    strategy = ExploreThenExploit(exploit="margin", random_state=0)
    select(strategy, X_first, y_first)
    clusters = strategy.clusters_
    got = select(strategy, X_second, y_second)
    expected = select(ExploreThenExploit(exploit="margin", random_state=0), X_second, y_second)
    np.testing.assert_array_equal(got, expected)
    assert strategy.clusters_ is not clusters
