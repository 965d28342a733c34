"""Query strategies: which rows of the pool the oracle is asked to label next.

Every strategy is usable by name in ``ActiveLearningClassifier(query_strategy=...)``
and in a ``GridSearchCV`` grid:

======================  ====================================================
name                    strategy
======================  ====================================================
``"random"``            :class:`RandomSampling`
``"least_confident"``   :class:`UncertaintySampling` ``(measure="least_confident")``
``"margin"``            :class:`UncertaintySampling` ``(measure="margin")``
``"entropy"``           :class:`UncertaintySampling` ``(measure="entropy")``
======================  ====================================================
"""

from ._base import QueryStrategy, ScoreFunction, top_n
from ._random import RandomSampling
from ._uncertainty import UncertaintySampling, uncertainty_scores

__all__ = [
    "QueryStrategy",
    "RandomSampling",
    "ScoreFunction",
    "UncertaintySampling",
    "available_strategies",
    "get_strategy",
    "top_n",
    "uncertainty_scores",
]

# name -> (class, keyword arguments)
_REGISTRY = {
    "random": (RandomSampling, {}),
    "least_confident": (UncertaintySampling, {"measure": "least_confident"}),
    "margin": (UncertaintySampling, {"measure": "margin"}),
    "entropy": (UncertaintySampling, {"measure": "entropy"}),
}


def available_strategies():
    """Names accepted by ``get_strategy`` and ``query_strategy=``, sorted.

    Examples
    --------
    >>> from skactive.strategies import available_strategies
    >>> "margin" in available_strategies()
    True
    """
    return sorted(_REGISTRY)


def get_strategy(strategy, param="query_strategy"):
    """Turn a name, a strategy instance or a scoring callable into a strategy.

    Parameters
    ----------
    strategy : str, QueryStrategy or callable
        A name from :func:`available_strategies`, a :class:`QueryStrategy` (returned
        as is), or ``f(estimator, X_pool) -> scores`` (wrapped in :class:`ScoreFunction`).
    param : str, default="query_strategy"
        Parameter name used in error messages.

    Returns
    -------
    strategy : QueryStrategy

    Examples
    --------
    >>> from skactive.strategies import get_strategy
    >>> get_strategy("entropy")
    UncertaintySampling(measure='entropy')
    """
    if isinstance(strategy, str):
        if strategy not in _REGISTRY:
            raise ValueError(
                f"The {param!r} parameter must be one of {available_strategies()}, a "
                f"QueryStrategy or a callable f(estimator, X_pool) -> scores. "
                f"Got {strategy!r} instead."
            )
        cls, kwargs = _REGISTRY[strategy]
        return cls(**kwargs)
    if isinstance(strategy, QueryStrategy):
        return strategy
    if hasattr(strategy, "select") and hasattr(strategy, "get_params"):
        return strategy  # duck-typed strategy
    if callable(strategy):
        return ScoreFunction(strategy)
    raise ValueError(
        f"The {param!r} parameter must be one of {available_strategies()}, a QueryStrategy "
        f"or a callable f(estimator, X_pool) -> scores. Got {strategy!r} instead."
    )
