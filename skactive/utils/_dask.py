"""A ``dask.array`` pool: scored where its blocks live, never gathered on the driver.

Imported only when ``X`` is a dask array (``import skactive`` does not import dask).

- :func:`check_dask_X` validates shape and dtype lazily and makes each block hold whole
  rows; :func:`persist_pool` persists the pool on the cluster once per ``fit`` when a
  ``distributed.Client`` is active (without one, blocks are computed chunk by chunk
  locally, every round).
  A pool of fewer blocks than the cluster has threads is split so that every thread
  scores a block, and blocks are spread over the workers in proportion to their threads.
- :func:`dask_top_n`: the scoring function and the model go with each block's task
  while they are small, else as one key of the round's graph that each worker fetches
  once (a ``Client.scatter`` or a key adds a round trip before any block starts); every
  block is scored where it lives and returns only its local top-``n`` (positions and
  scores, and the rows themselves while they are few); the driver merges.
- :func:`gather_rows`: only the rows asked for (the oracle's, the labeled ones) are
  computed and brought back, as a NumPy array; rows that came back with the last
  top-``n`` are not fetched again.
- :func:`apply_blocks`: ``predict``-like methods block by block; :func:`dask_sum`: a
  sum over the candidate rows (pool-wide means), each block reduced where it lives.
"""

import os
import weakref

import numpy as np

from ._indexing import block_top_n, chunked_top_n, reduce_top_n

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


#: A pool is split into more blocks only while each keeps at least this many rows.
MIN_BLOCK_ROWS = 2**16


def persist_pool(X):
    """``X`` persisted on the cluster when a client is active, else ``X`` unchanged.

    Each worker thread should score a block of its own: a pool of fewer blocks than the
    cluster has threads is split into equal row blocks (none under
    :data:`MIN_BLOCK_ROWS` rows), and after persisting, blocks are moved so that each
    worker holds about its share (in proportion to its threads). Both happen once per
    ``fit``; blocks never pass through the driver.
    """
    client = _client()
    if client is None:
        return X
    from distributed import wait

    threads = client.nthreads()
    X = _split(X, sum(threads.values()))
    X = client.persist(X)
    wait(X)  # the pool is generated or loaded once, here, not inside the first round
    X = _spread(client, X, threads)
    client.run(_warm_up)  # workers import skactive now, not while unpickling a model
    return X


def _split(X, n_threads):
    """``X`` rechunked into ``n_threads`` equal row blocks if it has fewer (and they
    would not be too small)."""
    n_rows = X.shape[0]
    n_blocks = min(n_threads, n_rows // MIN_BLOCK_ROWS)
    if len(X.chunks[0]) >= n_blocks:
        return X
    return X.rechunk({0: -(-n_rows // n_blocks)})


def _spread(client, X, threads):
    """The persisted ``X`` with its blocks moved so no worker holds more than its share.

    A split block's parts are computed where the block was (dask keeps dependent tasks
    with their data), so without this one worker would score them all. A block that
    moves is copied worker to worker, then released on the worker it left.
    """
    import dask.array as da
    from distributed import futures_of, wait

    blocks = X.to_delayed().ravel()
    if len(blocks) < 2 or len(threads) < 2:
        return X
    futures = {f.key: f for f in futures_of(X)}
    if any(block.key not in futures for block in blocks):
        return X  # blocks not held as futures (an unusual graph): leave them where they are
    total = sum(threads.values())
    share = {w: -(-len(blocks) * t // total) for w, t in threads.items()}
    held = dict.fromkeys(threads, 0)
    where = client.who_has([futures[block.key] for block in blocks])
    homes = []
    for block in blocks:
        # A worker that joined after ``threads`` was read has no share yet.
        owner = next((w for w in where.get(block.key, ())
                      if w in share and held[w] < share[w]), None)
        homes.append(owner)
        if owner is not None:
            held[owner] += 1
    if None not in homes:
        return X
    import uuid

    from dask.highlevelgraph import HighLevelGraph

    # Every block gets a key of the new array (a no-op task where it already lives), so
    # the array's blocks are the futures themselves: no alias tasks in later rounds. The
    # name is new for every fit: a key still being released by an earlier fit is never
    # reused.
    name = f"skactive-pool-{uuid.uuid4().hex}"
    parts = []
    for k, (block, home) in enumerate(zip(blocks, homes, strict=True)):
        if home is None:
            home = min(held, key=lambda w: held[w] / threads[w])
            held[home] += 1
        # A preference, not a pin: if that worker is gone when the block must be
        # computed again, another one takes it instead of the task waiting forever.
        parts.append(client.submit(_same, futures[block.key], key=(name, k, 0),
                                   workers=[home], allow_other_workers=True, pure=False))
    wait(parts)
    graph = HighLevelGraph.from_collections(name, {f.key: f for f in parts}, dependencies=[])
    return da.Array(graph, name, X.chunks, dtype=X.dtype, meta=X._meta)


def _same(block):
    return block


def _warm_up():
    import skactive.utils._indexing  # noqa: F401


def _offsets(X):
    return np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.intp)


def _mask(mask_bits, n_rows):
    return None if mask_bits is None else np.unpackbits(mask_bits, count=n_rows).astype(bool)


def _top_n_here():
    """How this worker scores a block: in chunks (the scoring temporaries of one chunk,
    reused chunk after chunk), unless the process runs with ``MALLOC_TRIM_THRESHOLD_``
    set, as dask's nanny starts workers by default: that pins glibc's mmap threshold,
    every temporary over 128 KiB is then mapped and faulted in afresh, and one
    block-sized set of temporaries (huge pages) costs less than many chunk-sized ones
    (46 against 71-100 ms for a 1M-row block; 39 against 29 ms without the variable).
    """
    return block_top_n if "MALLOC_TRIM_THRESHOLD_" in os.environ else chunked_top_n


def _block_top_n(payload, X_block, start, mask_bits, n_rows, n, with_rows):
    """On a worker: the block's local top-``n`` rows (positions in X) and scores, and
    those rows themselves if ``with_rows``."""
    score, estimator = payload
    X_block = np.asarray(X_block)
    positions, scores = _top_n_here()(score, estimator, X_block, start,
                                      _mask(mask_bits, n_rows), n)
    if not with_rows:
        return positions, scores
    return positions, scores, X_block[positions - start]


def _block_sum(func, X_block, start, mask_bits, n_rows):
    """On a worker: ``func`` of the block's candidate rows."""
    mask = _mask(mask_bits, n_rows)
    X_block = np.asarray(X_block)
    return func(X_block if mask is None else X_block[mask])


#: A payload (the model) travels inside each block's task while its copies come to at
#: most this many bytes; a larger one is one key of the graph that workers fetch.
INLINE_PAYLOAD_MAX_BYTES = 2**20


def _shipped(payload, n_tasks):
    """``payload`` as it goes into the tasks: itself if small, else one graph key.

    A key costs a dependency hop before any block starts (12 ms of a 58 ms round at 1M
    rows on a 2-worker LocalCluster); a small model is cheaper sent with every task.
    """
    import pickle

    import dask

    try:
        size = len(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # not picklable by pickle (a lambda): cloudpickle it once, as a key
        size = None
    if size is not None and size * n_tasks <= INLINE_PAYLOAD_MAX_BYTES:
        return payload
    return dask.delayed(payload, pure=False, traverse=False)


def _tasks(worker, payload, X, candidates, *args):
    """One delayed ``worker(payload, block, start, mask_bits, n_rows, *args)`` per block
    holding a candidate, and the active client (or None).

    ``payload`` (the model) goes with each task while it is small
    (:data:`INLINE_PAYLOAD_MAX_BYTES` for all copies), else it is one key of the graph:
    sent to the cluster once per call and fetched once by each worker. The candidate
    mask goes to each block as packed bits (one bit per row).
    """
    import dask

    client = _client()
    offsets = _offsets(X)
    jobs = []
    for b, block in enumerate(X.to_delayed().ravel()):
        start, stop = int(offsets[b]), int(offsets[b + 1])
        bits = None
        if candidates is not None:
            mask = candidates[start:stop]
            if not mask.any():
                continue
            bits = None if mask.all() else np.packbits(mask)
        jobs.append((block, start, bits, stop - start))
    payload = _shipped(payload, len(jobs))
    tasks = [dask.delayed(worker, pure=False)(payload, *job, *args) for job in jobs]
    return client, tasks


#: Survivors' rows travel back with a top-n while the blocks would send at most this
#: many bytes of them (so the oracle's rows need no second trip to the cluster).
SHIP_ROWS_MAX_BYTES = 2**24

# The last top-n's survivors: (weak reference to the pool, positions, rows). One entry,
# O(n x features); read by gather_rows.
_survivors = (lambda: None, None, None)


def dask_top_n(score, estimator, X, candidates, n):
    """Local top-``n`` of every block of ``X`` that holds a candidate, reduced.

    Returns ``(positions, scores)`` in increasing position order, ready for
    :func:`~skactive.utils._select.merge_top_n`. While the blocks' survivors are small
    (:data:`SHIP_ROWS_MAX_BYTES` in all), their rows come back too and are kept for the
    next :func:`gather_rows` of this pool.
    """
    import dask

    global _survivors
    row_bytes = X.dtype.itemsize * int(np.prod(X.shape[1:]))
    shipped = len(X.chunks[0]) * min(n, max(X.chunks[0])) * row_bytes
    with_rows = shipped <= SHIP_ROWS_MAX_BYTES
    client, tasks = _tasks(_block_top_n, (score, estimator), X, candidates, n, with_rows)
    if client is None:
        parts = dask.compute(*tasks)
    else:
        from distributed import as_completed

        # Survivors are merged as blocks finish: O(n) on the driver, whatever the block
        # count.
        parts = (f.result() for f in as_completed(client.compute(tasks)))
    kept = reduce_top_n(parts, n)
    if with_rows and len(kept) == 3:
        _survivors = (weakref.ref(X), kept[0], kept[2])
    return kept[0], kept[1]


def _remembered_rows(X, indices):
    """The rows of ``X`` at ``indices`` if the last top-n brought them all back."""
    ref, positions, rows = _survivors
    if ref() is not X or positions.shape[0] == 0:
        return None
    where = np.minimum(np.searchsorted(positions, indices), positions.shape[0] - 1)
    if not np.array_equal(positions[where], indices):
        return None
    return rows[where]


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
    remembered = _remembered_rows(X, indices)
    return remembered if remembered is not None else _fetch_rows(X, indices)


def _fetch_rows(X, indices):
    """:func:`gather_rows` from the cluster: one small task per block holding wanted
    rows, returning those rows only."""
    import dask

    order = np.argsort(indices, kind="stable")
    unique, inverse = np.unique(indices[order], return_inverse=True)
    offsets = _offsets(X)
    cuts = np.searchsorted(unique, offsets)
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

    blocks = X.to_delayed().ravel()
    method = _shipped(method, len(blocks))
    tasks = [dask.delayed(_apply, pure=False)(method, block) for block in blocks]
    parts = dask.compute(*tasks)
    return np.concatenate([np.asarray(p) for p in parts])
