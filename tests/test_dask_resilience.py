"""A dask pool whose blocks were moved at ``fit`` survives the loss of a worker."""

import contextlib
import os

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


def test_a_moved_block_is_recomputed_elsewhere_when_its_worker_dies(monkeypatch):
    from skactive.utils import _dask

    monkeypatch.setattr(_dask, "MIN_BLOCK_ROWS", 500)
    X = np.arange(2400 * 3, dtype=np.float64).reshape(2400, 3)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  worker_dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        pool = _dask.persist_pool(da.from_array(X, chunks=(2400, 3)))
        holders = client.who_has(distributed.futures_of(pool))
        assert len({workers[0] for workers in holders.values()}) == 2
        lost = holders[(pool.name, 1, 0)][0]
        with contextlib.suppress(Exception):  # the worker dies mid-call; its nanny
            client.run(os._exit, 1, workers=[lost])  # starts a new one elsewhere
        # Block 1 asked for a worker that no longer exists: it must not wait for it.
        got = client.compute(pool).result(timeout=120)
    np.testing.assert_array_equal(got, X)
