"""How many labels, and which strategy: cross-validated active-learning curves.

An :class:`~skactive.ActiveLearningClassifier` keeps the model of every round (its
staged API), so the score after ``b`` labels is read off ONE run with the largest
budget instead of one refit per budget: :func:`active_learning_curve` costs one
active-learning run per fold, where ``GridSearchCV(param_grid={"budget": [...]})``
costs one run per fold and per budget.
"""

import numbers
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import check_scoring, get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if

from .utils._indexing import num_rows, take_rows
from .utils._validation import missing_mask

__all__ = ["active_learning_curve", "aulc", "compare_strategies", "make_oracle_scorer"]


# ---------------------------------------------------------------------- scorers
class _OracleScorer:
    """``scorer(estimator, X, y)`` scoring on the oracle's answers for every row of X."""

    def __init__(self, oracle, metric):
        self.oracle = oracle
        self.metric = metric

    def _metric_scorer(self):
        return get_scorer(self.metric) if isinstance(self.metric, str) else self.metric

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
        return self._metric_scorer()(estimator, X_eval, truth, **kwargs)

    def __repr__(self):
        return f"make_oracle_scorer({type(self.oracle).__name__}, metric={self.metric!r})"


def make_oracle_scorer(oracle, metric="accuracy"):
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
    metric : str or callable, default="accuracy"
        A scorer name for :func:`sklearn.metrics.get_scorer` (``"f1_macro"``,
        ``"roc_auc"``...) or a scorer callable ``scorer(estimator, X, y)``.

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
    if not (isinstance(metric, str) or callable(metric)):
        raise ValueError(
            f"make_oracle_scorer: 'metric' must be a scorer name or a callable "
            f"scorer(estimator, X, y); got {metric!r}."
        )
    if isinstance(metric, str):
        get_scorer(metric)  # fail now on an unknown name
    return _OracleScorer(oracle, metric)


def _score_name(scoring):
    if isinstance(scoring, _OracleScorer):
        scoring = scoring.metric
    if scoring is None:
        return "Accuracy"
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
        scores[stage] = scorer(_Stage(estimator.classes_, responses, stage, rows), X_s, y_s)
    return scores


def _index_params(params, n_samples, positions):
    out = {}
    for key, value in (params or {}).items():
        per_sample = hasattr(value, "__len__") and not isinstance(value, str)
        out[key] = take_rows(value, positions) if per_sample and num_rows(value) == n_samples \
            else value
    return out


def _fit_stages(estimator, X, y, train, test, scorer, return_train_score, params):
    """One active-learning run on ``train``, scored after every round on ``test``."""
    X_train, X_test, y_test = take_rows(X, train), take_rows(X, test), y[test]
    estimator.fit(X_train, y[train], **_index_params(params, y.shape[0], train))
    history = estimator.history_
    run = {
        "n_queries": np.cumsum([len(h["query_indices"]) for h in history]),
        "n_initial": history[0]["n_labeled"],
        "train": None,
    }
    if isinstance(scorer, _OracleScorer):
        rows, truth = scorer.truth(estimator, X_test)
        metric = scorer._metric_scorer()
    else:
        rows, metric = np.flatnonzero(~missing_mask(y_test, estimator.missing_label)), scorer
        truth = y_test[rows]
    if rows.shape[0] == 0:
        warnings.warn(
            "active_learning_curve: a test fold has no labeled row, so its scores are NaN. "
            "Label more rows, or score on the truth with make_oracle_scorer(oracle).",
            UserWarning,
            stacklevel=3,
        )
        run["test"] = np.full(len(history), np.nan)
    else:
        X_eval = X_test if rows.shape[0] == num_rows(X_test) else take_rows(X_test, rows)
        run["test"] = _staged_scores(estimator, metric, X_eval, truth)
    if return_train_score:
        # A round's training set: the rows labeled up to that round, with their answers.
        ever = np.flatnonzero(estimator.labeled_iter_ >= 0)
        labeled_in = estimator.labeled_iter_[ever]
        run["train"] = _staged_scores(
            estimator, metric, take_rows(X_train, ever), estimator.y_labeled_[ever],
            rows_per_stage=lambda stage: np.flatnonzero(labeled_in <= stage),
        )
    return run


def _align(runs, grid, key, pad):
    """Scores of each run at each checkpoint of ``grid`` (labels asked), one column per run.

    A run's score at ``q`` is the one after its last round with at most ``q`` queries;
    past the end of a run (stopped early, pool exhausted) it is the run's last score
    (``pad="last"``) or NaN (``pad="nan"``).
    """
    out = np.empty((grid.shape[0], len(runs)))
    for j, run in enumerate(runs):
        stage = np.searchsorted(run["n_queries"], grid, side="right") - 1
        out[:, j] = run[key][stage]
        if pad == "nan":
            out[grid > run["n_queries"][-1], j] = np.nan
    return out


def _check_common(estimator, scoring, pad):
    if not (hasattr(estimator, "staged_predict") and hasattr(estimator, "missing_label")):
        raise ValueError(
            "The estimator must be an ActiveLearningClassifier (with staged_predict and "
            f"missing_label); got {type(estimator).__name__}."
        )
    if pad not in ("last", "nan"):
        raise ValueError(f"The 'pad' parameter must be 'last' or 'nan'; got {pad!r}.")
    if isinstance(scoring, _OracleScorer):
        return scoring
    if scoring is not None and not isinstance(scoring, str) and not callable(scoring):
        raise ValueError(
            f"The 'scoring' parameter must be None, a scorer name or a callable "
            f"scorer(estimator, X, y); got {scoring!r}."
        )
    return check_scoring(estimator, scoring=scoring)


# ---------------------------------------------------------------------- public API
def active_learning_curve(
    estimator, X, y, *, groups=None, cv=5, scoring=None, n_jobs=None, pre_dispatch="all",
    verbose=0, return_train_score=False, pad="last", params=None,
):
    """Cross-validated score after every round of active learning.

    For each CV split, ONE active-learning run (a clone of ``estimator`` with its
    ``budget``) is fitted on the training part; the model of every round is then
    scored on the test part through the staged API. The score after ``b`` labels is
    exactly the score of the same estimator fitted with ``budget=b``, at the cost of a
    single run per fold instead of one per budget.

    Parameters
    ----------
    estimator : ActiveLearningClassifier
        With an ``oracle`` (typically :class:`~skactive.oracles.SimulatedOracle`) and
        the largest ``budget`` of interest. Cloned for each fold.
    X : {array-like, sparse matrix, DataFrame} or list of str
    y : array-like of shape (n_samples,)
        Partially labeled: ``missing_label`` marks the pool.
    groups : array-like of shape (n_samples,), default=None
        Group labels for a group splitter.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.learning_curve` (an int means
        ``StratifiedKFold``; unlabeled rows are stratified as one more class).
    scoring : str, callable or None, default=None
        ``None``: accuracy on the LABELED rows of each test fold (``estimator.score``).
        A name for :func:`sklearn.metrics.get_scorer` or a ``scorer(estimator, X, y)``:
        applied to each round's predictions / probabilities on the labeled test rows.
        :func:`make_oracle_scorer`: scores every test row on the oracle's truth.
    n_jobs : int, default=None
        Folds run in parallel with joblib.
    pre_dispatch : int or str, default="all"
    verbose : int, default=0
    return_train_score : bool, default=False
        Also score each round's model on its own training set (the rows labeled so
        far, with their labels).
    pad : {"last", "nan"}, default="last"
        Rounds are aligned by the number of labels asked for (a skipped query counts:
        it costs budget). A fold that stops early (stopping criterion, pool exhausted,
        oracle stopped) keeps its last score at the later checkpoints (``"last"``: the
        model it ended with) or gets NaN there (``"nan"``).
    params : dict, default=None
        Passed to ``fit``; per-sample arrays are indexed to the training part.

    Returns
    -------
    n_labels : ndarray of shape (n_checkpoints,)
        Labels held at each checkpoint: the labeled rows of a training part at the start
        (averaged over folds) plus the labels asked for since.
    train_scores : ndarray of shape (n_checkpoints, n_folds)
        Only when ``return_train_score=True``.
    test_scores : ndarray of shape (n_checkpoints, n_folds)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearningClassifier
    >>> from skactive.model_selection import active_learning_curve
    >>> from skactive.oracles import SimulatedOracle
    >>> X, y_true = make_classification(n_samples=150, random_state=0)
    >>> y = np.full_like(y_true, -1)
    >>> y[:30] = y_true[:30]
    >>> clf = ActiveLearningClassifier(oracle=SimulatedOracle(X, y_true), budget=8,
    ...                                random_state=0)
    >>> n_labels, test_scores = active_learning_curve(clf, X, y, cv=3)
    >>> n_labels.tolist()
    [20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0]
    >>> test_scores.shape
    (9, 3)
    """
    scorer = _check_common(estimator, scoring, pad)
    y = np.asarray(y)
    splits = list(check_cv(cv, y, classifier=True).split(X, y, groups))
    runs = Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch, verbose=verbose)(
        delayed(_fit_stages)(clone(estimator), X, y, train, test, scorer, return_train_score,
                             params)
        for train, test in splits
    )
    grid = np.unique(np.concatenate([run["n_queries"] for run in runs]))
    n_labels = np.mean([run["n_initial"] for run in runs]) + grid
    test_scores = _align(runs, grid, "test", pad)
    if return_train_score:
        return n_labels, _align(runs, grid, "train", pad), test_scores
    return n_labels, test_scores


def aulc(n_labels, scores):
    """Normalised area under a learning curve: its average score over the label range.

    The trapezoid rule over ``n_labels``, divided by the range of ``n_labels``: a flat
    curve at ``s`` has AULC ``s``, and a strategy that gets good with fewer labels
    scores higher. Checkpoints with a NaN score (``pad="nan"``) are left out of each
    curve; a single checkpoint gives its score.

    Parameters
    ----------
    n_labels : array-like of shape (n_checkpoints,)
        Non-decreasing.
    scores : array-like of shape (n_checkpoints,) or (n_checkpoints, n_curves)

    Returns
    -------
    aulc : float or ndarray of shape (n_curves,)

    Examples
    --------
    >>> from skactive.model_selection import aulc
    >>> aulc([10, 20, 30], [0.5, 0.7, 0.9])
    0.7
    >>> aulc([10, 20, 30], [[0.5, 1.0], [0.5, 1.0], [1.0, 1.0]]).tolist()
    [0.625, 1.0]
    """
    x = np.asarray(n_labels, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    if x.ndim != 1 or s.ndim not in (1, 2) or s.shape[0] != x.shape[0]:
        raise ValueError(
            f"aulc: n_labels must be 1D and scores (n_checkpoints,) or (n_checkpoints, "
            f"n_curves) with the same n_checkpoints; got {x.shape} and {s.shape}."
        )
    if np.any(np.diff(x) < 0):
        raise ValueError("aulc: n_labels must be non-decreasing.")
    curves = s.reshape(x.shape[0], -1)
    out = np.full(curves.shape[1], np.nan)
    for j in range(curves.shape[1]):
        ok = np.isfinite(curves[:, j])
        xs, ys = x[ok], curves[ok, j]
        if xs.shape[0] == 0:
            continue
        width = xs[-1] - xs[0]
        out[j] = ys.mean() if width == 0 else np.sum((ys[1:] + ys[:-1]) * np.diff(xs)) / (
            2 * width)
    return float(out[0]) if s.ndim == 1 else out


def _strategy_label(strategy):
    """A short name for a ``query_strategy`` value, for tables and legends."""
    if isinstance(strategy, str):
        return strategy
    if isinstance(strategy, BaseEstimator):
        return repr(strategy)
    return getattr(strategy, "__name__", repr(strategy))


def _named_strategies(strategies):
    if isinstance(strategies, (str, dict)) or not hasattr(strategies, "__iter__"):
        strategies = strategies if isinstance(strategies, dict) else [strategies]
    named = dict(strategies) if isinstance(strategies, dict) else {
        _strategy_label(s): s for s in strategies
    }
    named.setdefault("random", "random")  # the baseline every strategy must beat
    return named


def _fresh(strategy):
    """A clone per run, so no state is shared between runs of a strategy instance."""
    return clone(strategy) if isinstance(strategy, BaseEstimator) else strategy


def compare_strategies(
    estimator, X, y, strategies=("margin",), *, cv=5, n_repeats=1, scoring=None, groups=None,
    n_jobs=None, pre_dispatch="all", verbose=0, random_state=None, pad="last", as_frame=False,
    params=None,
):
    """Learning curves and AULC of several query strategies on the same splits.

    Every strategy runs on the same folds with the same seeds (a paired comparison),
    ``"random"`` always among them as the baseline. One job per strategy, repeat and
    fold, run in parallel with joblib; each job is one active-learning run scored after
    every round, as in :func:`active_learning_curve`.

    Parameters
    ----------
    estimator : ActiveLearningClassifier
        With an ``oracle`` and the ``budget`` to spend; its ``query_strategy`` and
        ``random_state`` are replaced in each job.
    X : {array-like, sparse matrix, DataFrame} or list of str
    y : array-like of shape (n_samples,)
        Partially labeled.
    strategies : list or dict, default=("margin",)
        Strategy names, instances or scoring callables; a dict maps display names to
        them. ``"random"`` is added when missing.
    cv : int, cross-validation generator or iterable, default=5
        An int means (Stratified)KFold reshuffled in each repeat; a splitter or an
        iterable gives the same splits in every repeat.
    n_repeats : int, default=1
        Repeats with fresh seeds (and fresh folds when ``cv`` is an int).
    scoring : str, callable or None, default=None
        As in :func:`active_learning_curve`.
    groups : array-like, default=None
    n_jobs : int, default=None
    pre_dispatch : int or str, default="all"
    verbose : int, default=0
    random_state : int, RandomState or None, default=None
        Draws one seed per repeat, used for the folds and as the estimator's
        ``random_state``.
    pad : {"last", "nan"}, default="last"
        See :func:`active_learning_curve`.
    as_frame : bool, default=False
        Return a pandas DataFrame with one row per strategy (the per-strategy keys
        below as columns) and the curves in ``frame.attrs`` (``n_labels``,
        ``test_scores`` as a dict name -> array, ``score_name``).
    params : dict, default=None
        Passed to ``fit``.

    Returns
    -------
    result : dict or DataFrame
        ``strategy`` (n_strategies,): names, in the order given, then ``"random"`` if it
        was added; ``aulc_mean``, ``aulc_std`` (spread over folds x repeats),
        ``final_score_mean``, ``final_score_std`` (n_strategies,); ``aulc``
        (n_strategies, n_runs): :func:`aulc` of each run's curve; ``n_labels``
        (n_checkpoints,); ``test_scores`` (n_strategies, n_checkpoints, n_runs), runs
        ordered repeat by repeat, fold by fold; ``score_name``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skactive import ActiveLearningClassifier
    >>> from skactive.model_selection import compare_strategies, make_oracle_scorer
    >>> from skactive.oracles import SimulatedOracle
    >>> X, y_true = make_classification(n_samples=150, random_state=0)
    >>> y = np.full_like(y_true, -1)
    >>> oracle = SimulatedOracle(X, y_true)
    >>> clf = ActiveLearningClassifier(oracle=oracle, budget=10)
    >>> res = compare_strategies(clf, X, y, ["margin"], cv=3, random_state=0,
    ...                          scoring=make_oracle_scorer(oracle))
    >>> res["strategy"].tolist(), res["test_scores"].shape
    (['margin', 'random'], (2, 11, 3))
    """
    scorer = _check_common(estimator, scoring, pad)
    if not isinstance(n_repeats, numbers.Integral) or n_repeats < 1:
        raise ValueError(f"The 'n_repeats' parameter must be an int >= 1; got {n_repeats!r}.")
    named = _named_strategies(strategies)
    y = np.asarray(y)
    seeds = check_random_state(random_state).randint(np.iinfo(np.int32).max, size=n_repeats)
    splits = []
    for seed in seeds:
        splitter = check_cv(cv, y, classifier=True)
        if isinstance(cv, numbers.Integral):
            splitter = type(splitter)(n_splits=cv, shuffle=True, random_state=seed)
        splits.append(list(splitter.split(X, y, groups)))
    jobs = [
        (strategy, seed, train, test)
        for strategy in named.values()
        for seed, folds in zip(seeds, splits, strict=True)
        for train, test in folds
    ]
    runs = Parallel(n_jobs=n_jobs, pre_dispatch=pre_dispatch, verbose=verbose)(
        delayed(_fit_stages)(
            clone(estimator).set_params(query_strategy=_fresh(strategy), random_state=int(seed)),
            X, y, train, test, scorer, False, params,
        )
        for strategy, seed, train, test in jobs
    )
    grid = np.unique(np.concatenate([run["n_queries"] for run in runs]))
    n_runs = len(runs) // len(named)
    n_labels = np.mean([run["n_initial"] for run in runs]) + grid
    curves = np.stack([
        _align(runs[i * n_runs:(i + 1) * n_runs], grid, "test", pad) for i in range(len(named))
    ])
    areas = np.stack([aulc(n_labels, c) for c in curves])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN folds give NaN, not noise
        result = {
            "strategy": np.array(list(named), dtype=object),
            "aulc_mean": np.nanmean(areas, axis=1),
            "aulc_std": np.nanstd(areas, axis=1),
            "final_score_mean": np.nanmean(curves[:, -1], axis=1),
            "final_score_std": np.nanstd(curves[:, -1], axis=1),
            "aulc": areas,
            "n_labels": n_labels,
            "test_scores": curves,
            "score_name": _score_name(scoring),
        }
    if not as_frame:
        return result
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is a test/bench extra
        raise ImportError("compare_strategies(as_frame=True) requires pandas.") from exc
    columns = ["strategy", "aulc_mean", "aulc_std", "final_score_mean", "final_score_std"]
    frame = pd.DataFrame({key: result[key] for key in columns})
    frame.attrs.update(
        n_labels=n_labels, score_name=result["score_name"],
        test_scores=dict(zip(named, curves, strict=True)),
    )
    return frame
