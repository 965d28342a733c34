"""ActiveLearningClassifier: the pool-based active-learning loop as a meta-estimator."""

import numbers
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import accuracy_score
from sklearn.utils import check_random_state, column_or_1d, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ._loop import LabelPool
from ._refit import check_refit, default_estimator, estimator_has, fit_round
from ._staged import StagedMixin
from .oracles import StopLabeling
from .stopping import check_stopping_criterion
from .strategies import _REGISTRY as _STRATEGY_REGISTRY
from .strategies import get_strategy
from .utils._indexing import default_chunk_rows, num_rows, take_rows
from .utils._validation import (
    check_answers,
    check_input_X,
    check_int_param,
    is_text,
    missing_mask,
)

__all__ = ["ActiveLearningClassifier"]

_FITTED = (
    "estimator_", "classes_", "history_", "labeled_iter_", "y_labeled_", "n_iter_",
    "n_queries_", "termination_condition_", "n_features_in_", "feature_names_in_",
)


class ActiveLearningClassifier(
    StagedMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator
):
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
        chunk, at most 2**18 rows (scoring temporaries grow with the row count), so
        scoring needs O(chunk) extra memory whatever the pool size.
    random_state : int, RandomState or None, default=None
        Seeds cold-start picks, random sampling and tie-breaking.
    n_jobs : int, default=None
        Chunks of the pool scored in parallel through joblib: in threads by default
        (``predict_proba`` releases the GIL), or with the backend chosen by
        ``joblib.parallel_config`` (loky processes, a Dask cluster).
    verbose : int, default=0
        Print one line per round when positive.

    Attributes
    ----------
    estimator_ : classifier
        The final model, fitted on every labeled row.
    classes_ : ndarray of shape (n_classes,)
        Class labels of ``estimator_``.
    history_ : list of dict
        One entry per round, round 0 being the initial labeled set. Keys: ``round``,
        ``n_labeled``, ``query_indices`` (positions in ``X``), ``query_labels``,
        ``query_scores``, ``n_skipped``, ``strategy`` (the name of the strategy that
        picked the rows), and the wall times ``fit_time``, ``query_time``,
        ``oracle_time`` in seconds.
    labeled_iter_ : ndarray of shape (n_samples,)
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
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def set_params(self, **params):
        """Set parameters; ``estimator__*`` keys also work with the default ``estimator=None``.

        With ``estimator=None``, a nested key such as ``estimator__C`` first sets
        ``estimator`` to the default ``LogisticRegression(max_iter=1000)``, so grids over
        the default model's parameters work.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : ActiveLearningClassifier
        """
        nested = any(key.startswith("estimator__") for key in params)
        if nested and self.estimator is None and "estimator" not in params:
            self.estimator = default_estimator()
        return super().set_params(**params)

    # ------------------------------------------------------------------ validation
    def _check_params(self):
        name = type(self).__name__
        budget = check_int_param(self.budget, "budget", name, low=0)
        batch_size = check_int_param(self.batch_size, "batch_size", name, low=1)
        if self.oracle is not None and not callable(self.oracle):
            raise ValueError(
                f"The 'oracle' parameter of {name} must be a callable oracle(X_query) -> "
                f"labels or None. Got {self.oracle!r} instead."
            )
        estimator = self.estimator if self.estimator is not None else default_estimator()
        if not hasattr(estimator, "fit") or not (
            hasattr(estimator, "predict_proba") or hasattr(estimator, "decision_function")
        ):
            raise ValueError(
                f"The 'estimator' parameter of {name} must be a classifier with fit and "
                f"predict_proba or decision_function. Got {self.estimator!r} instead."
            )
        ml = self.missing_label
        if ml is not None and not isinstance(ml, (numbers.Number, str)):
            raise ValueError(
                f"The 'missing_label' parameter of {name} must be an int, a float, a str or "
                f"None. Got {ml!r} instead."
            )
        if self.n_jobs is not None:
            check_int_param(self.n_jobs, "n_jobs", name, low=-(2**31))
        check_refit(self.refit, estimator, name)
        if self.pool_chunk_size is not None:
            check_int_param(self.pool_chunk_size, "pool_chunk_size", name, low=1)
        check_int_param(self.verbose, "verbose", name, low=0)
        strategy = get_strategy(self.query_strategy)
        cold_start = get_strategy(self.cold_start_strategy, param="cold_start_strategy")
        if cold_start.requires_model:
            raise ValueError(
                f"The 'cold_start_strategy' parameter of {name} must be a strategy that needs "
                f"no model (requires_model = False), such as 'random'. Got "
                f"{self.cold_start_strategy!r} instead."
            )
        criterion = check_stopping_criterion(self.stopping_criterion)
        return estimator, strategy, cold_start, criterion, budget, batch_size

    def _check_X_y(self, X, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        X = check_input_X(X)
        if not is_text(X):
            validate_data(self, X, skip_check_array=True, reset=True)
        y = column_or_1d(y, warn=True)
        if num_rows(X) != y.shape[0]:
            raise ValueError(
                f"X and y have inconsistent numbers of samples: X has {num_rows(X)} rows, "
                f"y has {y.shape[0]} labels."
            )
        return X, y

    def _check_X_predict(self, X):
        check_is_fitted(self)
        X = check_input_X(X)
        if not is_text(X):
            validate_data(self, X, skip_check_array=True, reset=False)
        return X

    # ------------------------------------------------------------------ the loop
    def fit(self, X, y, **fit_params):
        """Run the active-learning loop and fit the final model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features) \
                or list of str
            All rows: labeled ones and the unlabeled pool. Never modified.
        y : array-like of shape (n_samples,)
            Labels, with ``missing_label`` for unlabeled rows. Never modified.
        **fit_params : dict
            Passed to the estimator's ``fit`` each round; per-sample arrays (such as
            ``sample_weight``) are indexed to the labeled rows.

        Returns
        -------
        self : ActiveLearningClassifier
        """
        for attr in _FITTED:
            self.__dict__.pop(attr, None)
        estimator, strategy, cold_start, criterion, budget, batch_size = self._check_params()
        X, y = self._check_X_y(X, y)
        missing = missing_mask(y, self.missing_label)
        rng = check_random_state(self.random_state)
        budget = budget if self.oracle is not None else 0

        chunk_rows = self.pool_chunk_size or default_chunk_rows(X)  # once per fit
        pool = LabelPool(X, y, missing, capacity=min(budget, int(missing.sum())))
        # Bound to the pool's arrays: an oracle failure mid-loop leaves every answer here.
        self.y_labeled_ = pool.y_labeled
        self.labeled_iter_ = pool.labeled_iter
        self.history_ = []
        self.n_iter_ = 0
        self.n_queries_ = 0
        models = []
        strategy_name = self._strategy_name(strategy)

        prototype = clone(estimator)
        model, fit_time = fit_round(self.refit, prototype, pool, fit_params)
        models.append(model)
        self.history_.append(self._record(0, pool, np.empty(0, np.intp), y[:0], np.empty(0),
                                          0, None, fit_time, 0.0, 0.0))
        self._log(self.history_[-1])

        spent = 0
        while True:
            if self.oracle is None:
                termination = "no_oracle"
                break
            if spent >= budget:
                termination = "budget_exhausted"
                break
            if pool.n_candidates == 0:
                termination = "pool_exhausted"
                break
            if criterion is not None and model is not None:
                reason = criterion.should_stop(
                    model, X, candidates=pool.candidates, history=self.history_
                )
                if reason:
                    self.history_[-1]["stop_reason"] = (
                        reason if isinstance(reason, str) else type(criterion).__name__
                    )
                    termination = "stopping_criterion"
                    break
            n = min(batch_size, budget - spent, pool.n_candidates)
            if model is None and strategy.requires_model:
                picker = cold_start
                picked_by = f"{self._strategy_name(cold_start)} (cold start)"
            else:
                picker, picked_by = strategy, strategy_name
            tic = time.perf_counter()
            X_labeled, y_labeled = pool.labeled_data()
            indices, scores = picker.select(
                model, X, n, candidates=pool.candidates, X_labeled=X_labeled,
                y_labeled=y_labeled, random_state=rng, n_jobs=self.n_jobs,
                chunk_rows=chunk_rows,
            )
            indices = self._check_picked(indices, n, pool.candidates)
            scores = np.asarray(scores, dtype=np.float64)
            query_time = time.perf_counter() - tic

            tic = time.perf_counter()
            stop = None
            try:
                answers = self.oracle(take_rows(X, indices))
            except StopLabeling as exc:
                # The annotator quit: keep the answers given for the first rows of the batch.
                stop = exc
                answers = [] if exc.labels is None else list(exc.labels)
                n = min(len(answers), n)
                answers, indices, scores = answers[:n], indices[:n], scores[:n]
            oracle_time = time.perf_counter() - tic
            if stop is not None and n == 0:
                termination = "stopped_by_oracle"
                break
            labels, skipped = check_answers(answers, n, pool.y_labeled.dtype, self.missing_label)

            round_ = self.n_iter_ + 1
            added = pool.add(indices, labels, skipped, round_)
            self.n_iter_ = round_
            self.n_queries_ += n
            spent += n
            fit_time = 0.0
            if added:
                model, fit_time = fit_round(
                    self.refit, prototype, pool, fit_params, previous=model,
                    new=indices[~skipped],
                )
            models.append(model)
            self.history_.append(self._record(
                round_, pool, indices, labels, scores[:n], int(skipped.sum()), picked_by,
                fit_time, query_time, oracle_time,
            ))
            self._log(self.history_[-1])
            if stop is not None:
                termination = "stopped_by_oracle"
                break

        self.termination_condition_ = termination
        if model is None:
            n_classes = len(pool.classes)
            raise ValueError(
                f"{type(self).__name__} needs at least two classes among the labeled rows to "
                f"fit a classifier; got {n_classes} class{'es' if n_classes != 1 else ''} "
                f"after {self.n_iter_} round(s). The answers so far are kept in y_labeled_ "
                "and history_; add labels of another class, or raise the budget."
            )
        self.estimator_ = model
        self.classes_ = model.classes_
        self._staged_models = models
        # Kept for query(): strategies that refit (committees, error reduction) need them.
        self._labeled_data = pool.labeled_data()
        return self

    @staticmethod
    def _check_picked(indices, n, candidates):
        indices = np.asarray(indices, dtype=np.intp).ravel()
        if (
            indices.shape[0] != n
            or (n > 0 and (indices.min() < 0 or indices.max() >= candidates.shape[0]))
            or (n > 1 and np.unique(indices).shape[0] != n)
            or not candidates[indices].all()
        ):
            raise ValueError(
                f"The query strategy must return {n} distinct positions of unlabeled, "
                f"not yet queried rows; got {indices.tolist()}."
            )
        return indices

    @staticmethod
    def _strategy_name(strategy):
        """The most specific registry name matching ``strategy``, else its class name."""
        params = strategy.get_params(deep=False) if hasattr(strategy, "get_params") else {}
        best, best_size = type(strategy).__name__, -1
        for name, (cls, kwargs) in _STRATEGY_REGISTRY.items():
            matches = type(strategy) is cls and all(
                params.get(key) == value for key, value in kwargs.items()
            )
            if matches and len(kwargs) > best_size:
                best, best_size = name, len(kwargs)
        return best

    @staticmethod
    def _record(round_, pool, indices, labels, scores, n_skipped, strategy, fit_time,
                query_time, oracle_time):
        return {
            "round": round_,
            "n_labeled": pool.n_labeled,
            "query_indices": indices,
            "query_labels": np.asarray(labels),
            "query_scores": scores,
            "n_skipped": n_skipped,
            "strategy": strategy,
            "fit_time": fit_time,
            "query_time": query_time,
            "oracle_time": oracle_time,
        }

    def _log(self, record):
        if self.verbose:
            print(
                f"[{type(self).__name__}] round {record['round']}: asked "
                f"{record['query_indices'].shape[0]} ({record['n_skipped']} skipped), "
                f"{record['n_labeled']} labeled"
            )

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
        return self.estimator_.predict(X)

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
        return self.estimator_.predict_proba(X)

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
        return self.estimator_.predict_log_proba(X)

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
        return self.estimator_.decision_function(X)

    def score(self, X, y, sample_weight=None):
        """Accuracy over the rows of ``X`` whose ``y`` is not ``missing_label``.

        Unlabeled rows carry no truth, so ``GridSearchCV`` and ``cross_validate`` work
        on a partially labeled ``y``. Returns NaN, with a warning, when no row is labeled.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        X = self._check_X_predict(X)
        y = column_or_1d(y, warn=True)
        labeled = np.flatnonzero(~missing_mask(y, self.missing_label))
        if labeled.shape[0] == 0:
            warnings.warn(
                "score: no row of y is labeled (all equal missing_label); returning NaN.",
                UserWarning,
                stacklevel=2,
            )
            return float("nan")
        weights = None if sample_weight is None else np.asarray(sample_weight)[labeled]
        y_pred = self.estimator_.predict(take_rows(X, labeled))
        return float(accuracy_score(y[labeled], y_pred, sample_weight=weights))

    def query(self, X, n=None):
        """Positions of the ``n`` most informative rows of ``X``, best first.

        For the workflow where labels come later: no oracle is called. Uses the final
        model and ``query_strategy``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} or list of str
            Rows to rank (typically the still unlabeled ones).
        n : int, default=None
            How many positions to return; defaults to ``batch_size``.

        Returns
        -------
        indices : ndarray of int of shape (min(n, n_rows),)
        """
        X = self._check_X_predict(X)
        n = self.batch_size if n is None else n
        n = check_int_param(n, "n", "query", low=0)
        strategy = get_strategy(self.query_strategy)
        X_labeled, y_labeled = self._labeled_data
        indices, _ = strategy.select(
            self.estimator_, X, min(n, num_rows(X)), X_labeled=X_labeled, y_labeled=y_labeled,
            random_state=check_random_state(self.random_state), n_jobs=self.n_jobs,
            chunk_rows=self.pool_chunk_size,
        )
        return np.asarray(indices, dtype=np.intp)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator if self.estimator is not None else default_estimator())
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags
