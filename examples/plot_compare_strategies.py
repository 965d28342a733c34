"""
Which query strategy, and how many labels? Comparing strategies on digits
=========================================================================

The question every active-learning user asks is "how many labels do I need, and which
strategy should I use?". :func:`skactive.model_selection.compare_strategies` answers it
the scikit-learn way: each strategy runs on the same cross-validation folds with the
same seeds, random sampling always runs beside them as the baseline, and every run is
scored after each round through the staged API (one active-learning run per fold, no
refit per budget). The normalised area under the learning curve (AULC) summarises a
whole curve in one number: higher means good accuracy with fewer labels.

Here nothing is labeled at the start: a simulated annotator
(:class:`~skactive.oracles.SimulatedOracle`) knows the digits' labels, and
:func:`~skactive.model_selection.make_oracle_scorer` scores each test fold on that truth.
"""

# %%
# Setup
# -----
import os
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import compare_strategies, make_oracle_scorer
from skactive.oracles import SimulatedOracle
from skactive.plotting import ActiveLearningCurveDisplay

threadpool_limits(1)  # many tiny fits: extra BLAS threads would only spin
SMOKE = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"  # a quick run, for the tests
OUTDIR = os.environ.get("SKACTIVE_EXAMPLE_OUTDIR", ".")  # where the figure is saved

X, y_true = load_digits(return_X_y=True)
n_rows = 400 if SMOKE else len(y_true)
X, y_true = X[:n_rows] / 16.0, y_true[:n_rows]
y = np.full_like(y_true, -1)  # the whole training set starts unlabeled
oracle = SimulatedOracle(X, y_true)

clf = ActiveLearningClassifier(
    LogisticRegression(max_iter=1000),
    oracle=oracle,
    budget=20 if SMOKE else 150,
    batch_size=5,
)

# %%
# Three lines: compare, tabulate, plot
# ------------------------------------
tic = time.perf_counter()
result = compare_strategies(
    clf, X, y, ["margin", "entropy", "least_confident"],
    cv=2 if SMOKE else 3, n_repeats=1 if SMOKE else 2, scoring=make_oracle_scorer(oracle),
    n_jobs=None if SMOKE else -1, random_state=0,
)
print(f"compare_strategies: {time.perf_counter() - tic:.1f} s")

# %%
# The table: AULC (mean and spread over folds x repeats), the final accuracy, and the
# labels each strategy needs before its mean curve first reaches a target accuracy.
target = 0.8 if SMOKE else 0.9
n_labels = result["n_labels"]
print(f"{'strategy':<16} {'AULC':>14} {'final acc.':>14} {f'labels to {target:.0%}':>16}")
for i in np.argsort(-result["aulc_mean"]):
    mean_curve = result["test_scores"][i].mean(axis=1)
    reached = np.flatnonzero(mean_curve >= target)
    needed = f"{n_labels[reached[0]]:.0f}" if reached.size else "not reached"
    print(
        f"{result['strategy'][i]:<16} "
        f"{result['aulc_mean'][i]:.3f} +/- {result['aulc_std'][i]:.3f} "
        f"{result['final_score_mean'][i]:.3f} +/- {result['final_score_std'][i]:.3f} "
        f"{needed:>16}"
    )

# %%
# The figure: curves, and what the table's differences say
# ---------------------------------------------------------
# Left, one learning curve per strategy (mean over folds x repeats, band of one
# standard deviation), random dashed. The bands overlap: they hold the spread between
# folds, which every strategy shares. Right, the paired difference to random: each
# strategy minus random on the same fold and repeat, so the shared spread cancels. A
# band (one standard error of the paired mean) that clears zero is a real gain.
fig, (ax_curves, ax_gain) = plt.subplots(1, 2, figsize=(11, 4.5))
ActiveLearningCurveDisplay.from_cv_results(result, ax=ax_curves)
ax_curves.set_title("Digits: learning curves")

scores = result["test_scores"]  # (n_strategies, n_checkpoints, n_runs)
base = scores[list(result["strategy"]).index("random")]
ax_gain.axhline(0, color="0.35", linestyle="--", label="random")
for i, name in enumerate(result["strategy"]):
    if name == "random":
        continue
    diff = scores[i] - base
    mean, sem = diff.mean(axis=1), diff.std(axis=1) / np.sqrt(diff.shape[1])
    ax_gain.plot(n_labels, mean, color=f"C{i}", label=name)
    ax_gain.fill_between(n_labels, mean - sem, mean + sem, color=f"C{i}", alpha=0.2)
ax_gain.set(xlabel="Number of labels", ylabel="Accuracy minus random (paired)",
            title="Gain over random on the same folds")
ax_gain.legend()
fig.tight_layout()
path = os.path.join(OUTDIR, "compare_strategies.png")
fig.savefig(path, dpi=100)
print(f"figure written to {path}")
