"""SplitBatch: each batch filled with equal shares of several strategies' picks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import SplitBatch, get_strategy

from ._fixed import HighFirst, LowFirst


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(n_samples=200, n_features=5, n_informative=3, n_classes=3,
                               n_clusters_per_class=1, random_state=0)
    labeled = np.concatenate([np.flatnonzero(y == c)[:3] for c in range(3)])
    candidates = np.ones(X.shape[0], dtype=bool)
    candidates[labeled] = False
    return LogisticRegression().fit(X[labeled], y[labeled]), X, candidates


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), k=st.integers(1, 4), calls=st.integers(1, 6))
def test_shares_are_equal_and_left_over_rows_rotate(n, k, calls):
    split = SplitBatch([LowFirst()] * k)
    X = np.arange(100.0).reshape(-1, 1)
    totals = np.zeros(k, dtype=int)
    for _ in range(calls):
        rows, _ = split.select(None, X, n, candidates=np.ones(100, dtype=bool))
        assert rows.shape[0] == n and np.unique(rows).shape[0] == n
        assert sum(split.shares_) == n
        assert max(split.shares_) - min(split.shares_) <= 1
        totals += split.shares_
    # Over the calls no strategy is more than one row ahead of another.
    assert totals.max() - totals.min() <= 1


def test_batch_size_one_alternates_the_strategies():
    split = SplitBatch((LowFirst(), HighFirst()))
    X = np.arange(10.0).reshape(-1, 1)
    picked = [int(split.select(None, X, 1, candidates=np.ones(10, dtype=bool))[0][0])
              for _ in range(4)]
    assert picked == [0, 9, 0, 9]


def test_later_strategies_pick_among_the_rows_the_earlier_ones_left(fitted):
    model, X, candidates = fitted
    margin = get_strategy("margin").select(model, X, 6, candidates=candidates)[0]
    # Margin twice: the second share is margin's next rows, so the batch is margin's.
    rows, _ = SplitBatch(("margin", "margin")).select(model, X, 6, candidates=candidates)
    np.testing.assert_array_equal(rows, margin)
    rows, scores = SplitBatch(("margin", "falcun")).select(model, X, 6,
                                                           candidates=candidates)
    np.testing.assert_array_equal(rows[:3], margin[:3])
    assert np.unique(rows).shape[0] == 6 and candidates[rows].all()
    assert scores.shape == (6,)


def test_rows_a_strategy_cannot_supply_pass_to_the_next():
    split = SplitBatch((LowFirst(limit=1), HighFirst()))
    X = np.arange(10.0).reshape(-1, 1)
    rows, _ = split.select(None, X, 4, candidates=np.ones(10, dtype=bool))
    np.testing.assert_array_equal(rows, [0, 9, 8, 7])


def test_requires_a_model_when_any_strategy_does():
    assert SplitBatch(("random", "typiclust")).requires_model is False
    assert SplitBatch(("random", "margin")).requires_model is True
    assert SplitBatch().requires_model is True


def test_model_free_split_is_a_cold_start():
    X, y = make_classification(n_samples=120, n_features=4, random_state=0)
    clf = ActiveLearningClassifier(
        LogisticRegression(), oracle=SimulatedOracle(X, y), query_strategy="margin",
        cold_start_strategy=SplitBatch(("random", "typiclust")), budget=8, batch_size=4,
        random_state=0,
    ).fit(X, np.full_like(y, -1))
    assert clf.history_[-1]["n_labeled"] == 8


def test_fit_uses_a_clone_and_the_default_splits_margin_and_falcun():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_classes=3,
                               n_clusters_per_class=1, random_state=1)
    y_partial = np.full_like(y, -1)
    for c in range(3):
        y_partial[np.flatnonzero(y == c)[:2]] = c
    split = SplitBatch()
    assert [type(s).__name__ for s in map(get_strategy, split.strategies)] == [
        "UncertaintySampling", "FALCUN"]
    clf = ActiveLearningClassifier(LogisticRegression(), oracle=SimulatedOracle(X, y),
                                   query_strategy=split, budget=9, batch_size=3,
                                   random_state=0).fit(X, y_partial)
    assert not hasattr(split, "strategies_")
    assert clf.query_strategy_.shares_ == [2, 1]  # third round: the odd row to margin
    queried = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert np.unique(queried).shape[0] == 9 and (y_partial[queried] == -1).all()


@pytest.mark.parametrize("strategies", [(), "margin", ("margin", "no_such_strategy")])
def test_invalid_strategies_raise(strategies):
    X = np.arange(10.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="strategies"):
        SplitBatch(strategies).select(None, X, 2)
