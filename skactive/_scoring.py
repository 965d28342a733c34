"""Scorers for active learners: on the oracle's truth, and on every round's model."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_regressor
from sklearn.metrics import get_scorer
from sklearn.utils.metaestimators import available_if

from .utils._indexing import num_rows, take_rows
from .utils._validation import missing_mask

__all__ = ["make_oracle_scorer"]


# ---------------------------------------------------------------------- scorers
class _OracleScorer:
    """``scorer(estimator, X, y)`` scoring on the oracle's answers for every row of X."""

    def __init__(self, oracle, metric):
        self.oracle = oracle
        self.metric = metric

    def _metric_scorer(self, estimator=None):
        metric = self.metric
        if metric is None:
            metric = "r2" if is_regressor(estimator) else "accuracy"
        return get_scorer(metric) if isinstance(metric, str) else metric

    def truth(self, estimator, X):
        """Positions of the rows the oracle answered, and its answers."""
        answers = np.asarray(self.oracle(X))
        if answers.shape[0] != num_rows(X):
            raise ValueError(
                f"make_oracle_scorer: the oracle returned {answers.shape[0]} label(s) for "
                f"{num_rows(X)} row(s)."
            )
        if not hasattr(estimator, "missing_label"):
            return np.arange(answers.shape[0]), answers
        rows = np.flatnonzero(~missing_mask(answers, estimator.missing_label))
        return rows, answers[rows]

    def __call__(self, estimator, X, y=None, **kwargs):
        rows, truth = self.truth(estimator, X)
        X_eval = X if rows.shape[0] == num_rows(X) else take_rows(X, rows)
        return self._metric_scorer(estimator)(estimator, X_eval, truth, **kwargs)

    def __repr__(self):
        return f"make_oracle_scorer({type(self.oracle).__name__}, metric={self.metric!r})"


def make_oracle_scorer(oracle, metric=None):
    """A scorer that asks ``oracle`` for the true label of every evaluated row.

    A partially labeled ``y`` has no truth for most test rows, so the default
    ``score`` of :class:`~skactive.ActiveLearningClassifier` only uses the few labeled
    ones. In a simulation the truth is known: this scorer ignores ``y`` and scores on
    the oracle's answers for ALL rows. It works wherever scikit-learn takes a scorer
    (``GridSearchCV``, ``cross_validate``) and in :func:`active_learning_curve`, where
    it is applied to every round's model. Rows the oracle skips (answers equal to the
    estimator's ``missing_label``) are left out.

    Parameters
    ----------
    oracle : callable
        ``oracle(X) -> labels``, typically :class:`~skactive.oracles.SimulatedOracle`
        built on every row. Each call counts in the oracle's ``n_calls_``.
    metric : str, callable or None, default=None
        A scorer name for :func:`sklearn.metrics.get_scorer` (``"f1_macro"``,
        ``"roc_auc"``, ``"neg_root_mean_squared_error"``...) or a scorer callable
        ``scorer(estimator, X, y)``. ``None``: accuracy for a classifier, R² for a
        regressor (such as :class:`~skactive.ActiveLearningRegressor`).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``; ``y`` is ignored.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearningClassifier
    >>> from skactive.model_selection import make_oracle_scorer
    >>> from skactive.oracles import SimulatedOracle
    >>> X, y_true = make_classification(n_samples=100, random_state=0)
    >>> y = np.full_like(y_true, -1)
    >>> y[:6] = y_true[:6]
    >>> oracle = SimulatedOracle(X, y_true)
    >>> clf = ActiveLearningClassifier(oracle=oracle, budget=10, random_state=0).fit(X, y)
    >>> scorer = make_oracle_scorer(oracle)
    >>> bool(scorer(clf, X, y) == np.mean(clf.predict(X) == y_true))
    True
    """
    if not callable(oracle):
        raise ValueError(f"make_oracle_scorer: 'oracle' must be callable; got {oracle!r}.")
    if not (metric is None or isinstance(metric, str) or callable(metric)):
        raise ValueError(
            f"make_oracle_scorer: 'metric' must be None, a scorer name or a callable "
            f"scorer(estimator, X, y); got {metric!r}."
        )
    if isinstance(metric, str):
        get_scorer(metric)  # fail now on an unknown name
    return _OracleScorer(oracle, metric)


def _score_name(scoring, estimator=None):
    if isinstance(scoring, _OracleScorer):
        scoring = scoring.metric
    if scoring is None:
        return "R²" if is_regressor(estimator) else "Accuracy"
    if isinstance(scoring, str):
        name = scoring[4:] if scoring.startswith("neg_") else scoring
        name = name.replace("_", " ")
        return ("Negative " if scoring.startswith("neg_") else "") + name[:1].upper() + name[1:]
    return "Score"


# ---------------------------------------------------------------------- staged scoring
class _StagedResponses:
    """``staged_<method>(X)`` of a fitted active learner, computed once per method."""

    def __init__(self, estimator, X):
        self.estimator = estimator
        self.X = X
        self._cache = {}

    def __call__(self, method, stage):
        if method not in self._cache:
            self._cache[method] = list(getattr(self.estimator, f"staged_{method}")(self.X))
        return self._cache[method][stage]


def _staged_proba_available(stage):
    return hasattr(stage.responses.estimator, "staged_predict_proba")


class _Stage(ClassifierMixin, BaseEstimator):
    """The model after one round, answering a scorer from the staged responses.

    Any ``scorer(estimator, X, y)`` (accuracy, ``get_scorer("roc_auc")``...) applied to
    it scores that round's model without refitting or storing anything new.
    """

    def __init__(self, classes, responses, stage, rows=None):
        self.classes = classes
        self.responses = responses
        self.stage = stage
        self.rows = rows
        self.classes_ = classes  # read by scikit-learn scorers

    def _response(self, method, X):
        out = self.responses(method, self.stage)
        out = out if self.rows is None else out[self.rows]
        if out.shape[0] != num_rows(X):
            raise ValueError("A staged scorer must be called on the rows it was built for.")
        return out

    def predict(self, X):
        return self._response("predict", X)

    @available_if(_staged_proba_available)
    def predict_proba(self, X):
        return self._response("predict_proba", X)


class _RegressionStage(RegressorMixin, BaseEstimator):
    """The regressor's model after one round, for scorers (``predict`` only)."""

    def __init__(self, responses, stage, rows=None):
        self.responses = responses
        self.stage = stage
        self.rows = rows

    _response = _Stage._response

    def predict(self, X):
        return self._response("predict", X)


def _staged_scores(estimator, scorer, X_eval, truth, rows_per_stage=None):
    """``scorer`` applied to each round's model on ``X_eval`` (optionally on a subset)."""
    n_stages = len(estimator.history_)
    responses = _StagedResponses(estimator, X_eval)
    scores = np.full(n_stages, np.nan)
    for stage in range(n_stages):
        rows = None if rows_per_stage is None else rows_per_stage(stage)
        if rows is not None and rows.shape[0] == 0:
            continue
        X_s = X_eval if rows is None else take_rows(X_eval, rows)
        y_s = truth if rows is None else truth[rows]
        if is_regressor(estimator):
            model = _RegressionStage(responses, stage, rows)
        else:
            model = _Stage(estimator.classes_, responses, stage, rows)
        scores[stage] = scorer(model, X_s, y_s)
    return scores
