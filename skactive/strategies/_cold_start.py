"""Model-free strategies for the cold start: TypiClust and k-means initialisation.

They look only at the feature space, so they can pick the first rows to label before any
model exists (``ActiveLearningClassifier(cold_start_strategy=...)``), and they also work as
ordinary ``query_strategy`` choices for very small budgets, where representative rows beat
uncertain ones (Hacohen et al. 2022).
"""

import numbers
import warnings

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances, pairwise_distances_chunked

from ..utils._indexing import num_rows, take_rows
from ..utils._param_validation import Interval
from ._base import QueryStrategy

__all__ = ["KMeansInit", "TypiClust"]

# Pools with more candidate rows are subsampled to this many before clustering: k-means
# and the within-cluster neighbour search then cost O(1) in the pool size.
MAX_CLUSTER_ROWS = 20_000
# More clusters than this make MiniBatchKMeans slow for little gain (the paper caps too).
MAX_CLUSTERS = 500
# Typicality of a cluster is estimated on at most this many of its rows.
MAX_TYPICALITY_ROWS = 5_000


def _subsample(positions, rng, limit=MAX_CLUSTER_ROWS):
    if positions.shape[0] <= limit:
        return positions
    return np.sort(rng.choice(positions, size=limit, replace=False))


def _cluster(Z, n_clusters, rng):
    """Fit MiniBatchKMeans on the rows of ``Z``; return it."""
    km = MiniBatchKMeans(
        n_clusters=n_clusters,
        n_init=1,
        batch_size=1024,
        random_state=rng.randint(np.iinfo(np.int32).max),
    )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # Fewer distinct rows than clusters leaves some empty, which _pick_uncovered skips.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return km.fit(Z)


def _coverage(km, embed, X_labeled, n_clusters):
    """How many labeled rows fall in each cluster."""
    if X_labeled is None or num_rows(X_labeled) == 0:
        return np.zeros(n_clusters, dtype=np.intp)
    assigned = km.predict(embed(X_labeled))
    return np.bincount(assigned, minlength=n_clusters)


def _clustered_pool(strategy, estimator, X_pool, positions, n, rng, context, n_clusters):
    """Subsample the candidates, embed and cluster them, count labeled rows per cluster.

    ``n_clusters=None`` uses ``n_labeled + n`` clusters (at most 500). Returns the
    (subsampled) positions, ``n``, their features, the fitted k-means and the coverage.
    """
    positions = _subsample(positions, rng)
    n = min(n, positions.shape[0])
    embed = strategy._embedding(estimator, X_pool, context)
    Z = embed(take_rows(X_pool, positions))
    k = n_clusters or min(context.n_labeled + n, MAX_CLUSTERS)
    k = max(1, min(int(k), positions.shape[0]))
    km = _cluster(Z, k, rng)
    return positions, n, Z, km, _coverage(km, embed, context.X_labeled, k)


def _pick_uncovered(labels, coverage, n, representative):
    """Pick ``n`` rows, one cluster at a time: the cluster with the fewest labeled rows
    first, the largest among those, and within it ``representative(members)``, a list of
    member rows ordered best first with their scores."""
    sizes = np.bincount(labels, minlength=coverage.shape[0])
    coverage = coverage.astype(np.float64).copy()
    remaining = sizes.copy()
    queues = {}
    chosen, scores = [], []
    while len(chosen) < n and remaining.sum() > 0:
        open_ = remaining > 0
        # Fewest labels first, then largest cluster; lexsort keys go last-to-first.
        order = np.lexsort((-sizes[open_], coverage[open_]))
        cluster = np.flatnonzero(open_)[order[0]]
        if cluster not in queues:
            queues[cluster] = list(representative(np.flatnonzero(labels == cluster)))
        if not queues[cluster]:  # only a subsample of a huge cluster was ranked
            remaining[cluster] = 0
            continue
        row, score = queues[cluster].pop(0)
        chosen.append(row)
        scores.append(score)
        coverage[cluster] += 1
        remaining[cluster] -= 1
    return np.asarray(chosen, dtype=np.intp), np.asarray(scores, dtype=np.float64)


def typicality(Z, k_neighbors):
    """Inverse mean Euclidean distance of each row of ``Z`` to its ``k`` nearest rows.

    Parameters
    ----------
    Z : {ndarray, CSR matrix} of shape (n_rows, n_features)
    k_neighbors : int
        Neighbours averaged over (capped at ``n_rows - 1``).

    Returns
    -------
    typicality : ndarray of shape (n_rows,)
        ``1 / mean distance``; a single row, or a row with identical neighbours, gets
        ``inf`` (as typical as a row can be).

    Examples
    --------
    >>> import numpy as np
    >>> typicality(np.array([[0.0], [1.0], [2.0], [10.0]]), 2).round(3).tolist()
    [0.667, 1.0, 0.667, 0.118]
    """
    m = num_rows(Z)
    k = min(int(k_neighbors), m - 1)
    if k <= 0:
        return np.full(m, np.inf)

    def k_smallest(block, start):
        # Plain BLAS distances: cheaper than a neighbour index for clusters this small.
        block[np.arange(block.shape[0]), start + np.arange(block.shape[0])] = np.inf
        return np.partition(block, k - 1, axis=1)[:, :k].mean(axis=1)

    mean = np.concatenate(list(pairwise_distances_chunked(Z, reduce_func=k_smallest)))
    with np.errstate(divide="ignore"):
        return 1.0 / mean


class TypiClust(QueryStrategy):
    """Query the most typical row of the largest clusters holding no labeled row yet.

    The pool is clustered into ``n_labeled + n`` clusters; clusters are visited from the
    fewest labeled rows to the most, the largest first, and in each the row with the
    highest typicality (inverse mean distance to its ``k_neighbors`` nearest rows of the
    same cluster) is picked. Needs no model, so it serves as a cold-start strategy, and
    it is the strongest choice at very low budgets (a few labels per class).

    Parameters
    ----------
    n_clusters : int, default=None
        Number of clusters. ``None`` uses ``n_labeled + n`` as in the paper, capped at
        500. For speed, pools with more than 20 000 candidate rows are clustered (and
        picked from) on a random subsample of 20 000 of them, and typicality inside a
        cluster uses at most 5 000 of its rows.
    k_neighbors : int, default=20
        Neighbours used for typicality.
    random_state : int, RandomState or None, default=None
        Seeds k-means and the subsampling. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    References
    ----------
    Hacohen, G., Dekel, A. & Weinshall, D. (2022). Active learning on a budget: opposite
    strategies suit high and low budgets. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import TypiClust
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(0, 0.1, (30, 2)), rng.normal(5, 0.1, (10, 2))])
    >>> indices, _ = TypiClust(random_state=0).select(None, X, 2)
    >>> sorted(int(i) >= 30 for i in indices)  # one row from each blob
    [False, True]
    """

    requires_model = False
    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_clusters=None, k_neighbors=20, random_state=None):
        self.n_clusters = n_clusters
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        positions, n, Z, km, coverage = _clustered_pool(
            self, estimator, X_pool, positions, n, rng, context, self.n_clusters)

        def most_typical(members):
            sample = _subsample(members, rng, MAX_TYPICALITY_ROWS)
            typ = typicality(Z[sample], self.k_neighbors)
            order = np.lexsort((rng.random_sample(sample.shape[0]), -typ))
            return [(positions[sample[i]], typ[i]) for i in order]

        return _pick_uncovered(km.labels_, coverage, n, most_typical)


class KMeansInit(QueryStrategy):
    """Query the rows closest to the centres of a k-means clustering of the pool.

    With no labeled rows the candidates are clustered into ``n`` clusters and the row
    nearest each centre is picked, largest cluster first. With labeled rows,
    ``n_labeled + n`` clusters are used (at most 500) and clusters holding the fewest
    labeled rows are served first, so repeated calls keep covering new regions. Pools
    above 20 000 candidates are subsampled, as in :class:`TypiClust`.

    Parameters
    ----------
    random_state : int, RandomState or None, default=None
        Seeds k-means and the subsampling. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    References
    ----------
    Zhu, J., Wang, H., Yao, T. & Tsou, B. K. (2008). Active learning with sampling by
    uncertainty and density for word sense disambiguation and text classification.
    COLING. (k-means centres as the initial labeled set.)

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import KMeansInit
    >>> X = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2], [10.3], [10.4]])
    >>> indices, _ = KMeansInit(random_state=0).select(None, X, 2)
    >>> indices.tolist()  # the middle of the larger blob first
    [5, 1]
    """

    requires_model = False
    _parameter_constraints = {"random_state": ["random_state"]}

    def __init__(self, random_state=None):
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        positions, n, Z, km, coverage = _clustered_pool(
            self, estimator, X_pool, positions, n, rng, context, None)

        def closest_to_centre(members):
            centre = km.cluster_centers_[km.labels_[members[0]]][None, :]
            dist = pairwise_distances(Z[members], centre).ravel()
            order = np.lexsort((rng.random_sample(members.shape[0]), dist))
            # Score: closeness, so the best row has the highest score.
            return [(positions[members[i]], -dist[i]) for i in order]

        return _pick_uncovered(km.labels_, coverage, n, closest_to_centre)
