"""Declarative parameter validation: one ``_parameter_constraints`` dict per class.

The idea of scikit-learn's (private) ``sklearn.utils._param_validation``, kept small and
private here as imbalanced-learn does. A class declares, for each ``__init__`` parameter,
a list of accepted constraints; :func:`validate_params` checks ``get_params(deep=False)``
against it and raises one ``ValueError`` format for every class::

    The 'alpha' parameter of RankedBatch must be a float in the range [0, 1] or a str
    among {'auto'}. Got 1.5 instead.

Constraints:

- ``Interval(numbers.Integral | numbers.Real, left, right, closed=...)``: a number in a
  range. ``None`` bounds are unbounded but finite; infinity is accepted only when a bound
  is ``math.inf`` and closed on that side. Booleans are never numbers; numpy scalars
  (``np.int64``, ``np.float32``) are; NaN never is.
- ``StrOptions({"a", "b"})``: one of these strings.
- ``None``: the value ``None``.
- ``"boolean"``: ``bool`` or ``numpy.bool_``.
- ``"random_state"``: what ``sklearn.utils.check_random_state`` accepts (None, an int,
  a ``RandomState``).
- ``callable``: any callable.
- a type (``list``, ``QueryStrategy``...): an instance of it.
- any object with ``is_satisfied_by(value)`` and a ``__str__`` describing it.
- ``"no_validation"``: anything (the class checks it itself).
"""

import math
import numbers

import numpy as np

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "validate_parameter",
    "validate_params",
]


class Interval:
    """Numbers of ``type`` between ``left`` and ``right`` (``None``: unbounded)."""

    def __init__(self, type, left, right, *, closed):
        if type not in (numbers.Integral, numbers.Real):
            raise ValueError("Interval type must be numbers.Integral or numbers.Real.")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"Unknown closed={closed!r}.")
        self.type, self.left, self.right, self.closed = type, left, right, closed

    def is_satisfied_by(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.type):
            return False
        if math.isnan(value):
            return False
        if math.isinf(value) and not self._bound_allows(value):
            return False
        left_ok = self.left is None or (
            value >= self.left if self.closed in ("left", "both") else value > self.left)
        right_ok = self.right is None or (
            value <= self.right if self.closed in ("right", "both") else value < self.right)
        return left_ok and right_ok

    def _bound_allows(self, value):
        bound = self.right if value > 0 else self.left
        return bound is not None and math.isinf(bound)

    def __str__(self):
        kind = "an int" if self.type is numbers.Integral else "a float"
        left = "-inf" if self.left is None else _number(self.left)
        right = "inf" if self.right is None else _number(self.right)
        opening = "[" if self.closed in ("left", "both") and self.left is not None else "("
        closing = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{kind} in the range {opening}{left}, {right}{closing}"


class StrOptions:
    """One string among ``options``."""

    def __init__(self, options):
        self.options = set(options)

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return "a str among {" + ", ".join(repr(o) for o in sorted(self.options)) + "}"


class HasMethods:
    """An object with every one of ``methods``."""

    def __init__(self, methods):
        self.methods = [methods] if isinstance(methods, str) else list(methods)

    def is_satisfied_by(self, value):
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        return "an object implementing " + " and ".join(repr(m) for m in self.methods)


def _number(x):
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return str(int(x)) if float(x).is_integer() else str(x)


def _satisfies(constraint, value):
    if constraint is None:
        return value is None
    if isinstance(constraint, str):
        if constraint == "boolean":
            return isinstance(value, (bool, np.bool_))
        if constraint == "random_state":
            return value is None or isinstance(value, np.random.RandomState) or (
                isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)))
        raise ValueError(f"Unknown constraint {constraint!r}.")
    if constraint is callable:
        return callable(value)
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    return constraint.is_satisfied_by(value)


def _describe(constraint):
    if constraint is None:
        return "None"
    if constraint == "boolean":
        return "a bool"
    if constraint == "random_state":
        return "an int, a numpy RandomState or None"
    if constraint is callable:
        return "a callable"
    if isinstance(constraint, type):
        return f"an instance of {constraint.__name__!r}"
    return str(constraint)


def validate_parameter(name, value, constraints, owner):
    """Raise a ValueError unless ``value`` satisfies one of ``constraints``.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : object
        The value received.
    constraints : list or "no_validation"
        Accepted constraints (see the module docstring).
    owner : str
        The class (or function) name, for the message.
    """
    if isinstance(constraints, str) and constraints == "no_validation":
        return
    if any(_satisfies(c, value) for c in constraints):
        return
    described = [_describe(c) for c in constraints]
    allowed = described[0] if len(described) == 1 else (
        ", ".join(described[:-1]) + " or " + described[-1])
    raise ValueError(
        f"The {name!r} parameter of {owner} must be {allowed}. Got {value!r} instead."
    )


def validate_params(obj):
    """Check ``obj.get_params(deep=False)`` against ``type(obj)._parameter_constraints``.

    Parameters not listed in the constraints are not checked.
    """
    constraints = getattr(type(obj), "_parameter_constraints", {})
    owner = type(obj).__name__
    # Read the declared parameters directly: get_params inspects __init__'s signature on
    # every call, and strategies validate once per round.
    for name, allowed in constraints.items():
        if hasattr(obj, name):
            validate_parameter(name, getattr(obj, name), allowed, owner)
