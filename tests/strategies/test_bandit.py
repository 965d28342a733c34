"""StrategyBandit: active learning by learning (a bandit over query strategies)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from skactive import ActiveLearningClassifier
from skactive.strategies import StrategyBandit, get_strategy

from ._fixed import HighFirst, LowFirst


class FixedModel:
    """Predicts ``predictions[row]`` for the rows of ``X = arange(n)[:, None]``; with
    ``proba`` (n, 2) it also has ``predict_proba``."""

    classes_ = np.array([0, 1])

    def __init__(self, predictions):
        self.predictions = predictions

    def predict(self, X):
        return self.predictions[np.asarray(X)[:, 0].astype(int)]


class ProbaModel(FixedModel):
    def __init__(self, proba):
        self.proba = proba
        super().__init__(proba.argmax(axis=1))

    def predict_proba(self, X):
        return self.proba[np.asarray(X)[:, 0].astype(int)]


def drive(bandit, n_rows, rounds, model_for_round, y_true, batch=1):
    """Run ``select`` as the classifier would: shrinking candidates, growing labels."""
    X = np.arange(n_rows, dtype=float)[:, None]
    candidates = np.ones(n_rows, dtype=bool)
    labeled = []
    for t in range(rounds):
        rows, _ = bandit.select(model_for_round(t, labeled), X, batch, candidates=candidates,
                                X_labeled=X[labeled], y_labeled=y_true[labeled])
        candidates[rows] = False
        labeled.extend(rows.tolist())
    return labeled


N = 400
LOW = np.arange(N) < N // 2  # the rows LowFirst queries in this many rounds


def test_iwacc_shifts_weight_to_the_arm_after_which_the_model_is_accurate():
    # A forgetful learner: right everywhere after a LowFirst batch, wrong everywhere
    # after a HighFirst one, so the importance-weighted accuracy is 1 or 0.
    y_true = (~LOW).astype(int)

    def model_for_round(t, labeled):
        good = not labeled or labeled[-1] < N // 2
        return FixedModel(y_true if good else 1 - y_true)

    bandit = StrategyBandit([LowFirst(), HighFirst()], learning_rate=0.5, random_state=0)
    drive(bandit, N, 40, model_for_round, y_true)
    low, high = bandit.arm_probabilities_
    assert low > 0.85 > 0.15 > high
    assert sum(h == ["LowFirst"] for h in bandit.arm_history_[-20:]) >= 15


def test_model_change_rewards_the_arm_after_which_predictions_move():
    y_true = np.zeros(N, dtype=int)
    state = {"pred": np.zeros(N, dtype=int)}
    rng = np.random.RandomState(0)

    def model_for_round(t, labeled):
        # Rows queried by HighFirst each flip 30% of the predictions; LowFirst's none.
        if labeled and labeled[-1] >= N // 2:
            state["pred"] = np.where(rng.rand(N) < 0.3, 1 - state["pred"], state["pred"])
        return FixedModel(state["pred"].copy())

    bandit = StrategyBandit([LowFirst(), HighFirst()], reward="model_change",
                            learning_rate=0.5, random_state=0)
    drive(bandit, N, 60, model_for_round, y_true)
    low, high = bandit.arm_probabilities_
    assert high > 0.85 > 0.15 > low


@pytest.mark.parametrize("split_batch", [False, True])
def test_surprise_rewards_the_arm_whose_rows_the_model_gets_wrong(split_batch):
    # The model gives the true label of LowFirst's rows probability 0.9 (surprise 0.1)
    # and of HighFirst's rows 0.2 (surprise 0.8).
    y_true = np.zeros(N, dtype=int)
    p_true = np.where(LOW, 0.9, 0.2)
    model = ProbaModel(np.column_stack([p_true, 1 - p_true]))
    bandit = StrategyBandit([LowFirst(), HighFirst()], reward="surprise", learning_rate=0.5,
                            split_batch=split_batch, random_state=0)
    drive(bandit, N, 25, lambda t, labeled: model, y_true, batch=4)
    low, high = bandit.arm_probabilities_
    assert high > 0.85 > 0.15 > low
    if split_batch:
        # Both arms supplied rows to the same batches while the weights were even.
        assert any(len(set(h)) == 2 for h in bandit.arm_history_[:5])
    else:
        assert all(len(set(h)) == 1 for h in bandit.arm_history_)
    assert bandit.arm_counts_.sum() == 100 and bandit.arm_counts_[1] > 60


def test_credit_is_shared_by_arms_that_give_the_same_advice():
    y_true = np.zeros(N, dtype=int)
    p_true = np.where(LOW, 0.2, 0.9)
    model = ProbaModel(np.column_stack([p_true, 1 - p_true]))
    bandit = StrategyBandit([LowFirst(), LowFirst(), HighFirst()], reward="surprise",
                            learning_rate=0.5, random_state=0)
    drive(bandit, N, 40, lambda t, labeled: model, y_true)
    p = bandit.arm_probabilities_
    assert p[0] == pytest.approx(p[1])  # identical advice, identical weights
    assert p[0] + p[1] > 0.9


def test_state_lives_on_the_instance_and_a_clone_starts_afresh():
    # The same instance across rounds keeps learning, even when the pool object changes
    # between calls (no identity check); a clone holds no state.
    X = np.arange(N, dtype=float)[:, None]
    y_true = (~LOW).astype(int)
    bandit = StrategyBandit([LowFirst(), HighFirst()], learning_rate=0.5, random_state=0)
    candidates = np.ones(N, dtype=bool)
    labeled = []
    for _ in range(4):
        rows, _ = bandit.select(FixedModel(y_true), X.copy(), 5, candidates=candidates,
                                X_labeled=X[labeled], y_labeled=y_true[labeled])
        candidates[rows] = False
        labeled.extend(rows.tolist())
    assert len(bandit.arm_history_) == 4 and bandit.arm_counts_.sum() == 20
    assert not np.allclose(bandit.state_.log_weights, 0.0)
    fresh = clone(bandit)
    assert not hasattr(fresh, "state_") and not hasattr(fresh, "arm_history_")


def test_state_restarts_with_each_fit(binary_problem):
    p = binary_problem
    bandit = StrategyBandit(("margin", "random"), random_state=0)
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=bandit, budget=9,
                                   batch_size=3, random_state=0)
    first = [h["query_indices"].tolist() for h in clf.fit(p.X, p.y).history_[1:]]
    arms_first = list(clf.query_strategy_.arm_history_)
    assert len(arms_first) == 3
    # The same instance used again: a new fit from a fresh clone, so the same picks.
    second = [h["query_indices"].tolist() for h in clf.fit(p.X, p.y).history_[1:]]
    assert clf.query_strategy_.arm_history_ == arms_first and second == first
    assert not hasattr(bandit, "arm_history_")  # the user's instance is never mutated
    X2 = p.X[:100].copy()
    clf.set_params(budget=3).fit(X2, p.y[:100])
    assert len(clf.query_strategy_.arm_history_) == 1
    np.testing.assert_allclose(clf.query_strategy_.arm_probabilities_, [0.5, 0.5])


def test_deterministic_under_random_state(multiclass_problem):
    p = multiclass_problem
    runs = []
    for _ in range(2):
        bandit = StrategyBandit(random_state=3)
        clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=bandit, budget=6,
                                       batch_size=2).fit(p.X, p.y)
        runs.append(([h["query_indices"].tolist() for h in clf.history_],
                     clf.query_strategy_.arm_history_))
    assert runs[0] == runs[1]


@settings(max_examples=15, deadline=None)
@given(
    n_rows=st.integers(1, 30),
    n=st.integers(1, 40),
    seed=st.integers(0, 1000),
    reward=st.sampled_from(["iwacc", "model_change"]),
    sparse=st.booleans(),
)
def test_invariants(n_rows, n, seed, reward, sparse):
    rng = np.random.RandomState(seed)
    X_lab = rng.normal(size=(6, 3))
    y_lab = np.array([0, 1, 2, 0, 1, 2])
    model = LogisticRegression().fit(X_lab, y_lab)
    X = rng.normal(size=(n_rows, 3))
    Xp = sp.csr_matrix(X) if sparse else X
    candidates = rng.rand(n_rows) < 0.7
    candidates[0] = True
    picks = []
    for _ in range(2):
        bandit = StrategyBandit(reward=reward, random_state=seed)
        indices, scores = bandit.select(model, Xp, n, candidates=candidates,
                                        X_labeled=X_lab, y_labeled=y_lab)
        expected = min(n, int(candidates.sum()))
        assert indices.shape == scores.shape == (expected,)
        assert len(set(indices.tolist())) == expected
        assert candidates[indices].all()
        picks.append(indices.tolist())
    assert picks[0] == picks[1]


@pytest.mark.parametrize("name", ["bandit"])
@pytest.mark.parametrize("sparse", [False, True])
def test_end_to_end_by_name(name, sparse, multiclass_problem):
    p = multiclass_problem
    X = sp.csr_matrix(p.X) if sparse else p.X
    from skactive.oracles import SimulatedOracle

    clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, p.y_true), query_strategy=name,
                                   budget=8, batch_size=2, random_state=0).fit(X, p.y)
    queried = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert len(set(queried.tolist())) == 8 and (p.y[queried] == -1).all()
    assert clf.history_[1]["strategy"] == name
    assert isinstance(get_strategy(name), StrategyBandit)
    # query() (no candidates): follows the most trusted arm, no learning.
    picked = clf.query(X, 3)
    assert len(set(picked.tolist())) == 3


def test_query_without_candidates_does_not_change_state(binary_problem):
    p = binary_problem
    bandit = StrategyBandit(("margin", "random"), random_state=0)
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=bandit, budget=4,
                                   random_state=0).fit(p.X, p.y)
    fitted = clf.query_strategy_  # the fitted clone
    before = (list(fitted.arm_history_), fitted.state_.log_weights.copy())
    clf.query(p.X, 2)
    assert fitted.arm_history_ == before[0]
    np.testing.assert_array_equal(fitted.state_.log_weights, before[1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"reward": "accuracy"}, "reward"),
        ({"exploration": 0.0}, "exploration"),
        ({"discount": 1.5}, "discount"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"strategies": ()}, "strategies"),
        ({"strategies": ("margin", "nope")}, "strategies"),
    ],
)
def test_bad_parameters(params, match, binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=StrategyBandit(**params),
                                   budget=2)
    with pytest.raises(ValueError, match=match):
        clf.fit(p.X, p.y)


def test_fitted_classifier_with_bandit_state_pickles(multiclass_problem):
    import pickle

    p = multiclass_problem
    bandit = StrategyBandit(("margin", "typiclust"), reward="surprise", split_batch=True,
                            random_state=0)
    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=bandit, budget=6,
                                   batch_size=3, random_state=0).fit(p.X, p.y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(p.X), clf.predict(p.X))
    assert again.query_strategy_.arm_history_ == clf.query_strategy_.arm_history_


def test_skipped_answers_do_not_break_the_rewards(binary_problem):
    p = binary_problem
    calls = {"n": 0}

    def skipping_oracle(X_query):
        # Skip the first row of every other batch: the bandit cannot align those answers.
        calls["n"] += 1
        answers = p.oracle(X_query).copy()
        if calls["n"] % 2:
            answers[0] = -1
        return answers

    for reward in ("iwacc", "surprise"):
        bandit = StrategyBandit(("margin", "random"), reward=reward, random_state=0)
        clf = ActiveLearningClassifier(oracle=skipping_oracle, query_strategy=bandit,
                                       budget=12, batch_size=3, random_state=0).fit(p.X, p.y)
        fitted = clf.query_strategy_
        assert clf.n_queries_ == 12 and fitted.arm_counts_.sum() == 12
        assert np.isfinite(fitted.state_.log_weights).all()


def test_a_new_pool_starts_a_new_state():
    # Direct select() calls on one instance: another pool (here smaller, so the first
    # pool's probe rows do not exist in it) gets the state a fresh bandit would have.
    rng = np.random.RandomState(0)
    first, second = rng.randn(300, 2), rng.randn(80, 2)
    model = LogisticRegression().fit([[-1, 0], [1, 0]], [0, 1])
    bandit = StrategyBandit(random_state=0, reward="model_change")
    bandit.select(model, first, 2, candidates=np.ones(300, dtype=bool))
    state = bandit.state_
    got, _ = bandit.select(model, second, 2, candidates=np.ones(80, dtype=bool))
    fresh = StrategyBandit(random_state=0, reward="model_change")
    expected, _ = fresh.select(model, second, 2, candidates=np.ones(80, dtype=bool))
    assert bandit.state_ is not state and bandit.state_.probe.max() < 80
    np.testing.assert_array_equal(got, expected)
    assert bandit.arm_history_ == fresh.arm_history_
