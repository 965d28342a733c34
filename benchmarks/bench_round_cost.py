"""Cost of one active-learning round per strategy, relative to margin sampling.

A round is what ``ActiveLearningClassifier.fit`` spends between two oracle calls:
choosing the rows (``query_time``) plus refitting on the answers (``fit_time``). Each
strategy runs 20 rounds of 10 rows on a ``make_classification`` pool (20 features,
``--classes`` classes, 2 labels per class to start) with ``StandardScaler`` +
``LogisticRegression``; the whole ``fit`` is timed, so one-off work (clustering once per
fit) is spread over the rounds. Best of ``--repeats`` runs (the strategies take turns),
one BLAS thread.

    python benchmarks/bench_round_cost.py                      # pools 1,000 and 10,000
    python benchmarks/bench_round_cost.py --sizes 10000 --strategies margin auto
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle

DEFAULT = ("margin", "auto", "explore_then_exploit", "typiclust", "bandit", "falcun", "badge",
           "expected_error_reduction")


def round_seconds(strategy, X, y, rounds=20, batch=10, seed=0):
    """Seconds per round of one fit, and the query-only share."""
    rng = np.random.RandomState(seed)
    y_partial = np.full_like(y, -1)
    for c in np.unique(y):
        rows = rng.choice(np.flatnonzero(y == c), 2, replace=False)
        y_partial[rows] = c
    clf = ActiveLearningClassifier(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        oracle=SimulatedOracle(X, y), query_strategy=strategy, budget=rounds * batch,
        batch_size=batch, random_state=seed, keep_round_models=False)
    tic = time.perf_counter()
    clf.fit(X, y_partial)
    total = time.perf_counter() - tic
    query = sum(h["query_time"] for h in clf.history_[1:])
    return total / clf.n_iter_, query / clf.n_iter_


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=[1_000, 10_000])
    parser.add_argument("--strategies", nargs="*", default=list(DEFAULT))
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    print("| strategy | " + " | ".join(f"pool {s:,}: s/round (× margin)" for s in args.sizes)
          + " |")
    print("|---" * (len(args.sizes) + 1) + "|")
    results = {}
    with threadpool_limits(1):
        for size in args.sizes:
            X, y = make_classification(n_samples=size, n_features=20, n_informative=10,
                                       n_classes=args.classes, n_clusters_per_class=1,
                                       random_state=0)
            # The strategies take turns within each repeat, so a slow spell of a shared
            # machine falls on all of them; each keeps its fastest run.
            runs = {name: [] for name in args.strategies}
            for _ in range(args.repeats):
                for name in args.strategies:
                    runs[name].append(round_seconds(name, X, y, seed=0))
            for name in args.strategies:
                results[name, size] = min(runs[name])
    for name in args.strategies:
        cells = []
        for size in args.sizes:
            total, _ = results[name, size]
            ratio = total / results["margin", size][0] if ("margin", size) in results else 0
            cells.append(f"{total:.4f} ({ratio:.1f}×)")
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
