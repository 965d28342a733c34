"""Information density: uncertainty weighted by how representative a row is of the pool."""

import functools
import numbers

import numpy as np
from sklearn.metrics import pairwise_distances

from ..utils._dask import dask_sum
from ..utils._indexing import default_chunk_rows, is_dask_array, iter_chunks, take_rows
from ..utils._param_validation import Interval, StrOptions
from ._base import QueryStrategy
from ._common import (
    MEASURES,
    candidate_positions,
    features,
    nonnegative_uncertainty,
    predict_proba_or_softmax,
    squared_norms,
)

__all__ = ["DensityWeighted"]

METRICS = ("cosine", "euclidean")


def _row_norms(F):
    return np.sqrt(squared_norms(F))


def _unit_sum(embed, X_rows):
    """Sum of the embedded rows scaled to unit length."""
    F = embed(X_rows)
    norms = _row_norms(F)
    weights = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return np.asarray(F.T @ weights).ravel()


def _mean_unit_vector(embed, X_pool, rows, chunk_rows, candidates):
    """Mean of the pool's rows scaled to unit length, read chunk by chunk (a dask
    pool: each block summed where it lives)."""
    if is_dask_array(X_pool):
        return dask_sum(functools.partial(_unit_sum, embed), X_pool, candidates) \
            / rows.shape[0]
    total = None
    for start, stop in iter_chunks(rows.shape[0], chunk_rows):
        part = _unit_sum(embed, take_rows(X_pool, rows[start:stop]))
        total = part if total is None else total + part
    return total / rows.shape[0]


def _cosine_density(F, mean_unit):
    norms = _row_norms(F)
    cos = np.asarray(F @ mean_unit).ravel()
    cos = np.divide(cos, norms, out=np.zeros_like(cos), where=norms > 0)
    # Mean of (1 + cos) / 2 over the pool: a similarity in [0, 1] even for signed data.
    return np.clip((1.0 + cos) / 2.0, 0.0, 1.0)


# Distance blocks hold at most this many entries (32 MiB), whatever the chunk size.
_BLOCK_ENTRIES = 2**22


def _euclidean_density(F, landmarks, scale):
    out = np.empty(F.shape[0])
    step = max(1, _BLOCK_ENTRIES // landmarks.shape[0])
    for start, stop in iter_chunks(F.shape[0], step):
        dist = pairwise_distances(F[start:stop], landmarks, metric="euclidean")
        dist /= scale
        dist += 1.0
        out[start:stop] = np.reciprocal(dist, out=dist).mean(axis=1)
    return out


class DensityWeighted(QueryStrategy):
    """Information density: uncertainty times the row's mean similarity to the pool.

    Scores ``phi(x) * (mean_u sim(x, u)) ** beta`` (Settles & Craven 2008), where
    ``phi`` is a non-negative uncertainty and ``u`` runs over the unlabeled pool, so an
    uncertain row in a dense region beats an equally uncertain outlier.

    The pool-wide mean is never computed from an n x n similarity matrix:

    - ``metric="cosine"``: the similarity is ``(1 + cos(x, u)) / 2`` (in ``[0, 1]`` even
      for features of either sign). Cosine is linear in the unit vectors, so the mean
      over the pool is exactly ``(1 + x_hat . mean(u_hat)) / 2``: one pass over the pool,
      O(n x n_features), no approximation; ``n_landmarks`` is not used.
    - ``metric="euclidean"``: the similarity is ``1 / (1 + ||x - u|| / s)``, with ``s``
      the median distance between landmarks (so it does not depend on the units of X).
      The mean over the pool is estimated by the mean over ``n_landmarks`` rows drawn
      uniformly from the pool (an unbiased Monte-Carlo estimate; exact when the pool
      has at most ``n_landmarks`` rows): O(n x n_landmarks).

    Similarities are measured on ``X`` as given (dense, CSR or a numeric DataFrame); for
    raw text and a ``Pipeline`` estimator, on the output of the steps before the
    classifier.

    Parameters
    ----------
    measure : {"margin", "least_confident", "entropy"}, default="margin"
        The uncertainty ``phi``, made non-negative: ``1 - (p1 - p2)`` for margin,
        ``1 - max_k p_k`` for least-confident, the entropy for entropy. Estimators
        without ``predict_proba`` use the softmax of ``decision_function``.
    beta : float, default=1.0
        Weight of the density term (0 gives plain uncertainty sampling).
    n_landmarks : int, default=500
        Pool rows the euclidean density is averaged over.
    metric : {"cosine", "euclidean"}, default="cosine"
        Similarity between rows (cosine, as in Settles & Craven 2008).
    random_state : int, RandomState or None, default=None
        Draws the landmarks and breaks ties. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    References
    ----------
    Settles, B. & Craven, M. (2008). An analysis of active learning strategies for
    sequence labeling tasks. EMNLP, pp. 1070-1079.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import DensityWeighted
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(0, 0.3, size=(50, 2)), [[0.0, 8.0]]])
    >>> model = LogisticRegression().fit(X[:50], (X[:50, 0] > 0).astype(int))
    >>> idx, _ = DensityWeighted(metric="euclidean", random_state=0).select(model, X, 5)
    >>> 50 in idx  # the outlier, although it lies on the decision boundary
    False
    """

    _parameter_constraints = {
        "measure": [StrOptions(MEASURES)],
        "beta": [Interval(numbers.Real, 0, None, closed="left")],
        "n_landmarks": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [StrOptions(METRICS)],
        "random_state": ["random_state"],
    }

    def __init__(
        self, measure="margin", beta=1.0, n_landmarks=500, metric="cosine", random_state=None
    ):
        self.measure = measure
        self.beta = beta
        self.n_landmarks = n_landmarks
        self.metric = metric
        self.random_state = random_state

    def density_function(self, estimator, X_pool, candidates=None, *, random_state=None,
                         chunk_rows=None):
        """A function ``f(X_rows) -> density`` giving each row's mean similarity to the pool.

        Parameters
        ----------
        estimator : fitted classifier
            Its transformer steps (a ``Pipeline``'s steps before the final one), if any,
            give the features similarities are measured on.
        X_pool : {array-like, sparse matrix, DataFrame, list of str}
            The rows a query may pick from, and more.
        candidates : ndarray of bool, default=None
            The pool the density is measured against (``None``: every row).
        random_state : int, RandomState or None
            Draws the landmarks when ``self.random_state`` is None.
        chunk_rows : int, default=None
            Rows read at once when averaging the pool.

        Returns
        -------
        density : callable
            ``density(X_rows)`` returns an ndarray of values in ``[0, 1]``.
        """
        self._validate_params()
        rng = self._rng(random_state)
        rows = candidate_positions(X_pool, candidates)
        if rows.shape[0] == 0:
            raise ValueError("DensityWeighted needs at least one pool row.")
        owner = type(self).__name__

        def embed(X_rows):
            return features(estimator, X_rows, owner=owner)

        if self.metric == "cosine":
            chunk_rows = chunk_rows or default_chunk_rows(X_pool)
            mean_unit = _mean_unit_vector(embed, X_pool, rows, chunk_rows, candidates)
            return lambda X_rows: _cosine_density(embed(X_rows), mean_unit)
        if rows.shape[0] > self.n_landmarks:
            rows = np.sort(rng.choice(rows, size=self.n_landmarks, replace=False))
        landmarks = embed(take_rows(X_pool, rows))
        between = pairwise_distances(landmarks, metric="euclidean")
        positive = between[np.triu_indices_from(between, k=1)]
        positive = positive[positive > 0]
        scale = float(np.median(positive)) if positive.size else 1.0
        return lambda X_rows: _euclidean_density(embed(X_rows), landmarks, scale)

    def _scorer(self, estimator, X_pool, rng, context):
        density = self.density_function(
            estimator, X_pool, context.candidates, random_state=rng,
            chunk_rows=context.chunk_rows,
        )
        measure, beta = self.measure, float(self.beta)

        def score(model, X_rows):
            phi = nonnegative_uncertainty(predict_proba_or_softmax(model, X_rows), measure)
            return phi * density(X_rows) ** beta

        return score, estimator
