"""
Cross-validating the budget: GridSearchCV vs active_learning_curve
==================================================================

"How many labels do I need?" is a question about the ``budget`` parameter, and the
scikit-learn reflex is a grid search over it::

    GridSearchCV(clf, {"budget": [5, 10, 15, ..., 40]}, cv=cv)

That refits the whole active-learning loop for every budget on every fold, although the
run with ``budget=40`` passes through budgets 5, 10, ... on its way.
:func:`skactive.model_selection.active_learning_curve` runs the loop ONCE per fold with
the largest budget and scores the model of every round through the staged API
(``staged_predict``). Same folds, same seeds: the scores are identical, and the cost is
that of the largest budget alone. With ``k`` evenly spaced budgets the grid search fits
about ``(k + 1) / 2`` times as many models (4.5x for the 8 budgets here).
"""

# %%
# Setup: digits, 10 labeled rows, a simulated annotator for the rest
# -------------------------------------------------------------------
import os
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import active_learning_curve, make_oracle_scorer
from skactive.oracles import SimulatedOracle
from skactive.plotting import ActiveLearningCurveDisplay

SMOKE = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"
OUTDIR = os.environ.get("SKACTIVE_EXAMPLE_OUTDIR", ".")
threadpool_limits(1)  # many tiny fits: extra BLAS threads would only spin

X, y_true = load_digits(return_X_y=True)
X = X / 16.0
if SMOKE:
    X, y_true = X[:300], y_true[:300]
rng = np.random.RandomState(42)  # not the CV's seed, whose permutation this would repeat
y = np.full_like(y_true, -1)
seed_rows = rng.choice(len(y), 30, replace=False)
y[seed_rows] = y_true[seed_rows]
oracle = SimulatedOracle(X, y_true)
scorer = make_oracle_scorer(oracle)  # score test folds on the truth, not the few labels

budgets = [2, 4, 6, 8, 10] if SMOKE else list(range(5, 41, 5))  # 8 budgets
clf = ActiveLearningClassifier(LogisticRegression(max_iter=1000), oracle=oracle,
                               budget=max(budgets), random_state=0)
cv = KFold(2 if SMOKE else 3, shuffle=True, random_state=0)

# %%
# The naive way: one active-learning run per budget and per fold
# --------------------------------------------------------------
tic = time.perf_counter()
search = GridSearchCV(clf, {"budget": budgets}, cv=cv, scoring=scorer, refit=False)
search.fit(X, y)
grid_time = time.perf_counter() - tic

# %%
# The curve: one run per fold, every budget read off the staged models
# --------------------------------------------------------------------
tic = time.perf_counter()
n_labels, test_scores = active_learning_curve(clf, X, y, cv=cv, scoring=scorer)
curve_time = time.perf_counter() - tic

n_queries = n_labels - n_labels[0]  # labels asked for, i.e. the budget spent
at_budgets = np.searchsorted(n_queries, budgets)
print(f"{'budget':>6} {'GridSearchCV':>13} {'curve':>8}")
for budget, grid_score, curve_score in zip(
    budgets, search.cv_results_["mean_test_score"], test_scores[at_budgets].mean(axis=1),
    strict=True,
):
    print(f"{budget:>6} {grid_score:>13.4f} {curve_score:>8.4f}")
print(f"GridSearchCV over {len(budgets)} budgets: {grid_time:6.2f} s")
print(f"active_learning_curve (budget {max(budgets)}): {curve_time:6.2f} s "
      f"-> {grid_time / curve_time:.1f}x cheaper, and it scores every budget from 0 to "
      f"{max(budgets)}")

# %%
# The whole curve, with the grid search's points on it
# ----------------------------------------------------
display = ActiveLearningCurveDisplay.from_cv_results(
    (n_labels, test_scores), name="margin (active_learning_curve)", score_name="Accuracy"
)
display.ax_.plot(n_labels[at_budgets], search.cv_results_["mean_test_score"], "o",
                 color="black", label="GridSearchCV over budget")
display.ax_.legend()
display.ax_.set_title(
    f"active_learning_curve {curve_time:.1f} s, GridSearchCV {grid_time:.1f} s"
)
path = os.path.join(OUTDIR, "budget_cv.png")
display.figure_.savefig(path, dpi=100)
print(f"figure written to {path}")
