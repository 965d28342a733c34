"""The datasets of the label-efficiency benchmark, its two parts, and the gain tables.

The suite was split into a tuning part and a held-out part before ``"auto"`` was tuned:
only ``TUNING`` was looked at while choosing its rule; ``HELD_OUT`` checks that it
transfers. Each part holds many-class and clustered sets, binary sets and noisy sets.
"""

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_blobs,
    make_classification,
    make_moons,
)

TIE = 0.002  # AULC differences below this count as ties in the win/loss columns


def _synthetic(**kwargs):
    def load():
        return make_classification(random_state=0, **kwargs)
    return load


def _digits_subset(n_rows, classes=None):
    """A shuffled subset of the 8x8 digits (an MNIST-like image set), fixed seed."""
    def load():
        X, y = load_digits(return_X_y=True)
        keep = np.flatnonzero(np.isin(y, classes if classes is not None else np.unique(y)))
        keep = np.random.RandomState(0).permutation(keep)[:n_rows]
        return X[keep], y[keep]
    return load


def _blobs(n_classes, per_class, noise=0.0, **kwargs):
    """Gaussian blobs (one cluster per class) with a share of flipped labels."""
    def load():
        X, y = make_blobs(n_samples=n_classes * per_class, centers=n_classes,
                          random_state=0, **kwargs)
        rng = np.random.RandomState(1)
        flip = rng.rand(y.shape[0]) < noise
        y[flip] = rng.randint(n_classes, size=int(flip.sum()))
        return X, y
    return load


def _moons(n_samples, noise, flip):
    def load():
        X, y = make_moons(n_samples=n_samples, noise=noise, random_state=0)
        rng = np.random.RandomState(1)
        flip_rows = rng.rand(y.shape[0]) < flip
        y[flip_rows] = 1 - y[flip_rows]
        return np.column_stack([X, rng.normal(size=(y.shape[0], 8))]), y
    return load


# name -> loader returning (X, y); the synthetic sets are fixed, seeds vary the splits.
TUNING = {
    "iris": lambda: load_iris(return_X_y=True),
    "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits": lambda: load_digits(return_X_y=True),
    "noisy": _synthetic(n_samples=1500, n_features=20, n_informative=5, flip_y=0.2),
    "many_classes": _synthetic(n_samples=2400, n_features=30, n_informative=15,
                               n_classes=12, n_clusters_per_class=1, class_sep=2.0),
    "multimodal": _synthetic(n_samples=2000, n_features=20, n_informative=8, n_classes=4,
                             n_clusters_per_class=2, class_sep=2.0),
    "moons_noisy": _moons(1500, noise=0.25, flip=0.1),
    "blobs_20": _blobs(20, 100, cluster_std=2.0, n_features=10),
}
HELD_OUT = {
    "wine": lambda: load_wine(return_X_y=True),
    "imbalanced": _synthetic(n_samples=2000, n_features=20, n_informative=5,
                             weights=[0.9, 0.1]),
    "high_dim": _synthetic(n_samples=1000, n_features=200, n_informative=10, n_classes=3,
                           n_clusters_per_class=1, class_sep=2.0),
    "digits_mnist_like": _digits_subset(1200),
    "letters_like": _synthetic(n_samples=3900, n_features=16, n_informative=12,
                               n_classes=26, n_clusters_per_class=1, class_sep=1.5),
    "binary_flip": _synthetic(n_samples=2000, n_features=20, n_informative=6,
                              n_clusters_per_class=3, flip_y=0.15),
    "clusters_5x4": _synthetic(n_samples=2500, n_features=20, n_informative=10,
                               n_classes=5, n_clusters_per_class=4, class_sep=2.5),
    "blobs_8_noisy": _blobs(8, 150, noise=0.1, cluster_std=3.0, n_features=6),
}
DATASETS = {**TUNING, **HELD_OUT}
PARTS = {"tuning": list(TUNING), "held_out": list(HELD_OUT), "all": list(DATASETS)}

def gain_table(runs, datasets, title):
    """Markdown: per strategy, the AULC gain over random on each dataset (mean over
    seeds), its mean and spread over datasets, wins, mean rank and cost per round."""
    names = list(runs[0]["strategies"])
    per = {s: {} for s in names}
    cost = {s: [] for s in names}
    for d in datasets:
        rows = [r["strategies"] for r in runs if r["dataset"] == d]
        for s in names:
            gains = [r[s]["aulc"] - r["random"]["aulc"] for r in rows]
            per[s][d] = float(np.mean(gains))
            ratio = [r[s]["round_seconds"] / r["margin"]["round_seconds"] for r in rows]
            cost[s].append(float(np.median(ratio)))
    ranks = {s: [] for s in names}
    for d in datasets:
        values = np.array([per[s][d] for s in names])
        for s, v in zip(names, values, strict=True):
            # Rank 1 = best; ties share the mean rank.
            ranks[s].append(1 + np.sum(values > v) + (np.sum(values == v) - 1) / 2)
    order = sorted(names, key=lambda s: -np.mean(list(per[s].values())))
    lines = [f"#### {title}", "",
             "| strategy | " + " | ".join(datasets) + " | mean gain ± sd | wins/losses vs "
             "random | mean rank | s/round × margin |", "|---" * (len(datasets) + 5) + "|"]
    for s in order:
        g = np.array([per[s][d] for d in datasets])
        cells = " | ".join(f"{v:+.3f}" for v in g)
        lines.append(f"| {s} | {cells} | {g.mean():+.4f} ± {g.std():.3f} | "
                     f"{int(np.sum(g > TIE))}/{int(np.sum(g < -TIE))} | "
                     f"{np.mean(ranks[s]):.2f} | {np.median(cost[s]):.1f} |")
    return "\n".join(lines)


def gain_tables(result):
    """The gain tables of the tuning part, the held-out part and the whole suite."""
    runs = result["runs"]
    present = {r["dataset"] for r in runs}
    out = []
    for part, title in (("tuning", "Tuning part"), ("held_out", "Held-out part"),
                        ("all", "Whole suite")):
        datasets = [d for d in PARTS[part] if d in present]
        if datasets and "random" in runs[0]["strategies"]:
            out.append(gain_table(runs, datasets, f"{title} ({len(datasets)} datasets)"))
    return "\n\n".join(out)
