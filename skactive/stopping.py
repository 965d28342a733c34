"""Stopping criteria: end the active-learning loop before the budget is spent.

A criterion is passed as ``ActiveLearningClassifier(stopping_criterion=...)``. After
each refit the classifier calls ``should_stop(estimator, X, candidates=..., history=...)``;
a true result ends the loop with ``termination_condition_ == "stopping_criterion"``, and
the reason (the returned string, or the criterion's class name) is stored under
``"stop_reason"`` in the last entry of ``history_``.

Criteria are cloned at the start of every ``fit`` so state kept between rounds (such as
the previous model's predictions) never leaks from one fit to the next.
"""

from sklearn.base import BaseEstimator, clone

__all__ = ["StoppingCriterion", "check_stopping_criterion"]


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
