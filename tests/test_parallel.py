"""Speed and scale features: parallel and chunked pool scoring, cheaper refits.

``n_jobs`` (threads by default, loky or Dask when chosen with ``joblib.parallel_config``)
and ``pool_chunk_size`` must change how the pool is scored, never which rows are asked;
``refit="warm_start"``/``"partial_fit"`` reuse the previous round's model.
"""

import functools
import os
import threading

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_problem
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import GaussianNB
from threadpoolctl import threadpool_limits

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.strategies import ScoreFunction, available_strategies, uncertainty_scores
from skactive.utils._indexing import score_in_chunks, take_rows

CONTAINERS = ["dense", "csr", "dataframe"]


def _as(container, X):
    if container == "csr":
        return sp.csr_matrix(X)
    if container == "dataframe":
        pd = pytest.importorskip("pandas")
        return pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])],
                            index=np.arange(X.shape[0]) * 10 + 7)
    return X


def _margin(estimator, X_pool):
    return uncertainty_scores(estimator.predict_proba(X_pool), "margin")


def _margin_recording_worker_id(path, estimator, X_pool):
    """Margin scores; appends ``pid:thread`` of the scoring worker to ``path``."""
    with open(path, "a") as fh:
        fh.write(f"{os.getpid()}:{threading.get_ident()}\n")
    return _margin(estimator, X_pool)


def _run(X, problem, **params):
    params = {"oracle": SimulatedOracle(X, problem.y_true), "budget": 8, "batch_size": 2,
              "random_state": 0, **params}
    return ActiveLearningClassifier(**params).fit(X, problem.y)


def _assert_same_run(a, b):
    assert len(a.history_) == len(b.history_)
    for ha, hb in zip(a.history_, b.history_, strict=True):
        np.testing.assert_array_equal(ha["query_indices"], hb["query_indices"])
        np.testing.assert_allclose(ha["query_scores"], hb["query_scores"], rtol=1e-12)
    np.testing.assert_array_equal(a.y_labeled_, b.y_labeled_)
    np.testing.assert_array_equal(a.labeled_iter_, b.labeled_iter_)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny problems: BLAS threads only add contention (and seconds on a busy machine)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def pool_problem():
    """400 rows, 3 classes: big enough that scoring splits into several chunks."""
    return make_problem(n_samples=400, n_classes=3, n_labeled_per_class=3, seed=3)


# --------------------------------------------------------------------------- chunks
@pytest.mark.parametrize("container", CONTAINERS)
def test_small_pool_chunks_give_identical_queries(pool_problem, container):
    X = _as(container, pool_problem.X)
    sizes = []

    def margin_recording_size(estimator, X_pool):
        sizes.append(X_pool.shape[0])
        return _margin(estimator, X_pool)

    strategy = ScoreFunction(margin_recording_size)
    default = _run(X, pool_problem, query_strategy=strategy)
    n_default_calls = len(sizes)
    sizes.clear()
    chunked = _run(X, pool_problem, query_strategy=strategy, pool_chunk_size=7)
    _assert_same_run(default, chunked)
    # The chunked run really read the pool 7 rows at a time.
    assert max(sizes) <= 7
    assert len(sizes) > 10 * n_default_calls


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("chunk_rows", [1, 7, 64, None])
def test_score_in_chunks_matches_scoring_the_masked_pool(pool_problem, container,
                                                         chunk_rows):
    X = _as(container, pool_problem.X)
    model = LogisticRegression().fit(X, pool_problem.y_true)
    rng = np.random.RandomState(0)
    # 30% candidates: chunks take the gather path; the dense tail the in-place path.
    candidates = rng.rand(pool_problem.X.shape[0]) < 0.3
    candidates[-100:] = True
    scores = score_in_chunks(_margin, model, X, candidates, chunk_rows=chunk_rows)
    expected = _margin(model, take_rows(X, np.flatnonzero(candidates)))
    assert scores.shape == (pool_problem.X.shape[0],)
    np.testing.assert_allclose(scores[candidates], expected, rtol=1e-12)
    assert np.all(scores[~candidates] == -np.inf)


def test_score_in_chunks_never_writes_into_the_strategys_array():
    stored = np.array([3.0, -np.inf, 1.0, 2.0, 5.0])
    candidates = np.array([True, True, True, True, False])
    scores = score_in_chunks(lambda est, X: stored[: len(X)], None, np.zeros((5, 1)),
                             candidates)
    np.testing.assert_array_equal(stored, [3.0, -np.inf, 1.0, 2.0, 5.0])
    # A candidate scored -inf still ranks above the non-candidate.
    assert scores[4] == -np.inf and -np.inf < scores[1] < scores[2]
    np.testing.assert_array_equal(scores[[0, 2, 3]], [3.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        score_in_chunks(lambda est, X: np.full(len(X), np.nan), None, np.zeros((5, 1)))


# --------------------------------------------------------------------------- n_jobs
@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("backend", ["threads (default)", "loky"])
def test_n_jobs_2_gives_identical_queries(pool_problem, container, backend, tmp_path):
    X = _as(container, pool_problem.X)
    log = tmp_path / "workers.txt"
    strategy = ScoreFunction(functools.partial(_margin_recording_worker_id, str(log)))
    one = _run(X, pool_problem, query_strategy=strategy, n_jobs=1)
    assert set(log.read_text().split()) == {f"{os.getpid()}:{threading.get_ident()}"}
    log.unlink()
    config = {"backend": "loky"} if backend == "loky" else {}
    with joblib.parallel_config(**config):
        two = _run(X, pool_problem, query_strategy=strategy, n_jobs=2)
    _assert_same_run(one, two)
    np.testing.assert_array_equal(one.predict(X), two.predict(X))
    # Two chunks per round, each scored off the calling thread: by worker threads of this
    # process by default, by other processes with loky.
    workers = [line.split(":") for line in log.read_text().split()]
    assert len(workers) == 2 * one.n_iter_
    if backend == "loky":
        assert all(pid != str(os.getpid()) for pid, _ in workers)
    else:
        assert all(pid == str(os.getpid()) for pid, _ in workers)
        assert all(tid != str(threading.get_ident()) for _, tid in workers)


@pytest.mark.parametrize("strategy", ["least_confident", "entropy"])
def test_n_jobs_2_with_builtin_strategies(pool_problem, strategy):
    one = _run(pool_problem.X, pool_problem, query_strategy=strategy, n_jobs=1)
    two = _run(pool_problem.X, pool_problem, query_strategy=strategy, n_jobs=2)
    _assert_same_run(one, two)
    np.testing.assert_array_equal(two.query(pool_problem.X, 5), one.query(pool_problem.X, 5))


def _margin_recording_worker(path, estimator, X_pool):
    """Margin scores; appends the address of the Dask worker that scored to ``path``."""
    import distributed

    try:
        address = distributed.get_worker().address
    except ValueError:  # not inside a Dask worker
        address = "local"
    with open(path, "a") as fh:
        fh.write(f"{address}\n")
    return _margin(estimator, X_pool)


def test_dask_local_cluster_gives_identical_queries(pool_problem, tmp_path):
    distributed = pytest.importorskip("distributed")
    log = tmp_path / "workers.txt"
    strategy = ScoreFunction(functools.partial(_margin_recording_worker, str(log)))
    one = _run(pool_problem.X, pool_problem, query_strategy=strategy, n_jobs=1)
    assert set(log.read_text().split()) == {"local"}
    log.unlink()
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                 host="127.0.0.1", protocol="tcp://",
                                 dashboard_address=None) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        two = _run(pool_problem.X, pool_problem, query_strategy=strategy, n_jobs=2)
        workers = set(cluster.scheduler_info["workers"])
    _assert_same_run(one, two)
    # Every chunk of every round was scored on the cluster's workers.
    scored_on = log.read_text().split()
    assert len(scored_on) == 2 * one.n_iter_
    assert set(scored_on) <= workers


# --------------------------------------------------------------------------- refit
def test_warm_start_matches_full_refit():
    problem = make_problem(n_samples=300, n_classes=3, n_labeled_per_class=4, seed=5)
    estimator = LogisticRegression(max_iter=1000, tol=1e-8)
    params = {"estimator": estimator, "budget": 24, "batch_size": 4}
    full = _run(problem.X, problem, **params)
    warm = _run(problem.X, problem, refit="warm_start", **params)
    assert warm.estimator_.get_params()["warm_start"] is True
    assert estimator.get_params()["warm_start"] is False  # the caller's is untouched
    # Same convex optimum, reached from a different start: same rows, same model.
    for hf, hw in zip(full.history_, warm.history_, strict=True):
        np.testing.assert_array_equal(np.sort(hf["query_indices"]),
                                      np.sort(hw["query_indices"]))
    np.testing.assert_allclose(warm.estimator_.coef_, full.estimator_.coef_, atol=1e-3)
    assert warm.score(problem.X, problem.y_true) == pytest.approx(
        full.score(problem.X, problem.y_true), abs=0.01)


class _RecordingSGD(SGDClassifier):
    """SGDClassifier that logs each partial_fit call as (rows, classes given)."""

    calls = []

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        type(self).calls.append((X.shape[0], None if classes is None else list(classes)))
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def test_partial_fit_updates_on_new_answers_only():
    problem = make_problem(n_samples=300, n_classes=2, n_labeled_per_class=3, seed=2)
    sgd = SGDClassifier(loss="log_loss", random_state=0)
    clf = _run(problem.X, problem, estimator=sgd, refit="partial_fit", budget=9,
               batch_size=3)
    assert clf.n_iter_ == 3
    # Replaying the documented updates by hand gives the same model.
    replay = SGDClassifier(loss="log_loss", random_state=0)
    replay.partial_fit(problem.X[problem.labeled], problem.y_true[problem.labeled],
                       classes=[0, 1])
    for h in clf.history_[1:]:
        replay.partial_fit(problem.X[h["query_indices"]], h["query_labels"])
    np.testing.assert_allclose(clf.estimator_.coef_, replay.coef_, rtol=1e-12)
    np.testing.assert_allclose(clf.estimator_.intercept_, replay.intercept_, rtol=1e-12)


def test_partial_fit_refits_fully_when_a_new_class_appears():
    problem = make_problem(n_samples=240, n_classes=3, n_labeled_per_class=3, seed=4)
    y = problem.y.copy()
    y[problem.labeled[problem.y_true[problem.labeled] == 2]] = -1  # start with 2 classes
    n_initial = int((y != -1).sum())
    _RecordingSGD.calls = []
    clf = ActiveLearningClassifier(
        _RecordingSGD(loss="log_loss", random_state=0), oracle=problem.oracle,
        query_strategy="random", budget=30, batch_size=3, refit="partial_fit",
        random_state=0,
    ).fit(problem.X, y)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    calls = _RecordingSGD.calls
    new_class_round = next(h["round"] for h in clf.history_[1:] if 2 in h["query_labels"])
    n_labeled = clf.history_[new_class_round]["n_labeled"]
    # Round 0 and the round that brought class 2: full refits (every labeled row, classes
    # given); every other round: the new answers only.
    assert calls[0] == (n_initial, [0, 1])
    assert calls[new_class_round] == (n_labeled, [0, 1, 2])
    others = [c for i, c in enumerate(calls) if i not in (0, new_class_round)]
    assert len(calls) == clf.n_iter_ + 1  # round 0, then one update per round
    assert all(classes is None and 1 <= rows <= 3 for rows, classes in others)


@pytest.mark.parametrize(
    ("estimator", "refit"),
    [(GaussianNB(), "warm_start"), (LogisticRegression(), "partial_fit")],
)
def test_refit_needs_the_matching_estimator_api(binary_problem, estimator, refit):
    clf = ActiveLearningClassifier(estimator, oracle=binary_problem.oracle, refit=refit)
    with pytest.raises(ValueError, match=f"refit='{refit}'.*{type(estimator).__name__}"):
        clf.fit(binary_problem.X, binary_problem.y)


def test_refit_rejects_unknown_values(binary_problem):
    clf = ActiveLearningClassifier(oracle=binary_problem.oracle, refit="sometimes")
    with pytest.raises(ValueError, match="'refit'.*'sometimes'"):
        clf.fit(binary_problem.X, binary_problem.y)


# --------------------------------------------------------------------------- bounded memory
def _memmap_pool(path, n_rows, n_features=20):
    X = np.memmap(path, dtype=np.float32, mode="w+", shape=(n_rows, n_features))
    rng = np.random.RandomState(0)
    for start in range(0, n_rows, 50_000):
        stop = min(start + 50_000, n_rows)
        X[start:stop] = rng.normal(size=(stop - start, n_features))
    return X


def _select_peak(strategy, X):
    """Peak bytes traced while ``strategy`` picks 50 rows of the memmap pool ``X``."""
    import tracemalloc

    from skactive._loop import accepted_params
    from skactive.strategies import get_strategy

    labeled = np.arange(40)
    y = (X[labeled, 0] > 0).astype(int)
    model = LogisticRegression().fit(X[labeled], y)
    candidates = np.ones(X.shape[0], dtype=bool)
    candidates[labeled] = False
    strategy = get_strategy(strategy)
    params = {"candidates": candidates, "X_labeled": np.asarray(X[labeled]), "y_labeled": y,
              "random_state": 0, "chunk_rows": 10_000, "unfitted_estimator": model}
    tracemalloc.start()
    try:
        strategy.select(model, X, 50, **accepted_params(strategy.select, params))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def memmap_pools(tmp_path_factory):
    root = tmp_path_factory.mktemp("pools")
    return _memmap_pool(root / "small.dat", 30_000), _memmap_pool(root / "large.dat", 120_000)


@pytest.mark.parametrize("strategy", available_strategies())
def test_strategies_use_memory_independent_of_the_pool_size(memmap_pools, strategy):
    """Four times the pool: extra memory grows by at most a few per-row ints (the
    candidate positions), never by a copy of the rows (80 bytes per row here)."""
    small, large = memmap_pools
    growth = _select_peak(strategy, large) - _select_peak(strategy, small)
    per_row = growth / (large.shape[0] - small.shape[0])
    assert per_row < 20, f"{strategy}: {per_row:.1f} extra bytes per pool row"


# --------------------------------------------------------------------------- parallel top-n
@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("n", [1, 7, 60])
def test_chunked_top_n_picks_what_top_n_picks_on_the_whole_vector(n_jobs, n):
    """Per-chunk top-n (in the scoring workers) + merge == top_n on every score, ties
    included: scores take 3 values, so most picks are tie-breaks."""
    from skactive.utils._indexing import score_top_n
    from skactive.utils._select import top_n

    rng = np.random.RandomState(0)
    X = rng.randint(0, 3, size=(5000, 1)).astype(float)
    candidates = rng.rand(5000) < 0.7

    def score(_, X_rows):
        return X_rows[:, 0]

    whole = score_in_chunks(score, None, X, candidates)
    for seed in range(5):
        expected = top_n(whole, n, np.random.RandomState(seed))
        got, got_scores = score_top_n(score, None, X, candidates, n,
                                      np.random.RandomState(seed), chunk_rows=300,
                                      n_jobs=n_jobs)
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(got_scores, whole[expected])
