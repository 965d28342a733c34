"""QueryByCommittee: committees, disagreement measures, invariants, and the loop by name."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joblib import parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import QueryByCommittee, committee_disagreement, get_strategy

DISAGREEMENTS = ["vote_entropy", "consensus_entropy", "kl_divergence"]


def _col0(X):
    return (X.toarray() if sp.issparse(X) else np.asarray(X))[:, 0]


class ThresholdVoter(ClassifierMixin, BaseEstimator):
    """Votes for the second class where feature 0 exceeds ``threshold`` (hard proba)."""

    def __init__(self, threshold=0.5):
        self.threshold = threshold

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        hit = (_col0(X) > self.threshold).astype(int)
        return np.eye(len(self.classes_))[hit]

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class TableMember(ClassifierMixin, BaseEstimator):
    """``predict_proba`` of row x is ``table[int(x[0])]``: probabilities set by the test."""

    def __init__(self, table=None, classes=None):
        self.table = table
        self.classes = classes

    def fit(self, X, y):
        self.classes_ = np.asarray(self.classes if self.classes is not None else np.unique(y))
        return self

    def predict_proba(self, X):
        return np.asarray(self.table, dtype=float)[_col0(X).astype(int)]

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _fitted(*members):
    return [m.fit(np.zeros((2, 1)), [0, 1]) for m in members]


def _labeled_problem(n=40, seed=0, n_classes=2):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] > 0).astype(int) + (n_classes == 3) * (X[:, 1] > 1).astype(int)
    labeled = np.concatenate([np.flatnonzero(y == c)[:2] for c in range(n_classes)])
    pool = np.ones(n, dtype=bool)
    pool[labeled] = False
    model = LogisticRegression().fit(X[labeled], y[labeled])
    return X, y, labeled, pool, model


# ---------------------------------------------------------------- hand-built cases
def test_vote_entropy_picks_the_row_the_committee_splits_on():
    committee = _fitted(*(ThresholdVoter(t) for t in (0.2, 0.4, 0.6, 0.8)))
    X = np.array([[0.1], [0.3], [0.5], [0.9]])  # votes for class 1: 0, 1, 2, 4 of 4
    idx, scores = QueryByCommittee(committee, random_state=0).select(None, X, 2)
    assert idx.tolist() == [2, 1]
    h_quarter = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    np.testing.assert_allclose(scores, [np.log(2), h_quarter])
    np.testing.assert_allclose(committee_disagreement(committee, X)[[0, 3]], 0.0)


def test_kl_divergence_prefers_confident_disagreement_over_shared_doubt():
    # row 0: both members unsure; row 1: both sure, opposite classes; row 2: both agree.
    a = TableMember([[0.5, 0.5], [0.9, 0.1], [0.9, 0.1]], classes=[0, 1])
    b = TableMember([[0.5, 0.5], [0.1, 0.9], [0.9, 0.1]], classes=[0, 1])
    committee = _fitted(a, b)
    X = np.array([[0.0], [1.0], [2.0]])
    kl = committee_disagreement(committee, X, "kl_divergence")
    expected = 0.9 * np.log(1.8) + 0.1 * np.log(0.2)
    np.testing.assert_allclose(kl, [0.0, expected, 0.0], atol=1e-12)
    idx, _ = QueryByCommittee(committee, disagreement="kl_divergence").select(None, X, 1)
    assert idx.tolist() == [1]
    # The consensus is (.5, .5) on rows 0 and 1 alike: consensus entropy cannot tell them apart.
    ce = committee_disagreement(committee, X, "consensus_entropy")
    np.testing.assert_allclose(ce[:2], np.log(2))
    idx, _ = QueryByCommittee(committee, disagreement="consensus_entropy").select(None, X, 2)
    assert sorted(idx.tolist()) == [0, 1]


def test_members_knowing_fewer_classes_are_aligned_to_the_union():
    a = TableMember([[1.0, 0.0]], classes=[0, 1])
    b = TableMember([[0.0, 1.0]], classes=[1, 2])  # its columns are classes 1 and 2
    committee = _fitted(a, b)
    X = np.zeros((1, 1))
    consensus = np.array([0.5, 0.0, 0.5])  # class 0 from a, class 2 from b
    ce = committee_disagreement(committee, X, "consensus_entropy")
    np.testing.assert_allclose(ce, [np.log(2)])
    kl = committee_disagreement(committee, X, "kl_divergence")
    np.testing.assert_allclose(kl, [np.log(1 / consensus[0])])
    # Votes 0 and 2: a 1-1 split over three classes.
    np.testing.assert_allclose(committee_disagreement(committee, X), [np.log(2)])


def test_unfitted_user_members_are_fitted_on_the_labeled_rows_not_mutated():
    voters = [ThresholdVoter(t) for t in (0.2, 0.6)]
    X = np.array([[0.1], [0.4], [0.9]])
    qbc = QueryByCommittee(voters)
    committee = qbc.fit_committee(None, X[:2], np.array(["no", "yes"]))
    assert all(not hasattr(v, "classes_") for v in voters)
    assert [m.classes_.tolist() for m in committee] == [["no", "yes"]] * 2
    idx, scores = qbc.select(None, X, 1, X_labeled=X[:2], y_labeled=np.array(["no", "yes"]))
    assert idx.tolist() == [1] and scores[0] == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="labeled rows"):
        qbc.select(None, X, 1)


def test_bootstrap_members_see_every_class_and_get_their_own_seeds():
    X, y, labeled, _, model = _labeled_problem(n_classes=3)
    qbc = QueryByCommittee(n_members=6, random_state=0)
    template = DecisionTreeClassifier()
    committee = qbc.fit_committee(template, X[labeled], y[labeled])
    assert len(committee) == 6
    assert all(m.classes_.tolist() == [0, 1, 2] for m in committee)
    seeds = [m.random_state for m in committee]
    assert all(isinstance(s, int) for s in seeds) and len(set(seeds)) == 6
    assert template.get_params()["random_state"] is None  # the template is not touched
    again = qbc.fit_committee(template, X[labeled], y[labeled])
    assert [m.random_state for m in again] == seeds


def test_parallel_fitting_gives_the_same_queries():
    X, y, labeled, pool, model = _labeled_problem(n=60)
    kwargs = dict(candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled])
    serial = QueryByCommittee(n_members=3, disagreement="kl_divergence", random_state=1)
    parallel = QueryByCommittee(n_members=3, disagreement="kl_divergence", random_state=1,
                                n_jobs=2)
    a = serial.select(model, X, 4, **kwargs)
    with parallel_config(backend="threading"):  # the joblib path, without process start-up
        b = parallel.select(model, X, 4, **kwargs)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"disagreement": "votes"}, "disagreement"),
        ({"n_members": 1}, "n_members"),
        ({"estimators": []}, "estimators"),
    ],
)
def test_invalid_parameters_are_named(params, match):
    X, y, labeled, pool, model = _labeled_problem()
    with pytest.raises(ValueError, match=match):
        QueryByCommittee(**params).select(
            model, X, 1, candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled]
        )


def test_vote_entropy_only_needs_predict_but_probability_measures_say_what_is_missing():
    class VoteOnly(ClassifierMixin, BaseEstimator):
        def __init__(self, threshold=0.5):
            self.threshold = threshold

        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def predict(self, X):
            return self.classes_[(_col0(X) > self.threshold).astype(int)]

    committee = _fitted(VoteOnly(0.3), VoteOnly(0.7))
    X = np.array([[0.5], [0.9]])
    assert QueryByCommittee(committee).select(None, X, 1)[0].tolist() == [0]
    with pytest.raises(ValueError, match="predict_proba"):
        QueryByCommittee(committee, disagreement="kl_divergence").select(None, X, 1)


# ---------------------------------------------------------------- dense and sparse
@pytest.mark.parametrize("disagreement", DISAGREEMENTS)
def test_dense_and_csr_pools_give_the_same_queries(disagreement):
    X, y, labeled, pool, _ = _labeled_problem(n=50)
    members = [LogisticRegression(C=c) for c in (0.01, 1.0, 100.0)]
    qbc = QueryByCommittee(members, disagreement=disagreement, random_state=0)
    dense = qbc.select(None, X, 3, candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled])
    Xs = sp.csr_matrix(X)
    sparse = qbc.select(None, Xs, 3, candidates=pool, X_labeled=Xs[labeled],
                        y_labeled=y[labeled])
    np.testing.assert_allclose(dense[1], sparse[1], atol=1e-6)
    if disagreement != "vote_entropy":  # vote entropy has ties, broken at random
        np.testing.assert_array_equal(dense[0], sparse[0])
    assert pool[sparse[0]].all()


# ---------------------------------------------------------------- invariants
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    disagreement=st.sampled_from(DISAGREEMENTS),
    n=st.integers(1, 30),
    pool_bits=st.lists(st.booleans(), min_size=30, max_size=30),
    seed=st.integers(0, 2**16),
)
def test_select_returns_distinct_candidates_deterministically(disagreement, n, pool_bits, seed):
    X, y, labeled, _, model = _labeled_problem(n=34)
    pool = np.zeros(34, dtype=bool)
    pool[np.setdiff1d(np.arange(34), labeled)[np.flatnonzero(pool_bits)]] = True
    if not pool.any():
        pool[np.setdiff1d(np.arange(34), labeled)[0]] = True  # a pool of one row
    qbc = QueryByCommittee(n_members=3, disagreement=disagreement, random_state=seed)
    kwargs = dict(candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled])
    idx, scores = qbc.select(model, X, n, **kwargs)
    assert idx.shape == scores.shape == (min(n, pool.sum()),)
    assert np.unique(idx).shape == idx.shape and pool[idx].all()
    assert np.all(np.diff(scores) <= 1e-12) and np.all(scores >= -1e-12)
    again = qbc.select(model, X, n, **kwargs)
    np.testing.assert_array_equal(idx, again[0])


# ---------------------------------------------------------------- in the loop
@pytest.mark.parametrize("name", ["query_by_committee", *DISAGREEMENTS])
def test_active_learning_classifier_runs_by_name(name, binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(
        oracle=SimulatedOracle(p.X, p.y_true), query_strategy=name, budget=6, batch_size=2,
        random_state=0,
    ).fit(p.X, p.y)
    assert isinstance(get_strategy(name), QueryByCommittee)
    assert clf.n_queries_ == 6 and clf.termination_condition_ == "budget_exhausted"
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert np.unique(asked).shape == (6,) and np.all(p.y[asked] == -1)
    np.testing.assert_array_equal(clf.y_labeled_[asked], p.y_true[asked])
    expected = {"query_by_committee": "vote_entropy"}.get(name, name)
    assert get_strategy(name).disagreement == expected
    # history_ names the most specific registry entry; "vote_entropy" is an alias.
    recorded = {"vote_entropy": "query_by_committee"}.get(expected, expected)
    assert all(h["strategy"] == recorded for h in clf.history_[1:])


def test_grid_search_over_committee_strategies(binary_problem):
    p = binary_problem
    y = p.y_true.copy()
    y[np.random.RandomState(0).rand(y.shape[0]) < 0.7] = -1  # 30% labeled: folds can score
    grid = GridSearchCV(
        ActiveLearningClassifier(oracle=SimulatedOracle(p.X, p.y_true), budget=4,
                                 random_state=0),
        {"query_strategy": ["vote_entropy", "kl_divergence"]},
        cv=2,
        error_score="raise",
    ).fit(p.X, y)
    scores = grid.cv_results_["mean_test_score"]
    assert scores.shape == (2,) and np.all((scores > 0.7) & (scores <= 1.0))
    assert grid.best_params_["query_strategy"] in {"vote_entropy", "kl_divergence"}
