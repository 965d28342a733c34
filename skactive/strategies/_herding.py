"""Uncertainty herding: cover the pool where the model is uncertain."""

import numbers

import numpy as np

from ..utils._indexing import take_rows
from ..utils._param_validation import Interval, StrOptions
from ._base import QueryStrategy
from ._class_signal import _class_signals, _enough_labels, _shells, _unskilled, _weak
from ._cold_start import _subsample
from ._common import (
    MEASURES,
    nonnegative_uncertainty,
    predict_proba_or_softmax,
    transformer_steps,
)
from ._coverage import _Kernel, _lazy_greedy
from ._far_rows import _leverage_factor, _ranked_far

__all__ = ["UncertaintyHerding"]


class UncertaintyHerding(QueryStrategy):
    """Pick the rows that best cover the pool, weighting each pool row by how uncertain
    the model is about it.

    The batch is chosen greedily, each pick adding the most (relative to its kernel
    mass, below) to the uncertainty-weighted coverage
    ``sum_x u(x)**t * max_{s in L + B} k(x, s)`` of the pool rows ``x`` by the labeled
    rows ``L`` and the batch ``B``, with a locally scaled Gaussian kernel
    ``k(x, y) = exp(-d(x, y)**2 / (2 s_x s_y))`` and the model's uncertainty ``u``
    raised to the power ``t`` (Bae et al.'s uncertainty coverage, with the uncertainty
    squared, ``uncertainty_power=2``, where they sharpen the model's probabilities by a
    temperature, and with Zelnik-Manor & Perona's local scaling). While the model
    knows little, ``u`` is high everywhere and the batch spreads over the pool; as the
    model learns, ``u`` concentrates near the decision boundaries and the batch covers
    those, one row per uncertain region instead of many rows from the most uncertain
    one. A row's scale ``s_x`` is its distance to its ``n_rows / (n_labeled + n)``-th
    nearest row (at least the 5th), so each pick covers about its share of the pool
    wherever it lies, and the kernel narrows as labels accumulate. With one width for
    every row, the rows near the pool's centre were close to all others where most
    features are noise, and coverage piled its picks there.

    Even with local scales, a row near the centre of a many-dimensional pool reaches
    more rows than one farther out, so the plain coverage gain still prefers central
    rows (in 10 Gaussian dimensions, its picks lie at 0.82 of the pool's mean distance
    from the centre). Each candidate's gain is therefore divided by its kernel mass
    ``sum_x k(x, i)`` (``density_power=1``): the score is the uncertainty-weighted share
    of the row's neighbourhood that the labeled rows and the batch do not cover yet. A
    model unsure everywhere then makes every first pick equally good (a random one),
    and the batch spreads over the pool instead of gathering at its centre; where the
    model is sure of some regions, the picks go where its neighbourhood is most
    uncertain.

    While the labeled rows show no clear class signal (no embedded feature whose class
    means differ with an F statistic of 15 or more, and none whose class spreads differ
    more than the means do), each row's weight is also multiplied by
    ``1 + leverage * h(x) / mean(h)``, ``h(x)`` its ridge leverage against the labeled
    rows: how far out it lies along directions they do not span. Where most features
    are noise, such as spiral arms among noise features, a model fitted on the rows
    the uncertainty picks leans on the noise features (on three arms among eight noise
    features, after 60 labels, a noise feature's mean absolute coefficient is 0.70 of
    an informative one's, 0.50 with random labels); rows far out in the noise features
    show it that they do not matter. Where the classes differ in spread, such as
    Gaussian shells about the centre, the far-out rows are all one class's, and the
    weight waits.

    Where the classes are such shells (the labeled rows' squared distance to the pool's
    centre, all embedded features together, differs by class with an F statistic of
    at least ``shell_f``, and more than any feature's class means do), the round takes
    the ``n`` most uncertain sampled rows without coverage, as ``"margin"`` does: on
    three Gaussian shells in four features, margin gains +0.051 AULC over random where
    coverage lost 0.009, and this test brings herding to +0.036. The test takes one
    statistic over all features, not one per feature: a single pixel's spread differs
    by class on digits drawn as images, where a per-feature test fired and cost up to
    0.040.

    While the class signal stays weak with 4 or more labeled rows per class on average,
    a third of the batch (``far_share``, rounded half up: none in a batch of one row)
    is picked as :class:`RankedBatch` picks, far from the labeled rows, and the rest is
    herded around the labeled rows and those picks. The labels then show no pattern the
    model can use, and a model that cannot represent the classes (a linear one on
    spiral arms) gains little from its own uncertainty: on two arms among noise
    features, far picks gain +0.019 over random where herding alone loses 0.016. What
    the labels show cannot tell such a pool from one where far picks cost (the model's
    cross-validated skill on its labels is as low on noisy binary sets), so only a
    share of the batch goes far.

    Where the distances between the sampled rows cannot tell near rows from far ones
    (the median distance to a row's 5th nearest row is at least ``concentration`` of the
    median mean distance between rows: most features are noise, such as 10 informative
    features among 100), coverage measures noise, and every round takes the ``n`` most
    uncertain sampled rows, as ``"margin"`` does: on such a set with 10 % of the labels
    flipped, -0.014 -> -0.001 AULC against random; 4 of the 140 sets better, none worse
    (+0.0294 against +0.0292 without), and on the twenty-eighth part, held out from it,
    +0.0217 against +0.0221 (paired -0.0004 +- 0.0006; wine among 30 noise features, 118
    pool rows, +0.032 -> +0.027). The ratio is measured once per fit and rises on small
    pools, where a row's 5th nearest row lies farther out.

    The pool (or a random ``max_rows`` of its rows) is embedded, and its pairwise
    distances (and each row's nearest ones, in order) computed once per fit; a round
    then costs one ``predict_proba`` of those rows and ``O(max_rows**2)`` arithmetic
    (lazy greedy: scores only shrink as the batch grows): 1.7x-2.2x a margin round at a
    1 000-row pool and 2.1x-2.9x at 10 000 rows, as the machine varies
    (``benchmarks/bench_round_cost.py``).
    Rows outside the sample are never picked.

    It is the ``"auto"`` strategy. On the 140 datasets of
    ``benchmarks/label_efficiency.py`` before its seventeenth part (LogisticRegression,
    2 labels per class to start, 10 seeds) it gains +0.0294 AULC over random sampling on
    average (+0.0292 before the concentration test) and is more than 0.01 below it on 1
    set, barley_site, which no model learns (without the far share: +0.0300, paired
    -0.0009 +- 0.0004, and 2 sets, spiral arms among noise features -0.016 -> -0.008);
    on the twenty-sixth part, held out from the far share, +0.0188 against +0.0195
    without (paired -0.0006 +- 0.0013), 1 set more than 0.01 below random either way (a
    flipped 60-feature binary set). The figures below are before the far share. It
    gained +0.0300 on average (+0.0295 without the shell test: paired +0.0005 +- 0.0004,
    8 sets better, 4 worse; three Gaussian shells -0.009 -> +0.036; +0.0301 without the
    leverage weight either) and is more than 0.01 below it on 2 sets (4 without the
    leverage weight): barley_site, which no model learns (-0.030), and two spiral arms
    among noise features (-0.016; -0.033 without; three arms +0.015 against -0.019). On
    the twenty-third part, held out from the shell test, +0.0378 against +0.0380 without
    (paired -0.0002 +- 0.0005), above random on all 9 sets; on the twenty-fourth, held
    out from every change, +0.0329, first of nine strategies (margin +0.0207), below
    random on spiral arms among 6 noise features (-0.016); on the twenty-fifth, +0.0246,
    first again (margin +0.0218), no set more than 0.01 below random (two spiral arms
    among 8 noise features: -0.004). On the twenty-second part, held out from the
    leverage weight, +0.0262 against +0.0272 without (paired -0.0010 +- 0.0019); one set
    was more than 0.01 below random either way, spiral arms among 5 noise features
    (-0.016, -0.017). Without the leverage weight, the squared weight was chosen on the
    140 sets (+0.0301 against +0.0291 unsquared), then checked on the seventeenth and
    eighteenth parts: +0.0267 against +0.0204 (two Gaussian shells, quantiles_2_3d,
    +0.031 against -0.013) and +0.0341 against +0.0341; on the nineteenth to
    twenty-first parts it was first of nine strategies (+0.0212, +0.0258 and +0.0404;
    margin +0.0157, +0.0178 and +0.0283), with two sets more than 0.01 below random,
    spiral arms among 8 and 6 noise features (-0.023, -0.031; ``benchmarks/README.md``,
    items 17, 19 to 27, 32 and 34).

    Parameters
    ----------
    measure : {"margin", "least_confident", "entropy"}, default="margin"
        Uncertainty ``u``: ``1 - (p_(1) - p_(2))``, ``1 - max_k p_k`` or the entropy
        divided by ``log(n_classes)``.
    uncertainty_power : float >= 0, default=2.0
        The power ``t`` the uncertainty is raised to before it weighs the coverage.
        ``1`` is Bae et al.'s weight without their temperature; ``2`` moves the batch
        further toward the rows the model is least sure of (see above; where picks on
        the boundary pay, such as two Gaussian shells, +0.031 AULC against -0.013);
        ``0`` weighs every row alike, coverage alone (-0.0093 against ``1`` on 14 sets
        where the weight matters).
    density_power : float >= 0, default=1.0
        Each candidate's coverage gain is divided by its kernel mass to this power.
        ``0`` is Bae et al.'s plain gain, which favours rows in dense regions and near
        the pool's centre (better where the classes are shells around it, such as
        concentric circles); ``1`` scores the uncovered share of a row's neighbourhood
        (better where the classes are hard to separate among many noise features, and
        on digits drawn as images); larger values favour sparse regions (``2``: -0.0026
        AULC against ``1`` on the 122 sets, with the uncertainty not squared).
    leverage : float >= 0, default=4.0
        Strength of the leverage weight applied while the labeled rows show no clear
        class signal (see above); ``0`` turns it off (the weight before it: +0.0301
        against +0.0295 on the 140 sets, 4 sets more than 0.01 below random against 2).
        It needs the labels of the labeled rows: a direct :meth:`select` call without
        ``y_labeled`` does without it.
    shell_f : float >= 0 or None, default=15.0
        The F statistic of the labeled rows' distances to the pool's centre, by class,
        from which a round whose class means differ less takes the most uncertain rows
        (shells; see above). ``None``: never (+0.0295 against +0.0300 on the 140 sets;
        8 gives +0.0300 too). Like ``leverage``, it needs ``y_labeled``.
    far_share : float in [0, 1], default=1/3
        The share of the batch picked far from the labeled rows while the class signal
        is weak with at least 4 labeled rows per class (see above); ``0`` turns it off,
        ``1`` picks the whole batch so. ``1/3`` on the 140 sets: +0.0292 against
        +0.0300 without, 1 set more than 0.01 below random against 2 (``1`` at every
        weak round from 4 rows per class: +0.0267). Like ``leverage``, it needs
        ``y_labeled``.
    min_skill : float <= 1 or None, default=None
        Opt in to trade mean gain for a higher floor. At a round where the leverage
        weight would apply (no clear class signal), with at least 4 labeled rows per
        class on average and 3 in each class, a clone of the unfitted estimator is
        cross-validated on the labeled rows (3 stratified folds, fixed); if its balanced
        accuracy, scaled so that chance is 0 and perfect 1, is below ``min_skill``, the
        round picks as :class:`RankedBatch` does, far from the labeled rows (``alpha``
        the share of unlabeled sampled rows): a model that cannot use its labels yet
        gains little from its own uncertainty. ``0.35`` on the 140 sets: +0.0282 against
        +0.0292 without, 1 set more than 0.01 below random either way; three spiral arms
        among 5 and 8 noise features, 20 seeds, -0.001 and -0.012 -> +0.007 and -0.007
        (before the far share: +0.0283 against +0.0300, 1 set below against 2); it costs
        on noisy binary sets and circles with flipped labels, where the model also
        scores near chance (``benchmarks/README.md``, items 30, 32). Needs ``y_labeled``
        and ``unfitted_estimator`` (a fit passes both); the 3 extra fits of a checked
        round are made without the fit's fit parameters. They cost: with every round
        checked, a round is 3.6x a margin round at a 10 000-row pool (``auto`` then:
        2.4x), 4.3x at 1 000 rows.
    concentration : float in (0, 1] or None, default=0.78
        The ratio of the median distance to a row's 5th nearest row to the median mean
        distance between rows from which every round takes the most uncertain rows (see
        above); ``None``: never. Measured on the sampled rows in the embedding, once per
        fit.
    max_rows : int, default=2000
        Pool rows embedded, covered and picked from (a uniform sample of larger pools,
        drawn once per fit). Memory is ``O(max_rows**2)``. Also the most labeled rows
        the leverage weight is solved against (a uniform sample of more, drawn at each
        round the weight applies).
    random_state : int, RandomState or None, default=None
        Seeds the sample and breaks ties. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    Attributes
    ----------
    sample_ : ndarray of int
        Positions in the pool of the rows sampled at the first call of a fit.

    Notes
    -----
    Distances are measured in the output of the estimator's preprocessing steps fitted
    on the pool without labels (as :class:`TypiClust`'s), or in the input features
    when the estimator is not a ``Pipeline``; they stay fixed during a fit, so they are
    computed once per pool (a direct ``select`` call with another pool, even of the
    same size, computes them again). Called directly with a fitted ``Pipeline`` and no
    ``unfitted_estimator``, its fitted steps embed the rows, at every call. A pickled
    strategy does not keep the distances.

    References
    ----------
    Bae, W., Oliveira, G. L. & Sutherland, D. J. (2024). Uncertainty herding: one active
    learning method for all label budgets. arXiv:2412.20644.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import UncertaintyHerding
    >>> X = np.array([[-3.0], [-2.9], [-0.1], [0.0], [0.1], [2.9], [3.0]])
    >>> model = LogisticRegression().fit(X[[0, 6]], [0, 1])
    >>> pool = np.array([False, True, True, True, True, True, False])
    >>> indices, _ = UncertaintyHerding(random_state=0).select(
    ...     model, X, 1, candidates=pool, X_labeled=X[[0, 6]])
    >>> indices  # the middle of the uncertain cluster
    array([3])
    """

    _parameter_constraints = {
        "measure": [StrOptions(set(MEASURES))],
        "uncertainty_power": [Interval(numbers.Real, 0, None, closed="left")],
        "density_power": [Interval(numbers.Real, 0, None, closed="left")],
        "leverage": [Interval(numbers.Real, 0, None, closed="left")],
        "shell_f": [Interval(numbers.Real, 0, None, closed="left"), None],
        "min_skill": [Interval(numbers.Real, None, 1, closed="right"), None],
        "far_share": [Interval(numbers.Real, 0, 1, closed="both")],
        "concentration": [Interval(numbers.Real, 0, 1, closed="right"), None],
        "max_rows": [Interval(numbers.Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, measure="margin", uncertainty_power=2.0, density_power=1.0,
                 leverage=4.0, shell_f=15.0, min_skill=None, far_share=1 / 3,
                 concentration=0.78, max_rows=2000, random_state=None):
        self.measure = measure
        self.uncertainty_power = uncertainty_power
        self.density_power = density_power
        self.leverage = leverage
        self.shell_f = shell_f
        self.min_skill = min_skill
        self.far_share = far_share
        self.concentration = concentration
        self.max_rows = max_rows
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        # Inside a fit the rows are embedded by preprocessing fitted on the pool (or are
        # the features themselves): fixed for the fit, so the distances are kept.
        pool_steps = transformer_steps(context.unfitted_estimator) is not None
        fixed = pool_steps or transformer_steps(estimator) is None
        kernel = getattr(self, "_kernel", None)
        if context.candidates is None or not fixed:
            kernel = self._new_kernel(None if pool_steps else estimator, X_pool, positions,
                                      rng, context)
        elif self._pool_changed(X_pool, "_pool_token") or kernel is None:
            kernel = self._kernel = self._new_kernel(None, X_pool, positions, rng, context)
            self.sample_ = kernel.positions
        alive = (np.ones(kernel.positions.shape[0], dtype=bool) if context.candidates is None
                 else context.candidates[kernel.positions])
        n = min(n, int(alive.sum()))
        if n == 0:
            return np.empty(0, dtype=np.intp), np.empty(0)
        proba = predict_proba_or_softmax(estimator, take_rows(X_pool, kernel.positions))
        uncertainty = nonnegative_uncertainty(proba, self.measure, scaled=True)
        # Before any branch: the first call sorts each row's nearest distances once, for
        # the largest k of the fit, which the concentration then reads.
        k = kernel.neighbor(context.n_labeled + n)
        inv = kernel.inverse_scales(k)
        if self.concentration is not None and kernel.concentration() >= self.concentration:
            # Distances that cannot tell near rows from far ones: nothing else to read.
            return _most_uncertain(kernel, uncertainty, alive, n, rng)
        labeled = kernel.embed(context.X_labeled) if context.n_labeled else None
        signals = None
        if (labeled is not None and context.y_labeled is not None
                and (self.leverage or self.shell_f is not None
                     or self.min_skill is not None)):
            signals = _class_signals(labeled, np.asarray(context.y_labeled), kernel.center)
        if signals is not None and self.shell_f is not None and _shells(signals, self.shell_f):
            # Shells about the centre: the boundary's rows, as margin picks them.
            return _most_uncertain(kernel, uncertainty, alive, n, rng)
        weight = uncertainty ** float(self.uncertainty_power)
        weak = signals is not None and _weak(signals)
        if weak and self.min_skill is not None and _unskilled(context, self.min_skill):
            # No class signal, and the model does no better than chance on its labels:
            # the rows farthest from the labeled ones, as RankedBatch picks them.
            chosen, scores = _ranked_far(kernel.F, labeled, uncertainty, alive, n, rng)
            return kernel.positions[chosen], scores
        if self.leverage and weak:
            weight = weight * _leverage_factor(kernel.F, labeled, kernel.center,
                                               self.leverage, self.max_rows, rng)
        covered = (np.zeros(kernel.positions.shape[0], dtype=np.float32) if labeled is None
                   else kernel.covered(labeled, k, inv))
        # Half up, so a batch of 2 or more gets a far pick at the default share, 1 none.
        n_far = (int(n * float(self.far_share) + 0.5)
                 if weak and _enough_labels(np.asarray(context.y_labeled)) else 0)
        far, far_scores = np.empty(0, dtype=np.intp), np.empty(0)
        if n_far:
            # No class signal yet with several labels per class: part of the batch far
            # from the labeled rows, as RankedBatch picks, the rest herded around them.
            far, far_scores = _ranked_far(kernel.F, labeled, uncertainty, alive, n_far, rng)
            alive = alive.copy()
            alive[far] = False
            for i in far:
                np.maximum(covered, kernel.column(i, inv), out=covered)
        chosen, scores = _lazy_greedy(kernel, inv, weight, covered, alive, n - n_far, rng,
                                      self.density_power)
        return (kernel.positions[np.concatenate([chosen, far])],
                np.concatenate([scores, far_scores]))

    def __getstate__(self):
        # The distances (O(max_rows**2)) serve one fit: a pickled model does not carry them.
        state = super().__getstate__()
        for cache in ("_kernel", "_pool_token"):
            state.pop(cache, None)
        return state

    def _new_kernel(self, estimator, X_pool, positions, rng, context):
        embed = self._embedding(estimator, X_pool, context)
        return _Kernel(embed, X_pool, _subsample(positions, rng, self.max_rows))


def _most_uncertain(kernel, uncertainty, alive, n, rng):
    """The ``n`` most uncertain alive sampled rows, ties broken at random, as margin
    picks them: ``(positions, uncertainties)``."""
    jitter = rng.random_sample(uncertainty.shape[0]) * 1e-9
    chosen = np.argsort(-np.where(alive, uncertainty + jitter, -np.inf), kind="stable")[:n]
    return kernel.positions[chosen], uncertainty[chosen]
