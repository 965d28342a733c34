"""Regression strategies scored per row: predictive spread, committee variance, EMCM.

All three take an optional ``diversity`` weight: with ``diversity > 0`` a batch is
picked greedily by ``(1 - w) * score / max(score) + w * d / max(d)``, ``d`` being the
distance to the nearest labeled or already picked row (the trade-off of
:class:`~skactive.strategies.RankedBatch`), so a batch spreads over the pool.
"""

import inspect
import numbers

import numpy as np
from sklearn.base import clone

from ..utils._indexing import num_rows, take_rows
from ..utils._param_validation import Interval
from ._base import QueryStrategy, SelectContext
from ._committee import _fit_member
from ._common import (
    argmax_random,
    distances_to_row,
    distances_to_set,
    features,
    squared_norms,
    transformer_steps,
)

__all__ = [
    "ExpectedModelChange",
    "PredictiveStd",
    "RegressionCommittee",
    "predictive_std",
]


def _final_step(estimator, X):
    """The final model of a ``Pipeline`` and ``X`` passed through the steps before it."""
    steps = transformer_steps(estimator)
    if steps is None:
        return estimator, X
    return estimator[-1], steps.transform(X)


def predictive_std(estimator, X):
    """Predictive standard deviation of a fitted regressor on each row of ``X``.

    ``predict(X, return_std=True)`` when the model offers it
    (``GaussianProcessRegressor``, ``BayesianRidge``, ``ARDRegression``), else the
    standard deviation of the members of a fitted ensemble (``estimators_``:
    random forests, extra trees, bagging). The final step of a ``Pipeline`` is used.

    Parameters
    ----------
    estimator : fitted regressor or Pipeline
    X : {array-like, sparse matrix, DataFrame}

    Returns
    -------
    std : ndarray of shape (n_rows,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import BayesianRidge
    >>> from skactive.strategies import predictive_std
    >>> model = BayesianRidge().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
    >>> std = predictive_std(model, np.array([[1.0], [10.0]]))
    >>> bool(std[1] > std[0])
    True
    """
    final, Z = _final_step(estimator, X)
    if "return_std" in inspect.signature(final.predict).parameters:
        return np.asarray(final.predict(Z, return_std=True)[1], dtype=np.float64)
    members = getattr(final, "estimators_", None)
    if isinstance(members, list) and members:
        subsets = getattr(final, "estimators_features_", [slice(None)] * len(members))
        Z = np.asarray(Z) if not hasattr(Z, "tocsr") else Z.tocsr()
        preds = np.stack([m.predict(Z[:, cols]) for m, cols in zip(members, subsets, strict=True)])
        return preds.std(axis=0)
    raise ValueError(
        f"predictive_std needs a regressor whose predict takes return_std "
        f"(GaussianProcessRegressor, BayesianRidge) or an ensemble with estimators_ "
        f"(RandomForestRegressor, BaggingRegressor); got {type(final).__name__}. Use "
        "query_strategy='regression_committee' for any other regressor."
    )


class _RegressionScores(QueryStrategy):
    """Row scores computed on chunks of the pool (the base class's path, ``n_jobs`` and
    ``chunk_rows`` apply); with ``diversity > 0`` and a batch, every candidate is scored
    first and the batch is then picked by :func:`diverse_batch`."""

    def _prepare(self, estimator, rng, context):
        """Per-call state shared by every chunk (bootstrap members); None by default."""
        return None

    def _row_scores(self, estimator, prepared, rows):
        raise NotImplementedError  # pragma: no cover

    def _scorer(self, estimator, X_pool, rng, context):
        prepared = self._prepare(estimator, rng, context)
        return (lambda model, rows: self._row_scores(model, prepared, rows)), estimator

    def select(self, estimator, X_pool, n, **kwargs):
        if self.diversity == 0 or n <= 1:
            return super().select(estimator, X_pool, n, **kwargs)
        ranked, scores = super().select(estimator, X_pool, num_rows(X_pool), **kwargs)
        n = min(int(n), ranked.shape[0])
        if n <= 1:
            return ranked[:n], scores[:n]
        context = SelectContext(*(kwargs.get(key) for key in (
            "candidates", "X_labeled", "y_labeled", "n_jobs", "chunk_rows",
            "unfitted_estimator")))
        rng = self._rng(kwargs.get("random_state"))
        embed = self._embedding(estimator, X_pool, context)
        labeled = None if context.n_labeled == 0 else embed(context.X_labeled)
        chosen = diverse_batch(scores, embed(take_rows(X_pool, ranked)), labeled, n,
                               self.diversity, rng)
        return ranked[chosen], scores[chosen]


def diverse_batch(scores, F, F_labeled, n, weight, rng):
    """Greedy batch: ``(1 - weight) * score / max + weight * distance / max`` per pick.

    ``distance`` is each row's distance to the nearest labeled or already picked row
    (updated with one distance computation per pick).
    """
    sq_norms = squared_norms(F)
    if F_labeled is None:
        nearest = np.full(F.shape[0], np.inf)
    else:
        nearest = distances_to_set(F, F_labeled)
    scaled = scores / scores.max() if scores.max() > 0 else np.zeros_like(scores)
    chosen = np.empty(n, dtype=np.intp)
    for t in range(n):
        finite = np.isfinite(nearest) & (nearest >= 0)
        top = nearest[finite].max() if finite.any() else 0.0
        spread = np.where(finite, nearest / top if top > 0 else 0.0, 1.0)
        combined = (1.0 - weight) * scaled + weight * spread
        combined[chosen[:t]] = -np.inf
        i = argmax_random(combined, rng)
        chosen[t] = i
        np.minimum(nearest, distances_to_row(F, sq_norms, i), out=nearest)
    return chosen


_DIVERSITY = [Interval(numbers.Real, 0, 1, closed="both")]


class PredictiveStd(_RegressionScores):
    """Ask for the rows with the largest predictive standard deviation.

    The regression analogue of uncertainty sampling: for a Gaussian process, the row
    whose target the model knows least (MacKay 1992; Seo et al. 2000). The spread
    comes from :func:`predictive_std` (``return_std`` or an ensemble's members).

    Parameters
    ----------
    diversity : float in [0, 1], default=0
        Weight of the distance to the labeled / already picked rows in a batch
        (0: the top-``n`` spreads).
    random_state : int, RandomState or None, default=None
        Breaks ties.

    References
    ----------
    MacKay, D. J. C. (1992). Information-based objective functions for active data
    selection. Neural Computation 4(4).

    Seo, S., Wallat, M., Graepel, T. & Obermayer, K. (2000). Gaussian process
    regression: active data selection and test point rejection. IJCNN.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import BayesianRidge
    >>> from skactive.strategies import PredictiveStd
    >>> X = np.array([[0.0], [1.0], [2.0], [9.0]])
    >>> model = BayesianRidge().fit(X[:3], [0.0, 1.0, 2.0])
    >>> PredictiveStd().select(model, X, 1)[0]  # farthest from the data
    array([3])
    """

    _parameter_constraints = {"diversity": _DIVERSITY, "random_state": ["random_state"]}

    def __init__(self, diversity=0.0, random_state=None):
        self.diversity = diversity
        self.random_state = random_state

    def _row_scores(self, estimator, prepared, rows):
        return predictive_std(estimator, rows)


def _bootstrap_members(strategy, estimator, rng, context):
    """``n_members`` clones fitted on bootstrap samples of the labeled rows."""
    if context.X_labeled is None or context.y_labeled is None:
        raise ValueError(f"{type(strategy).__name__} needs X_labeled and y_labeled.")
    prototype = clone(estimator if context.unfitted_estimator is None
                      else context.unfitted_estimator)
    size = num_rows(context.X_labeled)
    y = np.asarray(context.y_labeled, dtype=np.float64)
    members = []
    for _ in range(strategy.n_members):
        idx = rng.randint(0, size, size=size)
        seed = rng.randint(np.iinfo(np.int32).max)
        members.append(_fit_member(prototype, context.X_labeled, y, idx, seed))
    return members


class _Bootstrapped(_RegressionScores):
    """Strategies that fit ``n_members`` bootstrap clones of the model per call."""

    def _prepare(self, estimator, rng, context):
        return _bootstrap_members(self, estimator, rng, context)

    _parameter_constraints = {
        "n_members": [Interval(numbers.Integral, 2, None, closed="left")],
        "diversity": _DIVERSITY,
        "random_state": ["random_state"],
    }


class RegressionCommittee(_Bootstrapped):
    """Query by committee for regression: the variance of bootstrap members.

    ``n_members`` clones of the model are fitted on bootstrap samples of the labeled
    rows; a row's score is the variance of their predictions (Burbidge et al. 2007).
    Works with any regressor.

    Parameters
    ----------
    n_members : int >= 2, default=4
        Each member is one more fit per round: 4 keeps a round within 10x the cost of
        random sampling with the default Gaussian process (benchmarks/README.md).
    diversity : float in [0, 1], default=0
        Weight of the distance to the labeled / already picked rows in a batch.
    random_state : int, RandomState or None, default=None
        Seeds the bootstrap samples, the members and tie-breaking.

    References
    ----------
    Burbidge, R., Rowland, J. J. & King, R. D. (2007). Active learning for regression
    based on query by committee. IDEAL 2007, LNCS 4881.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skactive.strategies import RegressionCommittee
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [50.0]])
    >>> y = np.array([0.0, 1.2, 1.8, 3.1])
    >>> model = LinearRegression().fit(X[:4], y)
    >>> RegressionCommittee(random_state=0).select(
    ...     model, X, 1, candidates=np.arange(5) == 4 , X_labeled=X[:4], y_labeled=y)[0]
    array([4])
    """

    def __init__(self, n_members=4, diversity=0.0, random_state=None):
        self.n_members = n_members
        self.diversity = diversity
        self.random_state = random_state

    def _row_scores(self, estimator, members, rows):
        return np.stack([m.predict(rows) for m in members]).var(axis=0)


class ExpectedModelChange(_Bootstrapped):
    """Expected model change maximization (EMCM) for linear regression.

    Cai et al. (2013): the change of a linear model's parameters when a row ``x``
    with target ``y`` is added is ``|f(x) - y| * ||x||`` (one gradient step on the
    squared loss); the unknown ``y`` is replaced by the predictions ``f_k(x)`` of
    ``n_members`` bootstrap models, giving ``mean_k |f(x) - f_k(x)| * ||x||``. ``x``
    is measured in the input features, or the output of a ``Pipeline``'s
    preprocessing steps (the features the linear model sees).

    Parameters
    ----------
    n_members : int >= 2, default=4
    diversity : float in [0, 1], default=0
        Weight of the distance to the labeled / already picked rows in a batch.
    random_state : int, RandomState or None, default=None

    References
    ----------
    Cai, W., Zhang, Y. & Zhou, J. (2013). Maximizing expected model change for
    active learning in regression. ICDM.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skactive.strategies import ExpectedModelChange
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(30, 2)
    >>> y = X @ [1.0, -2.0] + 0.1 * rng.randn(30)
    >>> model = Ridge().fit(X[:10], y[:10])
    >>> idx, scores = ExpectedModelChange(random_state=0).select(
    ...     model, X, 3, candidates=np.arange(30) >= 10, X_labeled=X[:10], y_labeled=y[:10])
    >>> idx.shape, bool((scores >= 0).all())
    ((3,), True)
    """

    def __init__(self, n_members=4, diversity=0.0, random_state=None):
        self.n_members = n_members
        self.diversity = diversity
        self.random_state = random_state

    def _row_scores(self, estimator, members, rows):
        f = np.asarray(estimator.predict(rows), dtype=np.float64)
        change = np.mean([np.abs(f - m.predict(rows)) for m in members], axis=0)
        return change * np.sqrt(squared_norms(features(estimator, rows, owner="EMCM")))
