"""The staged API (predictions of the model as it stood after each round) and ``score``.

Follows ``GradientBoostingClassifier.staged_predict`` / ``AdaBoostClassifier``: one item
per entry of ``history_``, round 0 first.
"""

import warnings

import numpy as np
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import column_or_1d
from sklearn.utils.metaestimators import available_if

from ._base import estimator_has
from .utils._indexing import apply_rows, num_rows, take_rows
from .utils._validation import missing_mask

__all__ = ["ClassifierStagedMixin", "RegressorStagedMixin", "StagedMixin"]


class StagedMixin:
    """``staged_predict`` and ``staged_score``, shared by the classifier and the regressor.

    Reads ``estimators_`` (one fitted model or None per round), ``labeled_iter_``,
    ``y_labeled_``, ``missing_label`` and ``_check_X_predict``. Subclasses say what a
    round without a model predicts (:meth:`_constant_prediction`) and which metric
    ``staged_score`` reports (:meth:`_staged_metric`).
    """

    def _known_labels(self, round_):
        """The labels known after ``round_``."""
        known = (self.labeled_iter_ >= 0) & (self.labeled_iter_ <= round_)
        return self.y_labeled_[known]

    def _constant_prediction(self, round_, n_rows):
        raise NotImplementedError  # pragma: no cover - every learner defines it

    def staged_predict(self, X):
        """Predictions of the model as it stood after each round (round 0 first).

        Rounds without a model (before two classes, or two targets, were labeled)
        predict a constant: the most frequent label known at the time (classifier) or
        the mean of the targets known then (regressor, 0 when none).

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
                yield self._constant_prediction(round_, n_rows)
            else:
                yield apply_rows(model.predict, X)

    def staged_score(self, X, y, sample_weight=None):
        """Score after each round (round 0 first) on the labeled rows of ``y``.

        Accuracy for the classifier, R² for the regressor (the metric of ``score``).

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
        X_eval, y_eval, weights = self._labeled_truth(X, y, sample_weight, "staged_score",
                                                      "yielding")
        if X_eval is None:
            for _ in models:
                yield float("nan")
            return
        for y_pred in self.staged_predict(X_eval):
            yield float(self._staged_metric(y_eval, y_pred, sample_weight=weights))

    def score(self, X, y, sample_weight=None):
        """The metric of ``staged_score`` for the final model, on the labeled rows of ``y``.

        Accuracy for the classifier, R² for the regressor, over the rows of ``X`` whose
        ``y`` is not ``missing_label``: unlabeled rows carry no truth, so ``GridSearchCV``
        and ``cross_validate`` work on a partially labeled ``y``. Returns NaN, with a
        warning, when no row is labeled.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        X_eval, y_eval, weights = self._labeled_truth(X, y, sample_weight, "score", "returning")
        if X_eval is None:
            return float("nan")
        y_pred = apply_rows(self.estimator_.predict, X_eval)
        return float(self._staged_metric(y_eval, y_pred, sample_weight=weights))

    def _labeled_truth(self, X, y, sample_weight, caller, verb):
        """The rows of ``X`` labeled in ``y``, their labels and weights (Nones if none)."""
        X = self._check_X_predict(X)
        y = column_or_1d(y, warn=True)
        labeled = np.flatnonzero(~missing_mask(y, self.missing_label))
        if labeled.shape[0] == 0:
            warnings.warn(
                f"{caller}: no row of y is labeled (all equal missing_label); {verb} NaN.",
                UserWarning,
                stacklevel=3,
            )
            return None, None, None
        weights = None if sample_weight is None else np.asarray(sample_weight)[labeled]
        return take_rows(X, labeled), y[labeled], weights


class ClassifierStagedMixin(StagedMixin):
    """The classifier's staged API: adds ``staged_predict_proba``; reads ``classes_``."""

    _staged_metric = staticmethod(accuracy_score)

    def _prior(self, round_, n_rows):
        """Class frequencies of the labels known after ``round_`` (a model-less round)."""
        classes, counts = np.unique(self._known_labels(round_), return_counts=True)
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

    def _constant_prediction(self, round_, n_rows):
        # np.repeat, not .repeat: an object-dtype class (str) is a plain Python str.
        return np.repeat(self.classes_[[np.argmax(self._prior(round_, 1)[0])]], n_rows)

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


class RegressorStagedMixin(StagedMixin):
    """The regressor's staged API: R² scores; a round without a model predicts the mean."""

    @staticmethod
    def _staged_metric(y_true, y_pred, sample_weight=None):
        # A y with None for its unlabeled rows arrives as objects: R² needs floats.
        return r2_score(np.asarray(y_true, dtype=np.float64), y_pred,
                        sample_weight=sample_weight)

    def _constant_prediction(self, round_, n_rows):
        known = np.asarray(self._known_labels(round_), dtype=np.float64)
        return np.full(n_rows, known.mean() if known.shape[0] else 0.0)
