"""Learning-curve cost: active_learning_curve vs GridSearchCV over the budget.

Both answer "what is the cross-validated score after b labels?" for k budgets on the
same folds with the same seeds (and give the same numbers, checked below).
``GridSearchCV(param_grid={"budget": budgets}, refit=False)`` runs one active-learning
loop per budget and per fold; ``active_learning_curve`` runs one loop per fold with the
largest budget and scores every round's model through the staged API.

With k evenly spaced budgets b_i = i * B / k, the grid search fits
sum_i (1 + b_i) ~ (k + 1) / 2 * B models per fold against 1 + B for the curve: the
expected speed-up is about (k + 1) / 2 (3x for k = 5, 5.5x for k = 10), a little less in
wall time because the curve also scores every round, not only k of them.

Each measurement is repeated (alternating curve and grid) and the minimum is reported;
BLAS is limited to one thread, as tiny BLAS calls with spinning threads distort timings
on a busy machine.

    python benchmarks/bench_curve.py                     # digits, budget 50, k = 5 and 10
    python benchmarks/bench_curve.py --quick             # smaller, for a smoke run
    python benchmarks/bench_curve.py --json out.json
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import active_learning_curve, make_oracle_scorer
from skactive.oracles import SimulatedOracle


class CountingLogisticRegression(LogisticRegression):
    """LogisticRegression that counts its fits (one process: n_jobs=1 everywhere)."""

    n_fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def make_task(n_rows, n_seed_labels, seed=42):  # not the CV seed (same permutation)
    X, y_true = load_digits(return_X_y=True)
    X, y_true = X[:n_rows] / 16.0, y_true[:n_rows]
    rng = np.random.RandomState(seed)
    y = np.full_like(y_true, -1)
    labeled = rng.choice(len(y), n_seed_labels, replace=False)
    y[labeled] = y_true[labeled]
    return X, y_true, y


def timed(func):
    CountingLogisticRegression.n_fits = 0
    wall, cpu = time.perf_counter(), time.process_time()
    out = func()
    return out, time.perf_counter() - wall, time.process_time() - cpu, \
        CountingLogisticRegression.n_fits


def bench(k, budget, X, y, clf, cv, scorer, repeats):
    budgets = [int(round(budget * (i + 1) / k)) for i in range(k)]
    grid = GridSearchCV(clf, {"budget": budgets}, cv=cv, scoring=scorer, refit=False, n_jobs=1)
    best = {"curve": [np.inf, np.inf, 0], "grid": [np.inf, np.inf, 0]}
    for _ in range(repeats):
        (n_labels, test_scores), *curve = timed(
            lambda: active_learning_curve(clf, X, y, cv=cv, scoring=scorer, n_jobs=1))
        search, *grid_t = timed(lambda: grid.fit(X, y))
        for name, (wall, cpu, fits) in (("curve", curve), ("grid", grid_t)):
            best[name] = [min(best[name][0], wall), min(best[name][1], cpu), fits]
    n_queries = n_labels - n_labels[0]
    curve_at = test_scores[np.searchsorted(n_queries, budgets)].mean(axis=1)
    max_diff = float(np.max(np.abs(curve_at - search.cv_results_["mean_test_score"])))
    return {
        "k": k, "budgets": budgets,
        "curve_wall_s": best["curve"][0], "grid_wall_s": best["grid"][0],
        "wall_ratio": best["grid"][0] / best["curve"][0],
        "curve_cpu_s": best["curve"][1], "grid_cpu_s": best["grid"][1],
        "cpu_ratio": best["grid"][1] / best["curve"][1],
        "curve_fits": best["curve"][2], "grid_fits": best["grid"][2],
        "fit_ratio": best["grid"][2] / best["curve"][2],
        "expected_fit_ratio": sum(1 + b for b in budgets) / (1 + budget),
        "max_score_diff": max_diff,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--ks", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="600 rows, budget 20, 1 repeat")
    parser.add_argument("--json", default=os.path.join(os.path.dirname(__file__),
                                                       "bench_curve.json"))
    args = parser.parse_args(argv)
    n_rows, budget, repeats = (600, 20, 1) if args.quick else (None, args.budget, args.repeats)

    X, y_true, y = make_task(n_rows or 1797, n_seed_labels=30)
    oracle = SimulatedOracle(X, y_true)
    scorer = make_oracle_scorer(oracle)
    clf = ActiveLearningClassifier(CountingLogisticRegression(max_iter=1000), oracle=oracle,
                                   budget=budget, random_state=0)
    cv = KFold(args.folds, shuffle=True, random_state=0)
    print(f"digits: {X.shape[0]} rows, 30 seed labels, margin sampling, batch_size=1, "
          f"budget {budget}, {args.folds} folds, best of {repeats}, 1 BLAS thread\n")
    rows = []
    with threadpool_limits(1):
        for k in args.ks:
            rows.append(bench(k, budget, X, y, clf, cv, scorer, repeats))
    header = (f"{'k':>3} {'curve s':>8} {'grid s':>8} {'wall x':>7} {'cpu x':>6} "
              f"{'fits curve/grid':>16} {'fit x':>6} {'expected':>8} {'max |diff|':>10}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['k']:>3} {r['curve_wall_s']:>8.2f} {r['grid_wall_s']:>8.2f} "
              f"{r['wall_ratio']:>6.1f}x {r['cpu_ratio']:>5.1f}x "
              f"{r['curve_fits']:>7}/{r['grid_fits']:<8} {r['fit_ratio']:>5.1f}x "
              f"{r['expected_fit_ratio']:>7.1f}x {r['max_score_diff']:>10.1e}")
    report = {
        "benchmark": "bench_curve", "python": sys.version.split()[0],
        "sklearn": sklearn.__version__, "machine": platform.machine(),
        "n_cpus": os.cpu_count(), "n_rows": int(X.shape[0]), "budget": budget,
        "folds": args.folds, "repeats": repeats, "results": rows,
    }
    with open(args.json, "w") as fh:
        json.dump(report, fh, indent=2)
    print(f"\nJSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
