"""Uncertainty sampling: hand-built tables where each measure's definition fixes the pick."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from skactive.strategies import UncertaintySampling, uncertainty_scores


class TableModel:
    """A fitted 'model' whose predict_proba for row i is ``table[int(X[i, 0])]``."""

    def __init__(self, table):
        self.table = np.asarray(table, dtype=float)
        self.classes_ = np.arange(self.table.shape[1])

    def predict_proba(self, X):
        return self.table[np.asarray(X)[:, 0].astype(int)]


class DecisionModel:
    """Like TableModel, but only with decision_function."""

    def __init__(self, table):
        self.table = np.asarray(table, dtype=float)

    def decision_function(self, X):
        return self.table[np.asarray(X)[:, 0].astype(int)]


def _ids(n):
    return np.arange(n, dtype=float)[:, None]


def _pick(measure, model, n=1, **kwargs):
    X = _ids(model.table.shape[0])
    indices, scores = UncertaintySampling(measure, random_state=0).select(model, X, n, **kwargs)
    return indices.tolist(), scores


BINARY = [[0.9, 0.1], [0.6, 0.4], [0.7, 0.3], [0.05, 0.95], [0.45, 0.55]]
# Row 0: max 0.5 with a 0.01 gap; row 1: max 0.4 with a 0.1 gap.
DISAGREE = [[0.5, 0.49, 0.01], [0.4, 0.3, 0.3]]
# Row 0: flattest top (max 0.4, gap 0); row 1: flattest overall (highest entropy).
FOUR = [[0.4, 0.4, 0.1, 0.1], [0.45, 0.2, 0.2, 0.15], [0.7, 0.1, 0.1, 0.1]]


def test_least_confident_picks_lowest_max_probability():
    picked, scores = _pick("least_confident", TableModel(BINARY), n=5)
    assert picked == [4, 1, 2, 0, 3]
    np.testing.assert_allclose(scores, [0.45, 0.4, 0.3, 0.1, 0.05])


def test_margin_picks_smallest_gap():
    picked, scores = _pick("margin", TableModel(BINARY), n=5)
    assert picked == [4, 1, 2, 0, 3]  # same ranking as least confident for two classes
    np.testing.assert_allclose(scores, [-0.1, -0.2, -0.4, -0.8, -0.9])


def test_margin_and_least_confident_disagree_on_three_classes():
    model = TableModel(DISAGREE)
    assert _pick("least_confident", model)[0] == [1]  # max 0.4 < 0.5
    assert _pick("margin", model)[0] == [0]  # gap 0.01 < 0.1
    assert _pick("entropy", model)[0] == [1]


def test_entropy_picks_flattest_row():
    model = TableModel(FOUR)
    assert _pick("least_confident", model)[0] == [0]
    assert _pick("margin", model)[0] == [0]
    picked, scores = _pick("entropy", model, n=3)
    assert picked == [1, 0, 2]
    expected = [-sum(p * np.log(p) for p in FOUR[i]) for i in picked]
    np.testing.assert_allclose(scores, expected)


def test_uncertainty_scores_match_definitions():
    rng = np.random.RandomState(0)
    for n_classes in (2, 3, 5, 20):  # 20: beyond the column-wise fast path
        proba = rng.dirichlet(np.ones(n_classes), size=50)
        top = np.sort(proba, axis=1)
        np.testing.assert_allclose(uncertainty_scores(proba, "least_confident"),
                                   1 - top[:, -1])
        np.testing.assert_allclose(uncertainty_scores(proba, "margin"), top[:, -2] - top[:, -1])
        np.testing.assert_allclose(uncertainty_scores(proba, "entropy"),
                                   -(proba * np.log(proba)).sum(axis=1))


def test_entropy_with_zero_probabilities_is_finite():
    scores = uncertainty_scores(np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]), "entropy")
    np.testing.assert_allclose(scores, [0.0, np.log(2)])


def test_binary_margin_and_least_confident_rank_alike():
    proba = np.random.RandomState(1).dirichlet([1, 1], size=40)
    lc = uncertainty_scores(proba, "least_confident")
    margin = uncertainty_scores(proba, "margin")
    np.testing.assert_array_equal(np.argsort(-lc, kind="stable"),
                                  np.argsort(-margin, kind="stable"))


def test_uncertainty_scores_rejects_unknown_measure():
    with pytest.raises(ValueError, match="measure"):
        uncertainty_scores(np.ones((2, 2)) / 2, "confusion")
    with pytest.raises(ValueError, match=r"'measure'.*'confusion'"):
        UncertaintySampling("confusion").select(TableModel(BINARY), _ids(5), 1)


@pytest.mark.parametrize("measure", ["least_confident", "margin", "entropy"])
def test_candidates_mask_is_respected(measure):
    mask = np.array([True, False, True, True, False])  # hide rows 1 and 4, the best two
    picked, scores = _pick(measure, TableModel(BINARY), n=10, candidates=mask)
    assert picked == [2, 0, 3]
    assert np.isfinite(scores).all()


# --------------------------------------------------------------------------- decision_function
def test_decision_function_fallback_binary():
    model = DecisionModel([2.0, -0.3, 0.1, -5.0, 1.0])
    for measure in ("least_confident", "margin", "entropy"):
        picked, scores = _pick(measure, model, n=5)
        assert picked == [2, 1, 4, 0, 3]  # smallest |f(x)| first
        np.testing.assert_allclose(scores, [-0.1, -0.3, -1.0, -2.0, -5.0])


def test_decision_function_fallback_multiclass():
    # Row 0: lowest top score; row 1: smallest gap between the top two; row 2: flattest.
    table = [[0.5, 0.2, -3.0], [3.0, 2.9, -3.0], [1.0, 1.0, 1.0], [4.0, -1.0, -1.0]]
    model = DecisionModel(table)
    assert _pick("least_confident", model)[0] == [0]
    margin_pick = _pick("margin", model, n=2)[0]
    assert margin_pick == [2, 1]  # gaps 0, then 0.1
    picked, scores = _pick("entropy", model, n=4)
    assert picked[0] == 2
    np.testing.assert_allclose(scores[0], np.log(3))


def test_real_linear_svc_uses_decision_function():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    svc = LinearSVC(random_state=0).fit(X, y)
    indices, _ = UncertaintySampling("margin", random_state=0).select(svc, X, 5)
    np.testing.assert_array_equal(indices, np.argsort(np.abs(svc.decision_function(X)))[:5])


def test_real_logistic_regression_prefers_predict_proba():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y = np.arange(60) % 3
    lr = LogisticRegression().fit(X, y)
    for measure in ("least_confident", "margin", "entropy"):
        indices, scores = UncertaintySampling(measure, random_state=0).select(lr, X, 6)
        expected = uncertainty_scores(lr.predict_proba(X), measure)
        np.testing.assert_array_equal(indices, np.argsort(-expected, kind="stable")[:6])
        np.testing.assert_allclose(scores, expected[indices])


def test_chunked_scoring_gives_the_same_answer():
    rng = np.random.RandomState(0)
    table = rng.dirichlet(np.ones(3), size=101)
    model = TableModel(table)
    X = _ids(101)
    mask = rng.random_sample(101) < 0.6
    full, full_scores = UncertaintySampling("entropy").select(model, X, 10, candidates=mask,
                                                               random_state=0)
    for chunk in (1, 7, 50):
        got, got_scores = UncertaintySampling("entropy").select(
            model, X, 10, candidates=mask, random_state=0, chunk_rows=chunk
        )
        np.testing.assert_array_equal(got, full)
        np.testing.assert_allclose(got_scores, full_scores)
    assert mask[full].all()


def test_get_params_and_defaults():
    strategy = UncertaintySampling()
    assert strategy.get_params() == {"measure": "margin", "random_state": None}
    assert strategy.set_params(measure="entropy").measure == "entropy"
    assert UncertaintySampling.requires_model
