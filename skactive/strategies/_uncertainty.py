"""Uncertainty sampling: least confident, margin and entropy."""

import numpy as np
from scipy.special import softmax, xlogy

from ._base import QueryStrategy

__all__ = ["UncertaintySampling", "uncertainty_scores"]

MEASURES = ("least_confident", "margin", "entropy")

# Up to this many classes, column-wise reductions beat row-wise ones on the C-ordered
# probability arrays that scikit-learn returns (``proba.max(axis=1)`` is ~30x slower).
_COLUMNWISE_MAX_CLASSES = 16


def _row_max(values):
    """Largest value of each row of a 2D array."""
    if values.shape[1] <= _COLUMNWISE_MAX_CLASSES:
        first = values[:, 0].copy()
        for j in range(1, values.shape[1]):
            np.maximum(first, values[:, j], out=first)
        return first
    return values.max(axis=1)


def _top2(values):
    """Largest and second-largest value of each row of a 2D array."""
    n_cols = values.shape[1]
    if n_cols == 1:
        return values[:, 0].copy(), np.zeros(values.shape[0])
    if n_cols <= _COLUMNWISE_MAX_CLASSES:
        a, b = values[:, 0], values[:, 1]
        first, second = np.maximum(a, b), np.minimum(a, b)
        for j in range(2, n_cols):
            col = values[:, j]
            second = np.maximum(second, np.minimum(first, col))
            first = np.maximum(first, col)
        return first, second
    part = np.partition(values, n_cols - 2, axis=1)
    return part[:, -1], part[:, -2]


def uncertainty_scores(proba, measure):
    """Uncertainty of each row of a probability table (higher = more uncertain).

    Parameters
    ----------
    proba : ndarray of shape (n_rows, n_classes)
        Predicted class probabilities.
    measure : {"least_confident", "margin", "entropy"}
        ``least_confident``: ``1 - max_k p_k``; ``margin``: ``-(p_(1) - p_(2))``, minus
        the gap between the two most likely classes; ``entropy``: ``-sum_k p_k log p_k``.

    Returns
    -------
    scores : ndarray of shape (n_rows,)
    """
    proba = np.asarray(proba, dtype=np.float64)
    if measure == "entropy":
        # Row sums by a matrix-vector product: fast whatever the memory order.
        return -(xlogy(proba, proba) @ np.ones(proba.shape[1]))
    if measure == "least_confident":
        return 1.0 - _row_max(proba)
    first, second = _top2(proba)
    if measure == "margin":
        return second - first
    raise ValueError(f"measure must be one of {MEASURES}; got {measure!r}.")


class UncertaintySampling(QueryStrategy):
    """Query the rows the current model is least sure about.

    Parameters
    ----------
    measure : {"margin", "least_confident", "entropy"}, default="margin"
        How uncertainty is measured from ``predict_proba``:

        - ``"least_confident"``: ``1 - max_k p(k|x)`` (Lewis & Gale 1994);
        - ``"margin"``: minus the gap between the two most probable classes
          (Scheffer et al. 2001); identical in ranking to least-confident for two
          classes, and usually better with more;
        - ``"entropy"``: Shannon entropy of ``p(.|x)`` (Shannon 1948; Settles 2009).

        For estimators without ``predict_proba`` the same measures are taken on
        ``decision_function``: ``-|f(x)|`` for binary problems, and for multiclass the
        largest value, the gap between the two largest, or the entropy of their softmax.
    random_state : int, RandomState or None, default=None
        Breaks ties between equally uncertain rows. ``None`` uses the generator of the
        calling ``ActiveLearningClassifier``.

    References
    ----------
    Lewis, D. D. & Gale, W. A. (1994). A sequential algorithm for training text
    classifiers. SIGIR.

    Scheffer, T., Decomain, C. & Wrobel, S. (2001). Active hidden Markov models for
    information extraction. IDA.

    Settles, B. (2009). Active learning literature survey. University of
    Wisconsin-Madison, Computer Sciences Technical Report 1648.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import UncertaintySampling
    >>> X = np.array([[-3.0], [-0.1], [0.2], [3.0]])
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> indices, scores = UncertaintySampling("margin").select(model, X, 2)
    >>> sorted(indices.tolist())
    [1, 2]
    """

    def __init__(self, measure="margin", random_state=None):
        self.measure = measure
        self.random_state = random_state

    def score(self, estimator, X_pool):
        if self.measure not in MEASURES:
            raise ValueError(
                f"The 'measure' parameter of UncertaintySampling must be one of {MEASURES}. "
                f"Got {self.measure!r} instead."
            )
        if hasattr(estimator, "predict_proba"):
            return uncertainty_scores(estimator.predict_proba(X_pool), self.measure)
        decision = np.asarray(estimator.decision_function(X_pool), dtype=np.float64)
        if decision.ndim == 1:
            return -np.abs(decision)
        if self.measure == "entropy":
            return uncertainty_scores(softmax(decision, axis=1), "entropy")
        first, second = _top2(decision)
        return -first if self.measure == "least_confident" else second - first
