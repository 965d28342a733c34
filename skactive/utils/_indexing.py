"""Row access without copying the pool: slices, position lists and chunked scoring."""

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs

__all__ = [
    "default_chunk_rows",
    "index_params",
    "iter_chunks",
    "num_rows",
    "score_in_chunks",
    "take_rows",
]

# Rows per chunk are chosen so that one chunk of X stays near this many bytes...
_CHUNK_BYTES = 128 * 2**20
# ...and below this many rows: scoring allocates several float64 values per row of the
# chunk (probabilities, scores) whatever the width of X, and cache-sized chunks score
# faster than one pass over the whole pool.
_CHUNK_MAX_ROWS = 2**18


def num_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


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


def default_chunk_rows(X):
    """Rows per scoring chunk: about 128 MiB of ``X``, between 1024 and 2**18 rows."""
    n = num_rows(X)
    if sp.issparse(X):
        row_bytes = (X.data.itemsize + X.indices.itemsize) * max(X.nnz / max(n, 1), 1.0)
    elif isinstance(X, np.ndarray):
        row_bytes = X.itemsize * max(int(np.prod(X.shape[1:])), 1)
    elif hasattr(X, "iloc"):
        row_bytes = 8 * max(X.shape[1], 1)
    else:  # text: documents of unknown size
        return 10_000
    return max(1024, min(_CHUNK_MAX_ROWS, int(_CHUNK_BYTES // row_bytes)))


def iter_chunks(n, chunk_rows):
    for start in range(0, n, chunk_rows):
        yield start, min(start + chunk_rows, n)


def _score_block(score, estimator, X_part, start, mask):
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
        return None, _checked(score(estimator, X_part), n_rows, some)
    rows = np.flatnonzero(mask)
    return start + rows, _checked(score(estimator, take_rows(X_part, rows)), rows.shape[0])


def _checked(block, n_expected, mask=None):
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
    # Never hand back the strategy's own array: the caller may write into the result.
    return block.copy() if mask is None else np.where(mask, block, -np.inf)


def score_in_chunks(score, estimator, X, candidates=None, *, chunk_rows=None, n_jobs=None):
    """Apply a row-wise ``score(estimator, X_rows)`` to the candidate rows of ``X``.

    Returns an array with one score per row of ``X``; rows that are not candidates get
    ``-inf`` so a top-n selection never picks them. ``X`` is read in contiguous chunks
    (views where the container allows), so extra memory is O(chunk), not O(pool).
    With ``n_jobs`` the chunks are scored through joblib: in threads by default, or by
    the backend set with ``joblib.parallel_config`` (loky processes, a Dask cluster).
    """
    n = num_rows(X)
    if chunk_rows is None:
        chunk_rows = default_chunk_rows(X)
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
    if parallel and len(jobs) > 1:
        # Threads unless the caller chose a backend (joblib.parallel_config: loky, Dask):
        # predict_proba is numpy/BLAS work that releases the GIL, while worker processes
        # would be sent the whole pool again every round.
        blocks = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_score_block)(score, estimator, _slice_rows(X, a, b), a, m)
            for a, b, m in jobs
        )
    else:
        blocks = [_score_block(score, estimator, _slice_rows(X, a, b), a, m)
                  for a, b, m in jobs]
    if len(jobs) == 1 and jobs[0][:2] == (0, n) and blocks[0][0] is None:
        return blocks[0][1]  # one chunk covering X: no reassembly
    out = np.full(n, -np.inf)
    for (start, stop, _), (rows, block) in zip(jobs, blocks, strict=True):
        if rows is None:
            out[start:stop] = block
        else:
            out[rows] = block
    return out
