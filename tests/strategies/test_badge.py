"""BADGE and FALCUN: hand-built cases, invariants, end to end."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.svm import LinearSVC

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import BADGE, FALCUN, Falcun, UncertaintySampling, get_strategy

NAMES = ["badge", "falcun"]
CONTAINERS = [np.asarray, sp.csr_matrix]


def dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


class FixedProba:
    """A stand-in model whose ``predict_proba`` returns a given table, row by row."""

    def __init__(self, proba):
        self.proba = np.asarray(proba, dtype=float)
        self.classes_ = np.arange(self.proba.shape[1])

    def predict_proba(self, X):
        return self.proba[: dense(X).shape[0]].copy()


class TwoClusterModel:
    """Rows with x0 < 0 (cluster A): p = (.505, .495, 0), margin .01; others (cluster B):
    p = (0, .49, .51), margin .02. A is strictly more uncertain."""

    classes_ = np.array([0, 1, 2])

    def predict_proba(self, X):
        left = dense(X)[:, 0] < 0
        return np.where(left[:, None], [0.505, 0.495, 0.0], [0.0, 0.49, 0.51])


def two_clusters():
    spread = 0.01 * np.arange(10)
    A = np.column_stack([np.full(10, -10.0), spread])
    B = np.column_stack([np.full(10, 10.0), spread])
    return np.vstack([A, B]), np.repeat([0, 1], 10)


def explicit_embeddings(proba, X):
    """The BADGE gradient embeddings built in full: (p - onehot(argmax p)) x [x, 1]."""
    residual = proba.copy()
    residual[np.arange(len(proba)), proba.argmax(axis=1)] -= 1
    H = np.column_stack([dense(X), np.ones(dense(X).shape[0])])
    return np.einsum("ik,ij->ikj", residual, H).reshape(len(proba), -1)


@pytest.mark.parametrize("seed", range(5))
def test_top_k_margin_takes_both_rows_from_the_more_uncertain_cluster(seed):
    X, cluster = two_clusters()
    indices, _ = UncertaintySampling("margin").select(TwoClusterModel(), X, 2, random_state=seed)
    assert cluster[indices].tolist() == [0, 0]


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("cls", [BADGE, FALCUN])
@pytest.mark.parametrize("seed", range(5))
def test_batch_of_two_takes_one_row_from_each_cluster(cls, container, seed):
    X, cluster = two_clusters()
    indices, _ = cls(random_state=seed).select(TwoClusterModel(), container(X), 2)
    assert sorted(cluster[indices].tolist()) == [0, 1]


# ----------------------------------------------------------------------------- BADGE
@pytest.mark.parametrize("container", CONTAINERS)
def test_badge_factorised_distances_match_explicit_embeddings(container):
    rng = np.random.RandomState(0)
    X = rng.randn(40, 5)
    X[np.abs(X) < 0.4] = 0.0
    proba = rng.dirichlet(np.ones(3), size=40)
    G = explicit_embeddings(proba, X)
    indices, scores = BADGE(random_state=1).select(FixedProba(proba), container(X), 6)
    norms = np.linalg.norm(G, axis=1)
    assert indices[0] == np.argmax(norms)
    assert scores[0] == pytest.approx(norms.max())
    for t in range(1, 6):
        nearest = np.linalg.norm(G[indices[:t]] - G[indices[t]], axis=1).min()
        assert scores[t] == pytest.approx(nearest, rel=1e-6)


def test_badge_draws_proportionally_to_squared_distance():
    # Equal residuals; rows at 10, 9 and 10 - sqrt(3): the first pick is row 0 (largest
    # norm); then squared distances are 0.5 * 1 and 0.5 * 3, so row 2 wins 3 times in 4.
    X = np.array([[10.0], [9.0], [10.0 - np.sqrt(3.0)]])
    model = FixedProba(np.full((3, 2), 0.5))
    seconds = [BADGE(random_state=s).select(model, X, 2)[0] for s in range(400)]
    assert all(s[0] == 0 for s in seconds)
    share = np.mean([s[1] == 2 for s in seconds])
    assert 0.65 < share < 0.85


def test_badge_falls_back_to_uniform_when_all_embeddings_coincide():
    # A certain model everywhere: every gradient embedding is zero.
    X = np.arange(8.0).reshape(4, 2)
    model = FixedProba(np.tile([1.0, 0.0], (4, 1)))
    picks = {tuple(BADGE(random_state=s).select(model, X, 2)[0]) for s in range(20)}
    assert all(len(set(p)) == 2 for p in picks)
    assert len(picks) > 3


def test_badge_uses_a_sigmoid_of_decision_function_without_predict_proba():
    X = np.array([[-3.0, 0.0], [3.0, 0.0], [-0.1, 4.0], [0.15, -4.0], [5.0, 0.1], [0.3, 0.2]])
    svm = LinearSVC().fit(X[:2], [0, 1])
    p1 = 1 / (1 + np.exp(-svm.decision_function(X)))
    as_proba = FixedProba(np.column_stack([1 - p1, p1]))
    for seed in range(3):
        got = BADGE(random_state=seed).select(svm, X, 3)
        want = BADGE(random_state=seed).select(as_proba, X, 3)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_allclose(got[1], want[1])


# ----------------------------------------------------------------------------- FALCUN
def test_falcun_first_pick_relevance_is_normalised_uncertainty_plus_uncertainty():
    proba = np.array([[0.5, 0.5], [0.55, 0.45], [0.75, 0.25], [0.95, 0.05]])
    uncertainty = 1 - np.abs(proba[:, 0] - proba[:, 1])  # 1.0, 0.9, 0.5, 0.1
    relevance = (uncertainty - 0.1) / 0.9 + uncertainty
    indices, scores = FALCUN(gamma=200, random_state=0).select(
        FixedProba(proba), np.zeros((4, 1)), 1
    )
    assert indices.tolist() == [0]  # (1.79 / 2) ** 200 ~ 2e-10: the argmax in practice
    assert scores[0] == pytest.approx(relevance[0])


def test_falcun_second_pick_uses_l1_distance_in_probability_space():
    # Row 1 duplicates row 0's probabilities; row 2 is less uncertain but far in p-space.
    proba = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.3, 0.7]])
    indices, scores = FALCUN(random_state=0).select(FixedProba(proba), np.zeros((3, 1)), 2)
    assert indices[1] == 2
    # Diversity after the first pick: row 1 -> 0, row 2 -> min(u=0.6, L1=1.4) = 0.6,
    # min-max scaled over rows {1, 2} -> 1; relevance = 1 + 0.6.
    assert scores[1] == pytest.approx(1.6)


def test_falcun_gamma_zero_is_uniform_and_gamma_is_validated():
    proba = np.array([[0.5, 0.5]] + [[0.99, 0.01]] * 3)
    model, X = FixedProba(proba), np.zeros((4, 1))
    firsts = [FALCUN(gamma=0, random_state=s).select(model, X, 1)[0][0] for s in range(200)]
    assert 0.15 < np.mean(np.asarray(firsts) == 0) < 0.35  # 1/4, not "the uncertain one"
    with pytest.raises(ValueError, match="gamma"):
        FALCUN(gamma=-1).select(FixedProba(proba), np.zeros((4, 1)), 1)


# ----------------------------------------------------------------------------- invariants
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("container", CONTAINERS)
def test_active_learning_classifier_by_name(name, container, multiclass_problem):
    p = multiclass_problem
    X = container(p.X)
    est = ActiveLearningClassifier(
        query_strategy=name, batch_size=4, budget=12,
        oracle=SimulatedOracle(X, p.y_true), random_state=0,
    ).fit(X, p.y)
    assert est.n_queries_ == 12 and est.n_iter_ == 3
    queried = np.concatenate([h["query_indices"] for h in est.history_[1:]])
    assert len(set(queried.tolist())) == 12
    assert (p.y[queried] == -1).all()
    np.testing.assert_array_equal(est.y_labeled_[queried], p.y_true[queried])
    # Every round was picked by this strategy (recorded by registry or class name).
    cls = type(get_strategy(name)).__name__
    assert all(h["strategy"] in (name, cls) for h in est.history_[1:])
    again = clone(est).fit(X, p.y)
    for h1, h2 in zip(est.history_, again.history_, strict=True):
        np.testing.assert_array_equal(h1["query_indices"], h2["query_indices"])


def test_falcun_is_a_deprecated_alias_of_FALCUN():
    proba = np.array([[0.5, 0.5], [0.9, 0.1], [0.6, 0.4]])
    with pytest.warns(FutureWarning, match="FALCUN"):
        old = Falcun(random_state=0)
    assert isinstance(old, FALCUN)
    np.testing.assert_array_equal(
        old.select(FixedProba(proba), np.zeros((3, 1)), 2)[0],
        FALCUN(random_state=0).select(FixedProba(proba), np.zeros((3, 1)), 2)[0],
    )
    assert type(get_strategy("falcun")) is FALCUN
