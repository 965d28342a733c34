import math
import numbers

import numpy as np
import pytest
from sklearn.base import BaseEstimator

from skactive.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter,
    validate_params,
)


class Toy(BaseEstimator):
    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "k": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "big": [Interval(numbers.Real, 0, math.inf, closed="both")],
        "flag": ["boolean"],
        "random_state": ["random_state"],
        "func": [callable, None],
        "free": "no_validation",
    }

    def __init__(self, alpha="auto", k=None, rate=1.0, big=1.0, flag=False, random_state=None,
                 func=None, free=None):
        self.alpha, self.k, self.rate, self.big = alpha, k, rate, big
        self.flag, self.random_state, self.func, self.free = flag, random_state, func, free


def test_message_names_parameter_class_allowed_values_and_value():
    with pytest.raises(ValueError) as info:
        validate_params(Toy(alpha=1.5))
    assert str(info.value) == (
        "The 'alpha' parameter of Toy must be a float in the range [0, 1] or a str among "
        "{'auto'}. Got 1.5 instead."
    )
    with pytest.raises(ValueError, match=r"'k' parameter of Toy must be an int in the range "
                                         r"\[1, inf\) or None. Got 0 instead"):
        validate_params(Toy(k=0))


@pytest.mark.parametrize("params", [
    {"alpha": 0.5}, {"alpha": np.float32(0.5)}, {"alpha": np.int64(1)}, {"alpha": 0},
    {"k": np.int32(3)}, {"k": 7}, {"rate": np.float64(1e9)}, {"big": math.inf},
    {"flag": True}, {"flag": np.bool_(False)}, {"random_state": np.random.RandomState(0)},
    {"random_state": np.int64(3)}, {"func": len}, {"free": object()},
])
def test_valid_values_pass(params):
    validate_params(Toy(**params))


@pytest.mark.parametrize("params", [
    {"alpha": True}, {"alpha": "half"}, {"alpha": math.nan}, {"alpha": -0.1},
    {"k": True}, {"k": 2.0}, {"k": np.float32(2)}, {"rate": 0.0}, {"rate": math.inf},
    {"big": math.nan}, {"flag": 1}, {"flag": "yes"}, {"random_state": True},
    {"random_state": 1.5}, {"func": 3},
])
def test_invalid_values_raise(params):
    with pytest.raises(ValueError, match=repr(next(iter(params)))):
        validate_params(Toy(**params))


def test_open_and_half_open_intervals_in_the_message():
    interval = Interval(numbers.Real, 0, 1, closed="right")
    assert str(interval) == "a float in the range (0, 1]"
    assert not interval.is_satisfied_by(0) and interval.is_satisfied_by(1)
    assert str(Interval(numbers.Integral, None, 3, closed="neither")) == (
        "an int in the range (-inf, 3)")


def test_types_and_methods():
    validate_parameter("x", [1], [list], "f")
    with pytest.raises(ValueError, match="an instance of 'list' or an object implementing "
                                         "'fit'. Got 3 instead"):
        validate_parameter("x", 3, [list, HasMethods("fit")], "f")
