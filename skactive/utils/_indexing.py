"""Row access without copying the pool: slices, position lists and chunked scoring."""

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.utils import _safe_indexing

__all__ = ["num_rows", "take_rows", "iter_chunks", "default_chunk_rows", "score_in_chunks"]

# Rows per chunk are chosen so that one chunk of X stays near this many bytes.
_CHUNK_BYTES = 128 * 2**20


def num_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def take_rows(X, indices):
    """Rows of ``X`` at ``indices`` in the caller's container (DataFrame index kept)."""
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return X[indices]
    return _safe_indexing(X, indices)


def _slice_rows(X, start, stop):
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return X[start:stop]  # a view for ndarrays, a cheap row slice for CSR
    if hasattr(X, "iloc"):
        return X.iloc[start:stop]
    return X[start:stop]


def default_chunk_rows(X):
    """Rows per scoring chunk: about 128 MiB of ``X`` (never fewer than 1024 rows)."""
    n = num_rows(X)
    if sp.issparse(X):
        row_bytes = (X.data.itemsize + X.indices.itemsize) * max(X.nnz / max(n, 1), 1.0)
    elif isinstance(X, np.ndarray):
        row_bytes = X.itemsize * max(int(np.prod(X.shape[1:])), 1)
    elif hasattr(X, "iloc"):
        row_bytes = 8 * max(X.shape[1], 1)
    else:  # text: documents of unknown size
        return 10_000
    return max(1024, int(_CHUNK_BYTES // row_bytes))


def iter_chunks(n, chunk_rows):
    for start in range(0, n, chunk_rows):
        yield start, min(start + chunk_rows, n)


def _score_block(score, estimator, X, start, stop, rows):
    """Score the candidate ``rows`` (positions into X) that lie in ``[start, stop)``."""
    if rows.shape[0] == stop - start:
        return np.asarray(score(estimator, _slice_rows(X, start, stop)), dtype=np.float64)
    if 2 * rows.shape[0] >= stop - start:
        # Mostly candidates: scoring the slice in place is cheaper than gathering a copy.
        block = np.asarray(score(estimator, _slice_rows(X, start, stop)), dtype=np.float64)
        return block[rows - start]
    return np.asarray(score(estimator, take_rows(X, rows)), dtype=np.float64)


def score_in_chunks(score, estimator, X, candidates=None, *, chunk_rows=None, n_jobs=None):
    """Apply a row-wise ``score(estimator, X_rows)`` to the candidate rows of ``X``.

    Returns an array with one score per row of ``X``; rows that are not candidates get
    ``-inf`` so a top-n selection never picks them. ``X`` is read in contiguous chunks
    (views where the container allows), so extra memory is O(chunk), not O(pool).
    With ``n_jobs`` the chunks are scored through joblib, so a joblib backend such as
    Dask's can run them.
    """
    n = num_rows(X)
    if chunk_rows is None:
        chunk_rows = default_chunk_rows(X)
    if n_jobs is not None and n_jobs != 1:
        # At least one chunk per worker so parallel scoring has work to share.
        workers = max(effective_n_jobs(n_jobs), 1)
        chunk_rows = max(1, min(chunk_rows, -(-n // workers)))
    bounds = list(iter_chunks(n, chunk_rows))
    if candidates is None:
        rows_per_chunk = [np.arange(a, b) for a, b in bounds]
    else:
        positions = np.flatnonzero(candidates)
        cuts = np.searchsorted(positions, [b for _, b in bounds])
        rows_per_chunk = np.split(positions, cuts[:-1])
    jobs = [(a, b, r) for (a, b), r in zip(bounds, rows_per_chunk, strict=True) if r.shape[0]]
    if n_jobs is None or n_jobs == 1 or len(jobs) < 2:
        blocks = [_score_block(score, estimator, X, a, b, r) for a, b, r in jobs]
    else:
        blocks = Parallel(n_jobs=n_jobs)(
            delayed(_score_block)(score, estimator, X, a, b, r) for a, b, r in jobs
        )
    out = np.full(n, -np.inf)
    for (start, stop, rows), block in zip(jobs, blocks, strict=True):
        if block.shape != rows.shape:
            raise ValueError(
                f"A query strategy returned {block.shape[0] if block.ndim else 'a scalar'} "
                f"score(s) for {rows.shape[0]} row(s); it must return one score per row."
            )
        if np.isnan(block).any():
            raise ValueError(
                "A query strategy returned NaN scores; scores must be numbers where higher "
                "means more informative."
            )
        # Clip so a candidate's -inf score still ranks above the non-candidates' -inf.
        block = np.maximum(block, np.finfo(np.float64).min, out=block)
        if rows.shape[0] == stop - start:
            out[start:stop] = block
        else:
            out[rows] = block
    return out
