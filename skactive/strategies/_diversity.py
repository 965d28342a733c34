"""Batch strategies that spread a batch over the pool: core-set, ranked batch, cluster-margin."""

import math
import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances, pairwise_distances_argmin_min
from sklearn.pipeline import Pipeline

from ..utils._indexing import num_rows, take_rows
from ..utils._validation import is_text
from ._base import QueryStrategy, top_n
from ._uncertainty import MEASURES, uncertainty_scores

__all__ = ["ClusterMargin", "CoreSet", "RankedBatch"]

# ClusterMargin fits its k-means on at most this many rows of the pool; up to
# _SMALL_SAMPLE rows it uses full-batch KMeans, above that MiniBatchKMeans.
_CLUSTER_SAMPLE = 10_000
_SMALL_SAMPLE = 2_000
# Pool-by-labeled distances are computed this many at a time.
_BLOCK = 2**22


class _NotNumeric(ValueError):
    pass


# ----------------------------------------------------------------------------- helpers
def candidate_positions(X_pool, candidates):
    """Positions of the rows that may be picked."""
    if candidates is None:
        return np.arange(num_rows(X_pool))
    return np.flatnonzero(candidates)


def rows_at(X, positions):
    """``X`` itself when ``positions`` covers every row in order, else a copy of those rows."""
    if positions.shape[0] == num_rows(X):
        return X
    return take_rows(X, positions)


def features(estimator, X, transform=None):
    """The numeric representation diversity is measured in: dense ndarray or CSR, float64.

    ``transform(X)`` when given; else, for a fitted ``Pipeline``, the output of every
    step but the last (the input of the final classifier); else ``X`` itself.
    """
    if transform is not None:
        F = transform(X)
    elif isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        F = estimator[:-1].transform(X)
    else:
        F = X
    if sp.issparse(F):
        return sp.csr_matrix(F, dtype=np.float64)
    if is_text(F):
        raise _NotNumeric(
            "Diversity strategies measure distances between rows, so they need numeric "
            "features; got text. Use a Pipeline (e.g. TfidfVectorizer + classifier) as the "
            "estimator, or pass a `transform` that maps rows to numbers."
        )
    try:
        F = np.asarray(F, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise _NotNumeric(
            f"Diversity strategies need numeric features; converting the rows to float "
            f"failed ({exc}). Use a Pipeline as the estimator or pass a `transform`."
        ) from exc
    return F if F.ndim == 2 else F.reshape(F.shape[0], -1)


def predict_proba(estimator, X):
    """``predict_proba``, or a softmax (sigmoid for binary) of ``decision_function``."""
    if hasattr(estimator, "predict_proba"):
        return np.asarray(estimator.predict_proba(X), dtype=np.float64)
    decision = np.asarray(estimator.decision_function(X), dtype=np.float64)
    if decision.ndim == 1:
        decision = np.column_stack([np.zeros_like(decision), decision])
    return softmax(decision, axis=1)


def squared_norms(F):
    if sp.issparse(F):
        return np.asarray(F.multiply(F).sum(axis=1), dtype=np.float64).ravel()
    return np.einsum("ij,ij->i", F, F)


def dot_row(F, i):
    """Inner products of every row of ``F`` with row ``i`` (one pass over ``F``)."""
    if sp.issparse(F):
        return F @ F[i].toarray().ravel()
    return F @ F[i]


def distances_to_row(F, sq_norms, i, metric):
    """Distances of every row of ``F`` to row ``i``: O(n_rows * n_features)."""
    if metric == "euclidean":
        sq = sq_norms + sq_norms[i] - 2.0 * dot_row(F, i)
        return np.sqrt(np.maximum(sq, 0.0, out=sq), out=sq)
    return pairwise_distances(F, F[i : i + 1], metric=metric).ravel()


def distances_to_set(F, L, metric):
    """Distance of every row of ``F`` to its nearest row of ``L`` (memory-chunked)."""
    if metric != "euclidean":
        return pairwise_distances_argmin_min(F, L, metric=metric)[1]
    # Plain BLAS blocks of ~4M distances: cheaper per call than the generic reduction.
    sq_F, sq_L, LT = squared_norms(F), squared_norms(L), L.T
    nearest = np.empty(F.shape[0])
    step = max(1, _BLOCK // max(L.shape[0], 1))
    for start in range(0, F.shape[0], step):
        stop = min(start + step, F.shape[0])
        inner = F[start:stop] @ LT
        block = inner.toarray() if sp.issparse(inner) else np.asarray(inner, dtype=np.float64)
        block *= -2.0
        block += sq_F[start:stop, None]
        block += sq_L
        nearest[start:stop] = block.min(axis=1)
    return np.sqrt(np.maximum(nearest, 0.0, out=nearest), out=nearest)


def argmax_random(values, rng):
    """Position of the largest value; ties broken at random, not by position."""
    ties = np.flatnonzero(values == values.max())
    return int(ties[0] if ties.shape[0] == 1 else rng.choice(ties))


def _labeled_features(estimator, X_labeled, transform=None):
    if X_labeled is None or num_rows(X_labeled) == 0:
        return None
    return features(estimator, X_labeled, transform)


def _empty():
    return np.empty(0, dtype=np.intp), np.empty(0)


# ----------------------------------------------------------------------------- CoreSet
class CoreSet(QueryStrategy):
    """k-center greedy: repeatedly pick the row farthest from everything already chosen.

    Each pick is the candidate whose distance to the nearest labeled or already picked
    row is largest (Sener & Savarese, 2018), a 2-approximation of the k-center problem.
    A min-distance vector is updated with one distance computation per pick, so a batch
    of ``n`` costs ``O(n_labeled * n_candidates * d)`` once plus ``O(n * n_candidates * d)``.
    The model is not needed, so the strategy also works for a cold start.

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
        start) and with text rows and no ``transform``, rows are drawn at random.
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

    def __init__(self, metric="euclidean", transform=None, random_state=None):
        self.metric = metric
        self.transform = transform
        self.random_state = random_state

    def select(self, estimator, X_pool, n, *, candidates=None, X_labeled=None,
               y_labeled=None, random_state=None, n_jobs=None, chunk_rows=None):
        rng = self._rng(random_state)
        positions = candidate_positions(X_pool, candidates)
        n = min(int(n), positions.shape[0])
        if n <= 0:
            return _empty()
        try:
            F = features(estimator, rows_at(X_pool, positions), self.transform)
        except _NotNumeric:
            if estimator is not None:
                raise
            chosen = rng.choice(positions, size=n, replace=False)
            return chosen.astype(np.intp), np.zeros(n)
        L = _labeled_features(estimator, X_labeled, self.transform)
        sq_norms = squared_norms(F) if self.metric == "euclidean" else None
        if L is None:
            nearest = np.full(F.shape[0], np.inf)
        else:
            nearest = distances_to_set(F, L, self.metric)
        chosen = np.empty(n, dtype=np.intp)
        scores = np.empty(n)
        for t in range(n):
            i = argmax_random(nearest, rng)
            chosen[t], scores[t] = i, nearest[i]
            np.minimum(nearest, distances_to_row(F, sq_norms, i, self.metric), out=nearest)
            nearest[i] = -np.inf  # stays -inf under np.minimum: never picked twice
        return positions[chosen], scores


# ----------------------------------------------------------------------------- RankedBatch
def _uncertainty01(proba, measure, owner):
    """Uncertainty scaled to [0, 1] so it is commensurable with a similarity."""
    if measure not in MEASURES:
        raise ValueError(
            f"The 'measure' parameter of {owner} must be one of {MEASURES}. "
            f"Got {measure!r} instead."
        )
    scores = uncertainty_scores(proba, measure)
    if measure == "margin":
        return 1.0 + scores
    if measure == "entropy":
        n_classes = proba.shape[1]
        return scores / math.log(n_classes) if n_classes > 1 else np.zeros_like(scores)
    return scores


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

    def __init__(self, measure="least_confident", alpha="auto", random_state=None):
        self.measure = measure
        self.alpha = alpha
        self.random_state = random_state

    def _check_alpha(self):
        if isinstance(self.alpha, str) and self.alpha == "auto":
            return None
        ok = isinstance(self.alpha, numbers.Real) and not isinstance(self.alpha, bool)
        if ok and 0.0 <= self.alpha <= 1.0:
            return float(self.alpha)
        raise ValueError(
            "The 'alpha' parameter of RankedBatch must be 'auto' or a float in the range "
            f"[0, 1]. Got {self.alpha!r} instead."
        )

    def select(self, estimator, X_pool, n, *, candidates=None, X_labeled=None,
               y_labeled=None, random_state=None, n_jobs=None, chunk_rows=None):
        alpha = self._check_alpha()
        rng = self._rng(random_state)
        positions = candidate_positions(X_pool, candidates)
        n = min(int(n), positions.shape[0])
        if n <= 0:
            return _empty()
        rows = rows_at(X_pool, positions)
        uncertainty = _uncertainty01(predict_proba(estimator, rows), self.measure,
                                     "RankedBatch")
        F = features(estimator, rows)
        L = _labeled_features(estimator, X_labeled)
        sq_norms = squared_norms(F)
        n_unlabeled, n_labeled = F.shape[0], 0 if L is None else L.shape[0]
        if L is None:
            similarity = np.zeros(n_unlabeled)
        else:
            similarity = 1.0 / (1.0 + distances_to_set(F, L, "euclidean"))
        chosen = np.empty(n, dtype=np.intp)
        scores = np.empty(n)
        for t in range(n):
            # |U| = n_unlabeled - t and |L| = n_labeled + t once t rows are picked.
            a = (n_unlabeled - t) / (n_unlabeled + n_labeled) if alpha is None else alpha
            score = a * (1.0 - similarity) + (1.0 - a) * uncertainty
            score[chosen[:t]] = -np.inf
            i = argmax_random(score, rng)
            chosen[t], scores[t] = i, score[i]
            closeness = 1.0 / (1.0 + distances_to_row(F, sq_norms, i, "euclidean"))
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

    def __init__(self, n_clusters="auto", margin_pool_factor=10, random_state=None):
        self.n_clusters = n_clusters
        self.margin_pool_factor = margin_pool_factor
        self.random_state = random_state

    def _check_params(self, n_rows):
        factor = self.margin_pool_factor
        if not (isinstance(factor, numbers.Real) and not isinstance(factor, bool)
                and factor >= 1):
            raise ValueError(
                "The 'margin_pool_factor' parameter of ClusterMargin must be a number >= 1. "
                f"Got {factor!r} instead."
            )
        if isinstance(self.n_clusters, str) and self.n_clusters == "auto":
            return float(factor), min(math.ceil(math.sqrt(n_rows)), 100)
        ok = isinstance(self.n_clusters, numbers.Integral) and not isinstance(
            self.n_clusters, bool)
        if not ok or self.n_clusters < 1:
            raise ValueError(
                "The 'n_clusters' parameter of ClusterMargin must be 'auto' or an int >= 1. "
                f"Got {self.n_clusters!r} instead."
            )
        return float(factor), int(self.n_clusters)

    def _cluster(self, estimator, X_pool, rows, n_clusters, rng):
        """Cluster label of each of ``rows`` (positions) for a k-means of the pool."""
        n_rows = num_rows(X_pool)
        sample = np.sort(rng.choice(n_rows, size=min(n_rows, _CLUSTER_SAMPLE), replace=False))
        seed = rng.randint(np.iinfo(np.int32).max)
        n_clusters = min(n_clusters, sample.shape[0])
        if n_clusters == 1:
            return np.zeros(rows.shape[0], dtype=np.intp)
        # Lloyd's k-means is quicker on a few rows; mini-batches are quicker on many.
        small = sample.shape[0] <= _SMALL_SAMPLE
        kmeans = (KMeans if small else MiniBatchKMeans)(
            n_clusters=n_clusters, n_init=1, random_state=seed)
        with warnings.catch_warnings():
            # Duplicate rows can leave fewer distinct clusters; that is harmless here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            kmeans.fit(features(estimator, rows_at(X_pool, sample)))
        return kmeans.predict(features(estimator, take_rows(X_pool, rows)))

    def select(self, estimator, X_pool, n, *, candidates=None, X_labeled=None,
               y_labeled=None, random_state=None, n_jobs=None, chunk_rows=None):
        factor, n_clusters = self._check_params(num_rows(X_pool))
        rng = self._rng(random_state)
        positions = candidate_positions(X_pool, candidates)
        n = min(int(n), positions.shape[0])
        if n <= 0:
            return _empty()
        margins = uncertainty_scores(
            predict_proba(estimator, rows_at(X_pool, positions)), "margin")
        k_m = min(positions.shape[0], max(n, math.ceil(factor * n)))
        low_margin = top_n(margins, k_m, rng)
        labels = self._cluster(estimator, X_pool, positions[low_margin], n_clusters, rng)
        # Round-robin = order by (rank within own cluster, cluster rank by ascending size).
        sizes = np.bincount(labels)
        cluster_rank = np.empty(sizes.shape[0], dtype=np.intp)
        cluster_rank[np.lexsort((rng.random_sample(sizes.shape[0]), sizes))] = np.arange(
            sizes.shape[0])
        by_cluster = np.lexsort((rng.random_sample(k_m), labels))
        group_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
        within = np.empty(k_m, dtype=np.intp)
        within[by_cluster] = np.arange(k_m) - group_start
        picked = low_margin[np.lexsort((cluster_rank[labels], within))[:n]]
        return positions[picked], margins[picked]
