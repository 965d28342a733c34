"""ActiveLearningClassifier inside scikit-learn tooling: clone, pickle, pipelines, search."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from conftest import make_problem
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import UncertaintySampling


def test_clone_keeps_params_drops_fit(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(LogisticRegression(C=0.3), oracle=p.oracle, budget=4,
                                   batch_size=2, query_strategy="entropy", random_state=3)
    clf.fit(p.X, p.y)
    copy = clone(clf)
    assert not hasattr(copy, "estimator_") and not hasattr(copy, "history_")
    params, copy_params = clf.get_params(deep=False), copy.get_params(deep=False)
    assert params.keys() == copy_params.keys()
    for key, value in params.items():
        if key == "estimator":
            assert copy_params[key] is not value
            assert copy_params[key].get_params() == value.get_params()
        else:
            assert copy_params[key] == value or copy_params[key] is value


def test_get_set_params_nested(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(LogisticRegression(), oracle=p.oracle, budget=3)
    params = clf.get_params(deep=True)
    for key in ("estimator__C", "budget", "batch_size", "query_strategy", "missing_label",
                "oracle", "random_state", "stopping_criterion"):
        assert key in params
    assert params["estimator__C"] == 1.0
    assert clf.set_params(estimator__C=0.05, budget=5, batch_size=2) is clf
    assert clf.estimator.C == 0.05 and clf.budget == 5 and clf.batch_size == 2
    clf.fit(p.X, p.y)
    assert clf.estimator_.C == 0.05
    assert clf.n_queries_ == 5 and clf.n_iter_ == 3
    strat = ActiveLearningClassifier(query_strategy=UncertaintySampling("margin"))
    assert strat.get_params()["query_strategy__measure"] == "margin"
    strat.set_params(query_strategy__measure="entropy")
    assert strat.query_strategy.measure == "entropy"


def test_pickle_round_trip(multiclass_problem):
    p = multiclass_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=6, batch_size=2,
                                   random_state=0).fit(p.X, p.y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(p.X), clf.predict(p.X))
    np.testing.assert_allclose(restored.predict_proba(p.X), clf.predict_proba(p.X))
    np.testing.assert_array_equal(restored.y_labeled_, clf.y_labeled_)
    np.testing.assert_array_equal(restored.labeled_iter_, clf.labeled_iter_)
    assert restored.termination_condition_ == clf.termination_condition_
    for a, b in zip(restored.history_, clf.history_, strict=True):
        np.testing.assert_array_equal(a["query_indices"], b["query_indices"])
    for a, b in zip(restored.staged_predict(p.X), clf.staged_predict(p.X), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(restored.query(p.X, 4), clf.query(p.X, 4))


def test_last_step_of_pipeline(binary_problem):
    p = binary_problem
    scaled = StandardScaler().fit_transform(p.X)
    # The oracle sees the rows as the pipeline hands them to the classifier: scaled.
    pipe = Pipeline([
        ("scale", StandardScaler()),
        ("al", ActiveLearningClassifier(oracle=SimulatedOracle(scaled, p.y_true), budget=6,
                                        batch_size=2, random_state=0)),
    ])
    pipe.fit(p.X, p.y)
    al = pipe.named_steps["al"]
    assert al.n_queries_ == 6
    asked = al.labeled_iter_ > 0
    np.testing.assert_array_equal(al.y_labeled_[asked], p.y_true[asked])
    np.testing.assert_array_equal(pipe.predict(p.X), al.predict(scaled))
    np.testing.assert_allclose(pipe.predict_proba(p.X), al.predict_proba(scaled))
    y_eval = p.y_true.copy()
    y_eval[::2] = -1
    assert pipe.score(p.X, y_eval) == pytest.approx(al.score(scaled, y_eval))
    assert pipe.get_params()["al__budget"] == 6


def test_wraps_a_pipeline(multiclass_problem):
    p = multiclass_problem
    est = make_pipeline(StandardScaler(), LogisticRegression(C=0.5))
    clf = ActiveLearningClassifier(est, oracle=p.oracle, budget=6, batch_size=3,
                                   random_state=0)
    assert clf.get_params()["estimator__logisticregression__C"] == 0.5
    clf.fit(p.X, p.y)
    assert isinstance(clf.estimator_, Pipeline)
    assert clf.estimator_ is not est and not hasattr(est[-1], "coef_")
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    np.testing.assert_array_equal(clf.predict(p.X), clf.estimator_.predict(p.X))
    labeled = clf.labeled_iter_ >= 0
    ref = make_pipeline(StandardScaler(), LogisticRegression(C=0.5))
    ref.fit(p.X[labeled], clf.y_labeled_[labeled])
    np.testing.assert_allclose(clf.predict_proba(p.X), ref.predict_proba(p.X), atol=1e-8)


@pytest.fixture
def search_problem():
    """200 rows, 2 classes, 30 labeled: every CV fold has both classes labeled."""
    return make_problem(n_samples=200, n_classes=2, n_labeled_per_class=15, seed=3)


def test_grid_search(search_problem):
    p = search_problem
    clf = ActiveLearningClassifier(LogisticRegression(), oracle=p.oracle, random_state=0)
    grid = {
        "budget": [0, 4],
        "query_strategy": ["random", "margin"],
        "batch_size": [2, 4],
        "estimator__C": [0.01, 1.0],
    }
    # A shuffled KFold hands fit reordered subsets: the oracle finds rows by content.
    search = GridSearchCV(clf, grid, cv=KFold(3, shuffle=True, random_state=0),
                          error_score="raise")
    search.fit(p.X, p.y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 16
    assert np.isfinite(scores).all()
    strong = np.array([prm["estimator__C"] == 1.0 for prm in search.cv_results_["params"]])
    assert scores[strong].mean() > scores[~strong].mean() + 0.05  # C=0.01 underfits
    assert search.best_estimator_.get_params()["estimator__C"] == search.best_params_[
        "estimator__C"
    ]
    best = search.best_estimator_
    assert best.n_queries_ == search.best_params_["budget"]
    asked = best.labeled_iter_ > 0
    np.testing.assert_array_equal(best.y_labeled_[asked], p.y_true[asked])
    # Scores are accuracies over the labeled rows of each test fold only.
    assert (scores > 0.5).all()


def test_cross_validate(search_problem):
    p = search_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=8, batch_size=4, random_state=0)
    result = cross_validate(clf, p.X, p.y, cv=KFold(4, shuffle=True, random_state=1),
                            return_estimator=True, error_score="raise")
    assert len(result["test_score"]) == 4
    assert np.isfinite(result["test_score"]).all()
    test_folds = [test for _, test in KFold(4, shuffle=True, random_state=1).split(p.X)]
    for est, score, test in zip(result["estimator"], result["test_score"], test_folds,
                                strict=True):
        assert est.n_queries_ == 8
        labeled = test[p.y[test] != -1]
        expected = np.mean(est.predict(p.X[labeled]) == p.y[labeled])
        assert score == pytest.approx(expected)


def test_import_does_not_import_matplotlib():
    code = "import skactive, sys; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_nested_params_with_default_estimator(binary_problem):
    p = binary_problem
    clf = ActiveLearningClassifier(oracle=p.oracle, budget=4, random_state=0)
    clf.set_params(estimator__C=0.25)
    assert isinstance(clf.estimator, LogisticRegression)
    assert clf.estimator.C == 0.25 and clf.estimator.max_iter == 1000
    # The grid a user writes first, with the default estimator, works end to end.
    search = GridSearchCV(
        ActiveLearningClassifier(oracle=p.oracle, budget=4, random_state=0),
        {"estimator__C": [0.1, 10.0]}, cv=KFold(3, shuffle=True, random_state=0),
    ).fit(p.X, p.y)
    assert search.best_estimator_.estimator_.C in (0.1, 10.0)


def test_query_passes_labeled_rows_to_refitting_strategies(binary_problem):
    p = binary_problem
    seen = {}

    class NeedsLabeled(UncertaintySampling):
        def select(self, estimator, X_pool, n, *, X_labeled=None, y_labeled=None, **kw):
            seen["n_labeled"] = None if X_labeled is None else len(y_labeled)
            return super().select(estimator, X_pool, n, **kw)

    clf = ActiveLearningClassifier(oracle=p.oracle, query_strategy=NeedsLabeled(), budget=5,
                                   random_state=0).fit(p.X, p.y)
    clf.query(p.X[:20], 3)
    assert seen["n_labeled"] == clf.history_[-1]["n_labeled"]
