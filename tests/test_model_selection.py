"""active_learning_curve, make_oracle_scorer, compare_strategies and aulc."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, get_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import (
    active_learning_curve,
    aulc,
    compare_strategies,
    make_oracle_scorer,
)
from skactive.oracles import SimulatedOracle
from skactive.strategies import UncertaintySampling


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # Tiny BLAS calls with spinning worker threads are ~30x slower on the shared 2 cores.
    with threadpool_limits(1):
        yield


def make_clf(problem, budget=8, **kwargs):
    kwargs.setdefault("random_state", 0)
    return ActiveLearningClassifier(
        LogisticRegression(max_iter=200), oracle=problem.oracle, budget=budget, **kwargs
    )


def folds(problem, n_splits=3):
    return list(StratifiedKFold(n_splits, shuffle=True, random_state=0).split(problem.X,
                                                                             problem.y))


def fit_on_fold(clf, problem, train, budget):
    return clone(clf).set_params(budget=budget).fit(problem.X[train], problem.y[train])


# ---------------------------------------------------------------------- the curve
def test_curve_shapes_labels_and_range(problem):
    clf = make_clf(problem, budget=8, batch_size=2)
    splits = folds(problem)
    n_labels, test_scores = active_learning_curve(clf, problem.X, problem.y, cv=splits)
    n_initial = np.mean([np.count_nonzero(problem.y[train] != -1) for train, _ in splits])
    np.testing.assert_array_equal(n_labels, n_initial + np.arange(0, 9, 2))
    assert test_scores.shape == (5, 3)
    assert np.all((test_scores >= 0) & (test_scores <= 1))


@pytest.mark.parametrize("scoring", [None, "oracle"])
def test_curve_equals_separate_fits_at_each_budget(problem, scoring):
    """The score after b labels is the score of the estimator fitted with budget=b."""
    clf = make_clf(problem, budget=8)
    splits = folds(problem)
    scorer = make_oracle_scorer(problem.oracle) if scoring == "oracle" else None
    n_labels, test_scores = active_learning_curve(
        clf, problem.X, problem.y, cv=splits, scoring=scorer
    )
    for j, (train, test) in enumerate(splits):
        for budget in (0, 3, 8):
            est = fit_on_fold(clf, problem, train, budget)
            if scorer is None:
                expected = est.score(problem.X[test], problem.y[test])
            else:
                expected = accuracy_score(problem.y_true[test], est.predict(problem.X[test]))
            assert test_scores[budget, j] == pytest.approx(expected)
    # The oracle scorer sees every test row, the default only the labeled ones.
    if scoring == "oracle":
        assert np.ptp(test_scores) > 0


@pytest.mark.parametrize("metric", ["f1_macro", "roc_auc_ovr", "neg_log_loss"])
def test_curve_with_sklearn_scorer_names(multiclass_problem, metric):
    problem = multiclass_problem
    clf = make_clf(problem, budget=6)
    splits = folds(problem)
    scorer = make_oracle_scorer(problem.oracle, metric=metric)
    _, test_scores = active_learning_curve(clf, problem.X, problem.y, cv=splits,
                                           scoring=scorer)
    for j, (train, test) in enumerate(splits):
        est = fit_on_fold(clf, problem, train, 6)
        expected = get_scorer(metric)(est, problem.X[test], problem.y_true[test])
        assert test_scores[-1, j] == pytest.approx(expected)
    if metric != "neg_log_loss":
        assert np.all((test_scores >= 0) & (test_scores <= 1))


def test_string_scoring_uses_labeled_test_rows_only(binary_problem):
    problem = binary_problem
    y = problem.y.copy()
    y[::4] = problem.y_true[::4]  # label a quarter of the rows
    clf = make_clf(problem, budget=5)
    splits = folds(problem)
    _, test_scores = active_learning_curve(clf, problem.X, y, cv=splits, scoring="roc_auc")
    for j, (train, test) in enumerate(splits):
        est = clone(clf).fit(problem.X[train], y[train])
        labeled = test[y[test] != -1]
        expected = get_scorer("roc_auc")(est, problem.X[labeled], y[labeled])
        assert test_scores[-1, j] == pytest.approx(expected)


def test_train_scores_are_scores_on_the_rows_labeled_so_far():
    from sklearn.datasets import make_classification

    # Noisy labels, so a model does not fit its own training set perfectly.
    X, y_true = make_classification(n_samples=150, flip_y=0.4, class_sep=0.5, random_state=0)
    y = np.full_like(y_true, -1)
    y[:12] = y_true[:12]
    clf = ActiveLearningClassifier(LogisticRegression(C=0.1), oracle=SimulatedOracle(X, y_true),
                                   budget=6, random_state=0)
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    n_labels, train_scores, test_scores = active_learning_curve(
        clf, X, y, cv=splits, return_train_score=True
    )
    assert train_scores.shape == test_scores.shape == (7, 3)
    assert train_scores.min() < 1
    for j, (train, _) in enumerate(splits):
        for budget in range(7):
            est = clone(clf).set_params(budget=budget).fit(X[train], y[train])
            labeled = est.labeled_iter_ >= 0
            expected = est.score(X[train][labeled], est.y_labeled_[labeled])
            assert train_scores[budget, j] == pytest.approx(expected)


def test_text_pipeline_inside_the_classifier():
    words = {0: ["goal", "match", "team", "coach"], 1: ["oven", "recipe", "salt", "bake"]}
    rng = np.random.RandomState(0)
    docs, y_true = [], []
    for i in range(60):
        label = i % 2
        docs.append(" ".join(rng.choice(words[label], 3)) + f" doc{i}")
        y_true.append(label)
    y_true = np.array(y_true)
    y = np.full(60, -1)
    y[:4] = y_true[:4]
    oracle = SimulatedOracle(docs, y_true)
    clf = ActiveLearningClassifier(
        make_pipeline(TfidfVectorizer(), LogisticRegression()), oracle=oracle, budget=6,
        random_state=0,
    )
    splits = list(StratifiedKFold(2, shuffle=True, random_state=0).split(docs, y))
    _, test_scores = active_learning_curve(clf, docs, y, cv=splits,
                                           scoring=make_oracle_scorer(oracle))
    for j, (train, test) in enumerate(splits):
        est = clone(clf).fit([docs[i] for i in train], y[train])
        expected = accuracy_score(y_true[test], est.predict([docs[i] for i in test]))
        assert test_scores[-1, j] == pytest.approx(expected)


def test_string_labels_from_a_cold_start(binary_problem):
    """No label at all: rounds without a model predict a constant string class."""
    problem = binary_problem
    names = np.array(["cat", "dog"], dtype=object)
    y_true = names[problem.y_true]
    y = np.full(len(y_true), None, dtype=object)
    oracle = SimulatedOracle(problem.X, y_true)
    clf = ActiveLearningClassifier(LogisticRegression(), oracle=oracle, budget=6,
                                   missing_label=None, random_state=0)
    splits = folds(problem, 2)
    n_labels, test_scores = active_learning_curve(clf, problem.X, y, cv=splits,
                                                  scoring=make_oracle_scorer(oracle))
    np.testing.assert_array_equal(n_labels, np.arange(7))
    for j, (train, test) in enumerate(splits):
        est = clone(clf).fit(problem.X[train], y[train])
        # Round 0 knows no label: uniform prior, so the first class is predicted.
        assert test_scores[0, j] == pytest.approx(np.mean(y_true[test] == est.classes_[0]))
        assert test_scores[-1, j] == pytest.approx(est.score(problem.X[test], y_true[test]))


def test_folds_of_different_length_are_padded(binary_problem):
    """A fold whose pool runs out keeps its last score ("last") or gets NaN ("nan")."""
    problem = binary_problem
    labeled, unlabeled = problem.labeled, problem.unlabeled
    short = np.concatenate([labeled, unlabeled[:4]])  # pool of 4 < budget 7
    long = np.concatenate([labeled, unlabeled[4:60]])
    test = unlabeled[60:]
    splits = [(short, test), (long, test)]
    scorer = make_oracle_scorer(problem.oracle)
    clf = make_clf(problem, budget=7)
    n_labels, last = active_learning_curve(clf, problem.X, problem.y, cv=splits,
                                           scoring=scorer)
    _, nan = active_learning_curve(clf, problem.X, problem.y, cv=splits, scoring=scorer,
                                   pad="nan")
    np.testing.assert_array_equal(n_labels, len(labeled) + np.arange(8))
    np.testing.assert_array_equal(last[4:, 0], last[4, 0])
    assert np.isnan(nan[5:, 0]).all() and np.isfinite(nan[:5, 0]).all()
    np.testing.assert_array_equal(nan[:, 1], last[:, 1])


def test_skipped_queries_count_as_labels_asked(binary_problem):
    problem = binary_problem

    class SkipEveryOther:
        def __init__(self):
            self.calls = 0

        def __call__(self, X_query):
            self.calls += 1
            answers = problem.oracle(X_query)
            return np.where(self.calls % 2 == 0, -1, answers)

    clf = make_clf(problem, budget=6).set_params(oracle=SkipEveryOther())
    splits = folds(problem, 2)
    n_labels, test_scores = active_learning_curve(clf, problem.X, problem.y, cv=splits)
    assert n_labels.shape == (7,)
    np.testing.assert_array_equal(np.diff(n_labels), 1)
    # A skipped round refits nothing: the score stays.
    np.testing.assert_array_equal(test_scores[2], test_scores[1])


def test_test_fold_without_labels_warns_and_gives_nan(binary_problem):
    problem = binary_problem
    train = np.concatenate([problem.labeled, problem.unlabeled[:50]])
    splits = [(train, problem.unlabeled[50:])]
    with pytest.warns(UserWarning, match="no labeled row"):
        _, test_scores = active_learning_curve(make_clf(problem, budget=3), problem.X,
                                               problem.y, cv=splits)
    assert np.isnan(test_scores).all()


def test_parallel_folds_give_the_same_curve(binary_problem):
    problem = binary_problem
    clf = make_clf(problem, budget=5)
    splits = folds(problem)
    scorer = make_oracle_scorer(problem.oracle)
    one = active_learning_curve(clf, problem.X, problem.y, cv=splits, scoring=scorer)
    two = active_learning_curve(clf, problem.X, problem.y, cv=splits, scoring=scorer,
                                n_jobs=2)
    np.testing.assert_array_equal(one[1], two[1])


def test_bad_arguments(binary_problem):
    problem = binary_problem
    with pytest.raises(ValueError, match="ActiveLearningClassifier"):
        active_learning_curve(LogisticRegression(), problem.X, problem.y)
    with pytest.raises(ValueError, match="'pad'"):
        active_learning_curve(make_clf(problem), problem.X, problem.y, pad="zero")
    with pytest.raises(ValueError, match="'scoring'"):
        active_learning_curve(make_clf(problem), problem.X, problem.y, scoring=["accuracy"])
    with pytest.raises(ValueError, match="n_repeats"):
        compare_strategies(make_clf(problem), problem.X, problem.y, n_repeats=0)
    with pytest.raises(ValueError, match="metric"):
        make_oracle_scorer(problem.oracle, metric=3)


# ---------------------------------------------------------------------- fit counting
class CountingLR(LogisticRegression):
    fits = 0

    def fit(self, X, y, **kwargs):
        type(self).fits += 1
        return super().fit(X, y, **kwargs)


class CountingAL(ActiveLearningClassifier):
    fits = 0

    def fit(self, X, y, **kwargs):
        type(self).fits += 1
        return super().fit(X, y, **kwargs)


def test_curve_costs_one_run_per_fold_where_grid_search_costs_one_per_budget(binary_problem):
    problem = binary_problem
    budgets = [2, 4, 6, 8, 10]
    clf = CountingAL(CountingLR(max_iter=200), oracle=problem.oracle, budget=max(budgets),
                     random_state=0)
    splits = folds(problem)
    scorer = make_oracle_scorer(problem.oracle)

    CountingAL.fits = CountingLR.fits = 0
    _, curve = active_learning_curve(clf, problem.X, problem.y, cv=splits, scoring=scorer)
    curve_runs, curve_fits = CountingAL.fits, CountingLR.fits

    CountingAL.fits = CountingLR.fits = 0
    grid = GridSearchCV(clf, {"budget": budgets}, cv=splits, scoring=scorer, refit=False)
    grid.fit(problem.X, problem.y)
    grid_runs, grid_fits = CountingAL.fits, CountingLR.fits

    assert curve_runs == 3 and grid_runs == 3 * len(budgets)
    # Each run fits one model for round 0 and one per query (6 labels: 2 classes known).
    assert curve_fits == 3 * (1 + max(budgets))
    assert grid_fits == 3 * sum(1 + b for b in budgets)
    # Same numbers for a fraction of the fits.
    for i, budget in enumerate(budgets):
        grid_scores = [grid.cv_results_[f"split{j}_test_score"][i] for j in range(3)]
        np.testing.assert_allclose(curve[budget], grid_scores)


# ---------------------------------------------------------------------- oracle scorer
def test_oracle_scorer_equals_accuracy_on_true_labels(binary_problem):
    problem = binary_problem
    clf = make_clf(problem, budget=5).fit(problem.X, problem.y)
    scorer = make_oracle_scorer(problem.oracle)
    rows = problem.unlabeled[:40]
    expected = accuracy_score(problem.y_true[rows], clf.predict(problem.X[rows]))
    assert scorer(clf, problem.X[rows], problem.y[rows]) == pytest.approx(expected)
    # y is ignored: a y without any label still scores on the truth.
    assert scorer(clf, problem.X[rows], np.full(40, -1)) == pytest.approx(expected)
    assert clf.score(problem.X[rows], problem.y_true[rows]) == pytest.approx(expected)


def test_oracle_scorer_in_cross_validate(binary_problem):
    problem = binary_problem
    clf = make_clf(problem, budget=4)
    splits = folds(problem)
    out = cross_validate(clf, problem.X, problem.y, cv=splits,
                         scoring=make_oracle_scorer(problem.oracle, metric="balanced_accuracy"),
                         return_estimator=True)
    for j, (_, test) in enumerate(splits):
        est = out["estimator"][j]
        expected = get_scorer("balanced_accuracy")(est, problem.X[test], problem.y_true[test])
        assert out["test_score"][j] == pytest.approx(expected)


def test_oracle_scorer_leaves_out_skipped_rows(binary_problem):
    problem = binary_problem
    clf = make_clf(problem, budget=3).fit(problem.X, problem.y)
    rows = problem.unlabeled[:30]

    def shy_oracle(X_query):
        answers = problem.oracle(X_query).copy()
        answers[:10] = -1  # no answer for the first ten rows
        return answers

    expected = accuracy_score(problem.y_true[rows[10:]], clf.predict(problem.X[rows[10:]]))
    score = make_oracle_scorer(shy_oracle)(clf, problem.X[rows], None)
    assert score == pytest.approx(expected)


# ---------------------------------------------------------------------- compare_strategies
def test_compare_includes_random_and_aulc_matches_curves(binary_problem):
    problem = binary_problem
    clf = make_clf(problem, budget=6)
    res = compare_strategies(clf, problem.X, problem.y, ["margin", "entropy"], cv=3,
                             n_repeats=2, random_state=0,
                             scoring=make_oracle_scorer(problem.oracle))
    assert res["strategy"].tolist() == ["margin", "entropy", "random"]
    assert res["test_scores"].shape == (3, 7, 6)
    assert res["aulc"].shape == (3, 6)
    assert res["score_name"] == "Accuracy"
    for i in range(3):
        areas = aulc(res["n_labels"], res["test_scores"][i])
        np.testing.assert_allclose(res["aulc"][i], areas)
        assert res["aulc_mean"][i] == pytest.approx(areas.mean())
        assert res["aulc_std"][i] == pytest.approx(areas.std())
        assert res["final_score_mean"][i] == pytest.approx(res["test_scores"][i, -1].mean())
    assert np.all((res["test_scores"] >= 0) & (res["test_scores"] <= 1))


def test_compare_runs_each_strategy_on_the_same_folds_and_seeds(binary_problem):
    """Repeat r of strategy s is active_learning_curve with that repeat's seed and folds."""
    problem = binary_problem
    clf = make_clf(problem, budget=5)
    scorer = make_oracle_scorer(problem.oracle)
    res = compare_strategies(clf, problem.X, problem.y, {"lc": "least_confident"}, cv=2,
                             n_repeats=2, random_state=7, scoring=scorer)
    seeds = np.random.RandomState(7).randint(np.iinfo(np.int32).max, size=2)
    for i, strategy in enumerate(["least_confident", "random"]):
        for r, seed in enumerate(seeds):
            est = clone(clf).set_params(query_strategy=strategy, random_state=int(seed))
            cv = StratifiedKFold(2, shuffle=True, random_state=seed)
            _, expected = active_learning_curve(est, problem.X, problem.y, cv=cv,
                                                scoring=scorer)
            np.testing.assert_allclose(res["test_scores"][i, :, 2 * r:2 * r + 2], expected)
    # Two repeats draw different folds.
    assert not np.array_equal(res["test_scores"][0, :, :2], res["test_scores"][0, :, 2:])


def test_compare_accepts_instances_and_keeps_a_given_random(binary_problem):
    problem = binary_problem
    clf = make_clf(problem, budget=3)
    res = compare_strategies(clf, problem.X, problem.y,
                             ["random", UncertaintySampling(measure="entropy")], cv=2,
                             random_state=0)
    assert res["strategy"].tolist() == ["random", "UncertaintySampling(measure='entropy')"]
    res = compare_strategies(clf, problem.X, problem.y, "margin", cv=2, random_state=0)
    assert res["strategy"].tolist() == ["margin", "random"]


def test_compare_as_frame(binary_problem):
    pd = pytest.importorskip("pandas")
    problem = binary_problem
    clf = make_clf(problem, budget=4)
    kwargs = dict(cv=2, random_state=0, scoring=make_oracle_scorer(problem.oracle))
    res = compare_strategies(clf, problem.X, problem.y, ["margin"], **kwargs)
    frame = compare_strategies(clf, problem.X, problem.y, ["margin"], as_frame=True, **kwargs)
    assert isinstance(frame, pd.DataFrame)
    assert frame["strategy"].tolist() == ["margin", "random"]
    np.testing.assert_allclose(frame["aulc_mean"], res["aulc_mean"])
    np.testing.assert_allclose(frame["aulc_std"], res["aulc_std"])
    np.testing.assert_allclose(frame.attrs["test_scores"]["random"], res["test_scores"][1])
    np.testing.assert_array_equal(frame.attrs["n_labels"], res["n_labels"])


def test_uncertainty_beats_random_on_an_easy_problem():
    """The comparison ranks strategies as their definitions predict on a clean problem."""
    from sklearn.datasets import make_blobs

    X, y_true = make_blobs(n_samples=300, centers=[[-2, 0], [2, 0]], cluster_std=1.5,
                           random_state=0)
    y = np.full_like(y_true, -1)
    oracle = SimulatedOracle(X, y_true)
    clf = ActiveLearningClassifier(LogisticRegression(), oracle=oracle, budget=20)
    res = compare_strategies(clf, X, y, ["margin"], cv=3, n_repeats=2, random_state=0,
                             scoring=make_oracle_scorer(oracle))
    margin, random = res["aulc_mean"]
    assert margin > random


# ---------------------------------------------------------------------- aulc
def test_aulc_by_hand():
    assert aulc([0, 10], [0.4, 0.4]) == pytest.approx(0.4)
    # Trapezoids: (0.2+0.6)/2*10 + (0.6+1.0)/2*30 = 4 + 24 = 28, over a width of 40.
    assert aulc([0, 10, 40], [0.2, 0.6, 1.0]) == pytest.approx(0.7)
    assert aulc([5], [0.9]) == pytest.approx(0.9)
    # NaN padding is left out: the curve ends at its last finite checkpoint.
    np.testing.assert_allclose(aulc([0, 10, 20], [[0.2, 0.5], [0.4, 0.5], [np.nan, 0.5]]),
                               [0.3, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(aulc([0, 1], [np.nan, np.nan]))
    with pytest.raises(ValueError, match="non-decreasing"):
        aulc([10, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="same n_checkpoints"):
        aulc([0, 1, 2], [0.1, 0.2])
