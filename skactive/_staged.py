"""The staged API: predictions of the model as it stood after each round.

Follows ``GradientBoostingClassifier.staged_predict`` / ``AdaBoostClassifier``: one item
per entry of ``history_``, round 0 first.
"""

import warnings

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.utils import column_or_1d
from sklearn.utils.metaestimators import available_if

from ._base import estimator_has
from .utils._indexing import apply_rows, num_rows, take_rows
from .utils._validation import missing_mask

__all__ = ["StagedMixin"]


class StagedMixin:
    """``staged_predict``, ``staged_predict_proba`` and ``staged_score``.

    Reads ``estimators_`` (one fitted model or None per round), ``classes_``,
    ``labeled_iter_``, ``y_labeled_``, ``missing_label`` and ``_check_X_predict``.
    """

    def _prior(self, round_, n_rows):
        """Class frequencies of the labels known after ``round_`` (a model-less round)."""
        known = (self.labeled_iter_ >= 0) & (self.labeled_iter_ <= round_)
        classes, counts = np.unique(self.y_labeled_[known], return_counts=True)
        proba = np.zeros(len(self.classes_))
        if counts.sum() == 0:
            proba[:] = 1.0 / len(self.classes_)
        else:
            proba[np.searchsorted(self.classes_, classes)] = counts / counts.sum()
        return np.tile(proba, (n_rows, 1))

    def _aligned_proba(self, model, X):
        proba = apply_rows(model.predict_proba, X)
        if len(model.classes_) == len(self.classes_):
            return proba
        # An early round may have seen fewer classes: map its columns onto classes_.
        out = np.zeros((proba.shape[0], len(self.classes_)))
        out[:, np.searchsorted(self.classes_, model.classes_)] = proba
        return out

    def staged_predict(self, X):
        """Predictions of the model as it stood after each round (round 0 first).

        Rounds before two classes were labeled have no model; they predict the most
        frequent label known at the time.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str

        Yields
        ------
        y_pred : ndarray of shape (n_samples,)
        """
        models = self._check_staged()
        X = self._check_X_predict(X)
        n_rows = num_rows(X)
        for round_, model in enumerate(models):
            if model is None:
                # np.repeat, not .repeat: an object-dtype class (str) is a plain Python str.
                yield np.repeat(self.classes_[[np.argmax(self._prior(round_, 1)[0])]], n_rows)
            else:
                yield apply_rows(model.predict, X)

    @available_if(estimator_has("predict_proba"))
    def staged_predict_proba(self, X):
        """Class probabilities of the model after each round (round 0 first).

        Columns follow ``classes_``; a class unseen in an early round gets 0. Rounds
        without a model yield the label frequencies known then.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        models = self._check_staged()
        X = self._check_X_predict(X)
        for round_, model in enumerate(models):
            if model is None:
                yield self._prior(round_, num_rows(X))
            else:
                yield self._aligned_proba(model, X)

    def staged_score(self, X, y, sample_weight=None):
        """Accuracy after each round (round 0 first) on the labeled rows of ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Yields
        ------
        score : float
        """
        models = self._check_staged()
        X = self._check_X_predict(X)
        y = column_or_1d(y, warn=True)
        labeled = np.flatnonzero(~missing_mask(y, self.missing_label))
        weights = None if sample_weight is None else np.asarray(sample_weight)[labeled]
        if labeled.shape[0] == 0:
            warnings.warn(
                "staged_score: no row of y is labeled (all equal missing_label); "
                "yielding NaN.",
                UserWarning,
                stacklevel=2,
            )
            for _ in models:
                yield float("nan")
            return
        X_eval, y_eval = take_rows(X, labeled), y[labeled]
        for y_pred in self.staged_predict(X_eval):
            yield float(accuracy_score(y_eval, y_pred, sample_weight=weights))
