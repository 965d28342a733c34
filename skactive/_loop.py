"""The round protocol of one ``fit``: fit → select → ask → record → refit.

:func:`run_loop` is the whole loop, each step a named call; the estimator only validates,
builds the :class:`~skactive._pool.LabelPool` and the :class:`Round` settings, and reads
the :class:`Run` back. The estimator binds ``Run.history``/``Run.estimators`` before the
loop starts, so when the oracle raises every completed round is already in place.
"""

import functools
import inspect
import time
from dataclasses import dataclass, field

import numpy as np

from .oracles import StopLabeling
from .utils._validation import AnswerError, check_answers

__all__ = ["Loop", "Run", "accepted_params", "run_loop"]


@dataclass
class Run:
    """What one ``fit`` has produced so far."""

    history: list = field(default_factory=list)
    estimators: list | None = field(default_factory=list)  # None: round models not kept
    model: object = None
    n_iter: int = 0
    n_queries: int = 0
    termination: str | None = None


@dataclass
class Loop:
    """The fitted collaborators and settings of one ``fit``."""

    oracle: object
    strategy: object
    cold_start: object
    criterion: object
    refitter: object
    budget: int
    batch_size: int
    missing_label: object
    select_params: dict
    strategy_name: str
    cold_start_name: str
    log: object = None  # callable(record) or None


def run_loop(run, pool, X, loop):
    """Run rounds until the budget is spent, the pool is empty or something says stop."""
    run.model, fit_time = loop.refitter.fit(pool)
    _record(run, pool, loop, _empty_batch(pool), None, fit_time)
    spent = 0
    explore = _Exploration(pool, loop.budget)
    while (reason := _end_condition(run, pool, X, loop, spent)) is None:
        n = min(loop.batch_size, loop.budget - spent, pool.n_candidates)
        picker, picked_by = _picker(run.model, loop, explore.active(run.model))
        batch = _select(picker, run.model, pool, X, n, loop)
        answers, stopped = _ask(loop.oracle, pool, batch)
        if stopped:
            if len(answers) == 0:
                reason = "stopped_by_oracle"
                break
            batch = batch.head(len(answers))
        labels, skipped = _checked_answers(run, pool, loop, batch, answers, picked_by)
        added = pool.add(batch.indices, labels, skipped, run.n_iter + 1)
        explore.update(picker is loop.cold_start, batch.n)
        spent += batch.n
        fit_time = 0.0
        if added:
            run.model, fit_time = loop.refitter.fit(
                pool, previous=run.model, new=batch.indices[~skipped])
        _record(run, pool, loop, batch._replace(labels=labels, skipped=skipped), picked_by,
                fit_time)
        if stopped:
            reason = "stopped_by_oracle"
            break
    run.termination = reason
    return run


class _Batch:
    """The rows picked in one round, their scores, and (once asked) the answers."""

    def __init__(self, indices, scores, query_time, labels=None, skipped=None,
                 oracle_time=0.0):
        self.indices, self.scores, self.query_time = indices, scores, query_time
        self.labels, self.skipped, self.oracle_time = labels, skipped, oracle_time

    @property
    def n(self):
        return self.indices.shape[0]

    def head(self, k):
        if k >= self.n:
            return self
        return self._replace(indices=self.indices[:k], scores=self.scores[:k])

    def _replace(self, **changes):
        fields = dict(self.__dict__, **changes)
        return _Batch(**fields)


def _empty_batch(pool):
    return _Batch(np.empty(0, np.intp), np.empty(0), 0.0, labels=pool.y_labeled[:0],
                  skipped=np.zeros(0, dtype=bool))


def _end_condition(run, pool, X, loop, spent):
    """The termination condition that holds now, or None to run another round."""
    if loop.oracle is None:
        return "no_oracle"
    if spent >= loop.budget:
        return "budget_exhausted"
    if pool.n_candidates == 0:
        return "pool_exhausted"
    if loop.criterion is not None and run.model is not None:
        reason = loop.criterion.should_stop(run.model, X, candidates=pool.candidates,
                                            history=run.history)
        if reason:
            run.history[-1]["stop_reason"] = (
                reason if isinstance(reason, str) else type(loop.criterion).__name__)
            return "stopping_criterion"
    return None


class _Exploration:
    """Whether the cold start goes on once a model exists: while it still finds classes.

    A fit that starts with fewer than two labeled classes explores with the cold start
    until a model can be fitted, and then as long as the cold start keeps finding new
    classes: it ends once ``n_known_classes + 2`` rows in a row brought no new class, or
    once half the budget went to the cold start. A fit that starts with a
    model never explores (the classes the user labeled are taken as the classes).
    """

    def __init__(self, pool, budget):
        self.pool, self.budget = pool, budget
        self.on = pool.classes is not None and len(pool.classes) < 2
        self.known = 0 if pool.classes is None else len(pool.classes)
        self.dry = 0  # consecutive cold-start rows that brought no new class
        self.rows = 0  # rows picked by the cold start

    def active(self, model):
        if model is None:
            return True
        if self.on and (self.dry >= self.known + 2 or 2 * self.rows >= self.budget):
            self.on = False  # once the query strategy takes over, it keeps the loop
        return self.on

    def update(self, by_cold_start, n_rows):
        if not by_cold_start or self.pool.classes is None:
            return
        known = len(self.pool.classes)
        self.dry = 0 if known > self.known else self.dry + n_rows
        self.known, self.rows = known, self.rows + n_rows


def _picker(model, loop, explore=False):
    """The strategy for this round: the cold start while no model can be fitted, and
    while it keeps finding new classes (:class:`_Exploration`)."""
    if (model is None or explore) and loop.strategy.requires_model:
        return loop.cold_start, f"{loop.cold_start_name} (cold start)"
    return loop.strategy, loop.strategy_name


def _select(picker, model, pool, X, n, loop):
    tic = time.perf_counter()
    X_labeled, y_labeled = pool.labeled_data()
    indices, scores = picker.select(model, X, n, candidates=pool.candidates,
                                    X_labeled=X_labeled, y_labeled=y_labeled,
                                    **accepted_params(picker.select, loop.select_params))
    indices = _check_picked(indices, n, pool.candidates)
    scores = np.asarray(scores, dtype=np.float64)[:n]
    return _Batch(indices, scores, time.perf_counter() - tic)


def accepted_params(method, params):
    """The entries of ``params`` that ``method`` takes (user strategies written before a
    keyword such as ``unfitted_estimator`` existed keep working)."""
    func = getattr(method, "__func__", method)
    try:
        keywords = _keywords(func)  # cached: inspect.signature costs ~1 ms a round
    except TypeError:  # an unhashable callable
        keywords = _keywords.__wrapped__(func)
    if keywords is None:
        return params
    return {key: value for key, value in params.items() if key in keywords}


@functools.lru_cache(maxsize=128)
def _keywords(func):
    """Parameter names of ``func``, or None when it takes ``**kwargs`` (or has none)."""
    try:
        signature = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.values()):
        return None
    return frozenset(signature)


def _check_picked(indices, n, candidates):
    indices = np.asarray(indices, dtype=np.intp).ravel()
    if (
        indices.shape[0] != n
        or (n > 0 and (indices.min() < 0 or indices.max() >= candidates.shape[0]))
        or not candidates[indices].all()
        or (n > 1 and _has_repeats(indices))
    ):
        raise ValueError(
            f"The query strategy must return {n} distinct positions of unlabeled, "
            f"not yet queried rows; got {indices.tolist()}."
        )
    return indices


def _has_repeats(indices):
    """Whether a position occurs twice (a sort of the batch; no ``np.unique`` machinery)."""
    ordered = np.sort(indices)
    return bool((ordered[1:] == ordered[:-1]).any())


def _ask(oracle, pool, batch):
    """The oracle's answers, and whether it asked to stop (StopLabeling)."""
    tic = time.perf_counter()
    try:
        answers, stopped = oracle(pool.rows(batch.indices)), False
    except StopLabeling as exc:
        # The annotator quit: keep the answers given for the first rows of the batch.
        answers = [] if exc.labels is None else list(exc.labels)[: batch.n]
        stopped = True
    batch.oracle_time = time.perf_counter() - tic
    return answers, stopped


def _checked_answers(run, pool, loop, batch, answers, picked_by):
    """Validated answers; on an invalid one, the valid answers before it are kept first."""
    try:
        return check_answers(answers, batch.n, pool.y_labeled.dtype, loop.missing_label)
    except AnswerError as exc:
        if exc.n_valid:
            head = batch.head(exc.n_valid)
            labels, skipped = check_answers(list(answers)[: exc.n_valid], head.n,
                                            pool.y_labeled.dtype, loop.missing_label)
            pool.add(head.indices, labels, skipped, run.n_iter + 1)
            _record(run, pool, loop, head._replace(labels=labels, skipped=skipped),
                    picked_by, 0.0)
        raise


def _record(run, pool, loop, batch, picked_by, fit_time):
    """Append the round's history entry and model, and count it."""
    round_ = len(run.history)
    if round_ > 0:
        run.n_iter = round_
        run.n_queries += batch.n
    run.history.append({
        "round": round_,
        "n_labeled": pool.n_labeled,
        "query_indices": batch.indices,
        "query_labels": np.asarray(batch.labels),
        "query_scores": batch.scores,
        "n_skipped": int(np.count_nonzero(batch.skipped)),
        "strategy": picked_by,
        "fit_time": fit_time,
        "query_time": batch.query_time,
        "oracle_time": batch.oracle_time,
    })
    if run.estimators is not None:
        run.estimators.append(run.model)
    if loop.log is not None:
        loop.log(run.history[-1])
