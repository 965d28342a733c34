"""Stopping criteria: end the active-learning loop before the budget is spent.

A criterion is passed as ``ActiveLearningClassifier(stopping_criterion=...)``. After
each refit the classifier calls ``should_stop(estimator, X, candidates=..., history=...)``;
a true result ends the loop with ``termination_condition_ == "stopping_criterion"``, and
the reason (the returned string, or the criterion's class name) is stored under
``"stop_reason"`` in the last entry of ``history_``.

Criteria are cloned at the start of every ``fit`` so state kept between rounds (such as
the previous model's predictions) never leaks from one fit to the next.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state

from .strategies._common import (
    MEASURES,
    candidate_positions,
    nonnegative_uncertainty,
    predict_proba_or_softmax,
    row_max,
)
from .utils._indexing import score_in_chunks, take_rows
from .utils._param_validation import Interval, StrOptions, validate_params

__all__ = [
    "ConfidenceThreshold",
    "MaxUncertainty",
    "OverallUncertainty",
    "StabilizingPredictions",
    "StabilizingRegression",
    "StoppingCriterion",
    "check_stopping_criterion",
    "cohen_kappa",
]


class StoppingCriterion(BaseEstimator):
    """Base class for stopping criteria.

    Subclasses implement :meth:`should_stop`; ``__init__`` only stores parameters so
    criteria can be cloned and tuned like estimators.

    Examples
    --------
    >>> from skactive.stopping import StoppingCriterion
    >>> class AfterLabels(StoppingCriterion):
    ...     def __init__(self, n_labels=50):
    ...         self.n_labels = n_labels
    ...     def should_stop(self, estimator, X, *, candidates, history):
    ...         return history[-1]["n_labeled"] >= self.n_labels
    >>> AfterLabels(10).should_stop(None, None, candidates=None, history=[{"n_labeled": 12}])
    True
    """

    _parameter_constraints = {}

    def _validate_params(self):
        """Check the parameters against ``_parameter_constraints`` (ValueError if not)."""
        validate_params(self)

    def should_stop(self, estimator, X, *, candidates, history):
        """Whether the loop should end now.

        Parameters
        ----------
        estimator : fitted classifier
            The model fitted after the latest round.
        X : {array-like, sparse matrix, DataFrame} or list of str
            The whole ``X`` given to ``fit``.
        candidates : ndarray of bool of shape (n_samples,)
            Rows that may still be queried (the pool).
        history : list of dict
            ``history_`` so far.

        Returns
        -------
        stop : bool or str
            A non-empty string is recorded as the reason.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement should_stop.")


class _CallableCriterion:
    """Adapts ``f(estimator, X, candidates, history)`` to the ``should_stop`` protocol."""

    def __init__(self, func):
        self.func = func

    def should_stop(self, estimator, X, *, candidates, history):
        return self.func(estimator, X, candidates, history)


def check_stopping_criterion(criterion):
    """A fresh criterion for one ``fit``: cloned, or wrapped when a plain callable."""
    if criterion is None:
        return None
    if hasattr(criterion, "should_stop"):
        return clone(criterion) if hasattr(criterion, "get_params") else criterion
    if callable(criterion):
        return _CallableCriterion(criterion)
    raise ValueError(
        "The 'stopping_criterion' parameter must be None, a StoppingCriterion or a callable "
        f"f(estimator, X, candidates, history) -> bool. Got {criterion!r} instead."
    )


# ---------------------------------------------------------------------------- criteria
def _pool_sample(X, candidates, max_rows, random_state):
    """Positions of at most ``max_rows`` pool rows (all of them when the pool is small).

    With ``random_state=None`` the rows are evenly spaced over the pool: deterministic
    (so a fit stays reproducible without a seed) and spread over all of it.
    """
    rows = candidate_positions(X, candidates)
    if max_rows is None or rows.shape[0] <= max_rows:
        return rows
    if random_state is None:
        return rows[np.linspace(0, rows.shape[0] - 1, max_rows).astype(np.intp)]
    rng = check_random_state(random_state)
    return np.sort(rng.choice(rows, size=max_rows, replace=False))


_ROWS = [Interval(numbers.Integral, 1, None, closed="left")]


def cohen_kappa(a, b):
    """Cohen's kappa between two label vectors; 1.0 when both predict one same class.

    Examples
    --------
    >>> from skactive.stopping import cohen_kappa
    >>> cohen_kappa([0, 1, 1, 0], [0, 1, 1, 0]), cohen_kappa([0, 1, 1, 0], [1, 0, 0, 1])
    (1.0, -1.0)
    """
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    labels, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    codes_a, codes_b = codes[: a.shape[0]], codes[a.shape[0] :]
    observed = float(np.mean(codes_a == codes_b))
    k = labels.shape[0]
    chance = float(
        np.dot(np.bincount(codes_a, minlength=k), np.bincount(codes_b, minlength=k))
    ) / a.shape[0] ** 2
    if chance >= 1.0:
        return 1.0  # both constant and equal: kappa's 0/0, read as full agreement
    return (observed - chance) / (1.0 - chance)


class StabilizingPredictions(StoppingCriterion):
    """Stop once successive models predict a fixed stop set (almost) identically.

    At its first call the criterion draws a stop set of ``stop_set_size`` pool rows
    (unlabeled rows: they are never labeled for this). After each refit it compares the
    new model's predictions on the stop set with the previous model's through Cohen's
    kappa, and stops when the mean of the last ``window`` kappas is at least
    ``threshold`` (Bloodgood & Vijay-Shanker 2009). One ``predict`` on the stop set per
    round, whatever the pool size.

    Parameters
    ----------
    stop_set_size : int, default=1000
        Rows in the stop set (the whole pool if it is smaller).
    window : int, default=3
        Number of most recent kappas averaged.
    threshold : float, default=0.99
        Stop when their mean reaches this value.
    random_state : int, RandomState or None, default=None
        Draws the stop set. ``None`` takes evenly spaced pool rows (deterministic).

    Attributes
    ----------
    stop_set_ : ndarray of int
        Positions in ``X`` of the stop set (set at the first call).
    kappas_ : list of float
        Kappa between each pair of successive models.

    References
    ----------
    Bloodgood, M. & Vijay-Shanker, K. (2009). A method for stopping active learning
    based on stabilizing predictions and the need for user-adjustable stopping. CoNLL,
    pp. 39-47.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skactive.stopping import StabilizingPredictions
    >>> X, pool = np.zeros((20, 1)), np.ones(20, dtype=bool)
    >>> model = DummyClassifier(strategy="constant", constant=1).fit(X[:2], [0, 1])
    >>> crit = StabilizingPredictions(window=2)
    >>> [bool(crit.should_stop(model, X, candidates=pool, history=[])) for _ in range(3)]
    [False, False, True]
    """

    _parameter_constraints = {
        "stop_set_size": _ROWS,
        "window": _ROWS,
        "threshold": [Interval(numbers.Real, -1, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(self, stop_set_size=1000, window=3, threshold=0.99, random_state=None):
        self.stop_set_size = stop_set_size
        self.window = window
        self.threshold = threshold
        self.random_state = random_state

    def _stop_set_predictions(self, estimator, X, candidates):
        """The previous and the new predictions on the stop set (drawn at the first call).

        ``(None, None)`` for an empty stop set; ``previous`` is None at the first call.
        """
        if not hasattr(self, "stop_set_"):
            self.stop_set_ = _pool_sample(X, candidates, self.stop_set_size, self.random_state)
            self._previous = None
        if self.stop_set_.shape[0] == 0:
            return None, None
        predictions = np.asarray(estimator.predict(take_rows(X, self.stop_set_)))
        previous, self._previous = self._previous, predictions
        return previous, predictions

    def should_stop(self, estimator, X, *, candidates, history):
        self._validate_params()
        if not hasattr(self, "kappas_"):
            self.kappas_ = []
        previous, predictions = self._stop_set_predictions(estimator, X, candidates)
        if predictions is None:
            return False
        if previous is not None:
            self.kappas_.append(cohen_kappa(previous, predictions))
        if len(self.kappas_) < self.window:
            return False
        mean = float(np.mean(self.kappas_[-self.window :]))
        if mean >= self.threshold:
            return (
                f"stabilizing predictions: mean Cohen's kappa {mean:.4f} over the last "
                f"{self.window} rounds >= {self.threshold}"
            )
        return False


class MaxUncertainty(StoppingCriterion):
    """Stop when even the most uncertain pool row is nearly certain.

    The max-confidence criterion of Zhu, Wang & Hovy (2008a): uncertainty sampling
    would query the most uncertain row next; once its uncertainty is at most
    ``threshold``, further labels are unlikely to change the model. Scores the whole
    pool (in chunks) each round: the cost of one uncertainty-sampling query.

    Parameters
    ----------
    threshold : float, default=0.1
        Stop when the largest uncertainty in the pool is at most this.
    measure : {"entropy", "margin", "least_confident"}, default="entropy"
        ``entropy``: ``-sum_k p_k log p_k`` in nats (as in the paper); ``margin``:
        ``1 - (p1 - p2)``; ``least_confident``: ``1 - max_k p_k``. Estimators without
        ``predict_proba`` use the softmax of ``decision_function``.

    References
    ----------
    Zhu, J., Wang, H. & Hovy, E. (2008a). Learning a stopping criterion for active
    learning for word sense disambiguation and text classification. IJCNLP, pp. 366-372.

    Zhu, J., Wang, H. & Hovy, E. (2008b). Multi-criteria-based strategy to stop active
    learning for data annotation. COLING, pp. 1129-1136.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skactive.stopping import MaxUncertainty
    >>> X = np.zeros((4, 1))
    >>> model = DummyClassifier(strategy="prior").fit(X, [0, 0, 0, 1])  # p = (.75, .25)
    >>> MaxUncertainty(threshold=0.6).should_stop(model, X, candidates=None, history=[])
    'max uncertainty (entropy) in the pool 0.5623 <= 0.6'
    >>> MaxUncertainty(threshold=0.5).should_stop(model, X, candidates=None, history=[])
    False
    """

    _parameter_constraints = {
        "threshold": [Interval(numbers.Real, 0, None, closed="left")],
        "measure": [StrOptions(MEASURES)],
    }

    def __init__(self, threshold=0.1, measure="entropy"):
        self.threshold = threshold
        self.measure = measure

    def should_stop(self, estimator, X, *, candidates, history):
        self._validate_params()
        if candidates is not None and not np.any(candidates):
            return False
        scores = score_in_chunks(lambda est, X_rows: nonnegative_uncertainty(
            predict_proba_or_softmax(est, X_rows), self.measure), estimator, X, candidates)
        worst = float(scores.max())
        if worst <= self.threshold:
            return f"max uncertainty ({self.measure}) in the pool {worst:.4f} <= {self.threshold}"
        return False


class OverallUncertainty(StoppingCriterion):
    """Stop when the mean uncertainty over the pool is small.

    The overall-uncertainty criterion of Zhu, Wang & Hovy (2008b): once the model is,
    on average, sure about the unlabeled rows, labeling more of them teaches it little.
    Large pools are subsampled to ``max_rows`` rows.

    Parameters
    ----------
    threshold : float, default=0.05
        Stop when the mean uncertainty is at most this (units of ``measure``).
    measure : {"entropy", "margin", "least_confident"}, default="entropy"
        As in :class:`MaxUncertainty`. ``measure="least_confident"`` with threshold
        ``t`` is :class:`ConfidenceThreshold` with threshold ``1 - t`` (the two share
        one implementation; prefer :class:`ConfidenceThreshold` for that case).
    max_rows : int or None, default=10000
        Pool rows averaged over (``None``: all).
    random_state : int, RandomState or None, default=None
        Draws the subsample. ``None`` takes evenly spaced pool rows (deterministic).

    References
    ----------
    Zhu, J., Wang, H. & Hovy, E. (2008b). Multi-criteria-based strategy to stop active
    learning for data annotation. COLING, pp. 1129-1136.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.stopping import OverallUncertainty
    >>> X = np.array([[-5.0], [-0.1], [0.1], [5.0]])
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> OverallUncertainty(threshold=0.05).should_stop(model, X, candidates=None, history=[])
    False
    """

    _parameter_constraints = {
        "threshold": [Interval(numbers.Real, 0, None, closed="left")],
        "measure": [StrOptions(MEASURES)],
        "max_rows": [*_ROWS, None],
        "random_state": ["random_state"],
    }

    def __init__(self, threshold=0.05, measure="entropy", max_rows=10_000, random_state=None):
        self.threshold = threshold
        self.measure = measure
        self.max_rows = max_rows
        self.random_state = random_state

    def _pool_mean(self, estimator, X, candidates, per_row):
        """Mean of ``per_row(proba)`` over the (subsampled) pool; None for an empty pool."""
        rows = _pool_sample(X, candidates, self.max_rows, self.random_state)
        if rows.shape[0] == 0:
            return None
        return float(np.mean(per_row(predict_proba_or_softmax(estimator, take_rows(X, rows)))))

    def should_stop(self, estimator, X, *, candidates, history):
        self._validate_params()
        mean = self._pool_mean(estimator, X, candidates,
                               lambda proba: nonnegative_uncertainty(proba, self.measure))
        if mean is not None and mean <= self.threshold:
            return (
                f"overall uncertainty ({self.measure}) of the pool {mean:.4f} <= "
                f"{self.threshold}"
            )
        return False


class ConfidenceThreshold(OverallUncertainty):
    """Stop when the model's mean confidence on the pool reaches a threshold.

    Confidence is ``max_k p(k|x)``, averaged over the pool (subsampled to ``max_rows``
    rows). The mean rather than the minimum: a pool almost always holds a few rows on
    the decision boundary, so the minimum stays near ``1 / n_classes`` and would never
    stop the loop, while the mean tracks how settled the model is on the pool as a
    whole (a confidence-based criterion in the spirit of Vlachos 2008). It is
    :class:`OverallUncertainty` with ``measure="least_confident"`` and threshold
    ``1 - threshold``, stated as a confidence.

    Parameters
    ----------
    threshold : float, default=0.9
        Stop when the mean confidence is at least this.
    max_rows : int or None, default=10000
        Pool rows averaged over (``None``: all).
    random_state : int, RandomState or None, default=None
        Draws the subsample. ``None`` takes evenly spaced pool rows (deterministic).

    References
    ----------
    Vlachos, A. (2008). A stopping criterion for active learning. Computer Speech &
    Language, 22(3), pp. 295-312.

    Zhu, J., Wang, H. & Hovy, E. (2008a). Learning a stopping criterion for active
    learning for word sense disambiguation and text classification. IJCNLP, pp. 366-372.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skactive.stopping import ConfidenceThreshold
    >>> X = np.zeros((4, 1))
    >>> model = DummyClassifier(strategy="prior").fit(X, [0, 0, 0, 1])  # p = (.75, .25)
    >>> ConfidenceThreshold(0.7).should_stop(model, X, candidates=None, history=[])
    'mean confidence on the pool 0.7500 >= 0.7'
    """

    _parameter_constraints = {
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "max_rows": [*_ROWS, None],
        "random_state": ["random_state"],
    }

    def __init__(self, threshold=0.9, max_rows=10_000, random_state=None):
        self.threshold = threshold
        self.max_rows = max_rows
        self.random_state = random_state

    def should_stop(self, estimator, X, *, candidates, history):
        self._validate_params()
        mean = self._pool_mean(estimator, X, candidates, row_max)
        if mean is not None and mean >= self.threshold:
            return f"mean confidence on the pool {mean:.4f} >= {self.threshold}"
        return False


from ._stopping_regression import StabilizingRegression  # noqa: E402 (uses _pool_sample)
