"""Gradient- and output-space batch strategies: BADGE and FALCUN."""

import numbers
import warnings

import numpy as np

from ..utils._param_validation import Interval
from ._base import QueryStrategy
from ._common import (
    MAX_CANDIDATES,
    argmax_random,
    bounded_positions,
    dot_row,
    margin_scores,
    nonnegative_uncertainty,
    predict_proba_or_softmax,
    rows_at,
    squared_norms,
)

__all__ = ["BADGE", "FALCUN", "Falcun"]


def _sample_proportional(weights, rng):
    """A position drawn with probability proportional to ``weights`` (>= 0).

    Returns None when the weights sum to zero (or overflow), so the caller can fall
    back on a uniform draw.
    """
    cumulative = np.cumsum(weights)
    total = cumulative[-1]
    if not (total > 0 and np.isfinite(total)):
        return None
    i = int(np.searchsorted(cumulative, rng.random_sample() * total, side="right"))
    if i >= weights.shape[0] or weights[i] <= 0:  # rounding at the top end
        i = int(np.flatnonzero(weights > 0)[-1])
    return i


def _l1_distances(proba_t, row):
    """L1 distance of every column of ``proba_t`` (n_classes x n_rows) to ``row``."""
    out = np.abs(proba_t[0] - row[0])
    for k in range(1, proba_t.shape[0]):  # one contiguous pass per class
        out += np.abs(proba_t[k] - row[k])
    return out


def _most_uncertain(strategy, estimator, X_pool, positions, n, rng, context):
    """The candidates a batch is drawn from: the ``max_candidates`` lowest margins."""
    return bounded_positions(positions, n, strategy.max_candidates, rng,
                             score=margin_scores, estimator=estimator, X_pool=X_pool,
                             context=context)


def _uniform_unpicked(n_rows, chosen, rng):
    free = np.ones(n_rows, dtype=bool)
    free[chosen] = False
    return int(rng.choice(np.flatnonzero(free)))


class BADGE(QueryStrategy):
    """Batch active learning by diverse gradient embeddings (k-means++ on gradients).

    Each candidate is embedded as the gradient of the cross-entropy loss, at the
    predicted label, with respect to the last linear layer:
    ``g(x) = (p(x) - e_yhat(x)) ⊗ [h(x), 1]``, where ``p`` is ``predict_proba``,
    ``e_yhat`` the one-hot predicted class and ``h`` the layer's input. Its norm grows
    with uncertainty and its direction encodes the region of the pool, so k-means++
    seeding over the embeddings (Ash et al., 2020) picks a batch that is both uncertain
    and diverse: the first row has the largest ``||g||``, each next one is drawn with
    probability proportional to its squared distance to the nearest row already picked.

    The embeddings (``n_candidates x n_classes * d``) are never built: with
    ``r = p - e``, ``||g_i||^2 = ||r_i||^2 (||h_i||^2 + 1)`` and
    ``g_i . g_j = (r_i . r_j)(h_i . h_j + 1)``, so each pick costs one pass over the
    candidates' features and probabilities. Dense and sparse features both work.

    Parameters
    ----------
    max_candidates : int or None, default=20_000
        k-means++ runs over at most this many candidates: the ones with the smallest
        margin when the pool holds more (their gradients are the longest, the ones the
        seeding favours). Memory is then O(max_candidates x (n_features + n_classes))
        whatever the pool size; smaller pools are unaffected. ``None``: all candidates.
    random_state : int, RandomState or None, default=None
        Seeds the k-means++ draws. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    Notes
    -----
    ``h(x)`` is the input of the final classifier: the input features, or for a
    ``Pipeline`` estimator the output of its preprocessing steps. For a linear model
    this is exactly the last layer; for other models it is a stand-in. Unlike the
    original, which drops the bias, the constant ``1`` adds the intercept's gradient,
    so rows near the origin (often the most uncertain ones for a linear model on
    centred data) do not get a zero embedding. Without ``predict_proba``, a softmax of
    ``decision_function`` is used. Scores returned are each pick's distance, in
    embedding space, to the nearest earlier pick (its norm for the first).

    References
    ----------
    Ash, J. T., Zhang, C., Krishnamurthy, A., Langford, J. & Agarwal, A. (2020). Deep
    batch active learning by diverse, uncertain gradient lower bounds. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import BADGE
    >>> X = np.array([[-0.10, 5.0], [-0.11, 5.0], [-0.10, -5.0], [-3.0, 0.0], [3.0, 0.0]])
    >>> model = LogisticRegression().fit(X[3:], [0, 1])
    >>> indices, _ = BADGE(random_state=0).select(model, X, 2, candidates=np.arange(5) < 3)
    >>> 2 in indices  # one of the twins at the top, and the equally uncertain row below
    True
    """

    _parameter_constraints = {
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, max_candidates=MAX_CANDIDATES, random_state=None):
        self.max_candidates = max_candidates
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        positions = _most_uncertain(self, estimator, X_pool, positions, n, rng, context)
        rows = rows_at(X_pool, positions)
        residual = predict_proba_or_softmax(estimator, rows)
        residual[np.arange(residual.shape[0]), residual.argmax(axis=1)] -= 1.0
        H = self._embedding(estimator, X_pool, context)(rows)
        residual_t = np.ascontiguousarray(residual.T)  # class-major: fast row products
        grad_sq = (residual * residual).sum(axis=1) * (squared_norms(H) + 1.0)

        chosen = np.empty(n, dtype=np.intp)
        scores = np.empty(n)
        chosen[0] = argmax_random(grad_sq, rng)
        scores[0] = np.sqrt(grad_sq[chosen[0]])
        nearest = np.full(grad_sq.shape[0], np.inf)
        for t in range(1, n):
            c = chosen[t - 1]
            sq_dist = residual[c] @ residual_t
            sq_dist *= dot_row(H, c) + 1.0
            sq_dist *= -2.0
            sq_dist += grad_sq
            sq_dist += grad_sq[c]
            np.minimum(nearest, np.maximum(sq_dist, 0.0, out=sq_dist), out=nearest)
            nearest[chosen[:t]] = 0.0  # rounding must not make a picked row drawable
            i = _sample_proportional(nearest, rng)
            if i is None:  # every remaining embedding coincides with a picked one
                i = _uniform_unpicked(nearest.shape[0], chosen[:t], rng)
            chosen[t], scores[t] = i, np.sqrt(nearest[i])
        return positions[chosen], scores


class FALCUN(QueryStrategy):
    """FALCUN: uncertain rows that are also diverse in the model's output space.

    Following Gilhuber et al. (2024), every candidate has a margin uncertainty
    ``u(x) = 1 - (p_(1) - p_(2))`` and a diversity ``d(x)``, its L1 distance in
    probability space to the nearest row picked so far (``d = u`` before the first
    pick). Each pick is drawn with probability proportional to ``rel(x) ** gamma``,
    where the relevance ``rel = minmax(d) + u`` uses ``d`` min-max scaled over the
    remaining candidates. Only ``predict_proba`` is needed, so a pick costs
    ``O(n_candidates * n_classes)`` whatever the number of features.

    Parameters
    ----------
    gamma : float >= 0, default=10
        Sharpness of the draw: ``0`` is uniform random sampling, large values approach
        a deterministic argmax of the relevance.
    max_candidates : int or None, default=20_000
        Draws are made among at most this many candidates, the lowest-margin ones when
        the pool holds more, so memory is O(max_candidates x n_classes) whatever the
        pool size. ``None``: every candidate; pools with fewer are unaffected.
    random_state : int, RandomState or None, default=None
        Seeds the draws. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    Notes
    -----
    This follows the authors' reference implementation (relevance variant
    ``distance_unc_norm``, the paper's default). Deviations: the pool is the
    candidate rows rather than all unlabeled rows; weights are computed as
    ``(rel / max rel) ** gamma``, the same distribution without overflow for large
    ``gamma``; when all relevances are zero the pick is uniform. Without
    ``predict_proba``, a softmax of ``decision_function`` is used. Scores returned are
    the relevance of each pick when it was drawn.

    References
    ----------
    Gilhuber, S., Beer, A., Ma, Y. & Seidl, T. (2024). FALCUN: a simple and efficient
    deep active learning strategy. ECML PKDD, 421-439 (preprint 2023).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import FALCUN
    >>> X = np.array([[-3.0], [0.0], [0.01], [1.0], [3.0]])
    >>> model = LogisticRegression().fit(X[[0, 4]], [0, 1])
    >>> pool = np.array([False, True, True, True, False])
    >>> indices, scores = FALCUN(random_state=0).select(model, X, 2, candidates=pool)
    >>> 3 in indices  # one of the twins at 0 and 0.01, then a row predicted differently
    True
    """

    _parameter_constraints = {
        "gamma": [Interval(numbers.Real, 0, None, closed="left")],
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, gamma=10, max_candidates=MAX_CANDIDATES, random_state=None):
        self.gamma = gamma
        self.max_candidates = max_candidates
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        positions = _most_uncertain(self, estimator, X_pool, positions, n, rng, context)
        gamma = self.gamma
        proba = predict_proba_or_softmax(estimator, rows_at(X_pool, positions))
        uncertainty = nonnegative_uncertainty(proba, "margin")
        diversity = uncertainty.copy()
        proba_t = np.ascontiguousarray(proba.T)
        free = np.ones(proba.shape[0], dtype=bool)
        chosen = np.empty(n, dtype=np.intp)
        scores = np.empty(n)
        for t in range(n):
            if t > 0:
                np.minimum(diversity, _l1_distances(proba_t, proba[chosen[t - 1]]),
                           out=diversity)
            d = diversity[free]
            low, high = d.min(), d.max()
            # Min-max scaling over the remaining candidates, as the reference code does.
            relevance = diversity - low
            relevance *= 1.0 / (high - low) if high > low else 0.0
            relevance += uncertainty
            relevance *= free
            top = relevance.max()
            i = None
            if d.sum() > 0 and top > 0:
                i = _sample_proportional((relevance / top) ** gamma * free, rng)
            if i is None:
                i = _uniform_unpicked(proba.shape[0], chosen[:t], rng)
            chosen[t], scores[t] = i, relevance[i]
            free[i] = False
        return positions[chosen], scores


class Falcun(FALCUN):
    """Deprecated alias of :class:`FALCUN` (class names spell acronyms in capitals).

    .. deprecated:: 0.2
        Use :class:`FALCUN`; ``Falcun`` will be removed in a future release.
    """

    def __init__(self, gamma=10, max_candidates=MAX_CANDIDATES, random_state=None):
        warnings.warn("Falcun is deprecated; use FALCUN (the same strategy).",
                      FutureWarning, stacklevel=2)
        super().__init__(gamma=gamma, max_candidates=max_candidates,
                         random_state=random_state)
