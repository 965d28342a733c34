"""The seed scenario: least-confident sampling vs random on a noisy binary problem.

Run with ``python3 dev.py demo``, ``skactive demo`` or ``python examples/seed_replication.py``.
"""

import argparse
import os
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from ._classifier import ActiveLearningClassifier
from .oracles import SimulatedOracle

STRATEGIES = ("least_confident", "random")


def run_seed(seed, *, budget=20, batch_size=1):
    """Accuracy on the test split after each query, for each strategy, on one split.

    Returns ``{strategy: ndarray of shape (budget // batch_size + 1,)}``; entry 0 is the
    model trained on the 90 initially labeled rows.
    """
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
    y_partial = np.full_like(y_pool, -1)
    y_partial[labeled] = y_pool[labeled]
    oracle = SimulatedOracle(X_pool, y_pool)
    curves = {}
    for strategy in STRATEGIES:
        clf = ActiveLearningClassifier(
            LogisticRegression(max_iter=1000), oracle=oracle, query_strategy=strategy,
            budget=budget, batch_size=batch_size, random_state=seed,
        ).fit(X_pool, y_partial)
        curves[strategy] = np.fromiter(clf.staged_score(X_test, y_test), dtype=float)
    return curves, int(y_partial.__ne__(-1).sum())


def _sem(values):
    """Standard error of the mean over seeds (axis 0)."""
    if values.shape[0] < 2:
        return np.zeros(values.shape[1])
    return values.std(axis=0, ddof=1) / np.sqrt(values.shape[0])


def _plot(n_labels, results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for strategy, style in zip(STRATEGIES, ("-", "--"), strict=True):
        mean, sem = results[strategy].mean(axis=0), _sem(results[strategy])
        ax.plot(n_labels, mean, style, marker="o", markersize=3, label=strategy)
        ax.fill_between(n_labels, mean - sem, mean + sem, alpha=0.15)
    ax.set_xlabel("Number of labels")
    ax.set_ylabel("Test accuracy")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Seed scenario: mean ± s.e.m. over {results[STRATEGIES[0]].shape[0]} seeds")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    """Run the seed scenario, print the table, write the PNG; returns an exit code."""
    smoke = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"
    parser = argparse.ArgumentParser(prog="skactive demo", description=__doc__)
    parser.add_argument("--seeds", type=int, default=2 if smoke else 20,
                        help="number of random splits to average over")
    parser.add_argument("--out", type=Path,
                        default=Path(os.environ.get("SKACTIVE_EXAMPLE_OUTDIR", "."))
                        / "seed_replication.png",
                        help="where to write the learning-curve PNG")
    args = parser.parse_args(argv)

    runs = [run_seed(seed) for seed in range(args.seeds)]
    n_initial = runs[0][1]
    results = {s: np.vstack([curves[s] for curves, _ in runs]) for s in STRATEGIES}
    n_labels = n_initial + np.arange(results[STRATEGIES[0]].shape[1])

    print(f"Seed scenario: {args.seeds} seeds, LogisticRegression, budget 20, batch size 1")
    print("test accuracy, mean ± standard error over seeds; difference is paired")
    print(f"{'labels':>6}  {'least_confident':>15}  {'random':>15}  {'difference':>15}")
    lc_all, rnd_all = results["least_confident"], results["random"]
    lc_sem, rnd_sem, diff_sem = _sem(lc_all), _sem(rnd_all), _sem(lc_all - rnd_all)
    for i, n in enumerate(n_labels):
        lc, rnd = lc_all[:, i].mean(), rnd_all[:, i].mean()
        print(f"{n:>6}  {lc:.3f} ± {lc_sem[i]:.3f}    {rnd:.3f} ± {rnd_sem[i]:.3f}"
              f"    {lc - rnd:+.3f} ± {diff_sem[i]:.3f}")
    gain = results["least_confident"].mean(axis=1) - results["random"].mean(axis=1)
    print(f"mean accuracy over the curve: least_confident "
          f"{results['least_confident'].mean():.4f}, random {results['random'].mean():.4f} "
          f"(least_confident ahead on {int((gain > 0).sum())}/{args.seeds} seeds)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    _plot(n_labels, results, args.out)
    print(f"plot written to {args.out.resolve()}")
    return 0
