"""Plots of active-learning curves, following scikit-learn's Display API.

matplotlib is imported inside the functions that draw, so ``import skactive.plotting``
works (and stays cheap) without it.
"""

import numpy as np

from .model_selection import (
    _score_name,
    _strategy_label,
    active_learning_curve,
    aulc,
    compare_strategies,
)

__all__ = ["ActiveLearningCurveDisplay"]


def _pyplot(what):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is a runtime dependency
        raise ImportError(f"{what} requires matplotlib: pip install matplotlib.") from exc
    return plt


def _nan_stats(scores):
    """Mean and std over runs, ignoring NaN padding; NaN where a checkpoint has no run."""
    counts = np.isfinite(scores).sum(axis=1)
    filled = np.where(np.isfinite(scores), scores, 0.0)
    safe = np.maximum(counts, 1)
    mean = filled.sum(axis=1) / safe
    var = (np.where(np.isfinite(scores), scores - mean[:, None], 0.0) ** 2).sum(axis=1) / safe
    empty = counts == 0
    return np.where(empty, np.nan, mean), np.where(empty, np.nan, np.sqrt(var))


class ActiveLearningCurveDisplay:
    """Score against number of labels, one line per query strategy.

    Use :meth:`from_estimator` (runs the evaluation) or :meth:`from_cv_results` (plots
    the result of :func:`~skactive.model_selection.compare_strategies` or
    :func:`~skactive.model_selection.active_learning_curve`). Each line is the mean over
    folds (and repeats), with a band of one standard deviation; the ``"random"``
    baseline is dashed. All parameters are stored as attributes.

    Parameters
    ----------
    n_labels : ndarray of shape (n_checkpoints,)
    test_scores : ndarray of shape (n_checkpoints, n_runs) or \
            (n_strategies, n_checkpoints, n_runs)
    train_scores : ndarray of the same shape as ``test_scores``, default=None
    strategy_names : list of str, default=None
        One name per strategy (required for 3D scores). ``None`` with 2D scores: the
        lines are labelled "Test" and "Train".
    score_name : str, default=None
        y-axis label; ``None`` means "Score".

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : list of matplotlib Line2D
        The mean curves, strategy by strategy (test before train for each).
    fill_between_ : list of matplotlib PolyCollection or None
        The bands, in the order of ``lines_``; None when ``std_display_style=None``.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : the same idea for training-set size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skactive.plotting import ActiveLearningCurveDisplay
    >>> scores = np.array([[[0.6, 0.7], [0.8, 0.9]], [[0.6, 0.7], [0.7, 0.7]]])
    >>> disp = ActiveLearningCurveDisplay(n_labels=np.array([10, 20]), test_scores=scores,
    ...                                   strategy_names=["margin", "random"]).plot()
    >>> [line.get_linestyle() for line in disp.lines_]
    ['-', '--']
    >>> [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    ['margin (AULC 0.750)', 'random (AULC 0.675)']
    """

    def __init__(self, *, n_labels, test_scores, train_scores=None, strategy_names=None,
                 score_name=None):
        self.n_labels = n_labels
        self.test_scores = test_scores
        self.train_scores = train_scores
        self.strategy_names = strategy_names
        self.score_name = score_name

    def _curves(self, scores):
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim == 2:
            scores = scores[None]
        names = self.strategy_names
        if names is None:
            if scores.shape[0] != 1:
                raise ValueError("strategy_names is required with one curve per strategy.")
            names = [None]
        if len(names) != scores.shape[0] or scores.shape[1] != len(self.n_labels):
            raise ValueError(
                f"Scores of shape {scores.shape} do not match {len(names)} strategy name(s) "
                f"and {len(self.n_labels)} checkpoint(s)."
            )
        return list(zip(names, scores, strict=True))

    def plot(self, ax=None, *, score_type="test", std_display_style="fill_between",
             show_aulc=True, baseline="random", score_name=None, line_kw=None,
             fill_between_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            New figure and axes when None.
        score_type : {"test", "train", "both"}, default="test"
            Train curves (the score on the rows labeled so far) are dotted.
        std_display_style : {"fill_between", None}, default="fill_between"
            A band of one standard deviation over runs, or none.
        show_aulc : bool, default=True
            Append the test curve's AULC (:func:`~skactive.model_selection.aulc` of the
            mean curve) to each legend entry.
        baseline : str or None, default="random"
            The strategy drawn dashed in grey.
        score_name : str, default=None
            Overrides the stored ``score_name`` for the y-axis.
        line_kw, fill_between_kw : dict, default=None
            Passed to ``ax.plot`` / ``ax.fill_between``.

        Returns
        -------
        display : ActiveLearningCurveDisplay
        """
        plt = _pyplot(f"{type(self).__name__}.plot")
        from matplotlib.ticker import MaxNLocator
        if score_type not in ("test", "train", "both"):
            raise ValueError(
                f"score_type must be 'test', 'train' or 'both'; got {score_type!r}.")
        if std_display_style not in ("fill_between", None):
            raise ValueError(
                f"std_display_style must be 'fill_between' or None; got {std_display_style!r}.")
        if score_type != "test" and self.train_scores is None:
            raise ValueError(f"score_type={score_type!r} needs train_scores; none were stored.")
        if ax is None:
            _, ax = plt.subplots()
        x = np.asarray(self.n_labels, dtype=np.float64)
        kinds = {"test": ["test"], "train": ["train"], "both": ["test", "train"]}[score_type]
        curves = {kind: self._curves(getattr(self, f"{kind}_scores")) for kind in kinds}
        self.lines_ = []
        self.fill_between_ = [] if std_display_style else None
        for i in range(len(curves[kinds[0]])):
            color = None
            for kind in kinds:
                name, scores = curves[kind][i]
                mean, std = _nan_stats(scores)
                is_base = name is not None and name == baseline
                label = name if name is not None else kind.capitalize()
                if name is not None and kind == "train":
                    label = f"{name} (train)"
                if show_aulc and kind == "test":
                    label = f"{label} (AULC {aulc(x, mean):.3f})"
                style = {"linestyle": "--" if is_base else "-", "label": label}
                if kind == "train":
                    style["linestyle"] = ":"
                if is_base:
                    style["color"] = "0.35"
                if color is not None:
                    style["color"] = color
                (line,) = ax.plot(x, mean, **{**style, **(line_kw or {})})
                color = line.get_color()
                self.lines_.append(line)
                if std_display_style:
                    band = {"alpha": 0.2, "color": color, **(fill_between_kw or {})}
                    self.fill_between_.append(ax.fill_between(x, mean - std, mean + std, **band))
        ax.set_xlabel("Number of labels")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(score_name or self.score_name or "Score")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, strategies=None, groups=None, cv=5, scoring=None,
        n_repeats=1, n_jobs=None, random_state=None, pad="last", params=None, ax=None,
        score_type="test", score_name=None, **plot_kw,
    ):
        """Evaluate an active learner by cross-validation and plot its curve(s).

        Parameters
        ----------
        estimator : ActiveLearningClassifier or ActiveLearningRegressor
            With an ``oracle`` and the largest ``budget`` of interest.
        X : {array-like, sparse matrix, DataFrame} or list of str
        y : array-like of shape (n_samples,)
            Partially labeled.
        strategies : list or dict, default=None
            ``None``: the curve of ``estimator`` as it is
            (:func:`~skactive.model_selection.active_learning_curve`). Otherwise one
            curve per strategy plus ``"random"``
            (:func:`~skactive.model_selection.compare_strategies`).
        groups, cv, scoring, n_repeats, n_jobs, random_state, pad, params
            As in :func:`~skactive.model_selection.compare_strategies`
            (``n_repeats`` and ``random_state`` only with ``strategies``).
        ax : matplotlib Axes, default=None
        score_type : {"test", "train", "both"}, default="test"
            Train curves are available without ``strategies`` only.
        score_name : str, default=None
            Inferred from ``scoring`` when None.
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : ActiveLearningCurveDisplay
        """
        _pyplot(f"{cls.__name__}.from_estimator")
        score_name = score_name or _score_name(scoring, estimator)
        if strategies is not None:
            if score_type != "test":
                raise ValueError("With strategies, only score_type='test' is available.")
            result = compare_strategies(
                estimator, X, y, strategies, cv=cv, n_repeats=n_repeats, scoring=scoring,
                groups=groups, n_jobs=n_jobs, random_state=random_state, pad=pad,
                params=params,
            )
            return cls.from_cv_results(result, ax=ax, score_name=score_name, **plot_kw)
        out = active_learning_curve(
            estimator, X, y, groups=groups, cv=cv, scoring=scoring, n_jobs=n_jobs, pad=pad,
            params=params, return_train_score=score_type != "test",
        )
        n_labels, test_scores, train_scores = out[0], out[-1], (out[1] if len(out) == 3 else None)
        display = cls(
            n_labels=n_labels, test_scores=test_scores, train_scores=train_scores,
            strategy_names=[_strategy_label(estimator.query_strategy)], score_name=score_name,
        )
        return display.plot(ax=ax, score_type=score_type, **plot_kw)

    @classmethod
    def from_cv_results(cls, results, *, name=None, score_name=None, ax=None, **plot_kw):
        """Plot precomputed results.

        Parameters
        ----------
        results : dict, DataFrame or tuple
            The result of :func:`~skactive.model_selection.compare_strategies` (dict,
            or DataFrame with ``as_frame=True``), or the tuple returned by
            :func:`~skactive.model_selection.active_learning_curve` (``(n_labels,
            test_scores)`` or ``(n_labels, train_scores, test_scores)``).
        name : str, default=None
            Legend name of a single curve (tuple input).
        score_name : str, default=None
            y-axis label; by default the one stored in ``results``, else "Score".
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot` (``score_type``, ``std_display_style``...).

        Returns
        -------
        display : ActiveLearningCurveDisplay
        """
        _pyplot(f"{cls.__name__}.from_cv_results")
        if isinstance(results, tuple):
            if len(results) not in (2, 3):
                raise ValueError("Expected the 2- or 3-tuple of active_learning_curve.")
            display = cls(
                n_labels=results[0], test_scores=results[-1],
                train_scores=results[1] if len(results) == 3 else None,
                strategy_names=None if name is None else [name], score_name=score_name,
            )
            return display.plot(ax=ax, **plot_kw)
        attrs = getattr(results, "attrs", None)
        if attrs is not None and "test_scores" in attrs:  # DataFrame of compare_strategies
            names = list(attrs["test_scores"])
            scores = np.stack([attrs["test_scores"][n] for n in names])
            n_labels, stored_name = attrs["n_labels"], attrs.get("score_name")
        elif isinstance(results, dict) and "test_scores" in results:
            names = [str(n) for n in results["strategy"]]
            scores, n_labels = results["test_scores"], results["n_labels"]
            stored_name = results.get("score_name")
        else:
            raise ValueError(
                "results must be what compare_strategies or active_learning_curve returned; "
                f"got {type(results).__name__}."
            )
        display = cls(n_labels=n_labels, test_scores=scores, strategy_names=names,
                      score_name=score_name or stored_name)
        return display.plot(ax=ax, **plot_kw)
