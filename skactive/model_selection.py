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
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state

from ._scoring import _OracleScorer, _score_name, _staged_scores, make_oracle_scorer
from .utils._indexing import index_params, num_rows, take_rows
from .utils._validation import missing_mask

__all__ = ["active_learning_curve", "aulc", "compare_strategies", "make_oracle_scorer"]


def _fit_stages(estimator, X, y, train, test, scorer, return_train_score, params):
    """One active-learning run on ``train``, scored after every round on ``test``."""
    X_train, X_test, y_test = take_rows(X, train), take_rows(X, test), y[test]
    if "keep_round_models" in estimator.get_params(deep=False):
        estimator.set_params(keep_round_models=True)  # the curve reads every round's model
    estimator.fit(X_train, y[train], **index_params(params, y.shape[0], train))
    history = estimator.history_
    run = {
        "n_queries": np.cumsum([len(h["query_indices"]) for h in history]),
        "n_initial": history[0]["n_labeled"],
        "train": None,
    }
    if isinstance(scorer, _OracleScorer):
        rows, truth = scorer.truth(estimator, X_test)
        metric = scorer._metric_scorer(estimator)
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
            "The estimator must be an ActiveLearningClassifier or ActiveLearningRegressor "
            f"(with staged_predict and missing_label); got {type(estimator).__name__}."
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
    estimator : ActiveLearningClassifier or ActiveLearningRegressor
        With an ``oracle`` (typically :class:`~skactive.oracles.SimulatedOracle`) and
        the largest ``budget`` of interest. Cloned for each fold.
    X : {array-like, sparse matrix, DataFrame} or list of str
    y : array-like of shape (n_samples,)
        Partially labeled: ``missing_label`` marks the pool.
    groups : array-like of shape (n_samples,), default=None
        Group labels for a group splitter.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.learning_curve` (an int means
        ``StratifiedKFold`` for a classifier, unlabeled rows stratified as one more
        class, and ``KFold`` for a regressor).
    scoring : str, callable or None, default=None
        ``None``: accuracy (classifier) or R² (regressor) on the LABELED rows of each
        test fold (``estimator.score``).
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
    splits = list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y, groups))
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
    estimator, X, y, strategies=None, *, cv=5, n_repeats=1, scoring=None, groups=None,
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
    estimator : ActiveLearningClassifier or ActiveLearningRegressor
        With an ``oracle`` and the ``budget`` to spend; its ``query_strategy`` and
        ``random_state`` are replaced in each job.
    X : {array-like, sparse matrix, DataFrame} or list of str
    y : array-like of shape (n_samples,)
        Partially labeled.
    strategies : list or dict, default=None
        Strategy names, instances or scoring callables; a dict maps display names to
        them. ``"random"`` is added when missing. ``None`` compares the estimator's own
        ``query_strategy`` (``"margin"`` for a default classifier, ``"igs"`` for a
        default regressor) with random sampling. For a regressor pass regression names
        (``available_strategies("regression")``), e.g. ``["std", "igs"]``.
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
    if strategies is None:
        strategies = [estimator.query_strategy]
    named = _named_strategies(strategies)
    y = np.asarray(y)
    seeds = check_random_state(random_state).randint(np.iinfo(np.int32).max, size=n_repeats)
    splits = []
    for seed in seeds:
        splitter = check_cv(cv, y, classifier=is_classifier(estimator))
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
            "score_name": _score_name(scoring, estimator),
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
