"""Large pools: where the time of a round goes, peak memory, and n_jobs=2 vs n_jobs=1.

Pools of 1M and 5M rows of float32 features (30 by default), a binary linear task,
``LogisticRegression``, least-confident sampling, batches of 1000. Each configuration
runs in a fresh process that generates its data, resets its peak-RSS counter and runs
``ActiveLearningClassifier.fit``. Reported:

- time per round split into fit / score / select / oracle: ``fit`` and ``oracle`` come
  from ``history_``; ``score`` is the time spent inside the strategy's ``score`` (the
  model's ``predict_proba`` and the uncertainty measure); ``select`` is the rest of the
  query step (chunking, masking, top-n selection);
- extra peak RSS during ``fit`` (peak minus the RSS before it, when ``X``, ``y`` and the
  oracle are already loaded), and ``(size of X + extra) / size of X``: the memory the run
  needs relative to the pool itself;
- the speed-up of ``n_jobs=2`` over ``n_jobs=1``, for the whole query step inside the
  loop, and for scoring alone (``score_in_chunks`` on the final model, median of a few
  calls) with the default loky backend and with threads.

    python benchmarks/bench_scale.py                      # 1M and 5M rows, writes README
    python benchmarks/bench_scale.py --sizes 200000 --rounds 3 --no-write
"""

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _readme import write_block  # noqa: E402
from bench_peers import SINGLE_THREAD, ContentOracle, _rss_counter  # noqa: E402


def make_pool(n_rows, n_features, n_labeled, seed=0, block=1 << 18):
    """float32 features drawn block by block (no float64 copy of the pool is ever made)."""
    rng = np.random.default_rng(seed)
    X = np.empty((n_rows, n_features), dtype=np.float32)
    w = rng.standard_normal(n_features).astype(np.float32)
    y = np.empty(n_rows, dtype=np.int64)
    for start in range(0, n_rows, block):
        stop = min(start + block, n_rows)
        X[start:stop] = rng.standard_normal((stop - start, n_features), dtype=np.float32)
        noise = rng.standard_normal(stop - start, dtype=np.float32)
        y[start:stop] = (X[start:stop] @ w + 2.0 * noise) > 0
    y_partial = np.full(n_rows, -1, dtype=np.int64)
    labeled = rng.choice(n_rows, size=n_labeled, replace=False)
    y_partial[labeled] = y[labeled]
    return X, y, y_partial


def _strategy_class():
    from skactive.strategies import UncertaintySampling

    class TimedLeastConfident(UncertaintySampling):
        """Least confident; records the time spent in ``score`` per ``select`` call."""

        log = []  # (score seconds, select seconds) per round
        _score_seconds = 0.0  # also when score is called outside select (scoring alone)

        def score(self, estimator, X_pool):
            tic = time.perf_counter()
            out = super().score(estimator, X_pool)
            self._score_seconds += time.perf_counter() - tic
            return out

        def select(self, estimator, X_pool, n, **kwargs):
            self._score_seconds = 0.0
            tic = time.perf_counter()
            out = super().select(estimator, X_pool, n, **kwargs)
            type(self).log.append((self._score_seconds, time.perf_counter() - tic))
            return out

    return TimedLeastConfident


def child(n_rows, n_features, n_labeled, batch, rounds, n_jobs, chunk):
    from joblib import parallel_config
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    from skactive import ActiveLearningClassifier
    from skactive.utils._indexing import score_in_chunks

    X, y, y_partial = make_pool(n_rows, n_features, n_labeled)
    oracle = ContentOracle(X, y)
    strategy_class = _strategy_class()
    strategy = strategy_class("least_confident")
    reset, current, peak, method = _rss_counter()
    with threadpool_limits(limits=1):
        clf = ActiveLearningClassifier(
            LogisticRegression(max_iter=1000), oracle=oracle, query_strategy=strategy,
            budget=batch * rounds, batch_size=batch, n_jobs=n_jobs, pool_chunk_size=chunk,
            random_state=0,
        )
        gc.collect()
        reset()
        before = current()
        tic = time.perf_counter()
        clf.fit(X, y_partial)
        total = time.perf_counter() - tic
        extra = peak() - before

        # Scoring alone on the final model, all rows still unlabeled as candidates.
        candidates = clf.labeled_iter_ == -1
        model = clf.estimator_
        scoring = {}
        backends = ["loky", "threading"] if n_jobs not in (None, 1) else ["sequential"]
        for backend in backends:
            with parallel_config(backend=backend):
                score_in_chunks(strategy.score, model, X, candidates, n_jobs=n_jobs,
                                chunk_rows=chunk)  # warm the workers
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    score_in_chunks(strategy.score, model, X, candidates, n_jobs=n_jobs,
                                    chunk_rows=chunk)
                    times.append(time.perf_counter() - t0)
            scoring[backend] = statistics.median(times)
    rounds_ = clf.history_[1:]
    log = strategy_class.log if n_jobs in (None, 1) else []
    print(json.dumps({
        "n_rows": n_rows, "n_features": n_features, "n_jobs": n_jobs, "batch": batch,
        "rounds": len(rounds_), "x_bytes": int(X.nbytes), "extra_rss": int(extra),
        "rss_method": method, "total": total,
        "fit": statistics.mean(h["fit_time"] for h in rounds_),
        "query": statistics.mean(h["query_time"] for h in rounds_),
        "oracle": statistics.mean(h["oracle_time"] for h in rounds_),
        "score": statistics.mean(s for s, _ in log) if log else None,
        "select": statistics.mean(q - s for s, q in log) if log else None,
        "scoring_alone": scoring,
        "queries": [np.sort(h["query_indices"]).tolist()[:20] for h in rounds_],
    }))


def run(args, n_rows, n_jobs):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n_rows),
           str(args.features), str(args.labeled), str(args.batch), str(args.rounds),
           str(n_jobs), str(args.chunk or 0)]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         env={**os.environ, **SINGLE_THREAD})
    if out.returncode:
        raise RuntimeError(f"run failed ({n_rows} rows, n_jobs={n_jobs}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown(results, args, wall):
    ms = lambda s: "—" if s is None else f"{1000 * s:.0f}"  # noqa: E731
    lines = [
        "### Large pools (`bench_scale.py`)",
        "",
        f"float32 pools, {args.features} features, LogisticRegression, least confidence, "
        f"{args.labeled} rows labeled on entry, batch {args.batch}, {args.rounds} rounds, BLAS "
        f"threads pinned to 1, one fresh process per configuration (median of "
        f"{args.repeats} run(s)). Milliseconds per round (mean over rounds).",
        "",
        "| pool | n_jobs | round | fit | score | select | oracle | size of X | extra peak RSS "
        "| peak / size of X |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['n_rows']:,} | {r['n_jobs']} | {ms(r['total'] / max(r['rounds'], 1))} "
            f"| {ms(r['fit'])} | {ms(r['score'])} | {ms(r['select'])} | {ms(r['oracle'])} "
            f"| {r['x_bytes'] / 2**20:.0f} MB | {r['extra_rss'] / 2**20:.0f} MB "
            f"| {(r['x_bytes'] + r['extra_rss']) / r['x_bytes']:.2f} |")
    lines += ["", "n_jobs=2 over n_jobs=1 (speed-up; higher is better):", "",
              "| pool | query step in the loop (threads) | scoring alone, loky | scoring alone, "
              "threads | n_jobs=1 scoring (ms) |",
              "| ---: | ---: | ---: | ---: | ---: |"]
    by = {(r["n_rows"], r["n_jobs"]): r for r in results}
    checks = ["", "Targets:", ""]
    for n_rows in sorted({r["n_rows"] for r in results}):
        one, two = by.get((n_rows, 1)), by.get((n_rows, 2))
        if not (one and two):
            continue
        base = one["scoring_alone"]["sequential"]
        loop = one["query"] / two["query"]
        loky = base / two["scoring_alone"]["loky"]
        threads = base / two["scoring_alone"]["threading"]
        same = one["queries"] == two["queries"]
        lines.append(f"| {n_rows:,} | {loop:.2f}× | {loky:.2f}× | {threads:.2f}× "
                     f"| {1000 * base:.0f} |")
        best = max(loky, threads)
        checks.append(f"- {n_rows:,} rows: n_jobs=2 scoring >= 1.6× faster: best {best:.2f}× "
                      f"(loky {loky:.2f}×, threads {threads:.2f}×) — "
                      f"{'met' if best >= 1.6 else 'missed'}; same queries as n_jobs=1: "
                      f"{'yes' if same else 'NO'}")
    for r in results:
        if r["n_rows"] == 1_000_000 and r["n_jobs"] == 1:
            ratio = (r["x_bytes"] + r["extra_rss"]) / r["x_bytes"]
            checks.append(f"- 1M-row pool: peak RSS <= 1.3 × size of X: {ratio:.2f} — "
                          f"{'met' if ratio <= 1.3 else 'missed'}")
    lines += checks
    lines += ["", f"Command: `{args.command}` ({wall / 60:.1f} min wall time, Python "
              f"{platform.python_version()}, {os.cpu_count()} cores; RSS from "
              f"{results[0]['rss_method']})."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--labeled", type=int, default=2000, help="rows labeled on entry")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=None, help="pool_chunk_size (rows)")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--no-write", action="store_true", help="do not touch README.md")
    parser.add_argument("--child", nargs=7, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        n_rows, n_features, n_labeled, batch, rounds, n_jobs, chunk = args.child
        child(n_rows, n_features, n_labeled, batch, rounds, n_jobs, chunk or None)
        return 0
    args.command = "python benchmarks/bench_scale.py " + " ".join(argv or sys.argv[1:])
    tic = time.perf_counter()
    results = []
    for n_rows in args.sizes:
        for n_jobs in (1, 2):
            runs = [run(args, n_rows, n_jobs) for _ in range(args.repeats)]
            best = sorted(runs, key=lambda r: r["total"])[len(runs) // 2]  # the median run
            results.append(best)
            print(f"{n_rows:>9,} rows, n_jobs={n_jobs}: {best['total']:.1f}s total, "
                  f"extra RSS {best['extra_rss'] / 2**20:.0f} MB", file=sys.stderr, flush=True)
    section = markdown(results, args, time.perf_counter() - tic)
    print(section)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if not args.no_write:
        write_block("bench_scale", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
