"""The private toolkit every strategy (and ``skactive.stopping``) builds on.

- candidate rows: :func:`candidate_positions`, :func:`rows_at`, :func:`empty_selection`,
  and the bounded candidate set of the batch strategies, :func:`bounded_positions`;
- probabilities and uncertainty: :func:`predict_proba_or_softmax`,
  :func:`uncertainty_scores`, :func:`nonnegative_uncertainty`;
- the feature space in which distances and clusters are measured: :func:`features`,
  :func:`transformer_steps`, :func:`as_numeric`;
- distances in that space: :func:`squared_norms`, :func:`dot_row`,
  :func:`distances_to_row`, :func:`distances_to_set`, :func:`argmax_random`.
"""

import math

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax, xlogy
from sklearn.base import clone
from sklearn.metrics import pairwise_distances, pairwise_distances_argmin_min
from sklearn.pipeline import Pipeline
from sklearn.utils import check_array

from ..utils._indexing import num_rows, score_top_n, take_rows
from ..utils._validation import is_text

__all__ = [
    "MEASURES",
    "MAX_CANDIDATES",
    "argmax_random",
    "as_numeric",
    "bounded_positions",
    "candidate_positions",
    "distances_to_row",
    "distances_to_set",
    "dot_row",
    "empty_selection",
    "features",
    "margin_scores",
    "uncertainty_of",
    "nonnegative_uncertainty",
    "predict_proba_or_softmax",
    "rows_at",
    "squared_norms",
    "transformer_steps",
    "uncertainty_scores",
]

MEASURES = ("least_confident", "margin", "entropy")

# Up to this many classes, column-wise reductions beat row-wise ones on the C-ordered
# probability arrays that scikit-learn returns (``proba.max(axis=1)`` is ~30x slower).
_COLUMNWISE_MAX_CLASSES = 16
# Pool-by-labeled distances are computed this many at a time.
_BLOCK = 2**22


# ----------------------------------------------------------------------------- rows
def candidate_positions(X_pool, candidates):
    """Positions of the rows that may be picked (every row when ``candidates`` is None)."""
    if candidates is None:
        return np.arange(num_rows(X_pool))
    return np.flatnonzero(candidates)


def rows_at(X, positions):
    """``X`` itself when ``positions`` covers every row in order, else a copy of those rows."""
    if positions.shape[0] == num_rows(X):
        return X
    return take_rows(X, positions)


def empty_selection():
    """What ``select`` returns when nothing can be picked."""
    return np.empty(0, dtype=np.intp), np.empty(0)


# The default ``max_candidates`` of the batch strategies: candidates compared jointly.
MAX_CANDIDATES = 20_000


def bounded_positions(positions, n, max_candidates, rng, *, score=None, estimator=None,
                      X_pool=None, context=None):
    """At most ``max(n, max_candidates)`` of the candidate ``positions`` (increasing).

    Unchanged when there are few enough. Otherwise the ``max_candidates`` best rows
    under the row-wise ``score(estimator, X_rows)`` (scored in chunks, where a dask
    pool's blocks live), or with ``score=None`` a uniform sample drawn with ``rng``.
    """
    if max_candidates is None or positions.shape[0] <= max(n, max_candidates):
        return positions
    max_candidates = max(n, max_candidates)
    if score is None:
        return positions[_sample_without_replacement(positions.shape[0], max_candidates, rng)]
    mask = np.zeros(num_rows(X_pool), dtype=bool)
    mask[positions] = True
    best, _ = score_top_n(score, estimator, X_pool, mask, int(max_candidates), rng,
                          chunk_rows=context.chunk_rows, n_jobs=context.n_jobs)
    return np.sort(best)


def _sample_without_replacement(size, k, rng):
    """``k`` distinct positions in ``range(size)``, uniformly, increasing, in O(k) time
    and memory (``rng.choice(size, k, replace=False)`` permutes all ``size``)."""
    drawn = np.unique(rng.randint(0, size, size=k + k // 8 + 8))
    while drawn.shape[0] < k:
        drawn = np.union1d(drawn, rng.randint(0, size, size=k - drawn.shape[0] + 8))
    if drawn.shape[0] > k:  # a uniform subset of a uniform set is uniform
        drawn = np.sort(drawn[rng.choice(drawn.shape[0], size=k, replace=False)])
    return drawn


def margin_scores(estimator, X_rows):
    """Minus the margin ``p_(1) - p_(2)`` of each row (higher = more uncertain)."""
    return uncertainty_scores(predict_proba_or_softmax(estimator, X_rows), "margin")


def uncertainty_of(measure, estimator, X_rows):
    """:func:`nonnegative_uncertainty` (scaled) of each row, for ``functools.partial``."""
    return nonnegative_uncertainty(predict_proba_or_softmax(estimator, X_rows), measure,
                                   scaled=True)


# ----------------------------------------------------------------------------- probabilities
def predict_proba_or_softmax(estimator, X):
    """``predict_proba``, or the softmax of ``decision_function`` when there is none.

    A binary ``decision_function`` ``f`` becomes ``[1 - sigmoid(f), sigmoid(f)]``.
    """
    if hasattr(estimator, "predict_proba"):
        return np.asarray(estimator.predict_proba(X), dtype=np.float64)
    decision = np.asarray(estimator.decision_function(X), dtype=np.float64)
    if decision.ndim == 1:
        decision = np.column_stack([np.zeros_like(decision), decision])
    return softmax(decision, axis=1)


def row_max(values):
    """Largest value of each row of a 2D array."""
    if values.shape[1] <= _COLUMNWISE_MAX_CLASSES:
        first = values[:, 0].copy()
        for j in range(1, values.shape[1]):
            np.maximum(first, values[:, j], out=first)
        return first
    return values.max(axis=1)


def top2(values):
    """Largest and second-largest value of each row of a 2D array."""
    n_cols = values.shape[1]
    if n_cols == 1:
        return values[:, 0].copy(), np.zeros(values.shape[0])
    if n_cols <= _COLUMNWISE_MAX_CLASSES:
        a, b = values[:, 0], values[:, 1]
        first, second = np.maximum(a, b), np.minimum(a, b)
        for j in range(2, n_cols):
            col = values[:, j]
            second = np.maximum(second, np.minimum(first, col))
            first = np.maximum(first, col)
        return first, second
    part = np.partition(values, n_cols - 2, axis=1)
    return part[:, -1], part[:, -2]


def uncertainty_scores(proba, measure):
    """Uncertainty of each row of a probability table (higher = more uncertain).

    Parameters
    ----------
    proba : ndarray of shape (n_rows, n_classes)
        Predicted class probabilities.
    measure : {"least_confident", "margin", "entropy"}
        ``least_confident``: ``1 - max_k p_k``; ``margin``: ``-(p_(1) - p_(2))``, minus
        the gap between the two most likely classes; ``entropy``: ``-sum_k p_k log p_k``.

    Returns
    -------
    scores : ndarray of shape (n_rows,)

    Examples
    --------
    >>> from skactive.strategies import uncertainty_scores
    >>> uncertainty_scores([[0.7, 0.2, 0.1]], "margin").round(2).tolist()
    [-0.5]
    """
    proba = np.asarray(proba, dtype=np.float64)
    if measure == "entropy":
        # Row sums by a matrix-vector product: fast whatever the memory order.
        return -(xlogy(proba, proba) @ np.ones(proba.shape[1]))
    if measure == "least_confident":
        return 1.0 - row_max(proba)
    first, second = top2(proba)
    if measure == "margin":
        return second - first
    raise ValueError(f"measure must be one of {MEASURES}; got {measure!r}.")


def nonnegative_uncertainty(proba, measure, *, scaled=False):
    """Uncertainty in ``[0, inf)``: ``1 - (p1 - p2)``, ``1 - max p`` or the entropy.

    With ``scaled=True`` the entropy is divided by ``log(n_classes)``, so every measure
    lies in ``[0, 1]`` (commensurable with a similarity).
    """
    scores = uncertainty_scores(proba, measure)
    if measure == "margin":
        return 1.0 + scores  # minus the margin, plus 1: 1 - (p1 - p2), in [0, 1]
    if measure == "entropy" and scaled:
        n_classes = proba.shape[1]
        return scores / math.log(n_classes) if n_classes > 1 else np.zeros_like(scores)
    return scores


# ----------------------------------------------------------------------------- feature space
def transformer_steps(estimator):
    """The steps of a ``Pipeline`` before its final one (a sub-pipeline), else None."""
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        return estimator[:-1]
    return None


def as_numeric(F, owner="This strategy"):
    """``F`` as a float64 ndarray or CSR matrix, or a ValueError saying what to pass."""
    if sp.issparse(F):
        return sp.csr_matrix(F, dtype=np.float64)
    if is_text(F):
        raise ValueError(
            f"{owner} measures distances between rows, so it needs numeric features; got "
            "text. Use a Pipeline whose steps before the classifier vectorize it (e.g. "
            "TfidfVectorizer) as the estimator."
        )
    try:
        F = check_array(F, accept_sparse="csr", dtype=np.float64, ensure_2d=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{owner} measures distances between rows, so it needs numeric features; "
            f"converting the rows to float failed ({exc}). Use a Pipeline whose steps "
            "before the classifier encode them (e.g. a ColumnTransformer) as the estimator."
        ) from exc
    return F if F.ndim == 2 else F.reshape(F.shape[0], -1)


def features(estimator, X, *, fitted=True, owner="This strategy"):
    """The numeric rows distances are measured on: dense ndarray or CSR, float64.

    The estimator's own transformer steps (the steps of a ``Pipeline`` before the final
    one) embed ``X``; with no such steps, ``X`` itself is used and must be numeric.

    Parameters
    ----------
    estimator : estimator or None
        With ``fitted=True`` a fitted model (or None: ``X`` as is). With
        ``fitted=False`` an unfitted prototype: clones of its transformer steps are
        fitted on ``X`` without labels (``fit_transform``).
    X : {array-like, sparse matrix, DataFrame, list of str}
        Rows to embed.
    fitted : bool, default=True
        Whether ``estimator`` is fitted.
    owner : str
        Named in the error raised when no numeric feature space can be had.

    Returns
    -------
    F : {ndarray, CSR matrix} of shape (n_rows, n_features)
    """
    steps = transformer_steps(estimator)
    if steps is None:
        return as_numeric(X, owner)
    if fitted:
        return as_numeric(steps.transform(X), owner)
    return as_numeric(clone(steps).fit_transform(X), owner)


# ----------------------------------------------------------------------------- distances
def squared_norms(F):
    """Squared Euclidean norm of each row of ``F`` (dense or sparse)."""
    if sp.issparse(F):
        return np.asarray(F.multiply(F).sum(axis=1), dtype=np.float64).ravel()
    return np.einsum("ij,ij->i", F, F)


def dot_row(F, i):
    """Inner products of every row of ``F`` with row ``i`` (one pass over ``F``)."""
    if sp.issparse(F):
        return F @ F[i].toarray().ravel()
    return F @ F[i]


def distances_to_row(F, sq_norms, i, metric="euclidean"):
    """Distances of every row of ``F`` to row ``i``: O(n_rows * n_features)."""
    if metric == "euclidean":
        sq = sq_norms + sq_norms[i] - 2.0 * dot_row(F, i)
        return np.sqrt(np.maximum(sq, 0.0, out=sq), out=sq)
    return pairwise_distances(F, F[i : i + 1], metric=metric).ravel()


def distances_to_set(F, L, metric="euclidean"):
    """Distance of every row of ``F`` to its nearest row of ``L`` (memory-chunked)."""
    if sp.issparse(F) != sp.issparse(L):
        L = sp.csr_matrix(L) if sp.issparse(F) else L.toarray()
    if metric != "euclidean":
        return pairwise_distances_argmin_min(F, L, metric=metric)[1]
    # Plain BLAS blocks of ~4M distances: cheaper per call than the generic reduction.
    sq_F, sq_L, LT = squared_norms(F), squared_norms(L), L.T
    nearest = np.empty(F.shape[0])
    step = max(1, _BLOCK // max(L.shape[0], 1))
    for start in range(0, F.shape[0], step):
        stop = min(start + step, F.shape[0])
        inner = F[start:stop] @ LT
        block = inner.toarray() if sp.issparse(inner) else np.asarray(inner, dtype=np.float64)
        block *= -2.0
        block += sq_F[start:stop, None]
        block += sq_L
        nearest[start:stop] = block.min(axis=1)
    return np.sqrt(np.maximum(nearest, 0.0, out=nearest), out=nearest)


def argmax_random(values, rng):
    """Position of the largest value; ties broken at random, not by position."""
    ties = np.flatnonzero(values == values.max())
    return int(ties[0] if ties.shape[0] == 1 else rng.choice(ties))


def strategies_of(owner):
    """Fresh clones of ``owner.strategies``, after checking it is a non-empty sequence of
    strategy names or instances (``owner``: a strategy built from other strategies)."""
    from . import get_strategy  # the registry imports this module

    given = owner.strategies
    if isinstance(given, str) or len(given) == 0:
        raise ValueError(
            f"The 'strategies' parameter of {type(owner).__name__} must be a non-empty "
            f"sequence of strategy names or instances. Got {given!r} instead."
        )
    strategies = [get_strategy(s, param="strategies") for s in given]
    return [clone(s) if hasattr(s, "get_params") else s for s in strategies]
