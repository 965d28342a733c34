"""ActiveLearningCurveDisplay: the artists it draws, and the lazy matplotlib import."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import aulc, compare_strategies, make_oracle_scorer

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from skactive.plotting import ActiveLearningCurveDisplay  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures_one_blas_thread():
    with threadpool_limits(1):
        yield
    plt.close("all")


def make_clf(problem, budget=5):
    return ActiveLearningClassifier(LogisticRegression(max_iter=200), oracle=problem.oracle,
                                    budget=budget, random_state=0)


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.fixture
def result():
    """A hand-made compare_strategies result: 2 strategies + random, 3 checkpoints, 2 runs."""
    scores = np.array([
        [[0.5, 0.7], [0.8, 0.8], [0.9, 1.0]],
        [[0.5, 0.7], [0.7, 0.9], [np.nan, 0.9]],
        [[0.5, 0.7], [0.6, 0.6], [0.7, 0.7]],
    ])
    return {"strategy": np.array(["margin", "entropy", "random"], dtype=object),
            "n_labels": np.array([4.0, 6.0, 8.0]), "test_scores": scores,
            "score_name": "Balanced accuracy"}


def test_from_cv_results_draws_one_line_and_band_per_strategy(result):
    disp = ActiveLearningCurveDisplay.from_cv_results(result)
    ax = disp.ax_
    assert disp.figure_ is ax.figure
    assert len(disp.lines_) == 3 and len(ax.get_lines()) == 3
    assert [line.get_linestyle() for line in disp.lines_] == ["-", "-", "--"]
    assert ax.get_xlabel() == "Number of labels"
    assert ax.get_ylabel() == "Balanced accuracy"
    expected = [
        f"{name} (AULC {aulc(result['n_labels'], np.nanmean(s, axis=1)):.3f})"
        for name, s in zip(result["strategy"], result["test_scores"], strict=True)
    ]
    assert legend_texts(ax) == expected
    assert len(disp.fill_between_) == 3
    assert all(isinstance(band, PolyCollection) for band in disp.fill_between_)
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 3
    # The line is the mean over runs (NaN padding ignored); the band is mean +/- std.
    np.testing.assert_allclose(disp.lines_[1].get_ydata(), [0.6, 0.8, 0.9])
    np.testing.assert_allclose(disp.lines_[0].get_xdata(), [4, 6, 8])
    ys = disp.fill_between_[0].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(0.5) and ys.max() == pytest.approx(1.0)


def test_plot_options(result):
    fig, ax = plt.subplots()
    disp = ActiveLearningCurveDisplay.from_cv_results(
        result, ax=ax, std_display_style=None, show_aulc=False, score_name="Acc",
        baseline="entropy",
    )
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.fill_between_ is None and not ax.collections
    assert legend_texts(ax) == ["margin", "entropy", "random"]
    assert [line.get_linestyle() for line in disp.lines_] == ["-", "--", "-"]
    assert ax.get_ylabel() == "Acc"
    with pytest.raises(ValueError, match="train_scores"):
        disp.plot(score_type="both")
    with pytest.raises(ValueError, match="std_display_style"):
        disp.plot(std_display_style="errorbar")


def test_from_cv_results_of_a_curve_tuple():
    n_labels = np.array([0, 1, 2])
    test = np.array([[0.5, 0.6], [0.7, 0.8], [0.9, 0.9]])
    train = np.ones((3, 2))
    disp = ActiveLearningCurveDisplay.from_cv_results((n_labels, train, test),
                                                      score_type="both", show_aulc=False)
    assert legend_texts(disp.ax_) == ["Test", "Train"]
    assert [line.get_linestyle() for line in disp.lines_] == ["-", ":"]
    assert disp.lines_[0].get_color() == disp.lines_[1].get_color()
    disp = ActiveLearningCurveDisplay.from_cv_results((n_labels, test), name="margin")
    assert legend_texts(disp.ax_) == ["margin (AULC 0.738)"]  # trapezoid of 0.55, 0.75, 0.9
    assert disp.ax_.get_ylabel() == "Score"
    with pytest.raises(ValueError, match="compare_strategies"):
        ActiveLearningCurveDisplay.from_cv_results([n_labels, test])


def test_from_estimator_single_curve_with_train_scores(binary_problem):
    disp = ActiveLearningCurveDisplay.from_estimator(
        make_clf(binary_problem), binary_problem.X, binary_problem.y, cv=2,
        score_type="both", scoring=make_oracle_scorer(binary_problem.oracle, "f1_macro"),
    )
    assert len(disp.lines_) == 2 and len(disp.fill_between_) == 2
    texts = legend_texts(disp.ax_)
    assert texts[0].startswith("margin (AULC ") and texts[1] == "margin (train)"
    assert disp.ax_.get_ylabel() == "F1 macro"
    assert disp.test_scores.shape == (6, 2) and disp.train_scores.shape == (6, 2)
    np.testing.assert_allclose(disp.lines_[0].get_ydata(), disp.test_scores.mean(axis=1))


def test_from_estimator_with_strategies_adds_the_dashed_random_baseline(binary_problem):
    disp = ActiveLearningCurveDisplay.from_estimator(
        make_clf(binary_problem, budget=4), binary_problem.X, binary_problem.y,
        strategies=["margin", "entropy"], cv=2, random_state=0,
        scoring=make_oracle_scorer(binary_problem.oracle),
    )
    assert [t.split(" (")[0] for t in legend_texts(disp.ax_)] == ["margin", "entropy", "random"]
    assert [line.get_linestyle() for line in disp.lines_] == ["-", "-", "--"]
    assert disp.ax_.get_ylabel() == "Accuracy"
    with pytest.raises(ValueError, match="score_type"):
        ActiveLearningCurveDisplay.from_estimator(
            make_clf(binary_problem), binary_problem.X, binary_problem.y,
            strategies=["margin"], score_type="train")


def test_from_cv_results_of_a_frame(binary_problem):
    pytest.importorskip("pandas")
    kwargs = dict(cv=2, random_state=0, scoring=make_oracle_scorer(binary_problem.oracle))
    frame = compare_strategies(make_clf(binary_problem, budget=3), binary_problem.X,
                               binary_problem.y, ["margin"], as_frame=True, **kwargs)
    disp = ActiveLearningCurveDisplay.from_cv_results(frame)
    assert len(disp.lines_) == 2
    np.testing.assert_allclose(
        disp.lines_[1].get_ydata(), frame.attrs["test_scores"]["random"].mean(axis=1)
    )


def test_importing_does_not_import_matplotlib():
    code = (
        "import sys, skactive, skactive.model_selection, skactive.plotting; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
