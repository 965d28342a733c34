"""Label efficiency: learning curves of every registered query strategy against random.

Each dataset is split into a pool (2/3) and a held-out test set (1/3), stratified; a few
labels per class start the loop; ``ActiveLearningClassifier`` with a ``SimulatedOracle``
then asks for ``budget`` labels in batches, and ``staged_score`` on the test set gives the
learning curve. The estimator is ``StandardScaler`` + ``LogisticRegression``. Reported:

- AULC: area under the accuracy-vs-labels curve divided by its width (a mean accuracy
  over the budget, in [0, 1]), averaged over seeds; and each strategy's mean rank over
  datasets (1 = best AULC);
- labels needed to reach 95% of the accuracy of the same model trained on the whole
  labeled pool ("+" marks seeds that never got there: the last labeled count is used);
- wins/losses against margin and random (datasets where the mean AULC differs by more
  than 0.002);
- the time of one query step at pool sizes 1e3/1e4/1e5.

    python benchmarks/label_efficiency.py                 # full run (2 cores, < 30 min)
    python benchmarks/label_efficiency.py --quick         # smoke run (< 1 min)
    python benchmarks/label_efficiency.py --json out.json --n-jobs 2 --seeds 5
    python benchmarks/label_efficiency.py --part eighth --seeds 10 --first-seed 10 \
        --no-cold-start --strategies random margin auto   # seeds 10-19, no cold starts

A strategy that raises is reported with its error and left out of the rankings.
"""

import argparse
import json
import platform
import sys
import time
import traceback
import warnings

import numpy as np
import sklearn
from _suite import DATASETS, PARTS, TIE, gain_tables
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.model_selection import aulc
from skactive.oracles import SimulatedOracle
from skactive.strategies import available_strategies, get_strategy

# Strategies whose seed-paired AULC differences to margin and random get their own table.
FOCUS = ("auto", "bandit", "typiclust")
# Settings other than the registered defaults (none: every strategy runs as a user gets it).
OVERRIDES = {}


def make_estimator():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def plan(n_pool, n_classes, quick=False):
    """Initial labels per class, budget and batch size for one dataset."""
    if quick:
        return 2, 10, 5
    budget = int(min(max(60, 12 * n_classes), 150, n_pool // 2))
    return 2, budget, max(1, budget // 20)


def labels_to_reach(n_labeled, accuracy, target):
    """First labeled count whose accuracy reaches ``target``; (count, reached)."""
    hit = np.flatnonzero(np.asarray(accuracy) >= target)
    if hit.shape[0]:
        return int(n_labeled[hit[0]]), True
    return int(n_labeled[-1]), False


def bench_strategy(name):
    """The strategy the benchmark runs for a registered name (with ``OVERRIDES``)."""
    if name in OVERRIDES:
        return get_strategy(name).set_params(**OVERRIDES[name])
    return name


def _curve(data, spec, budget, batch, seed, full, cold_start="random"):
    """One learning curve; an exception becomes an ``{"error": ...}`` record."""
    X_pool, y_pool, y_partial, X_test, y_test = data
    tic = time.perf_counter()
    try:
        clf = ActiveLearningClassifier(
            make_estimator(), oracle=SimulatedOracle(X_pool, y_pool),
            query_strategy=spec if isinstance(spec, str) else clone(spec),
            cold_start_strategy=cold_start, budget=budget, batch_size=batch,
            random_state=seed,
        ).fit(X_pool, y_partial)
        n_labeled = [h["n_labeled"] for h in clf.history_]
        accuracy = list(clf.staged_score(X_test, y_test))
        needed, reached = labels_to_reach(n_labeled, accuracy, 0.95 * full)
        rounds = clf.history_[1:]
        return {
            "n_labeled": n_labeled, "accuracy": accuracy,
            "aulc": aulc(n_labeled, accuracy), "labels_to_95": needed,
            "reached_95": reached, "seconds": time.perf_counter() - tic,
            # Mean seconds of one round: choosing the rows plus refitting on the answers.
            "round_seconds": float(np.mean([h["query_time"] + h["fit_time"] for h in rounds]))
            if rounds else 0.0,
        }
    except Exception as exc:  # noqa: BLE001 (report and continue)
        return {
            "error": f"{type(exc).__name__}: {exc}".splitlines()[0][:200],
            "traceback": traceback.format_exc(limit=3),
        }


def run_one(dataset, seed, strategies, quick=False, cold_starts=()):
    """All strategies on one dataset and seed; errors are recorded per strategy.

    ``cold_starts``: model-free strategies that also pick the first rows from zero
    labels, followed by margin sampling (same budget).
    """
    warnings.filterwarnings("ignore")
    cpu = time.process_time()
    X, y = DATASETS[dataset]()
    X_pool, X_test, y_pool, y_test = train_test_split(
        X, y, test_size=1 / 3, stratify=y, random_state=seed
    )
    classes = np.unique(y_pool)
    per_class, budget, batch = plan(len(y_pool), len(classes), quick)
    rng = np.random.RandomState(seed)
    start = np.concatenate([
        rng.choice(np.flatnonzero(y_pool == c), per_class, replace=False) for c in classes
    ])
    y_partial = np.full_like(y_pool, -1)
    y_partial[start] = y_pool[start]
    data = (X_pool, y_pool, y_partial, X_test, y_test)
    with threadpool_limits(1):
        full = make_estimator().fit(X_pool, y_pool).score(X_test, y_test)
        out = {"full_accuracy": float(full), "budget": budget, "batch_size": batch,
               "strategies": {}, "cold_start": {}}
        for name, spec in strategies.items():
            out["strategies"][name] = _curve(data, spec, budget, batch, seed, full)
        empty = (X_pool, y_pool, np.full_like(y_pool, -1), X_test, y_test)
        for name in cold_starts:
            out["cold_start"][name] = _curve(empty, "margin", budget, batch, seed, full, name)
    out["cpu_seconds"] = time.process_time() - cpu
    return dataset, seed, out


def summarize(runs, strategies, key="strategies"):
    """Per-dataset mean AULC, labels-to-95%, ranks and win counts of ``runs[key]``."""
    datasets = sorted({d for d, _, _ in runs}, key=list(DATASETS).index)
    table, errors = {}, {}
    for d in datasets:
        table[d] = {}
        for name in strategies:
            rows = [o[key][name] for dd, _, o in runs if dd == d]
            bad = [r["error"] for r in rows if "error" in r]
            if bad:
                errors.setdefault(name, {})[d] = bad[0]
                continue
            table[d][name] = {
                "aulc": float(np.mean([r["aulc"] for r in rows])),
                "aulc_std": float(np.std([r["aulc"] for r in rows])),
                "labels_to_95": float(np.mean([r["labels_to_95"] for r in rows])),
                "all_reached_95": all(r["reached_95"] for r in rows),
                "seconds": float(np.mean([r["seconds"] for r in rows])),
            }
    ok = [s for s in strategies if s not in errors]
    ranks = {s: [] for s in ok}
    for d in datasets:
        values = np.array([table[d][s]["aulc"] for s in ok])
        # Rank 1 = best; ties share the mean rank.
        order = (-values).argsort(kind="stable")
        rank = np.empty(len(ok))
        rank[order] = np.arange(1, len(ok) + 1)
        for v in np.unique(values):
            rank[values == v] = rank[values == v].mean()
        for s, r in zip(ok, rank, strict=True):
            ranks[s].append(float(r))

    def record(s, ref):
        if any(ref not in table[d] for d in datasets):
            return None
        diffs = [table[d][s]["aulc"] - table[d][ref]["aulc"] for d in datasets]
        return {"wins": sum(x > TIE for x in diffs), "losses": sum(x < -TIE for x in diffs)}

    overall = {
        s: {
            "mean_rank": float(np.mean(ranks[s])),
            "mean_aulc": float(np.mean([table[d][s]["aulc"] for d in datasets])),
            "vs_margin": record(s, "margin"),
            "vs_random": record(s, "random"),
        }
        for s in ok
    }
    paired = {}
    for s in (f for f in FOCUS if f in ok):
        for ref in ("margin", "random"):
            if ref not in ok:
                continue
            for d in datasets:
                diff = [o[key][s]["aulc"] - o[key][ref]["aulc"] for dd, _, o in runs if dd == d]
                se = np.std(diff, ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
                paired.setdefault(f"{s} - {ref}", {})[d] = [float(np.mean(diff)), float(se)]
    return {"datasets": datasets, "per_dataset": table, "overall": overall, "errors": errors,
            "paired": paired}


def time_queries(strategies, sizes, limit=5.0):
    """Seconds for one ``select`` of 10 rows at each pool size (30 labeled rows)."""
    warnings.filterwarnings("ignore")
    out = {}
    for name, spec in strategies.items():
        out[name] = {}
        for size in sizes:
            if any(not isinstance(v, float) or v > limit for v in out[name].values()):
                out[name][str(size)] = None  # skipped: too slow at a smaller size
                continue
            X, y = make_classification(n_samples=size, n_features=20, n_informative=6,
                                       n_classes=3, random_state=0)
            labeled = np.concatenate([np.flatnonzero(y == c)[:10] for c in range(3)])
            candidates = np.ones(size, dtype=bool)
            candidates[labeled] = False
            with threadpool_limits(1):
                model = make_estimator().fit(X[labeled], y[labeled])
                try:
                    strategy = get_strategy(spec) if isinstance(spec, str) else clone(spec)
                    tic = time.perf_counter()
                    strategy.select(model, X, 10, candidates=candidates, X_labeled=X[labeled],
                                    y_labeled=y[labeled], random_state=0)
                    out[name][str(size)] = time.perf_counter() - tic
                except Exception as exc:  # noqa: BLE001
                    out[name][str(size)] = f"error: {type(exc).__name__}"
    return out


def run_benchmark(datasets=None, strategies=None, seeds=5, n_jobs=2, quick=False,
                  timing_sizes=(1_000, 10_000, 100_000), cold_starts=None):
    """Run the benchmark; return a JSON-serialisable dict with raw runs and summaries.

    ``strategies`` maps a display name to a strategy name or instance (default: every
    name in ``available_strategies()``). ``cold_starts``: names of model-free strategies
    compared as cold starts from zero labels (default: every registered one).
    """
    if cold_starts is None:
        cold_starts = [s for s in available_strategies() if not get_strategy(s).requires_model]
    datasets = list(DATASETS) if datasets is None else list(datasets)
    if strategies is None:
        strategies = available_strategies()
    if not isinstance(strategies, dict):
        strategies = {s: bench_strategy(s) for s in strategies}
    seeds = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    tic = time.perf_counter()
    runs = Parallel(n_jobs=n_jobs)(
        delayed(run_one)(d, s, strategies, quick, cold_starts) for d in datasets for s in seeds
    )
    curves_time = time.perf_counter() - tic
    summary = summarize(runs, list(strategies))
    if cold_starts:
        summary["cold_start"] = summarize(runs, list(cold_starts), key="cold_start")
    timing = time_queries(strategies, timing_sizes) if timing_sizes else {}
    return {
        "config": {"datasets": datasets, "seeds": seeds, "quick": quick, "n_jobs": n_jobs,
                   "strategies": {k: str(v) for k, v in strategies.items()},
                   "python": platform.python_version(), "sklearn": sklearn.__version__},
        "runs": [{"dataset": d, "seed": s, **o} for d, s, o in runs],
        "summary": summary,
        "timing": timing,
        "wall_time": {"curves": curves_time, "total": time.perf_counter() - tic},
        "cpu_seconds_curves": sum(o["cpu_seconds"] for _, _, o in runs),
    }


def _record(r):
    return "—" if r is None else f"{r['wins']}/{r['losses']}"


def markdown(result):
    """The Markdown tables of a ``run_benchmark`` result."""
    summary = result["summary"]
    datasets, table = summary["datasets"], summary["per_dataset"]
    order = sorted(summary["overall"], key=lambda s: summary["overall"][s]["mean_rank"])
    lines = ["### AULC (mean over seeds; best per dataset in bold)", "",
             "| strategy | " + " | ".join(datasets) + " | mean AULC | mean rank | wins/losses"
             " vs margin | wins/losses vs random |",
             "|---" * (len(datasets) + 5) + "|"]
    best = {d: max(table[d][s]["aulc"] for s in order) for d in datasets}
    for s in order:
        cells = []
        for d in datasets:
            v = table[d][s]["aulc"]
            cells.append(f"**{v:.3f}**" if v == best[d] else f"{v:.3f}")
        o = summary["overall"][s]
        lines.append(f"| {s} | " + " | ".join(cells) + f" | {o['mean_aulc']:.3f} | "
                     f"{o['mean_rank']:.2f} | "
                     f"{_record(o['vs_margin'])} | {_record(o['vs_random'])} |")
    lines += ["", "### Labels to reach 95% of full-pool accuracy (mean over seeds; "
              "+ = some seeds never did)", "",
              "| strategy | " + " | ".join(datasets) + " |", "|---" * (len(datasets) + 1) + "|"]
    full = {d: np.mean([r["full_accuracy"] for r in result["runs"] if r["dataset"] == d])
            for d in datasets}
    lines.append("| *full-pool accuracy* | " + " | ".join(f"{full[d]:.3f}" for d in datasets)
                 + " |")
    for s in order:
        cells = [f"{table[d][s]['labels_to_95']:.0f}"
                 + ("" if table[d][s]["all_reached_95"] else "+") for d in datasets]
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    if summary["errors"]:
        lines += ["", "### Strategies that failed", ""]
        for s, errs in summary["errors"].items():
            d, e = next(iter(errs.items()))
            lines.append(f"- `{s}` on {', '.join(errs)}: {e} (first: {d})")
    if summary.get("paired"):
        lines += ["", "### Seed-paired AULC difference (mean ± standard error over seeds)", "",
                  "| difference | " + " | ".join(datasets) + " |",
                  "|---" * (len(datasets) + 1) + "|"]
        for pair, row in summary["paired"].items():
            cells = [f"{row[d][0]:+.3f} ± {row[d][1]:.3f}" for d in datasets]
            lines.append(f"| {pair} | " + " | ".join(cells) + " |")
    cold = summary.get("cold_start")
    if cold:
        lines += ["", "### Cold start: AULC from zero labels (the named strategy picks rows "
                  "until two classes are labeled, then margin)", "",
                  "| cold start | " + " | ".join(datasets) + " | mean rank |",
                  "|---" * (len(datasets) + 2) + "|"]
        for s in sorted(cold["overall"], key=lambda s: cold["overall"][s]["mean_rank"]):
            cells = [f"{cold['per_dataset'][d][s]['aulc']:.3f}" for d in datasets]
            lines.append(f"| {s} | " + " | ".join(cells)
                         + f" | {cold['overall'][s]['mean_rank']:.2f} |")
    if result["timing"]:
        sizes = list(next(iter(result["timing"].values())))
        lines += ["", "### Seconds per query step (10 rows, 30 labeled, 20 features; "
                  "— = skipped after a step over 5 s)", "",
                  "| strategy | " + " | ".join(f"pool {int(s):,}" for s in sizes) + " |",
                  "|---" * (len(sizes) + 1) + "|"]
        for s, row in result["timing"].items():
            cells = [("—" if v is None else v if isinstance(v, str) else f"{v:.3f}")
                     for v in row.values()]
            lines.append(f"| {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (< 1 minute)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="run seeds first-seed .. first-seed + seeds - 1 (runs are "
                        "deterministic per dataset and seed, so runs of other seeds merge)")
    parser.add_argument("--no-cold-start", action="store_true",
                        help="skip the cold-start curves (about half the time of a run of "
                        "a few strategies)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--datasets", nargs="*", default=None, choices=list(DATASETS))
    parser.add_argument("--part", choices=list(PARTS), default="all",
                        help="which part of the suite to run (ignored with --datasets)")
    parser.add_argument("--strategies", nargs="*", default=None)
    parser.add_argument("--json", default="benchmarks/label_efficiency.json")
    args = parser.parse_args(argv)
    cold_starts = () if args.no_cold_start else None
    if args.quick:
        datasets = args.datasets or ["iris", "breast_cancer"]
        seeds = range(args.first_seed, args.first_seed + min(args.seeds, 2))
        result = run_benchmark(datasets, args.strategies, seeds=seeds, n_jobs=args.n_jobs,
                               quick=True, timing_sizes=(1_000,), cold_starts=cold_starts)
    else:
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        result = run_benchmark(args.datasets or PARTS[args.part], args.strategies,
                               seeds=seeds, n_jobs=args.n_jobs, cold_starts=cold_starts)
    print(markdown(result))
    if "margin" in result["runs"][0]["strategies"]:
        print("\n" + gain_tables(result))
    print(f"\nwall time: {result['wall_time']['total']:.0f} s "
          f"(curves {result['wall_time']['curves']:.0f} s)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
