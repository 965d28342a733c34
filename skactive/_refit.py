"""How the model is (re)fitted after each round: ``refit="full" | "warm_start" | "partial_fit"``."""

import copy
import numbers
import time

import numpy as np

from .utils._indexing import index_params, take_rows

__all__ = ["REFIT_MODES", "Refitter", "check_refit", "semi_supervised_target"]

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


def semi_supervised_target(pool):
    """The labels of every row of ``pool``, ``-1`` for the unlabeled ones."""
    labeled = pool.labeled_iter >= 0
    y = pool.y_labeled
    if y.dtype.kind in "OUS":
        values = y[labeled]
        if not all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in values):
            raise ValueError(
                "semi_supervised=True marks unlabeled rows with -1, scikit-learn's "
                "convention, so the class labels must be numbers; got "
                f"{sorted(set(map(repr, values)))[:5]}. Encode them as integers first."
            )
    target = np.full(y.shape[0], -1, dtype=np.float64 if y.dtype.kind == "f" else object)
    target[labeled] = y[labeled]
    if (target[labeled] == -1).any():
        raise ValueError(
            "semi_supervised=True marks unlabeled rows with -1, but -1 is a class label "
            "here. Encode the classes without -1."
        )
    return target if target.dtype.kind == "f" else np.asarray(target.tolist())


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
    semi_supervised : bool, default=False
        Fit on every row of the pool, unlabeled ones marked ``-1`` (scikit-learn's
        semi-supervised convention), instead of on the labeled rows only. ``"full"`` only.
    """

    def __init__(self, mode, prototype, fit_params, *, min_classes=2, min_labels=1,
                 semi_supervised=False):
        self.mode = mode
        self.prototype = prototype
        self.fit_params = fit_params
        self.min_classes = min_classes
        self.min_labels = min_labels
        self.semi_supervised = semi_supervised

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
        if self.semi_supervised:
            n_rows = pool.labeled_iter.shape[0]
            params = self._params(pool, np.arange(n_rows))
            return copy.deepcopy(self.prototype).fit(pool.X, semi_supervised_target(pool),
                                                     **params)
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
