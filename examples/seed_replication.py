"""
Seed scenario: least-confident sampling vs random
=================================================

A noisy binary problem (``make_classification`` with 10% label noise), 90 labeled rows,
a budget of 20 queries asked one at a time to a simulated annotator, and the test
accuracy after every query, read off ``staged_score``. Random sampling on the same split
runs beside it, and both are repeated over several seeds so the comparison is honest:
each seed draws a new dataset, split and set of initial labels.

This is what ``python3 dev.py demo`` (``make demo``) runs. Options: ``--seeds N`` (default
20) and ``--out PATH`` (default ``seed_replication.png`` in ``SKACTIVE_EXAMPLE_OUTDIR``,
or the current directory). ``SKACTIVE_EXAMPLE_SMOKE=1`` runs two seeds only.
"""

# %%
# One seed: the same split for both strategies
# --------------------------------------------
# ``run_seed`` builds one dataset, holds out 10% as a test set, labels 10% of the rest
# and leaves the remaining rows unlabeled (``-1``). The simulated oracle knows every
# label of the pool. Both strategies start from the same labels and spend the same
# budget; ``staged_score`` gives the test accuracy of the model after each round, round
# 0 being the model trained on the initial labels only.
import argparse
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle

STRATEGIES = ("least_confident", "random")
BUDGET = 20


def run_seed(seed):
    """Test accuracy after each query, per strategy, and the number of initial labels."""
    X, y = make_classification(
        n_samples=1000, n_features=10, n_informative=5, n_redundant=0, n_classes=2,
        n_clusters_per_class=1, flip_y=0.1, random_state=seed,
    )
    X_pool, X_test, y_pool, y_test = train_test_split(
        X, y, test_size=0.1, stratify=y, random_state=seed
    )
    labeled, _ = train_test_split(
        np.arange(len(y_pool)), train_size=0.1, stratify=y_pool, random_state=seed
    )
    y_partial = np.full_like(y_pool, -1)  # -1 marks the unlabeled pool
    y_partial[labeled] = y_pool[labeled]
    oracle = SimulatedOracle(X_pool, y_pool)
    curves = {}
    for strategy in STRATEGIES:
        clf = ActiveLearningClassifier(
            LogisticRegression(max_iter=1000), oracle=oracle, query_strategy=strategy,
            budget=BUDGET, batch_size=1, random_state=seed,
        )
        clf.fit(X_pool, y_partial)
        curves[strategy] = np.fromiter(clf.staged_score(X_test, y_test), dtype=float)
    return curves, len(labeled)


# %%
# Many seeds
# ----------
# ``results[strategy]`` has one row per seed and one column per number of labels.
parser = argparse.ArgumentParser(description="Least-confident sampling vs random.")
smoke = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"
parser.add_argument("--seeds", type=int, default=2 if smoke else 20,
                    help="number of datasets and splits to average over")
parser.add_argument("--out", type=Path,
                    default=Path(os.environ.get("SKACTIVE_EXAMPLE_OUTDIR", "."))
                    / "seed_replication.png",
                    help="where to write the figure")
args, _ = parser.parse_known_args()

runs = [run_seed(seed) for seed in range(args.seeds)]
results = {s: np.vstack([curves[s] for curves, _ in runs]) for s in STRATEGIES}
n_labels = runs[0][1] + np.arange(BUDGET + 1)


def sem(values):
    """Standard error of the mean over seeds (rows)."""
    if len(values) < 2:
        return np.zeros(values.shape[1])
    return values.std(axis=0, ddof=1) / np.sqrt(len(values))


# %%
# The table
# ---------
# Both strategies' accuracies vary a lot from one seed to the next (some datasets are
# easier), but on the *same* seed the two are strongly correlated. So the column that
# matters is the paired difference: least-confident minus random on the same split,
# averaged over seeds, with its own standard error.
lc, rnd = results["least_confident"], results["random"]
diff = lc - rnd
print(f"Seed scenario: {args.seeds} seeds, LogisticRegression, budget {BUDGET}, batch size 1")
print("test accuracy, mean ± standard error over seeds; the difference is paired")
print(f"{'labels':>6}  {'least_confident':>15}  {'random':>15}  {'difference':>15}")
for i, n in enumerate(n_labels):
    print(f"{n:>6}  {lc[:, i].mean():.3f} ± {sem(lc)[i]:.3f}    "
          f"{rnd[:, i].mean():.3f} ± {sem(rnd)[i]:.3f}    "
          f"{diff[:, i].mean():+.3f} ± {sem(diff)[i]:.3f}")
ahead = int((diff.mean(axis=1) > 0).sum())
print(f"mean accuracy over the curve: least_confident {lc.mean():.4f}, random "
      f"{rnd.mean():.4f} (least_confident ahead on {ahead}/{args.seeds} seeds)")

# %%
# The figure
# ----------
# Left, the two learning curves: their bands overlap, because they include the
# seed-to-seed spread that both strategies share. Right, what the table's last column
# says: the paired gain over random, with its band; where the band clears zero the gain
# is not seed noise.
fig, (ax_curves, ax_gain) = plt.subplots(1, 2, figsize=(10, 4))
for strategy, color in zip(STRATEGIES, ("C0", "0.5"), strict=True):
    mean, band = results[strategy].mean(axis=0), sem(results[strategy])
    ax_curves.plot(n_labels, mean, color=color, marker="o", markersize=3, label=strategy)
    ax_curves.fill_between(n_labels, mean - band, mean + band, color=color, alpha=0.15)
ax_curves.set(xlabel="Number of labels", ylabel="Test accuracy",
              title="Learning curves (mean ± s.e.m.)")
ax_curves.legend(loc="lower right")

mean, band = diff.mean(axis=0), sem(diff)
ax_gain.axhline(0, color="0.5", linestyle="--", label="random")
ax_gain.plot(n_labels, mean, color="C0", marker="o", markersize=3,
             label="least_confident − random")
ax_gain.fill_between(n_labels, mean - 2 * band, mean + 2 * band, color="C0", alpha=0.2,
                     label="± 2 s.e.m. (paired)")
ax_gain.set(xlabel="Number of labels", ylabel="Accuracy gain over random",
            title=f"Paired difference over {args.seeds} seeds")
ax_gain.legend(loc="upper left")
for ax in (ax_curves, ax_gain):
    ax.xaxis.get_major_locator().set_params(integer=True)
fig.tight_layout()
args.out.parent.mkdir(parents=True, exist_ok=True)
fig.savefig(args.out, dpi=120)
print(f"plot written to {args.out.resolve()}")
