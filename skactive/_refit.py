"""How the model is (re)fitted after each round: ``refit="full" | "warm_start" | "partial_fit"``."""

import copy
import time

import numpy as np

from .utils._indexing import index_params, take_rows

__all__ = ["REFIT_MODES", "Refitter", "check_refit"]

REFIT_MODES = ("full", "warm_start", "partial_fit")


def check_refit(refit, estimator, owner):
    """Raise a ValueError unless ``estimator`` supports the ``refit`` mode."""
    if refit not in REFIT_MODES:
        raise ValueError(
            f"The 'refit' parameter of {owner} must be a str among "
            f"{{{', '.join(map(repr, REFIT_MODES))}}}. Got {refit!r} instead."
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


class Refitter:
    """Fits the model of each round from one unfitted prototype.

    Parameters
    ----------
    mode : {"full", "warm_start", "partial_fit"}
    prototype : estimator
        An unfitted clone of the user's estimator; deep copies of it are clones too, at a
        fraction of ``clone``'s cost.
    fit_params : dict
        Passed to ``fit``; per-sample entries are indexed to the labeled rows.
    min_classes : int or None
        Classification: the number of distinct labels a model needs (2). ``None``
        (regression): a model needs ``min_labels`` labeled rows instead.
    min_labels : int, default=1
    """

    def __init__(self, mode, prototype, fit_params, *, min_classes=2, min_labels=1):
        self.mode = mode
        self.prototype = prototype
        self.fit_params = fit_params
        self.min_classes = min_classes
        self.min_labels = min_labels

    def ready(self, pool):
        """Whether a model can be fitted on the labeled rows of ``pool``."""
        if self.min_classes is None:
            return pool.n_labeled >= self.min_labels
        return len(pool.classes) >= self.min_classes

    def fit(self, pool, *, previous=None, new=None):
        """The model after this round's answers (None while none can be fitted), and its time.

        Always a new object, so the previous round's model stays as it was for the staged
        API. ``previous`` is the last round's model, ``new`` the positions labeled in this
        round.
        """
        if not self.ready(pool):
            return None, 0.0
        tic = time.perf_counter()
        model = self._fit(pool, previous, new)
        return model, time.perf_counter() - tic

    def _params(self, pool, positions):
        if not self.fit_params:
            return {}
        return index_params(self.fit_params, pool.labeled_iter.shape[0], positions)

    def _fit(self, pool, previous, new):
        classify = self.min_classes is not None
        same_classes = previous is not None and (
            not classify or len(previous.classes_) == len(pool.classes)
        )
        if self.mode == "partial_fit" and same_classes:
            model = copy.deepcopy(previous)
            model.partial_fit(take_rows(pool.X, new), pool.y_labeled[new],
                              **self._params(pool, new))
            return model
        X_labeled, y_labeled = pool.labeled_data()
        params = self._params(pool, pool.labeled_positions)
        if self.mode == "partial_fit":
            # partial_fit fixes the classes on its first call: a new class means a new model.
            model = copy.deepcopy(self.prototype)
            if classify:
                params = {"classes": np.unique(y_labeled), **params}
            model.partial_fit(X_labeled, y_labeled, **params)
            return model
        if self.mode == "warm_start" and same_classes:
            return copy.deepcopy(previous).set_params(warm_start=True).fit(
                X_labeled, y_labeled, **params)
        return copy.deepcopy(self.prototype).fit(X_labeled, y_labeled, **params)
