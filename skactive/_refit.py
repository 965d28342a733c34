"""How the model is (re)fitted after each round, and the wrapped estimator's defaults."""

import copy
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

from .utils._indexing import index_params, take_rows

__all__ = ["REFIT_MODES", "check_refit", "default_estimator", "estimator_has", "fit_round"]

REFIT_MODES = ("full", "warm_start", "partial_fit")


def default_estimator():
    """The model used when ``estimator=None``."""
    return LogisticRegression(max_iter=1000)


def estimator_has(attr):
    """For ``available_if``: the fitted estimator, else the unfitted one, has ``attr``."""

    def check(self):
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, attr)
        else:
            getattr(self.estimator if self.estimator is not None else default_estimator(), attr)
        return True

    return check


def check_refit(refit, estimator, owner):
    """Raise a ValueError unless ``estimator`` supports the ``refit`` mode."""
    if refit not in REFIT_MODES:
        raise ValueError(
            f"The 'refit' parameter of {owner} must be one of {', '.join(map(repr, REFIT_MODES))}. "
            f"Got {refit!r} instead."
        )
    if refit == "warm_start" and "warm_start" not in estimator.get_params():
        raise ValueError(
            f"refit='warm_start' needs an estimator with a 'warm_start' parameter; "
            f"{type(estimator).__name__} has none. Use refit='full'."
        )
    if refit == "partial_fit" and not hasattr(estimator, "partial_fit"):
        raise ValueError(
            f"refit='partial_fit' needs an estimator with partial_fit; "
            f"{type(estimator).__name__} has none. Use refit='full'."
        )


def fit_round(refit, prototype, pool, fit_params, *, previous=None, new=None):
    """The model after this round's answers, or None while fewer than two classes exist.

    Always a new object, so the previous round's model stays as it was for the staged
    API. ``refit`` is one of :data:`REFIT_MODES` (see ``ActiveLearningClassifier``);
    ``prototype`` is an unfitted clone of the estimator, ``previous`` the last round's
    model and ``new`` the positions labeled in this round.

    Returns
    -------
    model : fitted estimator or None
    seconds : float
        Wall time of the fit.
    """
    if len(pool.classes) < 2:
        return None, 0.0
    tic = time.perf_counter()
    n_samples = pool.labeled_iter.shape[0]
    same_classes = previous is not None and len(previous.classes_) == len(pool.classes)
    if refit == "partial_fit" and same_classes:
        model = copy.deepcopy(previous)
        params = index_params(fit_params, n_samples, new) if fit_params else {}
        model.partial_fit(take_rows(pool.X, new), pool.y_labeled[new], **params)
        return model, time.perf_counter() - tic
    X_labeled, y_labeled = pool.labeled_data()
    params = index_params(fit_params, n_samples, pool.labeled_positions) if fit_params else {}
    if refit == "partial_fit":
        # partial_fit fixes the classes on its first call: a new class means a new model.
        model = copy.deepcopy(prototype)
        model.partial_fit(X_labeled, y_labeled, classes=np.unique(y_labeled), **params)
    elif refit == "warm_start" and same_classes:
        model = copy.deepcopy(previous).set_params(warm_start=True)
        model.fit(X_labeled, y_labeled, **params)
    else:
        # Deep copies of one unfitted clone are clones too, at a fraction of clone's cost.
        model = copy.deepcopy(prototype).fit(X_labeled, y_labeled, **params)
    return model, time.perf_counter() - tic
