"""A ``dask.array`` pool: scored where its blocks live, never gathered on the driver.

Imported only when ``X`` is a dask array (``import skactive`` does not import dask).

- :func:`check_dask_X` validates shape and dtype lazily and makes each block hold whole
  rows; :func:`persist_pool` persists the pool on the cluster once per ``fit`` when a
  ``distributed.Client`` is active (without one, blocks are computed chunk by chunk
  locally, every round).
- :func:`dask_top_n`: the scoring function and the model are sent to the workers once
  per round (``Client.scatter(..., broadcast=True)``); every block is scored where it
  lives and returns only its local top-``n`` (positions and scores); the driver merges.
- :func:`gather_rows`: only the rows asked for (the oracle's, the labeled ones) are
  computed and brought back, as a NumPy array.
- :func:`apply_blocks`: ``predict``-like methods block by block; :func:`dask_sum`: a
  sum over the candidate rows (pool-wide means), each block reduced where it lives.
"""

import numpy as np

from ._indexing import block_top_n, reduce_top_n

__all__ = [
    "apply_blocks", "check_dask_X", "dask_sum", "dask_top_n", "gather_rows", "persist_pool",
]


def _client():
    """The active ``distributed.Client``, or None (no cluster: local computation)."""
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - dask without distributed
        return None
    try:
        return default_client()
    except ValueError:
        return None


def check_dask_X(X):
    """``X`` validated without computing it: 2D, known non-zero shape, whole-row blocks."""
    if X.ndim != 2:
        raise ValueError(f"Expected a 2D dask array, got one with {X.ndim} dimension(s).")
    if any(np.isnan(c) for c in X.chunks[0]):
        raise ValueError("The dask array X has unknown chunk sizes; call "
                         "X.compute_chunk_sizes() first.")
    for axis, what in ((0, "sample"), (1, "feature")):
        if X.shape[axis] == 0:
            raise ValueError(f"Found array with 0 {what}(s) (shape={X.shape}) while a "
                             "minimum of 1 is required.")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"A dask array X must be numeric; got dtype {X.dtype}.")
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # each block holds whole rows: scored on its own
    return X


def persist_pool(X):
    """``X`` persisted on the cluster when a client is active, else ``X`` unchanged."""
    client = _client()
    if client is None:
        return X
    from distributed import wait

    X = client.persist(X)
    wait(X)  # the pool is generated or loaded once, here, not inside the first round
    client.run(_warm_up)  # workers import skactive now, not while unpickling a model
    return X


def _warm_up():
    import skactive.utils._indexing  # noqa: F401


def _offsets(X):
    return np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.intp)


def _mask(mask_bits, n_rows):
    return None if mask_bits is None else np.unpackbits(mask_bits, count=n_rows).astype(bool)


def _block_top_n(payload, X_block, start, mask_bits, n_rows, n):
    """On a worker: the block's local top-``n`` rows (positions in X) and scores."""
    score, estimator = payload
    return block_top_n(score, estimator, np.asarray(X_block), start,
                       _mask(mask_bits, n_rows), n)


def _block_sum(func, X_block, start, mask_bits, n_rows):
    """On a worker: ``func`` of the block's candidate rows."""
    mask = _mask(mask_bits, n_rows)
    X_block = np.asarray(X_block)
    return func(X_block if mask is None else X_block[mask])


def _tasks(worker, payload, X, candidates, *args):
    """One delayed ``worker(payload, block, start, mask_bits, n_rows, *args)`` per block
    holding a candidate, and the active client (or None).

    ``payload`` (the model) is sent to every worker once per call
    (``Client.scatter(..., broadcast=True)``), not once per block; the candidate mask
    goes to each block as packed bits (one bit per row).
    """
    import dask

    client = _client()
    if client is not None:
        payload = client.scatter([payload], broadcast=True, hash=False)[0]
    offsets = _offsets(X)
    tasks = []
    for b, block in enumerate(X.to_delayed().ravel()):
        start, stop = int(offsets[b]), int(offsets[b + 1])
        bits = None
        if candidates is not None:
            mask = candidates[start:stop]
            if not mask.any():
                continue
            bits = None if mask.all() else np.packbits(mask)
        tasks.append(dask.delayed(worker, pure=False)(
            payload, block, start, bits, stop - start, *args))
    return client, tasks


def dask_top_n(score, estimator, X, candidates, n):
    """Local top-``n`` of every block of ``X`` that holds a candidate, reduced.

    Returns ``(positions, scores)`` in increasing position order, ready for
    :func:`~skactive.utils._select.merge_top_n`.
    """
    import dask

    client, tasks = _tasks(_block_top_n, (score, estimator), X, candidates, n)
    if client is None:
        return reduce_top_n(dask.compute(*tasks), n)
    from distributed import as_completed

    # Survivors are merged as blocks finish: O(n) on the driver, whatever the block count.
    return reduce_top_n((f.result() for f in as_completed(client.compute(tasks))), n)


def dask_sum(func, X, candidates):
    """Sum over the blocks of ``func(candidate rows of the block)``, each block reduced
    where it lives (the pool-wide mean of information density, for instance)."""
    import dask

    client, tasks = _tasks(_block_sum, func, X, candidates)
    if client is not None:
        parts = client.gather(client.compute(tasks))
    else:
        parts = dask.compute(*tasks)
    return sum(parts[1:], parts[0])


def gather_rows(X, indices):
    """The rows of ``X`` at ``indices`` (in that order) as a NumPy array."""
    indices = np.asarray(indices, dtype=np.intp)
    if indices.shape[0] == 0:
        return np.empty((0,) + X.shape[1:], dtype=X.dtype)
    import dask

    order = np.argsort(indices, kind="stable")
    unique, inverse = np.unique(indices[order], return_inverse=True)
    offsets = _offsets(X)
    cuts = np.searchsorted(unique, offsets)
    # One small task per block holding wanted rows: it returns those rows only.
    tasks = [dask.delayed(_take_local, pure=True)(block, unique[a:b] - offsets[k])
             for k, (block, a, b) in enumerate(zip(X.to_delayed().ravel(), cuts[:-1],
                                                     cuts[1:], strict=True)) if b > a]
    rows = np.concatenate(dask.compute(*tasks))
    out = np.empty((indices.shape[0],) + rows.shape[1:], dtype=rows.dtype)
    out[order] = rows[inverse]
    return out


def _take_local(X_block, local):
    return np.asarray(X_block)[local]


def _apply(method, X_block):
    return method(np.asarray(X_block))


def apply_blocks(method, X):
    """``method`` applied to every block of ``X`` where it lives; results concatenated."""
    import dask

    client = _client()
    if client is not None:
        method = client.scatter([method], broadcast=True, hash=False)[0]
    tasks = [dask.delayed(_apply, pure=False)(method, block)
             for block in X.to_delayed().ravel()]
    parts = dask.compute(*tasks)
    return np.concatenate([np.asarray(p) for p in parts])
