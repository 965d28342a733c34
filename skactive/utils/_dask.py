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
- :func:`apply_blocks`: ``predict``-like methods block by block.
"""

import numpy as np

__all__ = ["apply_blocks", "check_dask_X", "dask_top_n", "gather_rows", "persist_pool"]


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
    return client.persist(X)


def _offsets(X):
    return np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.intp)


def _block_top_n(payload, X_block, start, mask_bits, n_rows, n):
    """On a worker: the block's local top-``n`` rows (positions in X) and scores."""
    from ._indexing import block_top_n

    score, estimator = payload
    mask = None
    if mask_bits is not None:
        mask = np.unpackbits(mask_bits, count=n_rows).astype(bool)
    return block_top_n(score, estimator, np.asarray(X_block), start, mask, n)


def dask_top_n(score, estimator, X, candidates, n):
    """Local top-``n`` of every block of ``X`` that holds a candidate, concatenated.

    Returns ``(positions, scores)`` in increasing position order, ready for
    :func:`~skactive.utils._select.merge_top_n`. The candidate mask goes to each block
    as packed bits (one bit per row).
    """
    import dask

    offsets = _offsets(X)
    blocks = X.to_delayed().ravel()
    client = _client()
    payload = (score, estimator)
    if client is not None:
        # One copy of the model per worker per round, not one per block.
        payload = client.scatter([payload], broadcast=True, hash=False)[0]
    tasks = []
    for b, block in enumerate(blocks):
        start, stop = offsets[b], offsets[b + 1]
        bits = None
        if candidates is not None:
            mask = candidates[start:stop]
            if not mask.any():
                continue
            bits = None if mask.all() else np.packbits(mask)
        tasks.append(dask.delayed(_block_top_n, pure=False)(
            payload, block, int(start), bits, int(stop - start), n))
    if not tasks:
        return np.empty(0, dtype=np.intp), np.empty(0)
    if client is not None:
        parts = client.gather(client.compute(tasks))
    else:
        parts = dask.compute(*tasks)
    return (np.concatenate([p for p, _ in parts]), np.concatenate([s for _, s in parts]))


def gather_rows(X, indices):
    """The rows of ``X`` at ``indices`` (in that order) as a NumPy array."""
    indices = np.asarray(indices, dtype=np.intp)
    if indices.shape[0] == 0:
        return np.empty((0,) + X.shape[1:], dtype=X.dtype)
    order = np.argsort(indices, kind="stable")
    unique, inverse = np.unique(indices[order], return_inverse=True)
    rows = np.asarray(X[unique].compute())
    out = np.empty((indices.shape[0],) + rows.shape[1:], dtype=rows.dtype)
    out[order] = rows[inverse]
    return out


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
