"""Row access without copying the pool: slices, position lists and chunked scoring."""

import numpy as np
import scipy.sparse as sp
from joblib import effective_n_jobs
from joblib import hash as joblib_hash

from ._select import local_top_n, merge_top_n
from ._threads import run_parallel

__all__ = [
    "apply_rows",
    "default_chunk_rows",
    "index_params",
    "is_dask_array",
    "iter_chunks",
    "num_rows",
    "pool_token",
    "score_in_chunks",
    "score_top_n",
    "take_rows",
]

# Rows per chunk are chosen so that one chunk of X stays near this many bytes...
_CHUNK_BYTES = 128 * 2**20
# ...and below this many rows: scoring allocates several float64 values per row of the
# chunk (probabilities, scores) whatever the width of X. Chunks of 2**15 rows keep those
# temporaries small enough for the allocator to reuse them from chunk to chunk and round
# to round (glibc returns larger freed blocks to the OS, and every round then faults
# them in again: 15,000 page faults per 20-round fit at 1e5 rows with 2**18, 800 with
# 2**15), and they score faster than larger ones.
_CHUNK_MAX_ROWS = 2**15
# Chunks scored by parallel threads are larger, so fewer tasks pay the dispatch and
# scikit-learn's per-call validation, which hold the GIL (benchmarks/README.md).
_PARALLEL_CHUNK_MAX_ROWS = 2**17


def num_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def is_dask_array(X):
    """True for a ``dask.array.Array``, detected without importing dask."""
    return type(X).__module__.startswith("dask.") and hasattr(X, "chunks")


# Rows, spread evenly over the pool, whose digest tells one pool from another.
_TOKEN_ROWS = 16


def pool_token(X):
    """A cheap fingerprint of a pool, for a strategy that keeps what it computed from one
    pool (distances, clusters) for the rounds of a fit: another pool, even of the same
    size, gets another token. The row count and a digest of ``_TOKEN_ROWS`` rows spread
    evenly over the pool; for a dask array, its name (dask's token of the collection's
    content and graph), so no block is computed."""
    n_rows = num_rows(X)
    if is_dask_array(X):
        return n_rows, X.name
    rows = np.unique(np.linspace(0, n_rows - 1, min(n_rows, _TOKEN_ROWS)).astype(np.intp))
    return n_rows, joblib_hash(take_rows(X, rows) if n_rows else None)


def apply_rows(method, X):
    """``method(X)`` (``predict``, ``predict_proba``...), block by block for a dask ``X``.

    A dask array is never gathered: each block is predicted where it lives and only the
    results (one row each) come back, concatenated into a NumPy array.
    """
    if is_dask_array(X):
        from ._dask import apply_blocks

        return apply_blocks(method, X)
    return method(X)


def take_rows(X, indices):
    """Rows of ``X`` at ``indices`` in the caller's container (DataFrame index kept).

    ndarray, sparse matrix (as CSR), DataFrame or Series (by position, ``.iloc``), or any
    other sequence (a list of the items). ``indices`` may also be a boolean mask.
    """
    indices = np.asarray(indices)
    if indices.dtype == bool:
        indices = np.flatnonzero(indices)
    indices = indices.astype(np.intp, copy=False)
    if isinstance(X, np.ndarray):
        return X[indices]
    if is_dask_array(X):
        from ._dask import gather_rows

        return gather_rows(X, indices)
    if sp.issparse(X):
        return X.tocsr()[indices] if X.format != "csr" else X[indices]
    if hasattr(X, "iloc"):
        return X.iloc[indices]
    if hasattr(X, "shape") and hasattr(X, "__getitem__") and not isinstance(X, (list, tuple)):
        return X[indices]  # array-likes (dask.array) index natively
    return [X[i] for i in indices.tolist()]


def index_params(params, n_samples, positions):
    """Index the per-sample entries of ``fit`` parameters (e.g. ``sample_weight``).

    Entries with ``n_samples`` rows are taken at ``positions``; others pass unchanged.
    """
    out = {}
    for key, value in (params or {}).items():
        per_row = hasattr(value, "__len__") and not isinstance(value, str)
        out[key] = take_rows(value, positions) if per_row and num_rows(value) == n_samples \
            else value
    return out


def _slice_rows(X, start, stop):
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return X[start:stop]  # a view for ndarrays, a cheap row slice for CSR
    if hasattr(X, "iloc"):
        return X.iloc[start:stop]
    return X[start:stop]


def default_chunk_rows(X, n_jobs=None):
    """Rows per scoring chunk: about 128 MiB of ``X``, between 1024 and 2**15 rows
    (2**17 when ``n_jobs`` scores chunks in parallel)."""
    n = num_rows(X)
    if sp.issparse(X):
        row_bytes = (X.data.itemsize + X.indices.itemsize) * max(X.nnz / max(n, 1), 1.0)
    elif isinstance(X, np.ndarray) or is_dask_array(X):
        row_bytes = X.itemsize * max(int(np.prod(X.shape[1:])), 1)
    elif hasattr(X, "iloc"):
        row_bytes = 8 * max(X.shape[1], 1)
    else:  # text: documents of unknown size
        return 10_000
    cap = _CHUNK_MAX_ROWS if n_jobs is None or n_jobs == 1 else _PARALLEL_CHUNK_MAX_ROWS
    return max(1024, min(cap, int(_CHUNK_BYTES // row_bytes)))


def iter_chunks(n, chunk_rows):
    for start in range(0, n, chunk_rows):
        yield start, min(start + chunk_rows, n)


def _score_block(score, estimator, X_part, start, mask, copy=True):
    """Scores of ``X_part``, rows ``start, start + 1, ...`` of X; ``mask`` marks candidates.

    Only the slice is passed (not X), so a process-based backend ships each row once.
    Returns ``(rows, block)``: ``rows`` is None when ``block`` covers the whole slice
    (non-candidates set to -inf), else the positions in X of the candidates it scores.
    """
    n_rows = num_rows(X_part)
    n_candidates = n_rows if mask is None else int(np.count_nonzero(mask))
    if 2 * n_candidates >= n_rows:
        # Mostly candidates: scoring the slice in place beats gathering a copy of it.
        some = mask if n_candidates < n_rows else None
        return None, _checked(score(estimator, X_part), n_rows, some, copy)
    rows = np.flatnonzero(mask)
    return start + rows, _checked(score(estimator, take_rows(X_part, rows)), rows.shape[0],
                                  copy=copy)


def block_top_n(score, estimator, X_part, start, mask, n):
    """Score one chunk and keep its :func:`~skactive.utils._select.local_top_n` rows.

    Returns ``(positions, scores)``: positions in X (increasing) of the rows of this
    chunk that may be among the ``n`` best of the pool, and their scores. Runs where
    the chunk is scored (a thread, a process, a Dask worker), so only O(n) numbers per
    chunk travel back.
    """
    rows, block = _score_block(score, estimator, X_part, start, mask, copy=False)
    keep = local_top_n(block, n)
    positions = start + keep if rows is None else rows[keep]
    return positions, block[keep]


def chunked_top_n(score, estimator, X_part, start, mask, n, *, chunk_rows=None,
                  n_jobs=None):
    """:func:`block_top_n` of ``X_part`` (rows ``start, start + 1, ...`` of X) scored in
    chunks of ``chunk_rows`` rows (default :func:`default_chunk_rows`), in parallel with
    ``n_jobs``: the same survivors, or a superset of them, with the scoring temporaries
    of a chunk only. A whole in-memory pool, or a dask block on its worker."""
    jobs, parallel = _chunk_jobs(X_part, mask, chunk_rows, n_jobs)
    return reduce_top_n(_run_jobs(block_top_n, jobs, parallel, n_jobs, X_part, score,
                                  estimator, n, lazy=True, offset=start), n)


def _checked(block, n_expected, mask=None, copy=True):
    """``block`` as a new float64 array (rows outside ``mask`` at -inf), or a ValueError.

    The copy and the masking share one pass and one pool-sized allocation (a copy, an
    inverted mask and a masked assignment would take three passes and two).
    """
    block = np.asarray(block, dtype=np.float64)
    if block.shape != (n_expected,):
        raise ValueError(
            f"A query strategy returned scores of shape {block.shape} for {n_expected} row(s); "
            "it must return one score per row."
        )
    if not np.isfinite(block.sum()):  # one reduction, no temporary, in the common case
        if np.isnan(block).any():
            raise ValueError(
                "A query strategy returned NaN scores; scores must be numbers where higher "
                "means more informative."
            )
        # A candidate scored -inf must still rank above the non-candidates' -inf.
        block = np.clip(block, np.finfo(np.float64).min, None)
    if mask is not None:
        return np.where(mask, block, -np.inf)
    # Never hand back the strategy's own array when the caller may write into the result.
    return block.copy() if copy else block


def _chunk_jobs(X, candidates, chunk_rows, n_jobs):
    """``(start, stop, mask)`` of each chunk holding a candidate; whether to parallelize."""
    n = num_rows(X)
    if chunk_rows is None:
        chunk_rows = default_chunk_rows(X, n_jobs)
    parallel = n_jobs is not None and n_jobs != 1
    if parallel:
        # At least one chunk per worker so parallel scoring has work to share.
        workers = max(effective_n_jobs(n_jobs), 1)
        chunk_rows = max(1, min(chunk_rows, -(-n // workers)))
    jobs = []
    for start, stop in iter_chunks(n, chunk_rows):
        mask = None if candidates is None else candidates[start:stop]
        if mask is None or mask.any():
            jobs.append((start, stop, mask))
    return jobs, parallel and len(jobs) > 1


def _run_jobs(func, jobs, parallel, n_jobs, X, *args, lazy=False, offset=0):
    """``func(*args[:2], chunk, offset + start, mask, *args[2:])`` on each chunk, in
    order (``offset``: the position in the pool of the first row of ``X``).

    With ``lazy=True`` an iterator: results are consumed as they arrive.
    """
    head, tail = args[:2], args[2:]
    if parallel:
        # Threads unless the caller chose a backend (joblib.parallel_config: loky, Dask):
        # predict_proba is numpy/BLAS work that releases the GIL, while worker processes
        # would be sent the whole pool again every round.
        return run_parallel(func, ((*head, _slice_rows(X, a, b), offset + a, m, *tail)
                                   for a, b, m in jobs), n_jobs, lazy=lazy)
    results = (func(*head, _slice_rows(X, a, b), offset + a, m, *tail) for a, b, m in jobs)
    return results if lazy else list(results)


def score_in_chunks(score, estimator, X, candidates=None, *, chunk_rows=None, n_jobs=None):
    """Apply a row-wise ``score(estimator, X_rows)`` to the candidate rows of ``X``.

    Returns an array with one score per row of ``X``; rows that are not candidates get
    ``-inf`` so a top-n selection never picks them. ``X`` is read in contiguous chunks
    (views where the container allows), so extra memory is O(chunk), not O(pool).
    With ``n_jobs`` the chunks are scored through joblib: in threads by default, or by
    the backend set with ``joblib.parallel_config`` (loky processes, a Dask cluster).
    """
    n = num_rows(X)
    jobs, parallel = _chunk_jobs(X, candidates, chunk_rows, n_jobs)
    blocks = _run_jobs(_score_block, jobs, parallel, n_jobs, X, score, estimator)
    if len(jobs) == 1 and jobs[0][:2] == (0, n) and blocks[0][0] is None:
        return blocks[0][1]  # one chunk covering X: no reassembly
    out = np.full(n, -np.inf)
    for (start, stop, _), (rows, block) in zip(jobs, blocks, strict=True):
        if rows is None:
            out[start:stop] = block
        else:
            out[rows] = block
    return out


def score_top_n(score, estimator, X, candidates, n, random_state, *, chunk_rows=None,
                n_jobs=None, size=None):
    """The ``n`` best candidate rows of ``X`` under a row-wise ``score``, best first.

    The same rows, in the same order, as :func:`~skactive.utils._select.top_n` on the
    output of :func:`score_in_chunks` with the same generator, ties included; but each
    chunk keeps its own top ``n`` where it is scored (in parallel with ``n_jobs``) and
    only those survive, so no pool-sized score vector is built. A dask ``X`` is scored
    block by block where its blocks live (see :mod:`skactive.utils._dask`).

    ``size`` is the length of the score vector whose top_n is reproduced: the rows of
    ``X`` (default), or the number of candidates for top_n on the candidates' scores.

    Returns
    -------
    chosen : ndarray of int
        Positions in ``X``.
    scores : ndarray of float
        Their scores.
    """
    n_candidates = num_rows(X) if candidates is None else int(np.count_nonzero(candidates))
    size = num_rows(X) if size is None else size
    n = min(int(n), n_candidates)
    if is_dask_array(X):
        from ._dask import dask_top_n

        positions, scores = dask_top_n(score, estimator, X, candidates, n)
    else:
        positions, scores = chunked_top_n(score, estimator, X, 0, candidates, n,
                                          chunk_rows=chunk_rows, n_jobs=n_jobs)
    order = merge_top_n(np.arange(positions.shape[0]), scores, n, size, random_state)
    return positions[order], scores[order]


def reduce_top_n(parts, n):
    """Union of the chunks' ``(positions, scores)`` survivors, in position order.

    Consumed as the chunks finish (in any order); whenever the union outgrows ``2 n``
    rows it is cut back to its own local top-``n`` (ties kept), which still holds every
    row of the global top-``n`` and its ties. Memory: O(n + chunk), not O(chunks x n).
    A part may carry more arrays after the scores (a dask block's survivors' rows):
    they are cut and ordered with their rows.
    """
    kept, size = [], 0
    for part in parts:
        kept.append(part)
        size += part[0].shape[0]
        if size > 2 * max(n, 1) and len(kept) > 1:
            kept, size = _cut(kept, n)
    if not kept:
        return np.empty(0, dtype=np.intp), np.empty(0)
    columns = [np.concatenate(column) for column in zip(*kept, strict=True)]
    order = np.argsort(columns[0], kind="stable")
    return tuple(column[order] for column in columns)


def _cut(kept, n):
    columns = [np.concatenate(column) for column in zip(*kept, strict=True)]
    keep = local_top_n(columns[1], n)
    return [tuple(column[keep] for column in columns)], keep.shape[0]
