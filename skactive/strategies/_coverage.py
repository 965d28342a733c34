"""The coverage kernel of uncertainty herding: a locally scaled Gaussian kernel over a
sample of the pool, and the greedy picks that cover it most."""

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances

from ..utils._indexing import take_rows

# A row's kernel is never narrower than its distance to its 5th nearest row.
MIN_NEIGHBORS = 5
# Rows of the kernel computed at once (half a MB at the default max_rows).
GAIN_BLOCK = 64
# Labeled rows whose distances to the sampled rows are held at once.
LABELED_BLOCK = 1024


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
        self._concentration = None

    def kth_sq(self, k):
        """Every sampled row's squared distance to its ``k``-th nearest row."""
        if k >= self.nearest_sq.shape[1]:
            # The copy lets the full partitioned array go at once.
            self.nearest_sq = np.partition(self.sq, k, axis=1)[:, :k + 1].copy()
            self.nearest_sq.sort(axis=1)
        return self.nearest_sq[:, k]

    def concentration(self):
        """How little the sampled rows' distances tell near rows from far ones: the median
        distance of a row to its 5th nearest row over the median of a row's mean distance
        to the others (near 1 where the features are mostly noise). Computed once."""
        if self._concentration is None:
            n_rows = self.sq.shape[0]
            # A block of rows at a time (each row's sum is the same as in one pass), so
            # no second n_rows**2 array is held.
            mean = np.empty(n_rows, dtype=np.float32)
            for start in range(0, n_rows, GAIN_BLOCK):
                rows = np.sqrt(self.sq[start:start + GAIN_BLOCK])
                mean[start:start + GAIN_BLOCK] = rows.sum(axis=1) / max(n_rows - 1, 1)
            typical = float(np.median(mean))
            # One row, or rows all alike: no distances to judge by.
            self._concentration = 0.0
            if n_rows > MIN_NEIGHBORS and typical > 0:
                near = np.median(np.sqrt(self.kth_sq(MIN_NEIGHBORS)))
                self._concentration = float(near / np.float32(typical))
        return self._concentration

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
