"""Regression label efficiency: every regression strategy against random.

Each dataset (all available offline: scikit-learn's bundled diabetes set and its
synthetic generators, plus two real tabular sets whose data files ship inside PyPI
packages, ``palmerpenguins`` and ``vega_datasets``, read from the installed package, no
download; a set whose package is not installed is skipped with a note) is cut to at most
600 rows and split into a pool (2/3) and a test set (1/3). ``ActiveLearningRegressor``
starts from no label (random cold start for two rows), asks a ``SimulatedOracle`` for
``budget`` targets in batches, and ``staged_score`` on the test set gives the R² curve.
Reported:

- AULC: the mean R² over the label range (R² floored at -1 so one wild early model
  does not dominate the mean), averaged over seeds, and its gain over random;
- wins: datasets where a strategy's mean AULC beats random's by more than 0.002;
- the time of one round (refit + query) at a 10 000-row pool, and its ratio to random
  (mean of 8 rounds from 30 labeled rows; the fastest of 3 interleaved repeats).

    python benchmarks/regression_efficiency.py                # full run (2 cores, ~7 min)
    python benchmarks/regression_efficiency.py --quick        # smoke run
    python benchmarks/regression_efficiency.py --estimator forest
"""

import argparse
import json
import sys
import time
import warnings

import numpy as np
from _packages import available
from joblib import Parallel, delayed
from sklearn.datasets import (
    load_diabetes,
    make_friedman1,
    make_friedman2,
    make_friedman3,
    make_regression,
    make_sparse_uncorrelated,
)
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningRegressor
from skactive.model_selection import aulc
from skactive.oracles import SimulatedOracle
from skactive.strategies import available_strategies

MAX_ROWS = 600
PENGUIN_FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]
CAR_FEATURES = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration",
                "Year"]


def _cap(X, y, n=MAX_ROWS, seed=0):
    """At most ``n`` rows, sampled with ``seed``."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if len(y) > n:
        rows = np.random.default_rng(seed).choice(len(y), n, replace=False)
        X, y = X[rows], y[rows]
    return X, y


def _penguins():
    """Palmer penguins (``palmerpenguins``' bundled csv): body mass from 3 measurements."""
    from palmerpenguins import load_penguins

    df = load_penguins()[[*PENGUIN_FEATURES, "body_mass_g"]].dropna()
    return _cap(df[PENGUIN_FEATURES], df["body_mass_g"])


def _cars():
    """Auto MPG (``vega_datasets``' bundled json): miles per gallon from 6 car attributes."""
    from vega_datasets import local_data

    df = local_data.cars()[[*CAR_FEATURES, "Miles_per_Gallon"]].dropna()
    df["Year"] = df["Year"].dt.year  # parsed as a date
    return _cap(df[CAR_FEATURES], df["Miles_per_Gallon"])


# name -> (loader, package it needs or None)
SOURCES = {
    "diabetes": (lambda: _cap(*load_diabetes(return_X_y=True)), None),
    "friedman1": (lambda: make_friedman1(n_samples=600, noise=1.0, random_state=0), None),
    "friedman2": (lambda: make_friedman2(n_samples=600, noise=10.0, random_state=0), None),
    "friedman3": (lambda: make_friedman3(n_samples=600, noise=0.05, random_state=0), None),
    "linear": (lambda: make_regression(n_samples=600, n_features=8, noise=10.0,
                                       random_state=0), None),
    "sparse_uncorrelated": (lambda: make_sparse_uncorrelated(n_samples=600, n_features=6,
                                                             random_state=0), None),
    "penguins": (_penguins, "palmerpenguins"),
    "cars": (_cars, "vega_datasets"),
}


def available_datasets(verbose=True):
    """The datasets whose package is installed; a note for each one skipped."""
    return list(available(SOURCES, verbose))


DATASETS = {name: loader for name, (loader, _) in SOURCES.items()}
ESTIMATORS = {
    "gp": lambda: None,  # the default: StandardScaler + GaussianProcessRegressor
    "forest": lambda: RandomForestRegressor(n_estimators=50, min_samples_leaf=2),
}


def _curve(dataset, strategy, seed, budget, batch, estimator):
    X, y = DATASETS[dataset]()
    X_pool, X_test, y_pool, y_test = train_test_split(X, y, test_size=1 / 3,
                                                      random_state=seed)
    reg = ActiveLearningRegressor(
        ESTIMATORS[estimator](), oracle=SimulatedOracle(X_pool, y_pool),
        query_strategy=strategy, budget=budget, batch_size=batch, random_state=seed)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        reg.fit(X_pool, np.full_like(y_pool, np.nan))
        scores = np.maximum(np.array(list(reg.staged_score(X_test, y_test))), -1.0)
    n_labels = np.array([h["n_labeled"] for h in reg.history_])
    keep = n_labels >= 2  # rounds with a model
    return float(aulc(n_labels[keep], scores[keep])), float(scores[-1])


def round_cost(strategy, estimator, n_rows=10_000, n_labeled=30, rounds=8):
    """Mean wall time of one round (refit + query) at an ``n_rows`` pool."""
    X, y = make_friedman1(n_samples=n_rows, random_state=0)
    y_partial = np.full_like(y, np.nan)
    y_partial[:n_labeled] = y[:n_labeled]
    reg = ActiveLearningRegressor(ESTIMATORS[estimator](), oracle=SimulatedOracle(X, y),
                                  query_strategy=strategy, budget=rounds, random_state=0)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        reg.fit(X, y_partial)
    return float(np.mean([h["fit_time"] + h["query_time"] for h in reg.history_[1:]]))


def run(seeds, budget, batch, estimator, n_jobs, strategies, quick=False):
    datasets = available_datasets()
    datasets = datasets[:2] if quick else datasets
    jobs = [(d, s, seed) for d in datasets for s in strategies for seed in range(seeds)]
    out = Parallel(n_jobs=n_jobs)(
        delayed(_curve)(d, s, seed, budget, batch, estimator) for d, s, seed in jobs)
    table = {d: {s: [] for s in strategies} for d in datasets}
    for (d, s, _), (area, _last) in zip(jobs, out, strict=True):
        table[d][s].append(area)
    # Interleaved repeats, fastest kept: the machine may be busy with other work.
    n_rows = 2_000 if quick else 10_000
    times = [[round_cost(s, estimator, n_rows=n_rows) for s in strategies] for _ in range(3)]
    cost = dict(zip(strategies, np.min(times, axis=0).tolist(), strict=True))
    return {"aulc": {d: {s: float(np.mean(v)) for s, v in row.items()}
                     for d, row in table.items()},
            "cost": cost, "seeds": seeds, "budget": budget, "batch": batch,
            "estimator": estimator}


def markdown(result):
    strategies = list(result["cost"])
    others = [s for s in strategies if s != "random"]
    lines = [f"AULC of R² (floored at -1), mean of {result['seeds']} seeds, budget "
             f"{result['budget']}, batches of {result['batch']}, estimator "
             f"`{result['estimator']}`; the gain over random in parentheses.", "",
             "| dataset | random | " + " | ".join(others) + " |",
             "| --- " * (len(strategies) + 1) + "|"]
    wins = dict.fromkeys(others, 0)
    for dataset, row in result["aulc"].items():
        cells = [f"{row['random']:.3f}"]
        for s in others:
            gain = row[s] - row["random"]
            wins[s] += gain > 0.002
            cells.append(f"{row[s]:.3f} ({gain:+.3f})")
        lines.append(f"| {dataset} | " + " | ".join(cells) + " |")
    n = len(result["aulc"])
    lines.append("| **wins vs random** | | " + " | ".join(f"{wins[s]}/{n}" for s in others)
                 + " |")
    base = result["cost"]["random"]
    lines += ["", "Time of one round (refit + query) at a 10 000-row pool (30 labeled rows; "
              "mean of 8 rounds, fastest of 3 repeats):", "",
              "| strategy | seconds | ratio to random |", "| --- | --- | --- |"]
    lines += [f"| {s} | {c:.3f} | {c / base:.1f}x |" for s, c in result["cost"].items()]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--estimator", default="gp", choices=list(ESTIMATORS))
    parser.add_argument("--strategies", nargs="*", default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--readme", action="store_true",
                        help="write the tables into benchmarks/README.md")
    args = parser.parse_args(argv)
    strategies = args.strategies or available_strategies("regression")
    strategies = ["random", *[s for s in strategies if s != "random"]]
    tic = time.perf_counter()
    result = run(2 if args.quick else args.seeds, 8 if args.quick else args.budget,
                 args.batch, args.estimator, args.n_jobs, strategies, quick=args.quick)
    text = markdown(result)
    print(text)
    print(f"\n({time.perf_counter() - tic:.0f} s)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    if args.readme:
        sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
        from _readme import write_block

        write_block(f"regression-{args.estimator}", text, heading="## Regression")
    return 0


if __name__ == "__main__":
    sys.exit(main())
