"""Uncertainty sampling: least confident, margin and entropy."""

import numpy as np
from scipy.special import softmax

from ..utils._param_validation import StrOptions
from ._base import QueryStrategy
from ._common import MEASURES, top2, uncertainty_scores

__all__ = ["UncertaintySampling", "uncertainty_scores"]

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

    _parameter_constraints = {
        "measure": [StrOptions(MEASURES)],
        "random_state": ["random_state"],
    }

    def __init__(self, measure="margin", random_state=None):
        self.measure = measure
        self.random_state = random_state

    def score(self, estimator, X_pool):
        if hasattr(estimator, "predict_proba"):
            return uncertainty_scores(estimator.predict_proba(X_pool), self.measure)
        decision = np.asarray(estimator.decision_function(X_pool), dtype=np.float64)
        if decision.ndim == 1:
            return -np.abs(decision)
        if self.measure == "entropy":
            return uncertainty_scores(softmax(decision, axis=1), "entropy")
        first, second = top2(decision)
        return -first if self.measure == "least_confident" else second - first
