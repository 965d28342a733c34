"""
Active learning for a continuous target
=======================================

When every measurement costs money (a lab assay, a price estimate, a simulation run),
:class:`~skactive.ActiveLearningRegressor` chooses which rows to measure next. It runs
the same loop as the classifier: a ``y`` with ``np.nan`` for the unmeasured rows, an
oracle that returns floats, ``history_`` and the staged API.

Here we compare, on Friedman's first benchmark function, four ways of choosing the rows
to measure: at random, greedy sampling of the inputs (``"gsx"``), the
largest predictive standard deviation of the Gaussian process (``"std"``) and improved
greedy sampling in inputs and outputs (``"igs"``). Each curve is the test R² after each
round, averaged over cross-validation folds.
"""

# %%
# A pool without any measured target
# ----------------------------------
import os
import warnings

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

from skactive import ActiveLearningRegressor
from skactive.model_selection import compare_strategies, make_oracle_scorer
from skactive.oracles import SimulatedOracle
from skactive.plotting import ActiveLearningCurveDisplay

SMOKE = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"
OUTDIR = os.environ.get("SKACTIVE_EXAMPLE_OUTDIR", ".")
warnings.filterwarnings("ignore", category=ConvergenceWarning)  # GP kernel bounds on few rows

X, y_true = make_friedman1(n_samples=150 if SMOKE else 400, noise=1.0, random_state=0)
y = np.full_like(y_true, np.nan)  # nothing measured yet: two random picks start the loop
oracle = SimulatedOracle(X, y_true)  # answers with the true target of a row

# %%
# One run: which rows were measured, and how good the model got
# -------------------------------------------------------------
reg = ActiveLearningRegressor(oracle=oracle, budget=10 if SMOKE else 30, random_state=0)
reg.fit(X, y)
print(f"{reg.n_queries_} targets measured in {reg.n_iter_} rounds "
      f"({reg.termination_condition_}); R² on all rows: {reg.score(X, y_true):.3f}")
print("rows measured first:", reg.history_[1]["query_indices"], reg.history_[2]["query_indices"])

# %%
# Strategies compared on the same folds
# -------------------------------------
# ``make_oracle_scorer`` scores each fold's test rows against the truth; for a
# regressor its default metric is R².
result = compare_strategies(
    reg, X, y, ["gsx", "std", "igs"], cv=KFold(2 if SMOKE else 3, shuffle=True, random_state=0),
    scoring=make_oracle_scorer(oracle), random_state=0, n_repeats=1 if SMOKE else 2,
)
for name, area in zip(result["strategy"], result["aulc_mean"], strict=True):
    print(f"{name:>6}: AULC of R² {area:.3f}")

display = ActiveLearningCurveDisplay.from_cv_results(result)
display.ax_.set_ylim(-0.5, 1.0)
display.ax_.set_title("Friedman #1: test R² per label")
display.figure_.savefig(os.path.join(OUTDIR, "regression_curves.png"), dpi=80)
