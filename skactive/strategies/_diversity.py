"""Batch strategies that spread a batch over the pool: core-set, ranked batch, cluster-margin."""

import functools
import math
import numbers
import warnings

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning

from ..utils._indexing import num_rows, score_top_n, take_rows
from ..utils._param_validation import Interval, StrOptions
from ._base import QueryStrategy
from ._common import (
    MAX_CANDIDATES,
    MEASURES,
    argmax_random,
    as_numeric,
    bounded_positions,
    distances_to_row,
    distances_to_set,
    margin_scores,
    nonnegative_uncertainty,
    predict_proba_or_softmax,
    rows_at,
    squared_norms,
    uncertainty_of,
)

__all__ = ["ClusterMargin", "CoreSet", "RankedBatch"]

# ClusterMargin fits its k-means on at most this many rows of the pool; up to
# _SMALL_SAMPLE rows it uses full-batch KMeans, above that MiniBatchKMeans.
_CLUSTER_SAMPLE = 10_000
_SMALL_SAMPLE = 2_000


def _farthest_first(F, nearest, n, rng, metric="euclidean"):
    """Greedy k-center: ``n`` rows of ``F``, each the farthest from ``nearest`` so far.

    ``nearest`` (modified in place) holds each row's distance to the nearest labeled
    row. Returns the picks and their distance at the time they were picked.
    """
    sq_norms = squared_norms(F) if metric == "euclidean" else None
    chosen = np.empty(n, dtype=np.intp)
    scores = np.empty(n)
    for t in range(n):
        i = argmax_random(nearest, rng)
        chosen[t], scores[t] = i, nearest[i]
        np.minimum(nearest, distances_to_row(F, sq_norms, i, metric), out=nearest)
        nearest[i] = -np.inf  # stays -inf under np.minimum: never picked twice
    return chosen, scores


# ----------------------------------------------------------------------------- CoreSet
class CoreSet(QueryStrategy):
    """k-center greedy: repeatedly pick the row farthest from everything already chosen.

    Each pick is the candidate whose distance to the nearest labeled or already picked
    row is largest (Sener & Savarese, 2018), a 2-approximation of the k-center problem.
    A min-distance vector is updated with one distance computation per pick, so a batch
    of ``n`` costs ``O(n_labeled * n_candidates * d)`` once plus ``O(n * n_candidates * d)``.
    The model is not needed, so the strategy also works for a cold start.
    ``KCenterInit`` and the name ``"kcenter_init"`` are aliases of this strategy.

    Parameters
    ----------
    metric : str, default="euclidean"
        Any metric of :func:`sklearn.metrics.pairwise_distances`. ``"euclidean"`` has a
        fast path (one matrix-vector product per pick) and works on sparse rows.
    transform : callable, default=None
        ``transform(X_rows) -> features`` (dense or sparse) in which distances are
        measured. ``None``: the input features, or for a fitted ``Pipeline`` estimator
        the output of its preprocessing steps (the input of its final classifier, the
        linear analogue of the paper's last-layer embedding). Without a model (cold
        start), the preprocessing steps of ``unfitted_estimator`` fitted on the pool
        (at most 100 000 of its rows) without labels; with neither steps nor numeric
        rows, a ``ValueError``.
    max_candidates : int or None, default=20_000
        Picks are made among at most this many candidates: a uniform random sample of
        them when the pool holds more (the model is not needed). Memory is then
        O(max_candidates x n_features) whatever the pool size, and a ``np.memmap`` or
        dask-array pool is never copied; smaller pools are unaffected. ``None``: all.
    random_state : int, RandomState or None, default=None
        Breaks ties (e.g. the first pick when nothing is labeled). ``None`` uses the
        generator of the calling ``ActiveLearningClassifier``.

    Notes
    -----
    ``select`` returns, as scores, each pick's distance to the nearest labeled or
    earlier picked row at the time it was picked (``inf`` for the first pick when
    nothing is labeled).

    References
    ----------
    Gonzalez, T. F. (1985). Clustering to minimize the maximum intercluster distance.
    Theoretical Computer Science 38.

    Sener, O. & Savarese, S. (2018). Active learning for convolutional neural networks:
    a core-set approach. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import CoreSet
    >>> X = np.array([[-3.0], [1.0], [10.0], [6.0]])
    >>> CoreSet().select(None, X, 2, X_labeled=np.array([[0.0]]))
    (array([2, 3]), array([10.,  4.]))
    """

    requires_model = False
    _parameter_constraints = {
        "metric": [str, callable],
        "transform": [callable, None],
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, metric="euclidean", transform=None, max_candidates=MAX_CANDIDATES,
                 random_state=None):
        self.metric = metric
        self.transform = transform
        self.max_candidates = max_candidates
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        positions = bounded_positions(positions, n, self.max_candidates, rng)
        owner = type(self).__name__
        embed = self.transform or self._embedding(estimator, X_pool, context)
        F = as_numeric(embed(rows_at(X_pool, positions)), owner)
        if context.n_labeled == 0:
            nearest = np.full(F.shape[0], np.inf)
        else:
            L = as_numeric(embed(context.X_labeled), owner)
            nearest = distances_to_set(F, L, self.metric)
        chosen, scores = _farthest_first(F, nearest, n, rng, self.metric)
        return positions[chosen], scores


# ----------------------------------------------------------------------------- RankedBatch
class RankedBatch(QueryStrategy):
    """Ranked batch-mode sampling: trade uncertainty against similarity to the labeled set.

    Rows are picked greedily by ``alpha * (1 - sim(x)) + (1 - alpha) * u(x)`` (Cardoso et
    al., 2017), where ``sim(x) = 1 / (1 + d(x))`` with ``d`` the Euclidean distance to the
    nearest labeled or already picked row, and ``u`` the model's uncertainty. Each pick
    counts as labeled for the next one, so a batch spreads over the pool. The nearest
    similarity is updated incrementally (one distance computation per pick).

    Parameters
    ----------
    measure : {"least_confident", "margin", "entropy"}, default="least_confident"
        Uncertainty ``u``: ``1 - max_k p_k`` (the paper's), ``1 - (p_(1) - p_(2))``, or
        the entropy divided by ``log(n_classes)``; all lie in ``[0, 1]``.
    alpha : "auto" or float in [0, 1], default="auto"
        Weight of dissimilarity. ``"auto"``: ``|U| / (|U| + |L|)``, recomputed at each
        pick with the picked rows moved from the unlabeled pool ``U`` (the candidates)
        to the labeled set ``L`` — diversity matters most while few rows are labeled.
    max_candidates : int or None, default=20_000
        The batch is ranked among at most this many candidates, the most uncertain
        ones (by ``measure``, scored in chunks) when the pool holds more, so memory is
        O(max_candidates x n_features) whatever the pool size. ``None``: every
        candidate. Pools with fewer candidates are unaffected.
    random_state : int, RandomState or None, default=None
        Breaks ties between equal scores.

    Notes
    -----
    Distances are measured in the input features, or for a ``Pipeline`` estimator in the
    output of its preprocessing steps. The similarity ``1 / (1 + d)`` follows modAL's
    implementation of this strategy. With no labeled rows (as in
    ``ActiveLearningClassifier.query``) the automatic ``alpha`` is 1 at the first pick,
    which is then a random row. Scores returned are the combined scores at pick time.

    References
    ----------
    Cardoso, T. N. C., Silva, R. M., Canuto, S., Moro, M. M. & Gonçalves, M. A. (2017).
    Ranked batch-mode active learning. Information Sciences, 379, 313-337.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import RankedBatch
    >>> X = np.array([[-3.0], [0.0], [0.01], [1.0], [3.0]])
    >>> model = LogisticRegression().fit(X[[0, 4]], [0, 1])
    >>> pool = np.array([False, True, True, True, False])
    >>> indices, scores = RankedBatch().select(
    ...     model, X, 2, candidates=pool, X_labeled=X[[0, 4]])
    >>> indices  # the most uncertain row, then a less uncertain one away from it
    array([1, 3])
    """

    _parameter_constraints = {
        "measure": [StrOptions(MEASURES)],
        "alpha": [Interval(numbers.Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, measure="least_confident", alpha="auto",
                 max_candidates=MAX_CANDIDATES, random_state=None):
        self.measure = measure
        self.alpha = alpha
        self.max_candidates = max_candidates
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        positions = bounded_positions(
            positions, n, self.max_candidates, rng, estimator=estimator, X_pool=X_pool,
            context=context, score=functools.partial(uncertainty_of, self.measure))
        alpha = None if isinstance(self.alpha, str) else float(self.alpha)
        rows = rows_at(X_pool, positions)
        uncertainty = nonnegative_uncertainty(
            predict_proba_or_softmax(estimator, rows), self.measure, scaled=True)
        embed = self._embedding(estimator, X_pool, context)
        F = embed(rows)
        sq_norms = squared_norms(F)
        n_unlabeled, n_labeled = F.shape[0], context.n_labeled
        if n_labeled == 0:
            similarity = np.zeros(n_unlabeled)
        else:
            similarity = 1.0 / (1.0 + distances_to_set(F, embed(context.X_labeled)))
        chosen = np.empty(n, dtype=np.intp)
        scores = np.empty(n)
        for t in range(n):
            # |U| = n_unlabeled - t and |L| = n_labeled + t once t rows are picked.
            a = (n_unlabeled - t) / (n_unlabeled + n_labeled) if alpha is None else alpha
            score = a * (1.0 - similarity) + (1.0 - a) * uncertainty
            score[chosen[:t]] = -np.inf
            i = argmax_random(score, rng)
            chosen[t], scores[t] = i, score[i]
            closeness = 1.0 / (1.0 + distances_to_row(F, sq_norms, i))
            np.maximum(similarity, closeness, out=similarity)
        return positions[chosen], scores


# ----------------------------------------------------------------------------- ClusterMargin
class ClusterMargin(QueryStrategy):
    """Cluster-margin: the most uncertain rows, taken round-robin over clusters.

    Following Citovsky et al. (2021): take the ``k_m = margin_pool_factor * n``
    candidates with the smallest margin ``p_(1) - p_(2)``, group them by the cluster of
    the pool they fall in, sort those groups from smallest to largest, and pick one
    random row from each group in turn, cycling until ``n`` rows are picked. Small
    groups (rare regions of the pool) are served first, and no region supplies a
    second row before every region supplied one.

    Parameters
    ----------
    n_clusters : int or "auto", default="auto"
        Number of clusters of the pool. ``"auto"``: ``ceil(sqrt(n_rows))``, at most 100.
    margin_pool_factor : float >= 1, default=10
        ``k_m / n``: how many low-margin candidates are spread over the clusters.
    random_state : int, RandomState or None, default=None
        Seeds the clustering, the choice within clusters and tie-breaking.

    Notes
    -----
    The paper clusters the pool once, with average-linkage agglomerative clustering,
    in the model's embedding space. Here the pool is clustered at each call by k-means
    (:class:`~sklearn.cluster.KMeans` up to 2 000 rows,
    :class:`~sklearn.cluster.MiniBatchKMeans` fitted on a random sample of 10 000 rows
    above that; rows labeled or not), and only the ``k_m`` low-margin rows are
    assigned to clusters: this costs tens of milliseconds whatever the pool size,
    needs no quadratic memory, and keeps the strategy stateless (clonable, picklable).
    The features are the input features, or for a ``Pipeline`` estimator the output of
    its preprocessing steps. Scores returned are ``p_(2) - p_(1)`` (minus the margin).

    References
    ----------
    Citovsky, G., DeSalvo, G., Gentile, C., Karydas, L., Rajagopalan, A.,
    Rostamizadeh, A. & Kumar, S. (2021). Batch active learning at scale. NeurIPS.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactive.strategies import ClusterMargin
    >>> X = np.array([[-0.3, -5.0], [-0.2, -5.0], [0.2, 5.0], [0.3, 5.0], [-5, 0], [5, 0]])
    >>> model = LogisticRegression().fit(X[4:], [0, 1])
    >>> indices, scores = ClusterMargin(n_clusters=2, random_state=0).select(
    ...     model, X, 2, candidates=np.arange(6) < 4)
    >>> sorted(i // 2 for i in indices.tolist())  # one row from each cluster
    [0, 1]
    """

    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "margin_pool_factor": [Interval(numbers.Real, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_clusters="auto", margin_pool_factor=10, random_state=None):
        self.n_clusters = n_clusters
        self.margin_pool_factor = margin_pool_factor
        self.random_state = random_state

    def _cluster(self, embed, X_pool, rows, rng):
        """Cluster label of each of ``rows`` (positions) for a k-means of the pool."""
        n_rows = num_rows(X_pool)
        n_clusters = self.n_clusters
        if isinstance(n_clusters, str):
            n_clusters = min(math.ceil(math.sqrt(n_rows)), 100)
        sample = np.sort(rng.choice(n_rows, size=min(n_rows, _CLUSTER_SAMPLE), replace=False))
        seed = rng.randint(np.iinfo(np.int32).max)
        n_clusters = min(int(n_clusters), sample.shape[0])
        if n_clusters == 1:
            return np.zeros(rows.shape[0], dtype=np.intp)
        # Lloyd's k-means is quicker on a few rows; mini-batches are quicker on many.
        small = sample.shape[0] <= _SMALL_SAMPLE
        kmeans = (KMeans if small else MiniBatchKMeans)(
            n_clusters=n_clusters, n_init=1, random_state=seed)
        with warnings.catch_warnings():
            # Duplicate rows can leave fewer distinct clusters; that is harmless here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            kmeans.fit(embed(rows_at(X_pool, sample)))
        return kmeans.predict(embed(take_rows(X_pool, rows)))

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        k_m = min(positions.shape[0], max(n, math.ceil(float(self.margin_pool_factor) * n)))
        # The k_m lowest margins, chunk by chunk (each chunk keeps its own k_m): the
        # same rows and draws as top_n on the candidates' margins, in O(chunk) memory.
        low, margins = score_top_n(
            margin_scores, estimator, X_pool, context.candidates, k_m, rng,
            chunk_rows=context.chunk_rows, n_jobs=context.n_jobs, size=positions.shape[0])
        embed = self._embedding(estimator, X_pool, context)
        labels = self._cluster(embed, X_pool, low, rng)
        # Round-robin = order by (rank within own cluster, cluster rank by ascending size).
        sizes = np.bincount(labels)
        cluster_rank = np.empty(sizes.shape[0], dtype=np.intp)
        cluster_rank[np.lexsort((rng.random_sample(sizes.shape[0]), sizes))] = np.arange(
            sizes.shape[0])
        by_cluster = np.lexsort((rng.random_sample(k_m), labels))
        group_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
        within = np.empty(k_m, dtype=np.intp)
        within[by_cluster] = np.arange(k_m) - group_start
        picked = np.lexsort((cluster_rank[labels], within))[:n]
        return low[picked], margins[picked]
