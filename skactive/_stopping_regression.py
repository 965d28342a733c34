"""A stopping criterion for regression: predictions that no longer change.

Imported by :mod:`skactive.stopping` at its end (it builds on that module's base class
and stop-set sampling), and exported from there.
"""

import numbers

import numpy as np

from .stopping import StabilizingPredictions
from .utils._param_validation import Interval

__all__ = ["StabilizingRegression"]

class StabilizingRegression(StabilizingPredictions):
    """Stop once successive regression models predict a stop set (almost) identically.

    The regression counterpart of :class:`StabilizingPredictions`: at its first call
    the criterion takes a stop set of ``stop_set_size`` pool rows; after each refit it
    measures the change of the predictions on it relative to their spread,
    ``mean |f_t(x) - f_{t-1}(x)| / std(f_t(x))``, and stops when each of the last
    ``window`` changes is at most ``threshold``. One ``predict`` on the stop set per
    round, whatever the pool size.

    Parameters
    ----------
    stop_set_size : int, default=1000
        Rows in the stop set (the whole pool if it is smaller).
    window : int, default=3
        Number of successive small changes needed.
    threshold : float >= 0, default=0.02
        The largest relative change that counts as stable.
    random_state : int, RandomState or None, default=None
        Draws the stop set. ``None`` takes evenly spaced pool rows (deterministic).

    Attributes
    ----------
    stop_set_ : ndarray of int
        Positions in ``X`` of the stop set (set at the first call).
    changes_ : list of float
        Relative change between each pair of successive models.

    References
    ----------
    Bloodgood, M. & Vijay-Shanker, K. (2009). A method for stopping active learning
    based on stabilizing predictions and the need for user-adjustable stopping. CoNLL.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skactive.stopping import StabilizingRegression
    >>> X, pool = np.arange(20.0).reshape(-1, 1), np.ones(20, dtype=bool)
    >>> model = LinearRegression().fit(X[:3], [0.0, 1.0, 2.0])
    >>> crit = StabilizingRegression(window=2)
    >>> [bool(crit.should_stop(model, X, candidates=pool, history=[])) for _ in range(3)]
    [False, False, True]
    """

    _parameter_constraints = {
        **StabilizingPredictions._parameter_constraints,
        "threshold": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(self, stop_set_size=1000, window=3, threshold=0.02, random_state=None):
        super().__init__(stop_set_size=stop_set_size, window=window, threshold=threshold,
                         random_state=random_state)

    def should_stop(self, estimator, X, *, candidates, history):
        """Whether the last ``window`` relative changes are all at most ``threshold``.

        Parameters
        ----------
        estimator : fitted regressor
        X : {array-like, sparse matrix, DataFrame}
        candidates : ndarray of bool of shape (n_samples,)
        history : list of dict

        Returns
        -------
        stop : bool or str
        """
        self._validate_params()
        if not hasattr(self, "changes_"):
            self.changes_ = []
        previous, predictions = self._stop_set_predictions(estimator, X, candidates)
        if predictions is None:
            return False
        if previous is not None:
            predictions = predictions.astype(np.float64)
            spread = predictions.std()
            change = np.mean(np.abs(predictions - previous))
            self.changes_.append(float(change / spread) if spread > 0 else float(change > 0))
        recent = self.changes_[-self.window:]
        if len(recent) == self.window and max(recent) <= self.threshold:
            return (f"stabilizing regression: relative change of the predictions <= "
                    f"{self.threshold} in the last {self.window} rounds")
        return False
