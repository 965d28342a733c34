"""How far pool rows lie from the labeled rows: their leverage along the directions the
labeled rows do not span, and :class:`RankedBatch`'s picks far from the labeled rows."""

import numpy as np
import scipy.sparse as sp

from ._common import distances_to_row, distances_to_set, squared_norms


def _leverage_factor(rows, labeled, center, strength, max_labeled, rng):
    """``1 + strength * h(x) / mean(h)`` for every sampled row ``x``, ``h`` its
    :func:`_leverage` against the labeled rows, or against a uniform sample of
    ``max_labeled`` of them when there are more, so a solve never exceeds that size.
    ``rows`` and ``labeled`` are embedded rows (float64 ndarrays or CSR matrices, as
    :func:`~._common.features` gives them)."""
    if labeled.shape[0] > max_labeled:
        labeled = labeled[np.sort(rng.choice(labeled.shape[0], max_labeled, replace=False))]
    h = _leverage(rows, labeled, center)
    mean = h.mean()
    return 1.0 + strength * h / mean if mean > 0 else 1.0


def _leverage(rows, labeled, center):
    """``h(x) = x^T (L^T L + I)^-1 x`` for every row ``x`` of ``rows``, ``x`` and the
    labeled rows ``L`` centred on ``center``: how far ``x`` lies along directions the
    labeled rows have not spanned. Solved in the features when they are no more than
    the labeled rows, else through the labeled rows (Woodbury:
    ``|x|^2 - (Lx)^T (I + L L^T)^-1 Lx``), from inner products when the rows are
    sparse: sparse rows with more features than labeled rows are never densified."""
    n_labeled, n_features = labeled.shape
    if n_features <= n_labeled:
        rows, labeled = _dense(rows) - center, _dense(labeled) - center
        inverse = np.linalg.inv(labeled.T @ labeled + np.eye(n_features))
        return np.einsum("ij,ij->i", rows @ inverse, rows)
    if sp.issparse(rows):  # both come from one embedding: both sparse
        # <x - c, s - c> = <x, s> - <x, c> - <s, c> + <c, c>
        rows_c, labeled_c, cc = rows @ center, labeled @ center, center @ center
        projected = (_dense(rows @ labeled.T) - rows_c[:, None] - labeled_c[None, :] + cc)
        gram = (_dense(labeled @ labeled.T) - labeled_c[:, None] - labeled_c[None, :] + cc)
        squared = np.asarray(rows.multiply(rows).sum(axis=1)).ravel() - 2.0 * rows_c + cc
    else:
        rows, labeled = rows - center, labeled - center
        projected, gram = rows @ labeled.T, labeled @ labeled.T
        squared = np.einsum("ij,ij->i", rows, rows)
    solved = np.linalg.solve(np.eye(n_labeled) + gram, projected.T).T
    return squared - np.einsum("ij,ij->i", projected, solved)


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


def _ranked_far(rows, labeled, uncertainty, alive, n, rng):
    """``n`` picks among the alive ``rows`` (embedded), each the best
    ``alpha (1 - 1 / (1 + d)) + (1 - alpha) u``, ``d`` its distance to the nearest
    labeled or already picked row and ``u`` its uncertainty: :class:`RankedBatch`'s
    score, with ``alpha`` the alive share of the alive and labeled rows, fixed for
    the batch."""
    # Memory-chunked: a long run's labeled rows never meet the sample all at once.
    nearest = distances_to_set(rows, labeled)
    n_alive = int(alive.sum())
    alpha = n_alive / (n_alive + labeled.shape[0])
    # Ties (equal scores) are broken by a random order, not by position.
    jitter = rng.random_sample(nearest.shape[0]) * 1e-9
    # The rows' squared norms, once: each pick's distances need only its own.
    norms = squared_norms(rows)
    chosen, scores = [], []
    for _ in range(n):
        score = alpha * (1 - 1 / (1 + nearest)) + (1 - alpha) * uncertainty
        score = np.where(alive, score + jitter, -np.inf)
        score[chosen] = -np.inf
        i = int(np.argmax(score))
        chosen.append(i)
        scores.append(score[i] - jitter[i])
        nearest = np.minimum(nearest, distances_to_row(rows, norms, i))
    return np.asarray(chosen, dtype=np.intp), np.asarray(scores, dtype=np.float64)

