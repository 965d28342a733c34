"""ExpectedErrorReduction: the definition on a toy, subsampling, inputs, invariants, loop."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import ExpectedErrorReduction, UncertaintySampling, get_strategy


class GroupModel(ClassifierMixin, BaseEstimator):
    """Feature 0 is a group id. A group with labeled rows is predicted by their class
    frequencies; a group without any is predicted uniformly."""

    eval_sizes = []  # rows per predict_proba call, across instances

    def fit(self, X, y):
        X = X.toarray() if sp.issparse(X) else np.asarray(X)
        self.classes_ = np.unique(y)
        y = np.asarray(y)
        self.freq_ = {
            g: np.mean(y[X[:, 0] == g][:, None] == self.classes_, axis=0)
            for g in np.unique(X[:, 0])
        }
        return self

    def predict_proba(self, X):
        X = X.toarray() if sp.issparse(X) else np.asarray(X)
        GroupModel.eval_sizes.append(X.shape[0])
        uniform = np.full(len(self.classes_), 1 / len(self.classes_))
        return np.array([self.freq_.get(g, uniform) for g in X[:, 0]])


def _toy():
    """Pool: B (group 2, alone), A and A' (group 1). Rows 3-4: labeled, group 0."""
    X = np.array([[2.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.0, 1.0]])
    pool = np.array([True, True, True, False, False])
    y_labeled = np.array([0, 1])
    return X, pool, y_labeled, GroupModel().fit(X[3:], y_labeled)


def _problem(n=40, seed=0):
    X, y = make_classification(n_samples=n, n_features=4, n_informative=3, n_redundant=0,
                               class_sep=1.5, random_state=seed)
    labeled = np.concatenate([np.flatnonzero(y == 0)[:2], np.flatnonzero(y == 1)[:2]])
    pool = np.ones(n, dtype=bool)
    pool[labeled] = False
    return X, y, labeled, pool, LogisticRegression().fit(X[labeled], y[labeled])


# ---------------------------------------------------------------- hand-built case
@pytest.mark.parametrize("loss, unit", [("log_loss", np.log(2)), ("zero_one", 0.5)])
def test_picks_the_row_whose_label_settles_the_most_of_the_pool(loss, unit):
    X, pool, y_labeled, model = _toy()
    # Labeling A (or A') settles both group-1 rows: B alone stays uncertain, 1 of 3 rows.
    # Labeling B settles only B: A and A' stay uncertain, 2 of 3 rows.
    for seed in range(5):
        eer = ExpectedErrorReduction(loss=loss, random_state=seed)
        idx, scores = eer.select(model, X, 3, candidates=pool, X_labeled=X[3:],
                                 y_labeled=y_labeled)
        assert sorted(idx[:2].tolist()) == [1, 2] and idx[2] == 0
        np.testing.assert_allclose(scores, [-unit / 3, -unit / 3, -2 * unit / 3])
    # Uncertainty sampling sees three equally uncertain rows.
    assert np.ptp(UncertaintySampling("entropy").score(model, X[:3])) == 0


def test_candidates_are_the_most_uncertain_rows_and_the_loss_uses_n_eval_rows():
    X, y, labeled, pool, model = _problem()
    margin = UncertaintySampling("margin").score(model, X)
    margin[~pool] = -np.inf
    most_uncertain = set(np.argsort(-margin)[:3].tolist())
    eer = ExpectedErrorReduction(n_candidates=3, n_eval=7, random_state=0)
    idx, _ = eer.select(model, X, 2, candidates=pool, X_labeled=X[labeled],
                        y_labeled=y[labeled])
    assert set(idx.tolist()) <= most_uncertain
    # A batch larger than n_candidates evaluates (and returns) n rows.
    idx, scores = eer.select(model, X, 5, candidates=pool, X_labeled=X[labeled],
                             y_labeled=y[labeled])
    assert idx.shape == (5,) and np.all(np.isfinite(scores))
    GroupModel.eval_sizes.clear()
    Xg = np.column_stack([np.arange(30) % 4, np.zeros(30)])
    group_pool = np.arange(30) >= 4
    ExpectedErrorReduction(n_candidates=2, n_eval=7, random_state=0).select(
        GroupModel().fit(Xg[:4], [0, 1, 0, 1]), Xg, 1, candidates=group_pool,
        X_labeled=Xg[:4], y_labeled=np.array([0, 1, 0, 1]),
    )
    refit_evals = GroupModel.eval_sizes[2:]  # after ranking the pool and the 2 candidates
    assert refit_evals and set(refit_evals) == {7}


def test_the_estimator_and_the_labeled_rows_are_not_modified():
    X, y, labeled, pool, model = _problem()
    coef, X_lab, y_lab = model.coef_.copy(), X[labeled].copy(), y[labeled].copy()
    ExpectedErrorReduction(n_candidates=4, random_state=0).select(
        model, X, 2, candidates=pool, X_labeled=X_lab, y_labeled=y_lab
    )
    np.testing.assert_array_equal(model.coef_, coef)
    np.testing.assert_array_equal(X_lab, X[labeled])
    np.testing.assert_array_equal(y_lab, y[labeled])


@pytest.mark.parametrize(
    "params, match",
    [({"loss": "hinge"}, "loss"), ({"n_candidates": 0}, "n_candidates"),
     ({"n_eval": 1.5}, "n_eval")],
)
def test_invalid_parameters_are_named(params, match):
    X, y, labeled, pool, model = _problem()
    with pytest.raises(ValueError, match=match):
        ExpectedErrorReduction(**params).select(
            model, X, 1, candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled]
        )


def test_labeled_rows_are_required():
    X, _, _, pool, model = _problem()
    with pytest.raises(ValueError, match="labeled rows"):
        ExpectedErrorReduction().select(model, X, 1, candidates=pool)


# ---------------------------------------------------------------- input types
def test_dense_and_csr_pools_give_the_same_queries():
    X, y, labeled, pool, model = _problem()
    eer = ExpectedErrorReduction(n_candidates=6, n_eval=20, random_state=0)
    dense = eer.select(model, X, 3, candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled])
    Xs = sp.csr_matrix(X)
    sparse_model = LogisticRegression().fit(Xs[labeled], y[labeled])
    sparse = eer.select(sparse_model, Xs, 3, candidates=pool, X_labeled=Xs[labeled],
                        y_labeled=y[labeled])
    np.testing.assert_array_equal(dense[0], sparse[0])
    np.testing.assert_allclose(dense[1], sparse[1], rtol=1e-4)


def test_dataframe_and_text_pools():
    pd = pytest.importorskip("pandas")
    X, y, labeled, pool, model = _problem()
    frame = pd.DataFrame(X, index=np.arange(100, 140))
    eer = ExpectedErrorReduction(n_candidates=5, n_eval=10, random_state=0)
    expected = eer.select(model, X, 2, candidates=pool, X_labeled=X[labeled],
                          y_labeled=y[labeled])
    got = eer.select(model, frame, 2, candidates=pool, X_labeled=frame.iloc[labeled],
                     y_labeled=y[labeled])
    np.testing.assert_array_equal(expected[0], got[0])
    docs = ["red apple", "green apple", "stock market", "market crash", "apple pie",
            "stock price", "red fruit"]
    text_model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(docs[:4],
                                                                             [0, 0, 1, 1])
    idx, scores = ExpectedErrorReduction(random_state=0).select(
        text_model, docs, 2, candidates=np.arange(7) >= 4, X_labeled=docs[:4],
        y_labeled=np.array([0, 0, 1, 1]),
    )
    assert idx.shape == (2,) and set(idx.tolist()) <= {4, 5, 6}
    assert np.all(scores < 0)


# ---------------------------------------------------------------- invariants
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    loss=st.sampled_from(["log_loss", "zero_one"]),
    n=st.integers(1, 20),
    pool_bits=st.lists(st.booleans(), min_size=16, max_size=16),
    seed=st.integers(0, 2**16),
)
def test_select_returns_distinct_candidates_deterministically(loss, n, pool_bits, seed):
    X, y, labeled, _, model = _problem(n=20)
    pool = np.zeros(20, dtype=bool)
    pool[np.setdiff1d(np.arange(20), labeled)[np.flatnonzero(pool_bits)]] = True
    if not pool.any():
        pool[np.setdiff1d(np.arange(20), labeled)[0]] = True  # a pool of one row
    eer = ExpectedErrorReduction(loss=loss, n_candidates=4, n_eval=8, random_state=seed)
    kwargs = dict(candidates=pool, X_labeled=X[labeled], y_labeled=y[labeled])
    idx, scores = eer.select(model, X, n, **kwargs)
    assert idx.shape == scores.shape == (min(n, pool.sum()),)
    assert np.unique(idx).shape == idx.shape and pool[idx].all()
    assert np.all(scores <= 0) and np.all(np.diff(scores) <= 0)
    again = eer.select(model, X, n, **kwargs)
    np.testing.assert_array_equal(idx, again[0])


# ---------------------------------------------------------------- in the loop
def test_active_learning_classifier_runs_by_name():
    X, y_true = make_classification(n_samples=40, n_features=4, n_informative=3,
                                    n_redundant=0, class_sep=1.5, random_state=3)
    y = np.full_like(y_true, -1)
    seed_rows = np.concatenate([np.flatnonzero(y_true == c)[:2] for c in (0, 1)])
    y[seed_rows] = y_true[seed_rows]
    clf = ActiveLearningClassifier(
        oracle=SimulatedOracle(X, y_true), query_strategy="expected_error_reduction",
        budget=4, batch_size=2, random_state=0,
    ).fit(X, y)
    assert isinstance(get_strategy("expected_error_reduction"), ExpectedErrorReduction)
    assert clf.n_queries_ == 4 and clf.termination_condition_ == "budget_exhausted"
    asked = np.concatenate([h["query_indices"] for h in clf.history_[1:]])
    assert np.unique(asked).shape == (4,) and np.all(y[asked] == -1)
    np.testing.assert_array_equal(clf.y_labeled_[asked], y_true[asked])
    assert [h["strategy"] for h in clf.history_[1:]] == ["expected_error_reduction"] * 2
    assert all(np.all(h["query_scores"] < 0) for h in clf.history_[1:])


def test_a_batch_beyond_n_candidates_is_completed_in_margin_order():
    X, y, labeled, pool, model = _problem()
    margin = UncertaintySampling("margin").score(model, X)
    margin[~pool] = -np.inf
    order = np.argsort(-margin, kind="stable")
    eer = ExpectedErrorReduction(n_candidates=2, n_eval=7, random_state=0)
    idx, scores = eer.select(model, X, 5, candidates=pool, X_labeled=X[labeled],
                             y_labeled=y[labeled])
    assert set(idx[:2].tolist()) == set(order[:2].tolist())  # the evaluated rows first
    assert idx[2:].tolist() == order[2:5].tolist()
    assert scores[:2].min() > scores[2] and np.all(np.diff(scores[2:]) < 0)


def test_max_classes_keeps_the_most_probable_answers():
    from skactive.strategies._error_reduction import _most_probable

    proba = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    # Row 2 ties at the cut, so all three answers stay.
    np.testing.assert_allclose(_most_probable(proba, 2), [[0.625, 0.375, 0.0], proba[1]])
    np.testing.assert_allclose(_most_probable(proba, 1), [[1, 0, 0], [0, 0, 1]])
    assert _most_probable(proba, None) is proba
