"""Greedy sampling for regression: GSx, GSy and iGS (Wu, Lin & Huang 2019)."""

import numpy as np
from sklearn.metrics import pairwise_distances

from ..utils._param_validation import StrOptions
from ._base import QueryStrategy
from ._common import argmax_random, distances_to_row, rows_at, squared_norms

__all__ = ["GreedySampling"]

SPACES = ("x", "y", "xy")


class GreedySampling(QueryStrategy):
    """Greedy sampling: the row farthest from the labeled set, in inputs, outputs or both.

    With labeled rows ``(x_m, y_m)`` and the model's prediction ``f(x)``, each pick is
    the candidate maximizing (Wu, Lin & Huang 2019):

    - ``space="x"`` (GSx): ``min_m ||x - x_m||``, diversity of the inputs. Needs no
      model, so it also serves as a cold start; with nothing labeled the first pick is
      the row closest to the centroid of the pool;
    - ``space="y"`` (GSy): ``min_m |f(x) - y_m|``, diversity of the outputs;
    - ``space="xy"`` (iGS): ``min_m ||x - x_m|| * |f(x) - y_m|``, both at once.

    A batch is picked greedily, each pick joining the labeled set with its predicted
    target as ``y`` (the paper's batch extension), so a batch is spread out.

    Parameters
    ----------
    space : {"x", "y", "xy"}, default="xy"
        Where distances are measured; ``"xy"`` is iGS, the paper's best.
    random_state : int, RandomState or None, default=None
        Breaks ties.

    Notes
    -----
    Input distances are Euclidean in the input features, or the output of a
    ``Pipeline``'s preprocessing steps (scaled features with the default regressor).
    Scores returned are each pick's distance at the time it was picked.

    References
    ----------
    Wu, D., Lin, C.-T. & Huang, J. (2019). Active learning for regression using
    greedy sampling. Information Sciences 474, 90-105.

    Yu, H. & Kim, S. (2010). Passive sampling for regression. ICDM.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skactive.strategies import GreedySampling
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0]])
    >>> GreedySampling(space="x").select(None, X, 1, candidates=np.arange(4) > 0,
    ...                                  X_labeled=X[:1])[0]
    array([3])
    >>> model = LinearRegression().fit(X[:2], [0.0, 1.0])
    >>> GreedySampling(space="y").select(model, X, 1, candidates=np.arange(4) > 1,
    ...                                  X_labeled=X[:2], y_labeled=[0.0, 1.0])[0]
    array([3])
    """

    _parameter_constraints = {"space": [StrOptions(set(SPACES))], "random_state": ["random_state"]}

    def __init__(self, space="xy", random_state=None):
        self.space = space
        self.random_state = random_state

    @property
    def requires_model(self):
        """Only GSx (``space="x"``) can pick rows without a model."""
        return self.space != "x"

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        rows = rows_at(X_pool, positions)
        use_x, use_y = self.space != "y", self.space != "x"
        F = self._embedding(estimator, X_pool, context)(rows) if use_x else None
        f = np.asarray(estimator.predict(rows), dtype=np.float64) if use_y else None
        nearest = self._initial_distances(estimator, X_pool, F, f, context)
        first_by_centroid = context.n_labeled == 0 and use_x
        sq_norms = squared_norms(F) if use_x else None
        chosen, scores = np.empty(n, dtype=np.intp), np.empty(n)
        for t in range(n):
            if t == 0 and first_by_centroid:
                i = _closest_to_centroid(F, rng)
            else:
                i = argmax_random(nearest, rng)
            chosen[t], scores[t] = i, nearest[i]
            dx = distances_to_row(F, sq_norms, i) if use_x else 1.0
            dy = np.abs(f - f[i]) if use_y else 1.0
            np.minimum(nearest, dx * dy, out=nearest)
            nearest[i] = -np.inf  # stays -inf under np.minimum: never picked twice
        return positions[chosen], scores

    def _initial_distances(self, estimator, X_pool, F, f, context):
        """Each candidate's distance to the nearest labeled row (inf with none labeled)."""
        n_rows = F.shape[0] if F is not None else f.shape[0]
        if context.n_labeled == 0:
            return np.full(n_rows, np.inf)
        distance = 1.0
        if F is not None:
            L = self._embedding(estimator, X_pool, context)(context.X_labeled)
            distance = pairwise_distances(F, L)
        if f is not None:
            if context.y_labeled is None:
                raise ValueError(f"GreedySampling(space={self.space!r}) needs y_labeled.")
            y = np.asarray(context.y_labeled, dtype=np.float64)
            distance = distance * np.abs(f[:, None] - y[None, :])
        return np.asarray(distance).min(axis=1)


def _closest_to_centroid(F, rng):
    centroid = np.asarray(F.mean(axis=0)).ravel()
    sq = squared_norms(F) - 2.0 * np.asarray(F @ centroid).ravel()
    return argmax_random(-sq, rng)
