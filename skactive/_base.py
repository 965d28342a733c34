"""What the active-learning classifier and regressor share: parameters, ``fit``, ``query``.

``fit`` validates, clones the collaborators (model, strategies, stopping criterion),
builds the pool and runs :func:`skactive._loop.run_loop`; subclasses say what a model
is for them (:meth:`BaseActiveLearner._refitter`, :meth:`_default_estimator`) and how
``y`` marks its unlabeled rows.
"""

import numbers
import pickle
import sys
import types

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.utils import check_random_state, column_or_1d, get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted, validate_data

from ._loop import Loop, Run, accepted_params, run_loop
from ._pool import LabelPool
from ._refit import REFIT_MODES, check_refit
from .stopping import check_stopping_criterion
from .strategies import _REGISTRY as _STRATEGY_REGISTRY
from .strategies import get_strategy
from .utils._indexing import default_chunk_rows, is_dask_array, num_rows
from .utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from .utils._validation import check_input_X, check_int_param, is_text, missing_mask

__all__ = ["BaseActiveLearner", "estimator_has"]

_FITTED = (
    "estimator_", "estimators_", "classes_", "history_", "labeled_iter_", "y_labeled_",
    "n_iter_", "n_queries_", "termination_condition_", "n_features_in_", "feature_names_in_",
    "query_strategy_", "cold_start_strategy_", "stopping_criterion_",
)


def estimator_has(attr):
    """For ``available_if``: the fitted estimator, else the unfitted one, has ``attr``."""

    def check(self):
        getattr(self.estimator_ if hasattr(self, "estimator_") else self._estimator(), attr)
        return True

    return check


def strategy_name(strategy):
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


def _seed_random_states(estimator, random_state):
    """Seed every ``random_state`` the user left as None, nested ones included.

    The seeds come from a generator of their own, so the loop's draws (tie-breaking,
    random picks) are the same whether or not the estimator has random parameters.
    """
    if random_state is None:
        return estimator
    seeds = check_random_state(
        random_state if isinstance(random_state, numbers.Integral)
        else random_state.randint(np.iinfo(np.int32).max)
    )
    unset = sorted(key for key, value in estimator.get_params(deep=True).items()
                   if (key == "random_state" or key.endswith("__random_state")) and value is None)
    return estimator.set_params(**{key: int(seeds.randint(np.iinfo(np.int32).max))
                                   for key in unset})


_WORKER_PICKLERS = ("cloudpickle", "loky", "distributed", "dask")


def _pickled_for_workers():
    # Parallel backends (joblib's loky, Dask) send lambdas with cloudpickle; only plain
    # pickle (pickle.dump, joblib.dump) fails on them, and there the error should help.
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if any(name in module for name in _WORKER_PICKLERS):
            return True
        frame = frame.f_back
    return False


class BaseActiveLearner(MetaEstimatorMixin, BaseEstimator):
    """Parameters, ``fit`` and ``query`` of the active learners. Not for direct use."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"]), None],
        "oracle": [callable, None],
        "query_strategy": "no_validation",  # get_strategy names what it accepts
        "budget": [Interval(numbers.Integral, 0, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "missing_label": "no_validation",  # checked in _check_params: no bools
        "stopping_criterion": "no_validation",
        "cold_start_strategy": "no_validation",
        "refit": [StrOptions(set(REFIT_MODES))],
        "pool_chunk_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "keep_round_models": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Interval(numbers.Integral, None, None, closed="neither"), None],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    # ------------------------------------------------------------------ parameters
    def set_params(self, **params):
        """Set parameters; ``estimator__*`` keys also work with the default ``estimator=None``.

        With ``estimator=None``, a nested key such as ``estimator__C`` first sets
        ``estimator`` to the default model, so grids over its parameters work.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
        """
        nested = any(key.startswith("estimator__") for key in params)
        if nested and self.estimator is None and "estimator" not in params:
            self.estimator = self._default_estimator()
        return super().set_params(**params)

    def _estimator(self):
        return self.estimator if self.estimator is not None else self._default_estimator()

    def _check_params(self):
        validate_params(self)
        estimator = self._estimator()
        self._check_estimator(estimator)
        ml = self.missing_label
        if ml is not None and (isinstance(ml, (bool, np.bool_))
                               or not isinstance(ml, (numbers.Number, str))):
            raise ValueError(
                f"The 'missing_label' parameter of {type(self).__name__} must be an int, a "
                f"float, a str or None. Got {ml!r} instead."
            )
        check_refit(self.refit, estimator, type(self).__name__)
        return estimator

    def _fit_collaborators(self):
        """Fresh clones of the strategies and the stopping criterion, for this fit only."""
        name = type(self).__name__
        self.query_strategy_ = _fresh(get_strategy(self.query_strategy))
        cold_start = _fresh(get_strategy(self.cold_start_strategy, param="cold_start_strategy"))
        if cold_start.requires_model:
            raise ValueError(
                f"The 'cold_start_strategy' parameter of {name} must be a strategy that needs "
                f"no model (requires_model = False), such as 'random'. Got "
                f"{self.cold_start_strategy!r} instead."
            )
        self.cold_start_strategy_ = cold_start
        self.stopping_criterion_ = _fresh(check_stopping_criterion(self.stopping_criterion))

    # ------------------------------------------------------------------ input
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

    def _routed_fit_params(self, fit_params):
        if not get_config().get("enable_metadata_routing", False):
            return fit_params
        return process_routing(self, "fit", **fit_params).estimator.fit

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, **fit_params):
        """Run the active-learning loop and fit the final model.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features) \
                or list of str
            All rows: labeled ones and the unlabeled pool. Never modified.
        y : array-like of shape (n_samples,)
            Targets, with ``missing_label`` for unlabeled rows. Never modified.
        **fit_params : dict
            Passed to the estimator's ``fit`` each round; per-sample arrays (such as
            ``sample_weight``) are indexed to the labeled rows. With metadata routing
            enabled, only what the estimator requested is passed.

        Returns
        -------
        self : estimator instance
        """
        for attr in _FITTED:
            self.__dict__.pop(attr, None)
        estimator = self._check_params()
        fit_params = self._routed_fit_params(fit_params)
        X, y = self._check_X_y(X, y)
        if is_dask_array(X):
            X = persist_pool(X)  # once per fit, on the cluster (no-op without a client)
        missing = self._missing(y)
        self._fit_collaborators()
        budget = self.budget if self.oracle is not None else 0
        pool = LabelPool(X, y, missing, capacity=min(budget, int(missing.sum())),
                         track_classes=self._track_classes)
        run = Run(estimators=[] if self.keep_round_models else None)
        # Bound before the loop: an oracle failure mid-loop leaves every answer here.
        self.y_labeled_, self.labeled_iter_, self.history_ = (
            pool.y_labeled, pool.labeled_iter, run.history)
        if self.keep_round_models:
            self.estimators_ = run.estimators
        prototype = _seed_random_states(clone(estimator), self.random_state)
        try:
            run_loop(run, pool, X, self._loop(prototype, fit_params, X, budget))
        finally:
            self.n_iter_, self.n_queries_ = run.n_iter, run.n_queries
        self.termination_condition_ = run.termination
        if run.model is None:
            raise ValueError(self._no_model_message(pool, run))
        self.estimator_ = run.model
        self._set_fitted(run.model)
        # Kept for query(): strategies that refit (committees, error reduction) need them.
        self._labeled_data = pool.labeled_data()
        return self

    def _loop(self, prototype, fit_params, X, budget):
        def log(record):
            print(f"[{type(self).__name__}] round {record['round']}: asked "
                  f"{record['query_indices'].shape[0]} ({record['n_skipped']} skipped), "
                  f"{record['n_labeled']} labeled")

        return Loop(
            oracle=self.oracle, strategy=self.query_strategy_,
            cold_start=self.cold_start_strategy_, criterion=self.stopping_criterion_,
            refitter=self._refitter(prototype, fit_params, X), budget=budget,
            batch_size=self.batch_size, missing_label=self.missing_label,
            select_params={
                "random_state": check_random_state(self.random_state), "n_jobs": self.n_jobs,
                "chunk_rows": self.pool_chunk_size or default_chunk_rows(X, self.n_jobs),
                "unfitted_estimator": prototype,
            },
            strategy_name=strategy_name(self.query_strategy_),
            cold_start_name=strategy_name(self.cold_start_strategy_),
            log=log if self.verbose else None,
        )

    def _missing(self, y):
        return missing_mask(y, self.missing_label)

    # ------------------------------------------------------------------ use
    def query(self, X, n=None):
        """Positions of the ``n`` most informative rows of ``X``, best first.

        For the workflow where labels come later: no oracle is called. Uses the final
        model and the fitted strategy ``query_strategy_`` (so a strategy that learns while
        labeling, such as ``"explore_then_exploit"``, keeps what it learned).

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
        X_labeled, y_labeled = self._labeled_data
        params = {
            "X_labeled": X_labeled, "y_labeled": y_labeled, "n_jobs": self.n_jobs,
            "random_state": check_random_state(self.random_state),
            "chunk_rows": self.pool_chunk_size, "unfitted_estimator": clone(self._estimator()),
        }
        select = self.query_strategy_.select
        indices, _ = select(self.estimator_, X, min(n, num_rows(X)),
                            **accepted_params(select, params))
        return np.asarray(indices, dtype=np.intp)

    def _check_staged(self):
        check_is_fitted(self)
        if not hasattr(self, "estimators_"):
            raise AttributeError(
                f"This {type(self).__name__} was fitted with keep_round_models=False, so only "
                "the final model estimator_ was kept and the staged_* methods are not "
                "available. Fit with keep_round_models=True to replay every round."
            )
        return self.estimators_

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` parameters go to the estimator's ``fit`` on request.

        Returns
        -------
        routing : MetadataRouter
        """
        return MetadataRouter(owner=type(self).__name__).add_self_request(self).add(
            estimator=self._estimator(),
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._estimator())
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags

    def __getstate__(self):
        state = super().__getstate__()
        oracle = state.get("oracle")
        if isinstance(oracle, (types.FunctionType, types.MethodType)):
            try:
                pickle.dumps(oracle)
            except (pickle.PicklingError, AttributeError, TypeError) as exc:
                if not _pickled_for_workers():
                    raise pickle.PicklingError(
                        f"This {type(self).__name__} cannot be pickled because its oracle "
                        f"{oracle!r} is a lambda or a local function. Drop it first: "
                        "est.set_params(oracle=None) (the fitted model does not need it), "
                        "or use a module-level function or an Oracle object."
                    ) from exc
        return state


def persist_pool(X):
    """A dask pool persisted on the cluster for the rounds of one ``fit``."""
    from .utils._dask import persist_pool as persist

    return persist(X)


def _fresh(obj):
    """A clone of a strategy or criterion object (callables wrapped as they are)."""
    if obj is None:
        return None
    try:
        return clone(obj)
    except TypeError:
        return obj  # an object without get_params: nothing to reset
