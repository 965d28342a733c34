"""Top-n selection with random tie-breaking, whole or split over chunks.

:func:`top_n` picks from one score vector. :func:`local_top_n` (run on each chunk, where
it was scored) and :func:`merge_top_n` (run on the driver) pick the same rows, drawing
the same random numbers, without the pool-sized score vector ever being assembled.
"""

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["local_top_n", "merge_top_n", "top_n"]


def top_n(scores, n, random_state):
    """Positions of the ``n`` highest ``scores``, best first; ties broken at random.

    Runs in O(len(scores)) with ``np.partition`` plus O(n log n) to order the winners,
    so selecting a batch never sorts the whole pool.
    """
    scores = np.asarray(scores, dtype=np.float64)
    return _top_n_of(scores, n, check_random_state(random_state), scores.shape[0])


def _top_n_of(scores, n, rng, size):
    """:func:`top_n` of a pool of ``size`` rows, given only the rows ``scores`` of it that
    can be among the ``n`` best (all rows tied with the ``n``-th best included, in the
    order of their positions). Draws from ``rng`` exactly as :func:`top_n` on the whole
    pool would, so both pick the same rows, ties included."""
    n = min(int(n), size)
    if n <= 0:
        return np.empty(0, dtype=np.intp)
    if n == 1:
        # One row (the batch_size=1 loop): a max and an equality pass, no partition.
        best = np.flatnonzero(scores == scores.max())
        return best[[rng.randint(best.shape[0])]] if best.shape[0] > 1 else best
    if n < size:
        m = scores.shape[0]
        threshold = np.partition(scores, m - n)[m - n]
        above = np.flatnonzero(scores > threshold)
        tied = np.flatnonzero(scores == threshold)
        need = n - above.shape[0]
        if tied.shape[0] > need:
            tied = rng.choice(tied, size=need, replace=False)
        chosen = np.concatenate([above, tied])
    else:
        chosen = np.arange(size)
    # Best first; equal scores in random order so ties never favour low positions.
    order = np.lexsort((rng.random_sample(chosen.shape[0]), -scores[chosen]))
    return chosen[order]


def local_top_n(scores, n):
    """Positions of the rows of ``scores`` that may be among its ``n`` best: every row
    at least as high as the ``n``-th best (ties kept), in increasing position order.

    The per-chunk half of a parallel top-n: the union of the chunks' survivors holds
    every row of the global top-``n`` and every row tied with its last one.
    """
    m = scores.shape[0]
    if n >= m:
        return np.flatnonzero(scores > -np.inf)
    if n <= 0:
        return np.empty(0, dtype=np.intp)
    threshold = np.partition(scores, m - n)[m - n]
    return np.flatnonzero(scores >= np.maximum(threshold, np.finfo(np.float64).min))


def merge_top_n(positions, scores, n, size, random_state):
    """:func:`top_n` over a pool of ``size`` rows from the chunks' :func:`local_top_n`.

    Parameters
    ----------
    positions : ndarray of int
        Positions in the pool of the rows the chunks kept, in increasing order.
    scores : ndarray of float
        Their scores.
    n : int
        Rows wanted.
    size : int
        Rows in the whole score vector (non-candidates included, as in :func:`top_n`).
    random_state : RandomState
        Draws exactly as :func:`top_n` on the whole vector, so the picks are the same.

    Returns
    -------
    chosen : ndarray of int
        Positions in the pool, best first.
    """
    rng = check_random_state(random_state)
    return positions[_top_n_of(scores, min(n, positions.shape[0]), rng, size)]
