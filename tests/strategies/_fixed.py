"""Strategies that pick fixed rows, for tests of strategies built from other strategies."""

import numpy as np

from skactive.strategies import QueryStrategy


class LowFirst(QueryStrategy):
    """Picks the candidates with the smallest positions (at most ``limit``)."""

    requires_model = False

    def __init__(self, limit=None):
        self.limit = limit

    def select(self, estimator, X_pool, n, *, candidates=None, **kwargs):
        n = n if self.limit is None else min(n, self.limit)
        rows = np.flatnonzero(candidates)[:n]
        return rows, np.zeros(rows.shape[0])


class HighFirst(QueryStrategy):
    """Picks the candidates with the largest positions."""

    requires_model = False

    def select(self, estimator, X_pool, n, *, candidates=None, **kwargs):
        rows = np.flatnonzero(candidates)[::-1][:n]
        return rows, np.ones(rows.shape[0])
