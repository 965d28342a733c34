"""Information density: uncertainty weighted by how representative a row is of the pool."""

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax
from sklearn.metrics import pairwise_distances

from ..utils._indexing import (
    default_chunk_rows,
    iter_chunks,
    num_rows,
    score_in_chunks,
    take_rows,
)
from ..utils._validation import check_int_param, is_text
from ._base import QueryStrategy, top_n
from ._uncertainty import MEASURES, uncertainty_scores

__all__ = ["DensityWeighted", "predict_proba_or_softmax"]

METRICS = ("cosine", "euclidean")


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


def nonnegative_uncertainty(proba, measure):
    """Uncertainty in ``[0, inf)``: ``1 - (p1 - p2)``, ``1 - max p`` or the entropy."""
    scores = uncertainty_scores(proba, measure)
    # uncertainty_scores gives minus the margin; 1 + that is 1 - (p1 - p2), in [0, 1].
    return 1.0 + scores if measure == "margin" else scores


def _features(estimator, X):
    """Numeric rows for the similarity: ``X`` itself, or a text pipeline's features."""
    if is_text(X):
        if not hasattr(estimator, "steps"):
            raise ValueError(
                "DensityWeighted needs numeric X to measure similarity; for raw text use a "
                "Pipeline whose steps before the classifier vectorize it."
            )
        return estimator[:-1].transform(X)
    if sp.issparse(X):
        return X.tocsr()
    return np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X, dtype=np.float64)


def _row_norms(F):
    sq = F.multiply(F).sum(axis=1).A1 if sp.issparse(F) else np.einsum("ij,ij->i", F, F)
    return np.sqrt(sq)


def _mean_unit_vector(estimator, X_pool, rows, chunk_rows):
    """Mean of the pool's rows scaled to unit length, read chunk by chunk."""
    total = None
    for start, stop in iter_chunks(rows.shape[0], chunk_rows):
        F = _features(estimator, take_rows(X_pool, rows[start:stop]))
        norms = _row_norms(F)
        weights = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        part = np.asarray(F.T @ weights).ravel()
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

    def __init__(
        self, measure="margin", beta=1.0, n_landmarks=500, metric="cosine", random_state=None
    ):
        self.measure = measure
        self.beta = beta
        self.n_landmarks = n_landmarks
        self.metric = metric
        self.random_state = random_state

    def _check_params(self):
        name = type(self).__name__
        if self.measure not in MEASURES:
            raise ValueError(
                f"The 'measure' parameter of {name} must be one of {MEASURES}. "
                f"Got {self.measure!r} instead."
            )
        if self.metric not in METRICS:
            raise ValueError(
                f"The 'metric' parameter of {name} must be one of {METRICS}. "
                f"Got {self.metric!r} instead."
            )
        beta_ok = isinstance(self.beta, numbers.Real) and not isinstance(self.beta, bool)
        if not beta_ok or not np.isfinite(self.beta) or self.beta < 0:
            raise ValueError(
                f"The 'beta' parameter of {name} must be a float in the range [0, inf). "
                f"Got {self.beta!r} instead."
            )
        check_int_param(self.n_landmarks, "n_landmarks", name, low=1)

    def density_function(self, estimator, X_pool, candidates=None, *, random_state=None,
                         chunk_rows=None):
        """A function ``f(X_rows) -> density`` giving each row's mean similarity to the pool.

        Parameters
        ----------
        estimator : fitted classifier
            Only used for text input (its pipeline steps give the features).
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
        self._check_params()
        rng = self._rng(random_state)
        rows = np.arange(num_rows(X_pool)) if candidates is None else np.flatnonzero(candidates)
        if rows.shape[0] == 0:
            raise ValueError("DensityWeighted needs at least one pool row.")
        if self.metric == "cosine":
            chunk_rows = chunk_rows or default_chunk_rows(X_pool)
            mean_unit = _mean_unit_vector(estimator, X_pool, rows, chunk_rows)
            return lambda X_rows: _cosine_density(_features(estimator, X_rows), mean_unit)
        if rows.shape[0] > self.n_landmarks:
            rows = np.sort(rng.choice(rows, size=self.n_landmarks, replace=False))
        landmarks = _features(estimator, take_rows(X_pool, rows))
        between = pairwise_distances(landmarks, metric="euclidean")
        positive = between[np.triu_indices_from(between, k=1)]
        positive = positive[positive > 0]
        scale = float(np.median(positive)) if positive.size else 1.0
        return lambda X_rows: _euclidean_density(_features(estimator, X_rows), landmarks, scale)

    def select(
        self,
        estimator,
        X_pool,
        n,
        *,
        candidates=None,
        X_labeled=None,
        y_labeled=None,
        random_state=None,
        n_jobs=None,
        chunk_rows=None,
    ):
        rng = self._rng(random_state)
        density = self.density_function(
            estimator, X_pool, candidates, random_state=rng, chunk_rows=chunk_rows
        )
        measure, beta = self.measure, float(self.beta)

        def score(model, X_rows):
            phi = nonnegative_uncertainty(predict_proba_or_softmax(model, X_rows), measure)
            return phi * density(X_rows) ** beta

        scores = score_in_chunks(
            score, estimator, X_pool, candidates, chunk_rows=chunk_rows, n_jobs=n_jobs
        )
        n_candidates = scores.shape[0] if candidates is None else int(np.count_nonzero(candidates))
        chosen = top_n(scores, min(n, n_candidates), rng)
        return chosen, scores[chosen]
