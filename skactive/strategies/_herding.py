"""Uncertainty herding: cover the pool where the model is uncertain."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import balanced_accuracy_score
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.extmath import row_norms, safe_sparse_dot

from ..utils._indexing import take_rows
from ..utils._param_validation import Interval, StrOptions
from ._base import QueryStrategy
from ._cold_start import _subsample
from ._common import (
    MEASURES,
    distances_to_set,
    nonnegative_uncertainty,
    predict_proba_or_softmax,
    transformer_steps,
)

__all__ = ["UncertaintyHerding"]

# A row's kernel is never narrower than its distance to its 5th nearest row.
MIN_NEIGHBORS = 5
# Rows of the kernel computed at once (half a MB at the default max_rows).
GAIN_BLOCK = 64
# Labeled rows whose distances to the sampled rows are held at once.
LABELED_BLOCK = 1024
# The leverage weight applies while the labeled rows show only a weak class-mean signal:
# the largest one-way ANOVA F statistic of an embedded feature below this.
WEAK_MEAN_F = 15.0
# The far picks (far_share) and the skill check (min_skill) wait for this many labeled
# rows per class on average (the check also for SKILL_FOLDS in every class): with fewer,
# a weak class signal says nothing yet about whether the model can use the labels.
MIN_ROWS_PER_CLASS = 4
SKILL_FOLDS = 3


class _Kernel:
    """Squared distances between the sampled rows (float32) and each row's nearest
    distances in order, kept for a fit; the locally scaled Gaussian kernel of a round,
    ``k(x, y) = exp(-d(x, y)**2 / (2 s_x s_y))``, is computed from them block by block,
    never stored whole."""

    def __init__(self, embed, X_pool, positions):
        self.embed = embed
        self.positions = positions
        self.F = embed(take_rows(X_pool, positions))
        # The centre the class-signal tests and the leverage measure from.
        self.center = np.asarray(self.F.mean(axis=0), dtype=float).ravel()
        sq = euclidean_distances(self.F, squared=True).astype(np.float32)
        # Symmetric to the bit, so a row of the kernel is also its column: the rounds
        # read rows, which are contiguous.
        self.sq = np.minimum(sq, sq.T, out=sq)
        # Each row's k + 1 smallest squared distances, ascending, for the largest k asked
        # so far: k only shrinks as labels accumulate, so a fit sorts them once.
        self.nearest_sq = np.empty((self.sq.shape[0], 0), dtype=np.float32)

    def kth_sq(self, k):
        """Every sampled row's squared distance to its ``k``-th nearest row."""
        if k >= self.nearest_sq.shape[1]:
            # The copy lets the full partitioned array go at once.
            self.nearest_sq = np.partition(self.sq, k, axis=1)[:, :k + 1].copy()
            self.nearest_sq.sort(axis=1)
        return self.nearest_sq[:, k]

    def neighbor(self, n_covered):
        """``k = n_rows / n_covered`` (each labeled row covers about that many rows), at
        least the 5th: the neighbour whose distance is a row's scale ``s``."""
        n_rows = self.sq.shape[0]
        return min(max(MIN_NEIGHBORS, n_rows // max(n_covered, 1)), n_rows - 1)

    def inverse_scales(self, k):
        """``1 / s`` of every sampled row, ``s`` its distance to its ``k``-th nearest row
        (duplicates, at distance 0, get a tiny scale: they cover only each other)."""
        scale = np.sqrt(self.kth_sq(k))
        scale = np.maximum(scale, np.float32(1e-6) * max(float(scale.max()), 1e-12))
        return (1.0 / scale).astype(np.float32)

    def covered(self, labeled, k, inv):
        """``max_s k(x, s)`` over the labeled rows ``s`` (their scales measured against
        the sampled rows), for every sampled row ``x``."""
        covered = np.zeros(self.sq.shape[0], dtype=np.float32)
        half_inv = np.float32(-0.5) * inv
        for start in range(0, labeled.shape[0], LABELED_BLOCK):
            # One labeled row per row of the block: its sort and its kernel are contiguous.
            block = euclidean_distances(labeled[start:start + LABELED_BLOCK], self.F,
                                        squared=True).astype(np.float32)
            own = np.sqrt(np.partition(block, k, axis=1)[:, k])  # k < n_rows (neighbor)
            own = np.maximum(own, np.float32(1.0) / inv.max())
            block *= half_inv[None, :]
            block /= own[:, None]
            np.exp(block, out=block)
            np.maximum(covered, block.max(axis=0), out=covered)
        return covered

    def column(self, i, inv):
        """Kernel values of every sampled row with row ``i``."""
        return np.exp(self.sq[i] * inv * (np.float32(-0.5) * inv[i]))

    def gain(self, i, weight, covered, inv):
        """Weighted coverage row ``i`` adds: ``sum_x w(x) max(0, k(x, i) - cov(x))``."""
        return float(weight @ np.maximum(self.column(i, inv) - covered, 0.0))

    def gains(self, weight, covered, inv):
        """:meth:`gain` of every row and its kernel mass ``sum_x k(x, i)``, the kernel
        computed a block of rows at a time (a block fits in a core's cache)."""
        n_rows = self.sq.shape[0]
        out, mass = np.empty(n_rows), np.empty(n_rows)
        half_inv = np.float32(-0.5) * inv
        buffer = np.empty((min(GAIN_BLOCK, n_rows), n_rows), dtype=np.float32)
        for start in range(0, n_rows, GAIN_BLOCK):
            stop = min(start + GAIN_BLOCK, n_rows)
            block = buffer[:stop - start]
            np.multiply(self.sq[start:stop], inv[None, :], out=block)
            block *= half_inv[start:stop, None]
            np.exp(block, out=block)
            mass[start:stop] = block.sum(axis=1)
            block -= covered[None, :]
            np.maximum(block, 0.0, out=block)
            out[start:stop] = block @ weight
        return out, mass


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

    The pool (or a random ``max_rows`` of its rows) is embedded, and its pairwise
    distances (and each row's nearest ones, in order) computed once per fit; a round
    then costs one ``predict_proba`` of those rows and ``O(max_rows**2)`` arithmetic
    (lazy greedy: scores only shrink as the batch grows): 1.7x-2.2x a margin round at a
    1 000-row pool and 2.1x-2.9x at 10 000 rows, as the machine varies
    (``benchmarks/bench_round_cost.py``).
    Rows outside the sample are never picked.

    It is the ``"auto"`` strategy. On the 140 datasets of
    ``benchmarks/label_efficiency.py`` before its seventeenth part (LogisticRegression,
    2 labels per class to start, 10 seeds) it gains +0.0292 AULC over random sampling on
    average and is more than 0.01 below it on 1 set, barley_site, which no model learns
    (without the far share: +0.0300, paired -0.0009 +- 0.0004, and 2 sets, spiral arms
    among noise features -0.016 -> -0.008); on the twenty-sixth part, held out from the
    far share, +0.0188 against +0.0195 without (paired -0.0006 +- 0.0013), 1 set more
    than 0.01 below random either way (a flipped 60-feature binary set). The figures
    below are before the far share. It gained +0.0300 on average (+0.0295 without the
    shell test: paired +0.0005 +- 0.0004, 8 sets better, 4 worse; three Gaussian shells
    -0.009 -> +0.036; +0.0301 without the leverage weight either) and is more than 0.01
    below it on 2 sets (4 without the leverage weight): barley_site, which no model
    learns (-0.030), and two spiral arms among noise features (-0.016; -0.033 without;
    three arms +0.015 against -0.019). On the twenty-third part, held out from the shell
    test, +0.0378 against +0.0380 without (paired -0.0002 +- 0.0005), above random on
    all 9 sets; on the twenty-fourth, held out from every change, +0.0329, first of nine
    strategies (margin +0.0207), below random on spiral arms among 6 noise features
    (-0.016); on the twenty-fifth, +0.0246, first again (margin +0.0218), no set more
    than 0.01 below random (two spiral arms among 8 noise features: -0.004). On the
    twenty-second part, held out from the leverage weight, +0.0262 against +0.0272
    without (paired -0.0010 +- 0.0019); one set was more than 0.01 below random either
    way, spiral arms among 5 noise features (-0.016, -0.017). Without the leverage
    weight, the squared weight was chosen on the 140 sets (+0.0301 against +0.0291
    unsquared), then checked on the seventeenth and eighteenth parts: +0.0267 against
    +0.0204 (two Gaussian shells, quantiles_2_3d, +0.031 against -0.013) and +0.0341
    against +0.0341; on the nineteenth to twenty-first parts it was first of nine
    strategies (+0.0212, +0.0258 and +0.0404; margin +0.0157, +0.0178 and +0.0283), with
    two sets more than 0.01 below random, spiral arms among 8 and 6 noise features
    (-0.023, -0.031; ``benchmarks/README.md``, items 17, 19 to 27 and 32).

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
        "max_rows": [Interval(numbers.Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, measure="margin", uncertainty_power=2.0, density_power=1.0,
                 leverage=4.0, shell_f=15.0, min_skill=None, far_share=1 / 3,
                 max_rows=2000, random_state=None):
        self.measure = measure
        self.uncertainty_power = uncertainty_power
        self.density_power = density_power
        self.leverage = leverage
        self.shell_f = shell_f
        self.min_skill = min_skill
        self.far_share = far_share
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
        weight = uncertainty ** float(self.uncertainty_power)
        labeled = kernel.embed(context.X_labeled) if context.n_labeled else None
        signals = None
        if (labeled is not None and context.y_labeled is not None
                and (self.leverage or self.shell_f is not None
                     or self.min_skill is not None)):
            signals = _class_signals(labeled, np.asarray(context.y_labeled), kernel.center)
        if signals is not None and self.shell_f is not None and _shells(signals, self.shell_f):
            # Shells: the most uncertain rows, ties broken at random.
            jitter = rng.random_sample(weight.shape[0]) * 1e-9
            chosen = np.argsort(-np.where(alive, uncertainty + jitter, -np.inf),
                                kind="stable")[:n]
            return kernel.positions[chosen], uncertainty[chosen]
        weak = signals is not None and _weak(signals)
        if weak and self.min_skill is not None and _unskilled(context, self.min_skill):
            # No class signal, and the model does no better than chance on its labels:
            # the rows farthest from the labeled ones, as RankedBatch picks them.
            chosen, scores = _ranked_far(kernel.F, labeled, uncertainty, alive, n, rng)
            return kernel.positions[chosen], scores
        if self.leverage and weak:
            weight = weight * _leverage_factor(kernel.F, labeled, kernel.center,
                                               self.leverage, self.max_rows, rng)
        k = kernel.neighbor(context.n_labeled + n)
        inv = kernel.inverse_scales(k)
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


def _lazy_greedy(kernel, inv, weight, covered, alive, n, rng, density_power):
    """``n`` greedy picks of the weighted facility-location gain divided by the
    candidate's kernel mass to the power ``density_power``. A gain never grows as the
    batch grows (the coverage only rises) and the mass is fixed, so a stale score bounds
    the fresh one: only the best stale candidate is recomputed until it stays best."""
    weight, covered = weight.astype(np.float32), covered.astype(np.float32)
    gains, mass = kernel.gains(weight, covered, inv)
    # The mass is at least k(i, i) = 1, so the factor is finite.
    factor = np.maximum(mass, 1.0) ** -float(density_power)
    # Ties (equal scores) are broken by a random order, not by position.
    jitter = rng.random_sample(covered.shape[0]) * 1e-9
    bound = np.where(alive, gains * factor + jitter, -np.inf)
    fresh = np.ones(covered.shape[0], dtype=bool)
    chosen, scores = [], []
    while len(chosen) < n:
        i = int(np.argmax(bound))
        if not fresh[i]:
            bound[i] = kernel.gain(i, weight, covered, inv) * factor[i] + jitter[i]
            fresh[i] = True
            continue
        chosen.append(i)
        scores.append(bound[i] - jitter[i])
        bound[i] = -np.inf
        np.maximum(covered, kernel.column(i, inv), out=covered)
        fresh[:] = False
    return np.asarray(chosen, dtype=np.intp), np.asarray(scores, dtype=np.float64)


def _unskilled(context, min_skill):
    """Whether a clone of the unfitted estimator, cross-validated on the labeled rows
    (:data:`SKILL_FOLDS` stratified folds, fixed), scores a balanced accuracy below
    ``min_skill`` on the scale where chance is 0 and perfect 1. False, without fitting
    anything, while there are fewer than :data:`MIN_ROWS_PER_CLASS` labeled rows per
    class on average or :data:`SKILL_FOLDS` in some class, or no unfitted estimator."""
    if context.unfitted_estimator is None:
        return False
    y = np.asarray(context.y_labeled)
    _, counts = np.unique(y, return_counts=True)
    if counts.shape[0] < 2 or counts.min() < SKILL_FOLDS or not _enough_labels(y):
        return False
    folds = StratifiedKFold(SKILL_FOLDS, shuffle=True, random_state=0)
    predicted = cross_val_predict(clone(context.unfitted_estimator), context.X_labeled, y,
                                  cv=folds)
    return bool(balanced_accuracy_score(y, predicted, adjusted=True) < min_skill)


def _enough_labels(y):
    """At least :data:`MIN_ROWS_PER_CLASS` labeled rows per class on average."""
    return y.shape[0] >= MIN_ROWS_PER_CLASS * np.unique(y).shape[0]


def _ranked_far(rows, labeled, uncertainty, alive, n, rng):
    """``n`` picks among the alive ``rows`` (embedded), each the best
    ``alpha (1 - 1 / (1 + d)) + (1 - alpha) u``, ``d`` its distance to the nearest
    labeled or already picked row and ``u`` its uncertainty: :class:`RankedBatch`'s
    score, with ``alpha`` the alive share of the alive and labeled rows, fixed for
    the batch."""
    # Memory-chunked: a long run's labeled rows never meet the sample all at once.
    nearest = distances_to_set(rows, labeled)
    n_alive = int(alive.sum())
    alpha = n_alive / (n_alive + labeled.shape[0])
    # Ties (equal scores) are broken by a random order, not by position.
    jitter = rng.random_sample(nearest.shape[0]) * 1e-9
    # The rows' squared norms, once: each pick's distances need only its own.
    norms = row_norms(rows, squared=True)
    chosen, scores = [], []
    for _ in range(n):
        score = alpha * (1 - 1 / (1 + nearest)) + (1 - alpha) * uncertainty
        score = np.where(alive, score + jitter, -np.inf)
        score[chosen] = -np.inf
        i = int(np.argmax(score))
        chosen.append(i)
        scores.append(score[i] - jitter[i])
        nearest = np.minimum(nearest, np.sqrt(_squared_distances_to(rows, norms, i)))
    return np.asarray(chosen, dtype=np.intp), np.asarray(scores, dtype=np.float64)


def _squared_distances_to(rows, norms, i):
    """Squared distances of every row of ``rows`` to row ``i``, ``norms`` their squared
    norms: :func:`~sklearn.metrics.pairwise.euclidean_distances`' float64 arithmetic, in
    its order (the same floats), without its input validation, which cost a millisecond
    per pick (a tenth of a margin round at a 10 000-row pool). Other dtypes go through
    it."""
    row = rows[i:i + 1]
    if rows.dtype != np.float64 or norms.dtype != np.float64:
        return euclidean_distances(rows, row, X_norm_squared=norms, squared=True).ravel()
    distances = -2 * safe_sparse_dot(rows, row.T, dense_output=True)
    distances += norms[:, None]
    distances += row_norms(row, squared=True)[None, :]
    np.maximum(distances, 0, out=distances)
    return distances.ravel()


def _leverage_factor(rows, labeled, center, strength, max_labeled, rng):
    """``1 + strength * h(x) / mean(h)`` for every sampled row ``x``, ``h`` its
    :func:`_leverage` against the labeled rows, or against a uniform sample of
    ``max_labeled`` of them when there are more, so a solve never exceeds that size.
    ``rows`` and ``labeled`` are embedded rows (float64 ndarrays or CSR matrices, as
    :func:`~._common.features` gives them)."""
    if labeled.shape[0] > max_labeled:
        labeled = labeled[np.sort(rng.choice(labeled.shape[0], max_labeled, replace=False))]
    h = _leverage(rows, labeled, center)
    mean = h.mean()
    return 1.0 + strength * h / mean if mean > 0 else 1.0


def _class_signals(labeled, y, center):
    """How the labeled rows' classes differ, as the largest one-way ANOVA F statistics
    ``(mean, spread, radius)``: of the class means of a feature, of the class spreads
    of a feature (its squared deviation from ``center``) and of the squared distance to
    ``center`` (all features together). A feature whose F is undefined or infinite
    (constant within every class) is left out. ``None`` when there is nothing to test:
    fewer than two classes, or no more labeled rows than classes."""
    groups = [np.flatnonzero(y == label) for label in np.unique(y)]
    if len(groups) < 2 or labeled.shape[0] <= len(groups):
        return None
    if sp.issparse(labeled):
        # (x - c)**2 = x**2 - 2 c x + c**2: the constant does not move an F statistic,
        # and the rest is zero where x is.
        spread = (labeled.multiply(labeled) - labeled.multiply(2.0 * center)).tocsr()
    else:
        spread = (labeled - center) ** 2
    radius = np.asarray(spread.sum(axis=1)).reshape(-1, 1)
    return tuple(_largest_f(values, groups) for values in (labeled, spread, radius))


def _largest_f(values, groups):
    """The largest one-way ANOVA F statistic over the columns of ``values`` for the
    classes whose rows are ``groups``: :func:`sklearn.feature_selection.f_classif`'s
    arithmetic, in its order (so the same floats), without its input validation at
    every class, which took a fifth of a fit of ``auto`` on a 10-class pool. Undefined
    or infinite F (a column constant within every class) counts as 0."""
    parts = [values[rows] for rows in groups]
    sizes = np.array([rows.shape[0] for rows in groups])
    n_rows = np.sum(sizes)
    total_squares = sum(_squared(part).sum(axis=0) for part in parts)
    sums = [np.asarray(part.sum(axis=0)) for part in parts]
    square_of_total = sum(sums) ** 2
    total = total_squares - square_of_total / float(n_rows)
    between = 0.0
    for size, part_sum in zip(sizes, sums, strict=True):
        between += part_sum ** 2 / size
    between -= square_of_total / float(n_rows)
    within = total - between
    with np.errstate(all="ignore"):
        f = (between / float(len(parts) - 1)) / (within / float(n_rows - len(parts)))
    return np.nan_to_num(np.asarray(f).ravel(), nan=0.0, posinf=0.0).max()


def _squared(X):
    if sp.issparse(X):
        X = X.copy()
        X.data **= 2
        return X
    return X ** 2


def _weak(signals):
    """No clear class signal: the class means differ with an F below ``WEAK_MEAN_F``,
    and no feature's class spreads differ more (classes that differ in spread, such as
    shells about the centre, are where far-out rows are one class's)."""
    mean_f, spread_f, _ = signals
    return bool(spread_f <= mean_f < WEAK_MEAN_F)


def _shells(signals, threshold):
    """Shells about the centre: the classes' distances to it differ with an F of at
    least ``threshold``, and more than any feature's class means do."""
    mean_f, _, radius_f = signals
    return bool(radius_f >= threshold and radius_f > mean_f)


def _leverage(rows, labeled, center):
    """``h(x) = x^T (L^T L + I)^-1 x`` for every row ``x`` of ``rows``, ``x`` and the
    labeled rows ``L`` centred on ``center``: how far ``x`` lies along directions the
    labeled rows have not spanned. Solved in the features when they are no more than
    the labeled rows, else through the labeled rows (Woodbury:
    ``|x|^2 - (Lx)^T (I + L L^T)^-1 Lx``), from inner products when the rows are
    sparse: sparse rows with more features than labeled rows are never densified."""
    n_labeled, n_features = labeled.shape
    if n_features <= n_labeled:
        rows, labeled = _dense(rows) - center, _dense(labeled) - center
        inverse = np.linalg.inv(labeled.T @ labeled + np.eye(n_features))
        return np.einsum("ij,ij->i", rows @ inverse, rows)
    if sp.issparse(rows):  # both come from one embedding: both sparse
        # <x - c, s - c> = <x, s> - <x, c> - <s, c> + <c, c>
        rows_c, labeled_c, cc = rows @ center, labeled @ center, center @ center
        projected = (_dense(rows @ labeled.T) - rows_c[:, None] - labeled_c[None, :] + cc)
        gram = (_dense(labeled @ labeled.T) - labeled_c[:, None] - labeled_c[None, :] + cc)
        squared = np.asarray(rows.multiply(rows).sum(axis=1)).ravel() - 2.0 * rows_c + cc
    else:
        rows, labeled = rows - center, labeled - center
        projected, gram = rows @ labeled.T, labeled @ labeled.T
        squared = np.einsum("ij,ij->i", rows, rows)
    solved = np.linalg.solve(np.eye(n_labeled) + gram, projected.T).T
    return squared - np.einsum("ij,ij->i", projected, solved)


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)
