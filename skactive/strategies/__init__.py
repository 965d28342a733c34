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
``"typiclust"``         :class:`TypiClust` (no model needed: cold start)
``"kmeans_init"``       :class:`KMeansInit` (no model needed: cold start)
``"kcenter_init"``      alias of ``"coreset"`` (k-center greedy, no model needed)
======================  ====================================================

Committee, density and error-reduction strategies (they need a fitted model):

==============================  ===================================================
name                            strategy
==============================  ===================================================
``"query_by_committee"``        :class:`QueryByCommittee` (bagged committee, vote entropy)
``"vote_entropy"``              alias of ``"query_by_committee"``
``"consensus_entropy"``         :class:`QueryByCommittee` ``(disagreement="consensus_entropy")``
``"kl_divergence"``             :class:`QueryByCommittee` ``(disagreement="kl_divergence")``
``"information_density"``       :class:`DensityWeighted` (margin x cosine density)
``"expected_error_reduction"``  :class:`ExpectedErrorReduction` (log loss)
==============================  ===================================================

Batch (diversity) strategies, which choose a whole batch jointly:

=========================  ====================================================
name                       strategy
=========================  ====================================================
``"coreset"``              :class:`CoreSet` (k-center greedy; also a cold start)
``"ranked_batch"``         :class:`RankedBatch` (uncertainty vs. similarity)
``"cluster_margin"``       :class:`ClusterMargin` (low margin, round-robin clusters)
``"badge"``                :class:`BADGE` (k-means++ on gradient embeddings)
``"falcun"``               :class:`FALCUN` (uncertainty + diversity of probabilities)
``"uncertainty_herding"``  :class:`UncertaintyHerding` (uncertainty-weighted coverage)
=========================  ====================================================

Regression strategies (for :class:`~skactive.ActiveLearningRegressor`;
``available_strategies(task="regression")``; ``"random"`` serves both tasks):

==========================  ========================================================
name                        strategy
==========================  ========================================================
``"std"``                   :class:`PredictiveStd` (largest predictive std; default)
``"regression_committee"``  :class:`RegressionCommittee` (variance of bootstrap members)
``"emcm"``                  :class:`ExpectedModelChange` (EMCM, linear models)
``"gsx"``                   :class:`GreedySampling` ``(space="x")`` (no model needed)
``"gsy"``                   :class:`GreedySampling` ``(space="y")``
``"igs"``                   :class:`GreedySampling` ``(space="xy")``
``"std_diverse"``           :class:`PredictiveStd` ``(diversity=0.5)`` (diverse batches)
==========================  ========================================================

Learning which strategy to follow while labeling:

============================  ====================================================
name                          strategy
============================  ====================================================
``"auto"``                    :class:`UncertaintyHerding` (covers the pool while the
                              model is unsure everywhere, its uncertain regions later)
``"bandit"``                  :class:`StrategyBandit` (ALBL: EXP4.P over strategies,
                              IWACC reward)
``"explore_then_exploit"``    :class:`ExploreThenExploit` (TypiClust while the model
                              gets typical rows wrong, then Falcun)
============================  ====================================================

:class:`SplitBatch` shares each batch between strategies you give it (it has no name).
"""

from ._auto import ExploreThenExploit
from ._badge import BADGE, FALCUN, Falcun
from ._bandit import StrategyBandit
from ._base import QueryStrategy, ScoreFunction, top_n
from ._cold_start import KMeansInit, TypiClust
from ._committee import QueryByCommittee, committee_disagreement
from ._density import DensityWeighted
from ._diversity import ClusterMargin, CoreSet, RankedBatch
from ._error_reduction import ExpectedErrorReduction
from ._greedy import GreedySampling
from ._herding import UncertaintyHerding
from ._random import RandomSampling
from ._regression import (
    ExpectedModelChange,
    PredictiveStd,
    RegressionCommittee,
    predictive_std,
)
from ._split import SplitBatch
from ._uncertainty import UncertaintySampling, uncertainty_scores

#: Alias of :class:`CoreSet` (greedy k-center; it was a separate copy of the algorithm).
KCenterInit = CoreSet

__all__ = [
    "BADGE",
    "ClusterMargin",
    "CoreSet",
    "DensityWeighted",
    "ExploreThenExploit",
    "ExpectedErrorReduction",
    "ExpectedModelChange",
    "FALCUN",
    "Falcun",
    "GreedySampling",
    "KCenterInit",
    "KMeansInit",
    "QueryByCommittee",
    "PredictiveStd",
    "QueryStrategy",
    "RandomSampling",
    "RankedBatch",
    "RegressionCommittee",
    "ScoreFunction",
    "SplitBatch",
    "StrategyBandit",
    "TypiClust",
    "UncertaintyHerding",
    "UncertaintySampling",
    "available_strategies",
    "committee_disagreement",
    "get_strategy",
    "predictive_std",
    "top_n",
    "uncertainty_scores",
]

# name -> (class, keyword arguments)
_REGISTRY = {
    "random": (RandomSampling, {}),
    "least_confident": (UncertaintySampling, {"measure": "least_confident"}),
    "margin": (UncertaintySampling, {"measure": "margin"}),
    "entropy": (UncertaintySampling, {"measure": "entropy"}),
    "query_by_committee": (QueryByCommittee, {}),
    "consensus_entropy": (QueryByCommittee, {"disagreement": "consensus_entropy"}),
    "kl_divergence": (QueryByCommittee, {"disagreement": "kl_divergence"}),
    "information_density": (DensityWeighted, {}),
    "expected_error_reduction": (ExpectedErrorReduction, {}),
    "typiclust": (TypiClust, {}),
    "kmeans_init": (KMeansInit, {}),
    "coreset": (CoreSet, {}),
    "ranked_batch": (RankedBatch, {}),
    "cluster_margin": (ClusterMargin, {}),
    "badge": (BADGE, {}),
    "falcun": (FALCUN, {}),
    "uncertainty_herding": (UncertaintyHerding, {}),
    "bandit": (StrategyBandit, {}),
    "explore_then_exploit": (ExploreThenExploit, {}),
    # The strongest strategy of benchmarks/label_efficiency.py (README "Query strategies").
    "auto": (UncertaintyHerding, {}),
}

# Regression strategies: name -> (class, keyword arguments); "random" serves both tasks.
_REGRESSION = {
    "std": (PredictiveStd, {}),
    "std_diverse": (PredictiveStd, {"diversity": 0.5}),
    "regression_committee": (RegressionCommittee, {}),
    "emcm": (ExpectedModelChange, {}),
    "gsx": (GreedySampling, {"space": "x"}),
    "gsy": (GreedySampling, {"space": "y"}),
    "igs": (GreedySampling, {"space": "xy"}),
}
_CLASSIFICATION_NAMES = frozenset(_REGISTRY)
_REGRESSION_NAMES = frozenset(["random", *_REGRESSION])
_REGISTRY.update(_REGRESSION)

# alias -> the registry name it builds (documented above)
_ALIASES = {"kcenter_init": "coreset", "vote_entropy": "query_by_committee"}


def available_strategies(task="classification"):
    """Names accepted by ``get_strategy`` and ``query_strategy=``, sorted.

    Parameters
    ----------
    task : {"classification", "regression"} or None, default="classification"
        The names for :class:`~skactive.ActiveLearningClassifier`, for
        :class:`~skactive.ActiveLearningRegressor`, or (``None``) every name.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> from skactive.strategies import available_strategies
    >>> "margin" in available_strategies()
    True
    >>> available_strategies("regression")
    ['emcm', 'gsx', 'gsy', 'igs', 'random', 'regression_committee', 'std', 'std_diverse']
    """
    if task == "regression":
        return sorted(_REGRESSION_NAMES)
    if task == "classification":
        return sorted([*_CLASSIFICATION_NAMES, *_ALIASES])
    if task is None:
        return sorted([*_REGISTRY, *_ALIASES])
    raise ValueError(
        "The 'task' parameter of available_strategies must be 'classification', "
        f"'regression' or None. Got {task!r} instead."
    )


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
        strategy = _ALIASES.get(strategy, strategy)
        if strategy not in _REGISTRY:
            raise ValueError(
                f"The {param!r} parameter must be one of {available_strategies(None)}, a "
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
        f"The {param!r} parameter must be one of {available_strategies(None)}, a QueryStrategy "
        f"or a callable f(estimator, X_pool) -> scores. Got {strategy!r} instead."
    )
