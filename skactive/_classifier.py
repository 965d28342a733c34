"""ActiveLearningClassifier: the pool-based active-learning loop as a meta-estimator."""

import warnings

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.metaestimators import available_if

from ._base import BaseActiveLearner, estimator_has
from ._refit import Refitter
from ._staged import ClassifierStagedMixin
from .utils._indexing import apply_rows, is_dask_array
from .utils._validation import is_nan_scalar, missing_mask

__all__ = ["ActiveLearningClassifier"]


class ActiveLearningClassifier(ClassifierStagedMixin, ClassifierMixin, BaseActiveLearner):
    """Pool-based active learning as a scikit-learn classifier.

    ``fit(X, y)`` takes a partially labeled ``y`` (entries equal to ``missing_label``
    form the unlabeled pool) and runs the loop: fit a clone of ``estimator`` on the
    labeled rows, score the pool with ``query_strategy``, ask ``oracle`` for the labels
    of the most informative rows, add the answers, refit, until ``budget`` labels have
    been asked for, the pool is empty or ``stopping_criterion`` says stop. Every round
    is recorded in ``history_`` and every answer in ``y_labeled_``.

    Parameters
    ----------
    estimator : classifier, default=None
        Any classifier with ``predict_proba`` (or ``decision_function`` for the
        uncertainty strategies), including a ``Pipeline``. ``None`` means
        ``LogisticRegression(max_iter=1000)``. It is cloned, never modified.
    oracle : callable, default=None
        ``oracle(X_query) -> labels``: receives the queried rows in the container of
        ``X`` (ndarray, CSR matrix, DataFrame with the caller's index, or list of str)
        and returns one label per row. An answer equal to ``missing_label`` means the
        annotator skipped the row: it costs budget, is not asked again and stays
        unlabeled. ``None``: no queries; ``fit`` trains on the labeled rows only.
    query_strategy : str, QueryStrategy or callable, default="margin"
        A name from :func:`skactive.strategies.available_strategies`, a strategy
        instance, or ``f(estimator, X_pool) -> scores`` (higher = ask first).
    budget : int, default=20
        Number of rows sent to the oracle in one ``fit``.
    batch_size : int, default=1
        Rows asked per round; the model is refit after each round.
    missing_label : int, float, str or None, default=-1
        The value of ``y`` that marks an unlabeled row (``None`` or ``np.nan`` for
        object/float labels, a string for string labels).
    stopping_criterion : StoppingCriterion or callable, default=None
        Ends the loop early: called after each refit as
        ``should_stop(estimator, X, candidates=..., history=...)``; see
        :mod:`skactive.stopping`.
    cold_start_strategy : str or QueryStrategy, default="random"
        Picks rows while fewer than two classes are labeled (no model can be fitted
        yet). Must not need a model (``requires_model = False``). A ``query_strategy``
        that needs no model is used as is instead.
    refit : {"full", "warm_start", "partial_fit"}, default="full"
        How the model is updated after each round:

        - ``"full"``: a fresh clone fitted on every labeled row (results do not depend
          on the path taken);
        - ``"warm_start"``: the previous round's model is copied and refitted on every
          labeled row with ``warm_start=True`` (the estimator must have a ``warm_start``
          parameter). For convex models such as ``LogisticRegression`` this converges
          to the same optimum up to the solver's tolerance, usually in fewer
          iterations; for ensembles (random forests, gradient boosting) ``warm_start``
          means "add estimators", which changes the model: prefer ``"full"`` there;
        - ``"partial_fit"``: the previous model is copied and updated with
          ``partial_fit`` on the new answers only (the estimator must have
          ``partial_fit``). Cheapest, but the model then depends on the order labels
          arrived in, and sees each row once. A round that brings a class never seen
          before refits from scratch (``partial_fit`` fixes the classes on first call).
    pool_chunk_size : int, default=None
        Rows of the pool scored at once. ``None`` picks about 128 MiB of ``X`` per
        chunk, at most 2**15 rows (2**17 with ``n_jobs``): scoring temporaries grow
        with the row count, and small ones are reused between chunks and rounds
        instead of being returned to the OS. Scoring needs O(chunk) extra memory
        whatever the pool size.
    keep_round_models : bool, default=True
        Keep the model of every round in ``estimators_`` for the staged API
        (``staged_predict``...) and learning curves. ``False`` keeps only ``estimator_``:
        a pickled classifier is then about the size of its final model plus the per-row
        arrays, and the ``staged_*`` methods raise an error.
    semi_supervised : bool, default=False
        Fit ``estimator`` each round on every row of ``X``, the unlabeled ones marked
        ``-1`` whatever ``missing_label`` is: scikit-learn's convention for
        semi-supervised models (``LabelSpreading``, ``LabelPropagation``,
        ``SelfTrainingClassifier``), which then learn from the pool too. Use it with
        such a model on data whose classes follow its cluster structure (digits and
        other images: +0.04 AULC over the same model on the labeled rows in our
        benchmarks); elsewhere (overlapping or noisy classes) propagating labels
        through the pool hurts, so it is off by default. Needs ``refit="full"`` and
        numeric class labels other than ``-1``; every round refits on the whole pool,
        so the pool must be in memory (a dask array pool is refused).
    random_state : int, RandomState or None, default=None
        Seeds cold-start picks, random sampling and tie-breaking, and every
        ``random_state`` of ``estimator`` left as ``None`` (nested ones included, as
        ``BaggingClassifier`` does for its members), so two fits with the same
        ``random_state`` ask the same rows even with a ``RandomForestClassifier()``.
        A ``random_state`` set on ``estimator`` is never overridden.
    n_jobs : int, default=None
        Chunks of the pool scored in parallel: in threads by default
        (``predict_proba`` releases the GIL; the threads are kept across rounds), or
        through the joblib backend chosen with ``joblib.parallel_config`` (loky
        processes, a Dask cluster).
    verbose : int, default=0
        Print one line per round when positive.

    Attributes
    ----------
    estimator_ : classifier
        The final model, fitted on every labeled row.
    estimators_ : list of classifiers or None
        The model after each round, one per entry of ``history_`` (``None`` for a round
        before two classes were labeled). Only with ``keep_round_models=True``.
    query_strategy_ : QueryStrategy
        The strategy used in this fit: a clone of ``query_strategy`` (or the strategy a
        name or callable stands for). The object passed as ``query_strategy`` is never
        modified; :meth:`query` uses this one.
    cold_start_strategy_ : QueryStrategy
        The clone of ``cold_start_strategy`` used in this fit.
    stopping_criterion_ : StoppingCriterion or None
        The clone of ``stopping_criterion`` used in this fit.
    classes_ : ndarray of shape (n_classes,)
        Class labels of ``estimator_``.
    history_ : list of dict
        One entry per round, round 0 being the initial labeled set. Keys: ``round``,
        ``n_labeled``, ``query_indices`` (positions in ``X``), ``query_labels``,
        ``query_scores``, ``n_skipped``, ``strategy`` (the name of the strategy that
        picked the rows), and the wall times ``fit_time``, ``query_time``,
        ``oracle_time`` in seconds.
    labeled_iter_ : ndarray of int32 of shape (n_samples,)
        0 for rows labeled on entry, ``k`` for rows labeled in round ``k``, -1 for rows
        never labeled.
    y_labeled_ : ndarray of shape (n_samples,)
        A copy of ``y`` with every oracle answer filled in; ``fit(X, y_labeled_)``
        resumes without losing an answer.
    n_iter_ : int
        Query rounds run.
    n_queries_ : int
        Rows sent to the oracle.
    termination_condition_ : str
        ``"budget_exhausted"``, ``"pool_exhausted"``, ``"stopping_criterion"``,
        ``"no_oracle"`` or ``"stopped_by_oracle"`` (the oracle raised
        :class:`~skactive.oracles.StopLabeling`).
    n_features_in_ : int
        Number of features seen in ``fit`` (not set for text input).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen in ``fit``, when ``X`` is a DataFrame with string columns.

    See Also
    --------
    sklearn.semi_supervised.SelfTrainingClassifier : labels the pool with the model's
        own predictions instead of an oracle.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearningClassifier
    >>> from skactive.oracles import SimulatedOracle
    >>> X, y_true = make_classification(n_samples=300, random_state=0)
    >>> y = np.full_like(y_true, -1)
    >>> y[:10] = y_true[:10]
    >>> clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), budget=15,
    ...                                random_state=0).fit(X, y)
    >>> clf.n_queries_, len(clf.history_), clf.termination_condition_
    (15, 16, 'budget_exhausted')
    >>> int((clf.labeled_iter_ > 0).sum())
    15
    """

    def __init__(
        self,
        estimator=None,
        *,
        oracle=None,
        query_strategy="margin",
        budget=20,
        batch_size=1,
        missing_label=-1,
        stopping_criterion=None,
        cold_start_strategy="random",
        refit="full",
        pool_chunk_size=None,
        keep_round_models=True,
        semi_supervised=False,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.oracle = oracle
        self.query_strategy = query_strategy
        self.budget = budget
        self.batch_size = batch_size
        self.missing_label = missing_label
        self.stopping_criterion = stopping_criterion
        self.cold_start_strategy = cold_start_strategy
        self.refit = refit
        self.pool_chunk_size = pool_chunk_size
        self.keep_round_models = keep_round_models
        self.semi_supervised = semi_supervised
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    _track_classes = True

    @staticmethod
    def _default_estimator():
        return LogisticRegression(max_iter=1000)

    def _check_estimator(self, estimator):
        if not hasattr(estimator, "fit") or not (
            hasattr(estimator, "predict_proba") or hasattr(estimator, "decision_function")
        ):
            raise ValueError(
                f"The 'estimator' parameter of {type(self).__name__} must be a classifier with "
                f"fit and predict_proba or decision_function. Got {self.estimator!r} instead."
            )

    def _refitter(self, prototype, fit_params, X):
        semi = self.semi_supervised
        if not isinstance(semi, (bool, np.bool_)):
            raise ValueError(
                "The 'semi_supervised' parameter of ActiveLearningClassifier must be an "
                f"instance of 'bool'. Got {semi!r} instead.")
        if semi and self.refit != "full":
            raise ValueError(
                "semi_supervised=True refits on the whole pool every round, so it needs "
                f"refit='full'. Got refit={self.refit!r} instead.")
        if semi and is_dask_array(X):
            raise ValueError(
                "semi_supervised=True fits the estimator on every row of the pool each "
                "round, which would load a dask array pool whole on the driver. Pass "
                "the pool as a NumPy array (X.compute()) to fit semi-supervised, or "
                "leave semi_supervised=False.")
        return Refitter(self.refit, prototype, fit_params, min_classes=2,
                        semi_supervised=bool(semi))

    def _missing(self, y):
        missing = missing_mask(y, self.missing_label)
        if not missing.any():
            _check_marker_exists(y, self.missing_label)
            if self.oracle is not None and self.budget > 0:
                warnings.warn(
                    f"No entry of y equals missing_label={self.missing_label!r}, so no row is "
                    "unlabeled and no query is made. Mark unlabeled rows with missing_label; "
                    "if a tool re-encoded y before it reached this classifier (VotingClassifier, "
                    "StackingClassifier, cross_val_predict(method='predict_proba')), use the "
                    "active learner outside of it.",
                    UserWarning,
                    stacklevel=3,
                )
        return missing

    def _no_model_message(self, pool, run):
        n_classes = len(pool.classes)
        message = (
            f"{type(self).__name__} needs at least two classes among the labeled rows to "
            f"fit a classifier; got {n_classes} class{'es' if n_classes != 1 else ''} "
            f"after {run.n_iter} round(s). The answers so far are kept in y_labeled_ "
            "and history_; add labels of another class, or raise the budget."
        )
        n_skipped = sum(record["n_skipped"] for record in run.history)
        if n_skipped:
            message += (
                f" The oracle answered missing_label={self.missing_label!r} for {n_skipped} "
                "row(s), which were taken as skips. If that value is a class (labels in "
                "{-1, +1} are common), pass another missing_label, e.g. "
                "missing_label=-999 or None."
            )
        return message

    def _set_fitted(self, model):
        self.classes_ = model.classes_

    # ------------------------------------------------------------------ prediction
    @available_if(estimator_has("predict"))
    def predict(self, X):
        """Predict classes with the final model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        X = self._check_X_predict(X)
        return apply_rows(self.estimator_.predict, X)

    @available_if(estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the final model, columns ordered as ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check_X_predict(X)
        return apply_rows(self.estimator_.predict_proba, X)

    @available_if(estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check_X_predict(X)
        return apply_rows(self.estimator_.predict_log_proba, X)

    @available_if(estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the final model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        X = self._check_X_predict(X)
        return apply_rows(self.estimator_.decision_function, X)


def _check_marker_exists(y, missing_label):
    """Raise when ``y`` marks its unlabeled rows with another value than ``missing_label``."""
    values = y.astype(object) if y.dtype.kind != "O" else y
    if y.dtype.kind == "f" and np.isnan(y).any():
        found = "NaN"
        suggestion = "missing_label=np.nan"
    elif y.dtype.kind in "OUS" and any(v is None or is_nan_scalar(v) for v in values):
        found, suggestion = "None/NaN", "missing_label=None"
    elif y.dtype.kind in "OUS" and any(isinstance(v, str) and v.strip() == "" for v in values):
        blank = next(v for v in values if isinstance(v, str) and v.strip() == "")
        found, suggestion = repr(blank), f"missing_label={blank!r}"
    else:
        return
    raise ValueError(
        f"y marks unlabeled rows with {found}, but missing_label={missing_label!r} never "
        f"occurs in y, so every row would be taken as labeled. Pass {suggestion}."
    )
