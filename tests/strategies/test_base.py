"""QueryStrategy base: top_n, select with candidates, callables, RandomSampling, registry."""

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone

from skactive import ActiveLearningClassifier
from skactive.strategies import (
    QueryStrategy,
    RandomSampling,
    ScoreFunction,
    UncertaintySampling,
    available_strategies,
    get_strategy,
    top_n,
)


# --------------------------------------------------------------------------- top_n
def test_top_n_best_first_distinct():
    scores = np.array([0.3, 0.9, -1.0, 0.5, 0.7, 0.1])
    np.testing.assert_array_equal(top_n(scores, 3, 0), [1, 4, 3])
    np.testing.assert_array_equal(top_n(scores, 6, 0), [1, 4, 3, 0, 5, 2])
    assert top_n(scores, 0, 0).shape == (0,)


def test_top_n_more_than_pool():
    got = top_n(np.array([2.0, 1.0, 3.0]), 10, 0)
    np.testing.assert_array_equal(got, [2, 0, 1])
    assert top_n(np.array([]), 5, 0).shape == (0,)


def test_top_n_ties_deterministic_per_seed_different_across_seeds():
    scores = np.zeros(50)
    first = top_n(scores, 5, 7)
    assert len(np.unique(first)) == 5
    np.testing.assert_array_equal(top_n(scores, 5, 7), first)
    np.testing.assert_array_equal(top_n(scores, 5, np.random.RandomState(7)), first)
    picks = {tuple(top_n(scores, 5, seed)) for seed in range(10)}
    assert len(picks) > 1


def test_top_n_ties_never_favour_low_positions():
    scores = np.array([5.0, 3.0, 3.0, 3.0, 1.0])
    seen = set()
    for seed in range(40):
        got = top_n(scores, 2, seed)
        assert got[0] == 0 and got[1] in (1, 2, 3)
        seen.add(int(got[1]))
    assert seen == {1, 2, 3}
    # Full ordering of tied winners is shuffled too, never simply ascending.
    orders = {tuple(top_n(np.ones(4), 4, seed)) for seed in range(20)}
    assert len(orders) > 1


def test_top_n_ranking_matches_sort():
    rng = np.random.RandomState(0)
    scores = rng.normal(size=200)
    for n in (1, 17, 200):
        np.testing.assert_array_equal(top_n(scores, n, 0), np.argsort(-scores)[:n])


# --------------------------------------------------------------------------- select
class FirstFeature(QueryStrategy):
    """Scores each row by its first feature; needs no model."""

    requires_model = False

    def score(self, estimator, X_pool):
        return np.asarray(X_pool)[:, 0]


def test_select_respects_candidates():
    X = np.arange(10, dtype=float)[:, None]
    mask = np.zeros(10, dtype=bool)
    mask[[1, 4, 6]] = True
    indices, scores = FirstFeature().select(None, X, 2, candidates=mask)
    np.testing.assert_array_equal(indices, [6, 4])
    np.testing.assert_array_equal(scores, [6.0, 4.0])
    indices, _ = FirstFeature().select(None, X, 50, candidates=mask)
    np.testing.assert_array_equal(indices, [6, 4, 1])  # n larger than the pool
    indices, _ = FirstFeature().select(None, X, 3, candidates=np.zeros(10, dtype=bool))
    assert indices.shape == (0,)


def test_select_candidates_even_with_minus_inf_scores():
    X = np.array([[-np.inf], [5.0], [-np.inf], [7.0]])
    mask = np.array([True, False, True, False])
    indices, _ = FirstFeature().select(None, X, 2, candidates=mask)
    assert sorted(indices.tolist()) == [0, 2]


def test_select_in_chunks_and_parallel_is_the_same():
    X = np.random.RandomState(0).normal(size=(97, 2))
    mask = np.random.RandomState(1).random_sample(97) < 0.5
    ref, _ = FirstFeature().select(None, X, 8, candidates=mask)
    for chunk in (1, 10, 96):
        got, _ = FirstFeature().select(None, X, 8, candidates=mask, chunk_rows=chunk)
        np.testing.assert_array_equal(got, ref)
    with parallel_config(backend="threading"):
        got, _ = FirstFeature().select(None, X, 8, candidates=mask, n_jobs=2, chunk_rows=10)
    np.testing.assert_array_equal(got, ref)


def test_select_rejects_bad_scores():
    X = np.zeros((4, 1))
    with pytest.raises(ValueError, match="one score per row"):
        ScoreFunction(lambda est, X: np.zeros(2)).select(None, X, 1)
    with pytest.raises(ValueError, match="NaN"):
        ScoreFunction(lambda est, X: np.full(len(X), np.nan)).select(None, X, 1)


def test_score_not_implemented():
    with pytest.raises(NotImplementedError, match="score"):
        QueryStrategy().select(None, np.zeros((3, 1)), 1)


def test_own_random_state_wins_over_given():
    scores = ScoreFunction(lambda est, X: np.zeros(len(X)), random_state=3)
    X = np.zeros((30, 1))
    a, _ = scores.select(None, X, 4, random_state=0)
    b, _ = scores.select(None, X, 4, random_state=1)
    np.testing.assert_array_equal(a, b)
    free = ScoreFunction(lambda est, X: np.zeros(len(X)))
    c, _ = free.select(None, X, 4, random_state=0)
    np.testing.assert_array_equal(c, free.select(None, X, 4, random_state=0)[0])
    assert not all(
        np.array_equal(c, free.select(None, X, 4, random_state=s)[0]) for s in range(1, 6)
    )


# --------------------------------------------------------------------------- ScoreFunction
def test_score_function_callable():
    X = np.array([[3.0, 0.0], [1.0, 9.0], [2.0, 5.0]])
    strategy = ScoreFunction(lambda est, X_pool: X_pool[:, 1], requires_model=False)
    indices, scores = strategy.select(None, X, 2)
    np.testing.assert_array_equal(indices, [1, 2])
    np.testing.assert_array_equal(scores, [9.0, 5.0])
    params = strategy.get_params()
    assert set(params) == {"func", "requires_model", "random_state"}
    assert clone(strategy).func is strategy.func
    assert ScoreFunction(len).requires_model


def test_callable_strategy_in_classifier(binary_problem):
    p = binary_problem
    seen = []

    def largest_last_feature(estimator, X_pool):
        seen.append(estimator)
        return X_pool[:, -1]

    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=largest_last_feature,
                                   budget=6, batch_size=3, random_state=0).fit(p.X, p.y)
    order = p.unlabeled[np.argsort(-p.X[p.unlabeled, -1])]
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    np.testing.assert_array_equal(asked, order[:6])
    assert all(hasattr(est, "classes_") for est in seen)  # fitted models were passed
    assert clf.history_[1]["strategy"] == "ScoreFunction"
    np.testing.assert_array_equal(clf.query(p.X, 4), np.argsort(-p.X[:, -1])[:4])


# --------------------------------------------------------------------------- RandomSampling
def test_random_sampling_only_candidates():
    X = np.zeros((40, 2))
    mask = np.random.RandomState(0).random_sample(40) < 0.3
    for seed in range(10):
        indices, scores = RandomSampling(random_state=seed).select(None, X, 5, candidates=mask)
        assert len(indices) == len(np.unique(indices)) == 5
        assert mask[indices].all()
        assert scores.shape == (5,)
    indices, _ = RandomSampling(random_state=0).select(None, X, 100, candidates=mask)
    assert sorted(indices.tolist()) == np.flatnonzero(mask).tolist()


def test_random_sampling_seeds():
    X = np.zeros((100, 1))
    a = RandomSampling(random_state=1).select(None, X, 10)[0]
    np.testing.assert_array_equal(a, RandomSampling(random_state=1).select(None, X, 10)[0])
    assert not np.array_equal(a, RandomSampling(random_state=2).select(None, X, 10)[0])
    # Own seed wins over the classifier's generator.
    np.testing.assert_array_equal(
        a, RandomSampling(random_state=1).select(None, X, 10, random_state=99)[0]
    )
    assert not RandomSampling.requires_model


def test_random_sampling_text_pool():
    docs = [f"doc {i}" for i in range(12)]
    indices, _ = RandomSampling(random_state=0).select(None, docs, 4)
    assert len(set(indices.tolist())) == 4 and max(indices) < 12


# --------------------------------------------------------------------------- registry
def test_get_strategy_names():
    assert {"random", "least_confident", "margin", "entropy"} <= set(available_strategies())
    assert available_strategies() == sorted(available_strategies())
    assert isinstance(get_strategy("random"), RandomSampling)
    for name in ("least_confident", "margin", "entropy"):
        strategy = get_strategy(name)
        assert isinstance(strategy, UncertaintySampling) and strategy.measure == name
    assert get_strategy("margin") is not get_strategy("margin")  # fresh each time


def test_get_strategy_instances_and_callables():
    strategy = UncertaintySampling("entropy")
    assert get_strategy(strategy) is strategy

    def func(est, X):
        return np.zeros(len(X))

    wrapped = get_strategy(func)
    assert isinstance(wrapped, ScoreFunction) and wrapped.func is func


@pytest.mark.parametrize("bad", ["Margin", "uncertainty", "", 3, None, 1.5])
def test_get_strategy_errors(bad):
    with pytest.raises(ValueError, match=r"'query_strategy'") as info:
        get_strategy(bad)
    assert repr(bad) in str(info.value)
    assert "margin" in str(info.value)
    with pytest.raises(ValueError, match=r"'cold_start_strategy'"):
        get_strategy(bad, param="cold_start_strategy")


# --------------------------------------------------------------------------- custom strategies
def test_custom_strategy_instance_in_classifier(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=FirstFeature(),
                                   budget=7, batch_size=3, random_state=0).fit(p.X, p.y)
    order = p.unlabeled[np.argsort(-p.X[p.unlabeled, 0])]
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    np.testing.assert_array_equal(asked, order[:7])
    assert [h["strategy"] for h in clf.history_[1:]] == ["FirstFeature"] * 3
    np.testing.assert_allclose(clf.history_[1]["query_scores"], p.X[order[:3], 0])
    # A model-free strategy is used as is during a cold start.
    cold = ActiveLearningClassifier(oracle=p.oracle, query_strategy=FirstFeature(),
                                    budget=4, random_state=0).fit(p.X, np.full_like(p.y, -1))
    assert [h["strategy"] for h in cold.history_[1:]] == ["FirstFeature"] * 4


class EveryOther(QueryStrategy):
    """A batch strategy overriding select: the lowest candidate positions, every other one."""

    def __init__(self, step=2):
        self.step = step

    def select(self, estimator, X_pool, n, *, candidates=None, X_labeled=None,
               y_labeled=None, random_state=None, n_jobs=None, chunk_rows=None):
        self.seen_labeled_ = None if X_labeled is None else len(X_labeled)
        pool = np.flatnonzero(candidates)[:: self.step][:n]
        return pool, np.ones(len(pool))


def test_custom_select_strategy_in_classifier(binary_problem):
    p = binary_problem
    strategy = EveryOther()
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=strategy, budget=4,
                                   batch_size=2, random_state=0).fit(p.X, p.y)
    rows = p.unlabeled
    np.testing.assert_array_equal(clf.history_[1]["query_indices"], rows[[0, 2]])
    # X_labeled passed and grows; the fitted clone saw it, the user's object is untouched.
    assert clf.query_strategy_.seen_labeled_ == len(p.labeled) + 2
    assert not hasattr(strategy, "seen_labeled_")


class Cheater(QueryStrategy):
    def select(self, estimator, X_pool, n, *, candidates=None, **kwargs):
        return np.flatnonzero(~candidates)[:n], np.zeros(n)  # labeled rows: not allowed


class Repeater(QueryStrategy):
    def select(self, estimator, X_pool, n, *, candidates=None, **kwargs):
        first = np.flatnonzero(candidates)[0]
        return np.full(n, first), np.zeros(n)


@pytest.mark.parametrize("strategy", [Cheater(), Repeater()])
def test_invalid_picks_raise(binary_problem, strategy):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=strategy, budget=4,
                                   batch_size=2)
    with pytest.raises(ValueError, match="distinct positions"):
        clf.fit(p.X, p.y)
