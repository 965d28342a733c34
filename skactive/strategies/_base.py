"""The query-strategy base class (the top-n selection lives in ``utils._select``)."""

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state

from ..utils._indexing import num_rows, pool_token, score_top_n, take_rows
from ..utils._param_validation import validate_params
from ..utils._select import top_n
from ._common import (
    _sample_without_replacement,
    as_numeric,
    candidate_positions,
    empty_selection,
    features,
    transformer_steps,
)

__all__ = ["QueryStrategy", "ScoreFunction", "SelectContext", "top_n"]

# Rows the transformer steps of a Pipeline are fitted on before a model exists (a
# uniform sample of larger pools): enough for scalers and PCA, O(1) in the pool size.
MAX_TRANSFORMER_ROWS = 100_000


class QueryStrategy(BaseEstimator):
    """Base class for query strategies.

    A strategy decides which rows of a pool to send to the oracle. :meth:`select` does
    the shared steps (parameter validation, the random generator, candidate positions,
    chunked scoring, the top-n choice) and calls one hook a strategy writes:

    - :meth:`score`, one number per row where higher means more informative; the base
      class scores the candidates in chunks and picks the ``n`` best. Strategies that
      need per-call preparation (fit a committee, average the pool) override
      :meth:`_scorer` instead.
    - :meth:`_select_batch`, for strategies that choose a batch jointly (diversity,
      clustering): it receives the candidate positions and ``n >= 1`` already clamped.

    Parameters are declared in ``_parameter_constraints`` and checked by
    :meth:`_validate_params` (see ``skactive.utils._param_validation``).

    Like any scikit-learn estimator, ``__init__`` only stores parameters, so strategies
    can be cloned and tuned with ``GridSearchCV`` (``query_strategy__measure``...).
    State kept between the rounds of one ``fit`` lives in attributes ending with ``_``,
    created on the first :meth:`select`; the classifier starts every ``fit`` from a clone.

    Attributes
    ----------
    requires_model : bool
        Class attribute. ``False`` for strategies that can pick rows before any model
        exists (cold start); ``ActiveLearningClassifier`` uses such a strategy as is
        while fewer than two classes are labeled.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import QueryStrategy
    >>> class LargestFirstFeature(QueryStrategy):
    ...     requires_model = False
    ...     def score(self, estimator, X_pool):
    ...         return np.asarray(X_pool)[:, 0]
    >>> X = np.array([[0.1], [0.9], [0.5]])
    >>> LargestFirstFeature().select(None, X, 2)
    (array([1, 2]), array([0.9, 0.5]))
    """

    requires_model = True
    _parameter_constraints = {}

    def score(self, estimator, X_pool):
        """Informativeness of each row of ``X_pool`` (higher = ask first).

        Parameters
        ----------
        estimator : fitted classifier or None
            The current model (``None`` only for strategies with
            ``requires_model = False`` during a cold start).
        X_pool : {array-like, sparse matrix, DataFrame, list of str}
            Rows to score. The pool may arrive in chunks, so the score of a row must
            not depend on the other rows passed with it.

        Returns
        -------
        scores : ndarray of shape (n_rows,)
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement score(estimator, X_pool) or override "
            "_select_batch(estimator, X_pool, positions, n, rng, context)."
        )

    def select(
        self,
        estimator,
        X_pool,
        n,
        *,
        candidates=None,
        X_labeled=None,
        y_labeled=None,
        random_state=None,
        n_jobs=None,
        chunk_rows=None,
        unfitted_estimator=None,
    ):
        """Choose up to ``n`` rows of ``X_pool`` to query, best first.

        Parameters
        ----------
        estimator : fitted classifier or None
            The current model (None before one exists: cold start).
        X_pool : {array-like, sparse matrix, DataFrame, list of str}
            All rows the loop knows about; only rows allowed by ``candidates`` may be
            returned.
        n : int
            Number of rows wanted.
        candidates : ndarray of bool of shape (n_rows,), default=None
            Which rows may be picked (``None``: all). Passing a mask instead of a
            sub-pool lets strategies read ``X_pool`` in place.
        X_labeled, y_labeled : array-like, default=None
            The rows labeled so far and their labels, for strategies that need them
            (diversity with respect to the labeled set).
        random_state : int, RandomState or None
            Used when the strategy's own ``random_state`` is None (the classifier
            passes its generator here).
        n_jobs : int, default=None
            Chunks of the pool scored in parallel (threads, or the joblib backend
            chosen with ``joblib.parallel_config``).
        chunk_rows : int, default=None
            Rows scored per chunk (default: about 128 MiB of ``X_pool``, at most 2**15
            rows, 2**17 with ``n_jobs``).
        unfitted_estimator : estimator, default=None
            An unfitted clone of the user's estimator. Strategies that measure distances
            use its transformer steps (fitted on ``X_pool`` without labels, once per
            ``fit``) while no model exists and ignore it once ``estimator`` is given,
            except :class:`UncertaintyHerding`, which embeds the rows with those steps
            throughout a fit and cross-validates a clone on the labeled rows
            (``min_skill``).

        Returns
        -------
        indices : ndarray of int of shape (min(n, n_candidates),)
            Positions into ``X_pool``, best first.
        scores : ndarray of float of the same shape
            The score of each chosen row.
        """
        self._validate_params()
        rng = self._rng(random_state)
        context = SelectContext(candidates, X_labeled, y_labeled, n_jobs, chunk_rows,
                                unfitted_estimator)
        if type(self)._select_batch is not QueryStrategy._select_batch:
            positions = candidate_positions(X_pool, candidates)
            n = min(int(n), positions.shape[0])
            if n <= 0:
                return empty_selection()
            return self._select_batch(estimator, X_pool, positions, n, rng, context)
        score, scored = self._scorer(estimator, X_pool, rng, context)
        # Each chunk keeps its own top n (in the worker that scored it); the merge draws
        # from rng exactly as top_n on the whole score vector would.
        return score_top_n(score, scored, X_pool, candidates, n, rng,
                           chunk_rows=chunk_rows, n_jobs=n_jobs)

    def _scorer(self, estimator, X_pool, rng, context):
        """``(score, scored)``: ``score(scored, X_rows)`` is applied to chunks of the pool."""
        return self.score, estimator

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        """Choose ``n`` (>= 1) of the candidate ``positions`` jointly.

        Returns positions into ``X_pool``, best first, and their scores.
        """
        raise NotImplementedError  # pragma: no cover - select() only calls overrides

    def _validate_params(self):
        """Check the parameters against ``_parameter_constraints`` (ValueError if not)."""
        validate_params(self)

    def _rng(self, random_state):
        own = getattr(self, "random_state", None)
        return check_random_state(own if own is not None else random_state)

    def _embedding(self, estimator, X_pool, context):
        """``embed(X_rows) -> features`` in the space distances are measured in.

        With a model, its transformer steps; before one exists, the transformer steps of
        ``context.unfitted_estimator`` fitted once on ``X_pool`` without labels (on a
        uniform sample of ``MAX_TRANSFORMER_ROWS`` rows of a larger pool) and kept in
        ``cold_start_transformer_`` (a fresh clone of the strategy resets it).
        """
        owner = type(self).__name__
        if estimator is not None or transformer_steps(context.unfitted_estimator) is None:
            return lambda X_rows: features(estimator, X_rows, owner=owner)
        fitted = getattr(self, "cold_start_transformer_", None)
        if self._pool_changed(X_pool, "_cold_start_pool") or fitted is None:
            fitted = transformer_steps(clone(context.unfitted_estimator)).fit(
                _transformer_sample(X_pool))
            self.cold_start_transformer_ = fitted
        return lambda X_rows: as_numeric(fitted.transform(X_rows), owner)

    def _pool_changed(self, X_pool, attr):
        """Whether ``X_pool`` is another pool (even of the same size) than the one last
        seen under ``attr``, whose cache must then be rebuilt; remembers ``X_pool``."""
        token = pool_token(X_pool)
        changed = getattr(self, attr, None) != token
        setattr(self, attr, token)
        return changed


def _transformer_sample(X_pool):
    """The pool, or a uniform sample of ``MAX_TRANSFORMER_ROWS`` of its rows when it is
    larger (drawn by its own fixed generator, so the caller's draws do not move): the
    rows unsupervised transformer steps are fitted on before a model exists. Memory
    stays O(sample) whatever the pool, and a dask pool is never loaded on the driver."""
    n_rows = num_rows(X_pool)
    if n_rows <= MAX_TRANSFORMER_ROWS:
        return X_pool
    rows = _sample_without_replacement(n_rows, MAX_TRANSFORMER_ROWS,
                                       np.random.RandomState(0))
    return take_rows(X_pool, rows)


class SelectContext:
    """What ``select`` received besides the model, the pool, ``n`` and the generator."""

    def __init__(self, candidates, X_labeled, y_labeled, n_jobs, chunk_rows,
                 unfitted_estimator):
        self.candidates = candidates
        self.X_labeled = X_labeled
        self.y_labeled = y_labeled
        self.n_jobs = n_jobs
        self.chunk_rows = chunk_rows
        self.unfitted_estimator = unfitted_estimator

    @property
    def n_labeled(self):
        return 0 if self.X_labeled is None else num_rows(self.X_labeled)

    def kwargs(self):
        """The keyword arguments of ``select`` (to pass to another strategy)."""
        return {"candidates": self.candidates, "X_labeled": self.X_labeled,
                "y_labeled": self.y_labeled, "n_jobs": self.n_jobs,
                "chunk_rows": self.chunk_rows, "unfitted_estimator": self.unfitted_estimator}


class ScoreFunction(QueryStrategy):
    """A query strategy from a plain function ``func(estimator, X_pool) -> scores``.

    This is what ``ActiveLearningClassifier(query_strategy=func)`` builds from a
    callable. Higher scores are queried first.

    Parameters
    ----------
    func : callable
        ``func(estimator, X_pool)`` returning one number per row. It may be called on
        chunks of the pool, so a row's score must not depend on the other rows.
    requires_model : bool, default=True
        Set to False if ``func`` can score rows without a fitted model.
    random_state : int, RandomState or None, default=None
        Breaks ties.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import ScoreFunction
    >>> first_feature = ScoreFunction(lambda est, X: X[:, 0], requires_model=False)
    >>> first_feature.select(None, np.array([[3.0], [1.0], [2.0]]), 1)
    (array([0]), array([3.]))
    """

    _parameter_constraints = {
        "func": [callable],
        "requires_model": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, func, *, requires_model=True, random_state=None):
        self.func = func
        self.requires_model = requires_model
        self.random_state = random_state

    def score(self, estimator, X_pool):
        return self.func(estimator, X_pool)
