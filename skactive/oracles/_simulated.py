"""SimulatedOracle: answers with known true labels, looked up by each row's content."""

import numpy as np
import scipy.sparse as sp

from ..utils._validation import is_text
from ._base import Oracle

__all__ = ["SimulatedOracle"]


def _dense_keys(A):
    """One fixed-size byte key per row, equal exactly when the rows' values are equal."""
    A = np.array(A, dtype=np.float64, order="C", copy=True)
    A += 0.0  # -0.0 and 0.0 give the same key
    A[np.isnan(A)] = np.nan  # one NaN bit pattern
    if A.ndim == 1:
        A = A[:, None]
    return A.view(np.dtype((np.void, A.dtype.itemsize * A.shape[1]))).ravel()


def _sparse_keys(A):
    A = sp.csr_matrix(A, dtype=np.float64, copy=True)
    A.sum_duplicates()
    A.eliminate_zeros()
    A.sort_indices()
    ptr, ind, data = A.indptr, A.indices.astype(np.int64), A.data
    return [
        ind[ptr[i] : ptr[i + 1]].tobytes() + b"|" + data[ptr[i] : ptr[i + 1]].tobytes()
        for i in range(A.shape[0])
    ]


def _is_numeric_frame(X):
    # pandas extension dtypes (str, category) are not numpy dtypes but carry a ``kind``.
    return all(getattr(dt, "kind", "O") in "biuf" for dt in getattr(X, "dtypes", []))


class SimulatedOracle(Oracle):
    """Answer queries with known true labels, looked up by the content of each row.

    Keying rows by their values (not their position) keeps the oracle correct when a
    cross-validation splitter, a shuffle or a ``Pipeline`` hands ``fit`` a reordered or
    subset ``X``.

    Parameters
    ----------
    X : {array-like, sparse matrix, DataFrame} or list of str
        Every row the oracle can be asked about.
    y : array-like of shape (n_samples,)
        The true label of each row of ``X``. When identical rows carry different labels,
        the first one's label is the answer.

    Attributes
    ----------
    n_calls_ : int
        Number of times the oracle was called.
    n_answered_ : int
        Number of rows answered.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.oracles import SimulatedOracle
    >>> oracle = SimulatedOracle(np.array([[0.0, 1.0], [2.0, 3.0]]), ["a", "b"])
    >>> oracle(np.array([[2.0, 3.0]])).tolist()
    ['b']
    """

    def __init__(self, X, y):
        self.y = np.asarray(y)
        if is_text(X):
            self._kind = "text"
            self._lookup = {}
            for i, doc in enumerate(X):
                self._lookup.setdefault(doc, i)
            n_rows = len(X)
        elif hasattr(X, "iloc") and not _is_numeric_frame(X):
            self._kind = "objects"
            self._columns = list(X.columns)
            self._lookup = {}
            for i, row in enumerate(X.itertuples(index=False, name=None)):
                self._lookup.setdefault(row, i)
            n_rows = X.shape[0]
        elif sp.issparse(X):
            self._kind = "sparse"
            self._n_features = X.shape[1]
            self._lookup = {}
            for i, key in enumerate(_sparse_keys(X)):
                self._lookup.setdefault(key, i)
            n_rows = X.shape[0]
        else:
            self._kind = "dense"
            self._columns = list(X.columns) if hasattr(X, "columns") else None
            values = X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X)
            if values.ndim != 2:
                raise ValueError(
                    f"SimulatedOracle expects a 2D X or a list of strings; got an array of "
                    f"shape {values.shape}."
                )
            self._n_features = values.shape[1]
            keys = _dense_keys(values)
            order = np.argsort(keys, kind="stable")  # stable: the first duplicate wins
            self._sorted_keys = keys[order]
            self._sorted_rows = order
            n_rows = values.shape[0]
        if self.y.shape[0] != n_rows:
            raise ValueError(
                f"SimulatedOracle: X has {n_rows} rows but y has {self.y.shape[0]} labels."
            )
        self.n_calls_ = 0
        self.n_answered_ = 0

    def _positions(self, X_query):
        if self._kind == "text":
            return self._dict_positions(list(X_query), X_query)
        if self._kind == "objects":
            frame = X_query[self._columns] if hasattr(X_query, "columns") else X_query
            rows = (
                list(frame.itertuples(index=False, name=None))
                if hasattr(frame, "itertuples")
                else [tuple(r) for r in frame]
            )
            return self._dict_positions(rows, X_query)
        if self._kind == "sparse":
            self._check_width(X_query.shape[1])
            return self._dict_positions(_sparse_keys(X_query), X_query)
        if hasattr(X_query, "columns") and self._columns is not None:
            X_query = X_query[self._columns]  # same columns, whatever their order
        values = X_query.to_numpy() if hasattr(X_query, "to_numpy") else X_query
        values = values.toarray() if sp.issparse(values) else np.asarray(values)
        if values.ndim != 2:
            raise ValueError(f"SimulatedOracle expects 2D queries; got shape {values.shape}.")
        self._check_width(values.shape[1])
        keys = _dense_keys(values)
        found = np.searchsorted(self._sorted_keys, keys)
        found = np.minimum(found, self._sorted_keys.shape[0] - 1)
        known = self._sorted_keys[found] == keys
        if not known.all():
            self._unknown(int(np.flatnonzero(~known)[0]), X_query)
        return self._sorted_rows[found]

    def _dict_positions(self, keys, X_query):
        positions = np.empty(len(keys), dtype=np.intp)
        for i, key in enumerate(keys):
            pos = self._lookup.get(key)
            if pos is None:
                self._unknown(i, X_query)
            positions[i] = pos
        return positions

    def _check_width(self, n_features):
        if n_features != self._n_features:
            raise ValueError(
                f"SimulatedOracle was built on rows with {self._n_features} features; it was "
                f"asked about rows with {n_features}."
            )

    def _unknown(self, i, X_query):
        if hasattr(X_query, "iloc"):
            label = X_query.index[i]
            label = label.item() if isinstance(label, np.generic) else label  # not np.int64(5)
            shown = f"row {i} (index {label!r})"
        else:
            shown = f"row {i}"
        raise KeyError(
            f"SimulatedOracle has no label for {shown} of the query: that row is not in the X "
            "the oracle was built with. Build it on every row that can be queried."
        )

    def __call__(self, X_query):
        """Return the true label of each row of ``X_query``, in order.

        Parameters
        ----------
        X_query : {array-like, sparse matrix, DataFrame} or list of str

        Returns
        -------
        labels : ndarray of shape (n_queries,)
        """
        positions = self._positions(X_query)
        self.n_calls_ += 1
        self.n_answered_ += positions.shape[0]
        return self.y[positions]

