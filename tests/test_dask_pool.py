"""A ``dask.array`` pool on a 2-process ``LocalCluster``: same queries as NumPy, never
gathered on the driver, clean shutdown; and the chunked top-n it relies on."""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from test_parallel import _assert_same_run

from skactive import ActiveLearningClassifier
from skactive.oracles import SimulatedOracle
from skactive.utils._select import local_top_n, merge_top_n, top_n

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


# --------------------------------------------------------------------------- top-n merge
@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, 4), min_size=1, max_size=60),
    cuts=st.lists(st.integers(1, 60), max_size=5),
    n=st.integers(1, 60),
    seed=st.integers(0, 2**16),
    drop=st.integers(0, 3),
)
def test_merged_local_top_n_equals_top_n_with_ties(values, cuts, n, seed, drop):
    """Chunks' local top-n, merged, pick what top_n picks on the whole vector."""
    scores = np.asarray(values, dtype=np.float64)
    if drop:
        scores[::drop + 1] = -np.inf  # non-candidates, as score_in_chunks marks them
    n = min(n, int(np.isfinite(scores).sum()))
    expected = top_n(scores, n, np.random.RandomState(seed))
    bounds = sorted({0, scores.shape[0], *[c for c in cuts if c < scores.shape[0]]})
    keep = [a + local_top_n(scores[a:b], n) for a, b in zip(bounds, bounds[1:], strict=False)]
    positions = np.concatenate(keep)
    got = merge_top_n(positions, scores[positions], n, scores.shape[0],
                      np.random.RandomState(seed))
    np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------------------- cluster
@pytest.fixture(scope="module")
def client():
    """Two worker processes on 127.0.0.1, shared by this module; shut down cleanly."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None,
                                       worker_dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
    assert client.status == "closed"
    assert cluster.status.name == "closed"


@pytest.fixture(scope="module")
def problem():
    X, y = make_classification(n_samples=2400, n_features=6, n_informative=4, n_classes=3,
                               random_state=0)
    y_partial = np.full_like(y, -1)
    y_partial[:24] = y[:24]
    return X, y, y_partial


def _record_block(block, path):
    """Identity on a block; appends the computing process's id to ``path``."""
    with open(path, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    return block


class _NumpyOnlyOracle(SimulatedOracle):
    def __call__(self, X_query):
        assert type(X_query) is np.ndarray
        return super().__call__(X_query)


def _fit(X_pool, problem, strategy="margin", **params):
    X, y, y_partial = problem
    params = {"oracle": _NumpyOnlyOracle(X, y), "budget": 30, "batch_size": 10,
              "random_state": 0, "query_strategy": strategy, **params}
    return ActiveLearningClassifier(**params).fit(X_pool, y_partial)


def test_dask_pool_without_client_is_computed_locally_block_by_block(problem):
    X = problem[0]
    with pytest.raises(ValueError):
        distributed.default_client()  # runs before the module's cluster starts
    _assert_same_run(_fit(X, problem, "entropy"),
                  _fit(da.from_array(X, chunks=(400, 6)), problem, "entropy"))


@pytest.mark.parametrize("strategy", [
    "margin", "entropy", "coreset", "badge", "cluster_margin", "ranked_batch", "falcun",
    "information_density", "query_by_committee",
])
def test_dask_pool_on_cluster_matches_numpy_and_stays_on_workers(client, problem, tmp_path,
                                                                 strategy):
    X = problem[0]
    log = tmp_path / "blocks.txt"
    # meta given: dask does not call _record_block on an empty block to infer it.
    X_dask = da.from_array(X, chunks=(500, 3)).map_blocks(
        _record_block, str(log), meta=np.empty((0, 0), dtype=X.dtype))
    expected = _fit(X, problem, strategy)
    got = _fit(X_dask, problem, strategy)
    _assert_same_run(expected, got)
    pids = set(Path(log).read_text().split())
    workers = {str(pid) for pid in client.run(os.getpid).values()}
    assert pids and pids <= workers  # every block was computed by a worker process
    assert str(os.getpid()) not in pids


def test_dask_pool_predict_query_and_staged_match_numpy(client, problem):
    X = problem[0]
    X_dask = da.from_array(X, chunks=(700, 6))
    expected, got = _fit(X, problem), _fit(X_dask, problem)
    np.testing.assert_allclose(got.predict_proba(X_dask), expected.predict_proba(X))
    np.testing.assert_array_equal(got.predict(X_dask), expected.predict(X))
    np.testing.assert_array_equal(got.query(X_dask, 7), expected.query(X, 7))
    for a, b in zip(got.staged_predict(X_dask), expected.staged_predict(X), strict=True):
        np.testing.assert_array_equal(a, b)
    assert got.score(X_dask, problem[1]) == expected.score(X, problem[1])


def test_dask_pool_validation_is_lazy_and_clear():
    X = da.ones((10, 3), chunks=(5, 3))
    y = np.array([0, 1] + [-1] * 8)
    with pytest.raises(ValueError, match="2D"):
        ActiveLearningClassifier().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="numeric"):
        ActiveLearningClassifier().fit(X.astype(object), y)


def test_import_skactive_does_not_import_dask():
    import subprocess
    import sys

    code = "import sys, skactive; raise SystemExit('dask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("strategy", ["auto", "explore_then_exploit", "typiclust"])
def test_pipeline_transformers_fit_on_a_bounded_sample_of_a_dask_pool(client, problem,
                                                                     monkeypatch, strategy):
    # Distance strategies embed rows with the pipeline's transformer steps, fitted on
    # the pool before a model exists: on a sample of at most MAX_TRANSFORMER_ROWS rows,
    # so a dask pool is never loaded whole on the driver (and NumPy picks the same rows).
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive.strategies import _base as strategy_base

    monkeypatch.setattr(strategy_base, "MAX_TRANSFORMER_ROWS", 700)
    X = problem[0]
    estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    expected = _fit(X, problem, strategy, estimator=estimator)

    def refuse(self, *args, **kwargs):
        raise AssertionError("the whole dask pool was loaded on the driver")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    got = _fit(da.from_array(X, chunks=(500, 6)), problem, strategy, estimator=estimator)
    _assert_same_run(expected, got)


def test_semi_supervised_refuses_a_dask_pool_before_asking_anyone(problem):
    from sklearn.semi_supervised import LabelSpreading

    X, y, y_partial = problem
    oracle = _NumpyOnlyOracle(X, y)
    asked = []
    clf = ActiveLearningClassifier(LabelSpreading(), oracle=lambda rows: asked.append(1)
                                   or oracle(rows), semi_supervised=True, budget=10,
                                   batch_size=5, random_state=0)
    with pytest.raises(ValueError, match="semi_supervised=True .* dask array pool"):
        clf.fit(da.from_array(X, chunks=(600, 6)), y_partial)
    assert not asked  # refused at the first fit, before any label was requested


def test_merged_survivors_carry_their_rows():
    """reduce_top_n cuts and orders extra per-row arrays (a block's rows) with them."""
    from skactive.utils._indexing import reduce_top_n

    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, size=300).astype(float)
    rows = np.arange(300)[:, None] * np.array([[1, -1]])
    parts = [(np.arange(a, a + 30), scores[a:a + 30], rows[a:a + 30])
             for a in rng.permutation(np.arange(0, 300, 30))]  # blocks finish in any order
    positions, kept_scores, kept_rows = reduce_top_n(parts, 7)
    assert np.all(np.diff(positions) > 0)
    np.testing.assert_array_equal(kept_scores, scores[positions])
    np.testing.assert_array_equal(kept_rows, rows[positions])
    threshold = np.sort(scores)[-7]
    np.testing.assert_array_equal(positions, np.flatnonzero(scores >= threshold))


def test_pool_with_fewer_blocks_than_threads_is_split_and_every_worker_scores(
        client, problem, monkeypatch):
    from skactive.utils import _dask

    monkeypatch.setattr(_dask, "MIN_BLOCK_ROWS", 500)
    X = problem[0]
    X_one_block = da.from_array(X, chunks=(X.shape[0], 6))
    persisted = _dask.persist_pool(X_one_block)
    assert persisted.numblocks == (2, 1)
    holders = client.who_has(distributed.futures_of(persisted))
    assert len({workers[0] for workers in holders.values()}) == 2  # one block per worker
    np.testing.assert_array_equal(persisted.compute(), X)

    expected = _fit(X, problem)
    with distributed.get_task_stream(client) as stream:
        got = _fit(X_one_block, problem)
    _assert_same_run(expected, got)
    scorers = {task["worker"] for task in stream.data if "_block_top_n" in str(task["key"])}
    assert scorers == set(client.nthreads())


def test_a_pool_with_enough_blocks_is_not_split(client, problem):
    from skactive.utils import _dask

    X_dask = da.from_array(problem[0], chunks=(800, 6))
    assert _dask.persist_pool(X_dask).chunks == X_dask.chunks


def test_oracle_rows_come_back_with_the_top_n_not_in_a_second_trip(client, problem,
                                                                    monkeypatch):
    from skactive.utils import _dask

    fetched = []
    fetch = _dask._fetch_rows
    monkeypatch.setattr(_dask, "_fetch_rows",
                        lambda X, indices: fetched.append(len(indices)) or fetch(X, indices))
    X = problem[0]
    got = _fit(da.from_array(X, chunks=(500, 6)), problem)
    _assert_same_run(_fit(X, problem), got)
    assert fetched == [24]  # only the initially labeled rows; 3 rounds' picks came back

    monkeypatch.setattr(_dask, "SHIP_ROWS_MAX_BYTES", 0)  # too many rows to ship them
    fetched.clear()
    _assert_same_run(_fit(X, problem), _fit(da.from_array(X, chunks=(500, 6)), problem))
    assert fetched == [24, 10, 10, 10]


def test_small_models_travel_with_each_task_large_ones_as_one_key(client, problem,
                                                                   monkeypatch):
    from dask.delayed import Delayed

    from skactive.utils import _dask

    payload = ("score", np.zeros(10))
    assert _dask._shipped(payload, 4) is payload
    assert isinstance(_dask._shipped(payload, 10**6), Delayed)  # copies would add up
    assert isinstance(_dask._shipped((lambda est, X: X, None), 1), Delayed)  # cloudpickled
    monkeypatch.setattr(_dask, "INLINE_PAYLOAD_MAX_BYTES", 0)  # always one key
    X = problem[0]
    _assert_same_run(_fit(X, problem, "entropy"),
                     _fit(da.from_array(X, chunks=(500, 6)), problem, "entropy"))


def test_workers_with_dask_malloc_setting_score_a_block_whole(monkeypatch):
    # MALLOC_TRIM_THRESHOLD_ (dask's nanny default) makes chunk-sized temporaries cost
    # more than one block-sized set; without it, chunks keep the temporaries small.
    from skactive.utils import _dask
    from skactive.utils._indexing import block_top_n, chunked_top_n

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    assert _dask._top_n_here() is block_top_n
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    assert _dask._top_n_here() is chunked_top_n
