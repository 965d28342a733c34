"""Every strategy and stopping criterion validates its parameters the same way."""

import inspect

import numpy as np
import pytest

import skactive.stopping as stopping
import skactive.strategies as strategies
from skactive.strategies import QueryStrategy, get_strategy

STRATEGY_CLASSES = sorted(
    {cls for _, cls in inspect.getmembers(strategies, inspect.isclass)
     if issubclass(cls, QueryStrategy) and cls is not QueryStrategy},
    key=lambda c: c.__name__,
)
CRITERIA = [stopping.StabilizingPredictions, stopping.MaxUncertainty,
            stopping.OverallUncertainty, stopping.ConfidenceThreshold,
            stopping.StabilizingRegression]


@pytest.mark.parametrize("cls", STRATEGY_CLASSES + CRITERIA, ids=lambda c: c.__name__)
def test_every_parameter_is_declared(cls):
    params = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert set(cls._parameter_constraints) == params


@pytest.mark.parametrize("name", strategies.available_strategies(task=None))
def test_registry_defaults_are_valid(name):
    get_strategy(name)._validate_params()


@pytest.mark.parametrize("obj, param, bad", [
    (strategies.StrategyBandit(), "exploration", True),
    (strategies.StrategyBandit(), "learning_rate", np.inf),
    (strategies.StrategyBandit(), "discount", False),
    (strategies.StrategyBandit(), "split_batch", 1),
    (strategies.RankedBatch(), "alpha", True),
    (strategies.ClusterMargin(), "n_clusters", 3.0),
    (strategies.TypiClust(), "k_neighbors", True),
    (strategies.DensityWeighted(), "beta", np.inf),
    (strategies.FALCUN(), "gamma", np.nan),
    (strategies.UncertaintySampling(), "random_state", 0.5),
    (stopping.ConfidenceThreshold(), "threshold", True),
    (stopping.OverallUncertainty(), "max_rows", 0),
    (stopping.StabilizingRegression(), "threshold", -0.1),
    (strategies.GreedySampling(), "space", "z"),
    (strategies.ExpectedModelChange(), "n_members", True),
    (strategies.PredictiveStd(), "diversity", np.nan),
])
def test_one_message_format_and_booleans_are_not_numbers(obj, param, bad):
    obj.set_params(**{param: bad})
    with pytest.raises(ValueError) as info:
        obj._validate_params()
    message = str(info.value)
    assert message.startswith(f"The {param!r} parameter of {type(obj).__name__} must be ")
    assert message.endswith(f"Got {bad!r} instead.")


@pytest.mark.parametrize("obj", [
    strategies.StrategyBandit(exploration=np.float32(0.5), learning_rate=np.float64(2.0),
                              discount=np.float32(1.0), split_batch=np.bool_(True)),
    strategies.RankedBatch(alpha=np.float32(0.25)),
    strategies.ClusterMargin(n_clusters=np.int64(4), margin_pool_factor=np.int32(3)),
    strategies.QueryByCommittee(n_members=np.int64(3), n_jobs=np.int32(1)),
    strategies.ExpectedErrorReduction(n_candidates=np.int16(5), n_eval=np.uint8(9)),
    strategies.UncertaintySampling(random_state=np.int64(3)),
    stopping.StabilizingPredictions(window=np.int64(2), threshold=np.float32(0.9)),
    stopping.ConfidenceThreshold(threshold=np.float16(0.5), max_rows=None),
])
def test_numpy_scalars_are_accepted(obj):
    obj._validate_params()


def test_overall_uncertainty_least_confident_is_confidence_threshold():
    from sklearn.dummy import DummyClassifier

    X = np.zeros((4, 1))
    model = DummyClassifier(strategy="prior").fit(X, [0, 0, 0, 1])  # confidence 0.75
    for t in (0.2, 0.25, 0.3):
        a = stopping.OverallUncertainty(threshold=t, measure="least_confident")
        b = stopping.ConfidenceThreshold(1 - t)
        stops = [bool(c.should_stop(model, X, candidates=None, history=[])) for c in (a, b)]
        assert stops[0] == stops[1]
    assert isinstance(b, stopping.OverallUncertainty)
