"""Pool bookkeeping for the active-learning loop: masks, labels and labeling order.

No estimator logic lives here; :class:`LabelPool` only records who is labeled, who may
still be asked, and gives the labeled rows to the caller without copying the pool.
"""

import numpy as np

from .utils._indexing import is_dask_array, take_rows

__all__ = ["LabelPool"]


class LabelPool:
    """The state of one ``fit``: labels so far and the rows that may still be queried.

    Parameters
    ----------
    X : validated input (ndarray, CSR matrix, DataFrame or list of str)
    y : ndarray
        The caller's labels; copied once, never modified.
    missing : ndarray of bool
        Which entries of ``y`` are unlabeled.
    capacity : int
        How many more rows may become labeled (the budget); sizes the buffer of
        labeled rows so adding answers never reallocates.
    track_classes : bool, default=True
        Keep the set of labels seen (classification); regression skips it.
    """

    def __init__(self, X, y, missing, capacity, *, track_classes=True):
        self.X = X
        y_labeled = np.array(y, copy=True)
        if y_labeled.dtype.kind in "US":
            # Answers longer than the longest given label must not be truncated.
            y_labeled = y_labeled.astype(object)
        self.y_labeled = y_labeled
        # int32, filled in place: 4 bytes per row of the pool on the driver, no int64
        # temporary (rounds never reach 2**31).
        self.labeled_iter = np.zeros(missing.shape[0], dtype=np.int32)
        self.labeled_iter[missing] = -1
        self.candidates = missing.copy()  # unlabeled and not yet asked in this fit
        self.n_candidates = int(np.count_nonzero(missing))
        initial = np.flatnonzero(~missing)
        self.order = np.empty(initial.shape[0] + max(capacity, 0), dtype=np.intp)
        self.order[: initial.shape[0]] = initial
        self.n_labeled = initial.shape[0]
        self.classes = set(y_labeled[initial].tolist()) if track_classes else None
        # Dense pools keep labeled rows in a preallocated buffer: fitting reads a view.
        # A dask pool's labeled rows are gathered from the cluster into the same buffer
        # (the oracle's rows, reused: see ``rows``); the pool never comes to the driver.
        self._buffer = None
        self._labeled_cache = None
        self._gathered = None  # (positions, rows) last gathered from a dask pool
        if isinstance(X, np.ndarray) or is_dask_array(X):
            self._buffer = np.empty((self.order.shape[0],) + X.shape[1:], dtype=X.dtype)
            self._buffer[: initial.shape[0]] = take_rows(X, initial)

    def rows(self, indices):
        """The rows of ``X`` at ``indices`` for the oracle (kept to fill the buffer)."""
        rows = take_rows(self.X, indices)
        if is_dask_array(self.X):
            self._gathered = (indices, rows)
        return rows

    def _rows_of(self, new):
        gathered = self._gathered
        self._gathered = None
        if gathered is not None:
            positions, rows = gathered
            where = {int(p): k for k, p in enumerate(positions.tolist())}
            if all(int(p) in where for p in new.tolist()):
                return rows[[where[int(p)] for p in new.tolist()]]
        return take_rows(self.X, new)

    @property
    def labeled_positions(self):
        """Positions in ``X`` of the labeled rows, in the order they were labeled."""
        return self.order[: self.n_labeled]

    def labeled_data(self):
        """``(X_labeled, y_labeled)`` in labeling order (cached until the next answers)."""
        if self._labeled_cache is not None:
            return self._labeled_cache
        positions = self.labeled_positions
        if self._buffer is not None:
            X_labeled = self._buffer[: self.n_labeled]
        else:
            X_labeled = take_rows(self.X, positions)
        self._labeled_cache = (X_labeled, self.y_labeled[positions])
        return self._labeled_cache

    def add(self, indices, labels, skipped, round_):
        """Record the oracle's answers for ``indices`` in round ``round_``.

        Skipped rows leave the candidate set (never asked again in this fit) but stay
        unlabeled. Returns the number of new labels.
        """
        self.candidates[indices] = False
        self.n_candidates -= indices.shape[0]
        new = indices[~skipped]
        if new.shape[0] == 0:
            return 0
        self._labeled_cache = None
        answers = labels[~skipped]
        if self.y_labeled.dtype.kind != "O" and answers.dtype.kind in "USO":
            answers = answers.astype(self.y_labeled.dtype)
        self.y_labeled[new] = answers
        self.labeled_iter[new] = round_
        start, stop = self.n_labeled, self.n_labeled + new.shape[0]
        self.order[start:stop] = new
        if self._buffer is not None:
            self._buffer[start:stop] = self._rows_of(new)
        self.n_labeled = stop
        if self.classes is not None:
            self.classes.update(self.y_labeled[new].tolist())
        return new.shape[0]
