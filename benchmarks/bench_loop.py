"""Loop overhead: skactive vs a minimal hand-written numpy loop doing the same queries.

Both loops use the same data, the same LogisticRegression, least-confident sampling, the
same simulated oracle and the same number of rounds. The hand-written loop is the
tightest version we know: the pool is scored in place (one ``predict_proba`` over ``X``,
labeled rows masked out), the labeled rows sit in a preallocated buffer, and the batch is
picked with ``argpartition``. Runs alternate between the two implementations and the
median is reported, with the ratio skactive / hand-written (1.00 = no overhead).

    python benchmarks/bench_loop.py                 # full grid, prints a table
    python benchmarks/bench_loop.py --quick         # small grid
    python benchmarks/bench_loop.py --json out.json
"""

import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle


def make_task(n_pool, seed=0, n_features=10):
    X, y = make_classification(
        n_samples=n_pool, n_features=n_features, n_informative=5, n_redundant=0,
        n_clusters_per_class=1, flip_y=0.1, random_state=seed,
    )
    rng = np.random.default_rng(seed)
    labeled = rng.choice(n_pool, size=max(n_pool // 10, 10), replace=False)
    y_partial = np.full_like(y, -1)
    y_partial[labeled] = y[labeled]
    return X, y, y_partial


def hand_loop(X, y_partial, oracle, budget, batch_size):
    """The tightest loop: in-place scoring, preallocated labeled buffer, argpartition."""
    unlabeled = y_partial == -1
    initial = np.flatnonzero(~unlabeled)
    m = initial.shape[0]
    X_buf = np.empty((m + budget, X.shape[1]), dtype=X.dtype)
    y_buf = np.empty(m + budget, dtype=y_partial.dtype)
    X_buf[:m], y_buf[:m] = X[initial], y_partial[initial]
    queries, spent = [], 0
    model = LogisticRegression(max_iter=1000).fit(X_buf[:m], y_buf[:m])
    while spent < budget and unlabeled.any():
        proba = model.predict_proba(X)
        # Column-wise max: much faster than proba.max(axis=1) on C-ordered output.
        scores = 1.0 - np.maximum(proba[:, 0], proba[:, 1])
        scores[~unlabeled] = -np.inf
        k = min(batch_size, budget - spent, int(unlabeled.sum()))
        picked = np.argpartition(-scores, k - 1)[:k]
        labels = oracle(X[picked])
        X_buf[m:m + k], y_buf[m:m + k] = X[picked], labels
        unlabeled[picked] = False
        m += k
        spent += k
        queries.append(np.sort(picked))
        model = LogisticRegression(max_iter=1000).fit(X_buf[:m], y_buf[:m])
    return model, queries


def skactive_loop(X, y_partial, oracle, budget, batch_size):
    clf = ActiveLearningClassifier(
        LogisticRegression(max_iter=1000), oracle=oracle, query_strategy="least_confident",
        budget=budget, batch_size=batch_size, random_state=0,
    ).fit(X, y_partial)
    return clf, [np.sort(h["query_indices"]) for h in clf.history_[1:]]


def measure(n_pool, batch_size, rounds, repeats):
    X, y, y_partial = make_task(n_pool)
    oracle = SimulatedOracle(X, y)
    budget = min(rounds * batch_size, int((y_partial == -1).sum()))
    times = {"skactive": [], "hand": []}
    same = True
    for _ in range(repeats):
        for name, loop in (("skactive", skactive_loop), ("hand", hand_loop)):
            tic = time.perf_counter()
            _, queries = loop(X, y_partial, oracle, budget, batch_size)
            times[name].append(time.perf_counter() - tic)
            if name == "skactive":
                reference = queries
            else:
                same &= len(queries) == len(reference) and all(
                    np.array_equal(a, b) for a, b in zip(queries, reference, strict=True)
                )
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "n_pool": n_pool, "batch_size": batch_size, "budget": budget,
        "rounds": -(-budget // batch_size), "repeats": repeats,
        "skactive_s": med["skactive"], "hand_s": med["hand"],
        "ratio": med["skactive"] / med["hand"], "same_queries": bool(same),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pools 1e3 and 1e4 only")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    rows = []
    with threadpool_limits(limits=1):  # BLAS threads pinned: compare the loops, not BLAS
        for n_pool in sizes:
            for batch_size in (1, 100):
                repeats = args.repeats or (7 if n_pool <= 10_000 else 3)
                rows.append(measure(n_pool, batch_size, args.rounds, repeats))
                r = rows[-1]
                print(f"pool {n_pool:>7}  batch {batch_size:>3}: skactive {r['skactive_s']:.3f}s"
                      f"  hand {r['hand_s']:.3f}s  ratio {r['ratio']:.3f}"
                      f"  same queries: {r['same_queries']}", file=sys.stderr, flush=True)
    print(f"\nLoop overhead (median of alternating runs; Python {platform.python_version()}, "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, BLAS threads = 1)\n")
    print("| pool | batch | rounds | skactive (s) | hand-written (s) | ratio | same queries |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    for r in rows:
        print(f"| {r['n_pool']:,} | {r['batch_size']} | {r['rounds']} | {r['skactive_s']:.3f} "
              f"| {r['hand_s']:.3f} | {r['ratio']:.3f} | {'yes' if r['same_queries'] else 'no'} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
