"""SimulatedOracle: answers with known true labels, looked up by each row's content."""

import hashlib
import warnings

import numpy as np
import scipy.sparse as sp

from ..utils._indexing import num_rows
from ..utils._validation import is_text
from ._base import Oracle

__all__ = ["SimulatedOracle"]

_KEY = np.dtype([("hi", ">u8"), ("lo", ">u8")])  # big-endian: byte order = numeric order
_ROWS_PER_BLOCK = 2**16  # keys are computed a block at a time: O(block) extra memory


def _mix(z):
    """splitmix64's finalizer on uint64 arrays (wraps modulo 2**64)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _dense_keys(values):
    """A 128-bit key per row, equal when the rows' values are equal (0.0 == -0.0, NaN == NaN).

    Two independent 64-bit hashes of the row's float64 words: distinct rows share a key
    with probability about n**2 / 2**129, far below any floating-point concern.
    """
    A = np.array(values, dtype=np.float64, order="C", copy=True)
    A += 0.0  # -0.0 and 0.0 give the same key
    A[np.isnan(A)] = np.nan  # one NaN bit pattern
    words = A.reshape(A.shape[0], -1).view(np.uint64)
    keys = np.empty(A.shape[0], dtype=_KEY)
    with np.errstate(over="ignore"):
        hi = np.full(A.shape[0], 0x243F6A8885A308D3, dtype=np.uint64)
        lo = np.full(A.shape[0], 0x13198A2E03707344, dtype=np.uint64)
        for j in range(words.shape[1]):
            hi = _mix(hi ^ words[:, j])
            lo = _mix(lo + _mix(words[:, j] + np.uint64(j + 1)))
    keys["hi"], keys["lo"] = hi, lo
    return keys


def _digest_keys(items):
    """A 128-bit key per item from a byte string (documents, sparse rows, object rows)."""
    digests = b"".join(hashlib.blake2b(item, digest_size=16).digest() for item in items)
    return np.frombuffer(digests, dtype=_KEY).copy()


def _sparse_rows(A):
    A = sp.csr_matrix(A, dtype=np.float64, copy=True)
    A.sum_duplicates()
    A.eliminate_zeros()
    A.sort_indices()
    A.data += 0.0
    ptr, ind, data = A.indptr, A.indices.astype(np.int64), A.data
    return (ind[ptr[i] : ptr[i + 1]].tobytes() + b"|" + data[ptr[i] : ptr[i + 1]].tobytes()
            for i in range(A.shape[0]))


def _object_rows(frame):
    # One canonical text per row; the columns' order is fixed by the caller.
    return ("\x1f".join(map(str, row)).encode("utf-8", "surrogatepass")
            for row in frame.itertuples(index=False, name=None))


def _is_numeric_frame(X):
    # pandas extension dtypes (str, category) are not numpy dtypes but carry a ``kind``.
    return all(getattr(dt, "kind", "O") in "biuf" for dt in getattr(X, "dtypes", []))


def _majority(keys, y):
    """Unique keys (sorted), each one's answer, and the number of conflicting groups.

    Identical rows with different labels answer with their most frequent label; ties go to
    the smallest label in sorted order.
    """
    classes, codes = np.unique(y, return_inverse=True)
    unique_keys, group = np.unique(keys, return_inverse=True)
    pair, counts = np.unique(group.astype(np.int64) * len(classes) + codes.ravel(),
                             return_counts=True)
    pair_group, pair_code = np.divmod(pair, len(classes))
    # Within a group: most frequent first, then the smallest code (label) first.
    order = np.lexsort((pair_code, -counts, pair_group))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = pair_group[order][1:] != pair_group[order][:-1]
    answers = classes[pair_code[order][first]]
    labels_per_group = np.bincount(pair_group, minlength=unique_keys.shape[0])
    conflicts = labels_per_group > 1
    n_rows = int(np.bincount(group, minlength=unique_keys.shape[0])[conflicts].sum())
    return unique_keys, answers, int(conflicts.sum()), n_rows


class SimulatedOracle(Oracle):
    """Answer queries with known true labels, looked up by the content of each row.

    Keying rows by their values (not their position) keeps the oracle correct when a
    cross-validation splitter, a shuffle or a ``Pipeline`` hands ``fit`` a reordered or
    subset ``X``.

    Identical rows with different labels (common in real data) answer with the most
    frequent label among them, ties going to the smallest label in sorted order; the
    constructor warns with the number of such groups.

    Memory: the oracle keeps a 16-byte key per distinct row and one answer per key, never
    a copy of ``X``; keys are computed a block of rows at a time, so a ``np.memmap`` or a
    dask array is read block by block.

    Parameters
    ----------
    X : {array-like, sparse matrix, DataFrame, dask array} or list of str
        Every row the oracle can be asked about.
    y : array-like of shape (n_samples,)
        The true label (or target value) of each row of ``X``.

    Attributes
    ----------
    n_calls_ : int
        Number of times the oracle was called.
    n_answered_ : int
        Number of rows answered.
    n_conflicting_groups_ : int
        Groups of identical rows that carry different labels.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.oracles import SimulatedOracle
    >>> oracle = SimulatedOracle(np.array([[0.0, 1.0], [2.0, 3.0]]), ["a", "b"])
    >>> oracle(np.array([[2.0, 3.0]])).tolist()
    ['b']
    """

    def __init__(self, X, y):
        y = np.asarray(y)
        self._kind, self._columns, self._n_features = self._describe(X)
        keys = self._keys(X)
        if y.shape[0] != keys.shape[0]:
            raise ValueError(
                f"SimulatedOracle: X has {keys.shape[0]} rows but y has {y.shape[0]} labels."
            )
        self._keys_sorted, self._answers, n_groups, n_rows = _majority(keys, y)
        self.n_conflicting_groups_ = n_groups
        if n_groups:
            warnings.warn(
                f"SimulatedOracle: {n_groups} group(s) of identical rows ({n_rows} rows) "
                "carry different labels; each such row is answered with the most frequent "
                "label of its group (ties: the smallest label).",
                UserWarning,
                stacklevel=2,
            )
        self.n_calls_ = 0
        self.n_answered_ = 0

    @staticmethod
    def _describe(X):
        if is_text(X):
            return "text", None, None
        if hasattr(X, "iloc") and not _is_numeric_frame(X):
            return "objects", list(X.columns), X.shape[1]
        if sp.issparse(X):
            return "sparse", None, X.shape[1]
        shape = getattr(X, "shape", None) or np.shape(X)
        if len(shape) != 2:
            raise ValueError(
                f"SimulatedOracle expects a 2D X or a list of strings; got an array of "
                f"shape {tuple(shape)}."
            )
        return "dense", list(X.columns) if hasattr(X, "columns") else None, shape[1]

    def _keys(self, X):
        if self._kind == "text":
            return _digest_keys(doc.encode("utf-8", "surrogatepass") for doc in X)
        if self._kind == "sparse":
            return _digest_keys(_sparse_rows(X))
        n = num_rows(X)
        blocks = []
        for start in range(0, n, _ROWS_PER_BLOCK):
            part = X.iloc[start : start + _ROWS_PER_BLOCK] if hasattr(X, "iloc") \
                else X[start : start + _ROWS_PER_BLOCK]
            if self._kind == "objects":
                blocks.append(_digest_keys(_object_rows(part)))
            else:
                values = part.to_numpy() if hasattr(part, "to_numpy") else np.asarray(part)
                blocks.append(_dense_keys(values))
        return np.concatenate(blocks) if blocks else np.empty(0, dtype=_KEY)

    def _query_keys(self, X_query):
        if self._kind == "text":
            return self._keys(list(X_query))
        if hasattr(X_query, "columns") and self._columns is not None:
            X_query = X_query[self._columns]  # same columns, whatever their order
        if self._kind == "dense" and sp.issparse(X_query):
            X_query = X_query.toarray()
        shape = getattr(X_query, "shape", None) or np.shape(X_query)
        if len(shape) != 2:
            raise ValueError(f"SimulatedOracle expects 2D queries; got shape {tuple(shape)}.")
        if shape[1] != self._n_features:
            raise ValueError(
                f"SimulatedOracle was built on rows with {self._n_features} features; it was "
                f"asked about rows with {shape[1]}."
            )
        if self._kind == "objects" and not hasattr(X_query, "itertuples"):
            return _digest_keys("\x1f".join(map(str, r)).encode() for r in X_query)
        return self._keys(X_query)

    def _unknown(self, i, X_query):
        if hasattr(X_query, "iloc"):
            label = X_query.index[i]
            label = label.item() if isinstance(label, np.generic) else label  # not np.int64(5)
            shown = f"row {i} (index {label!r})"
        else:
            shown = f"row {i}"
        raise KeyError(
            f"SimulatedOracle has no label for {shown} of the query: that row is not in the X "
            "the oracle was built with. Build it on every row that can be queried. The usual "
            "cause: the active learner is the last step of a Pipeline, so the oracle receives "
            "transformed rows; put the pipeline inside the learner instead: "
            "ActiveLearningClassifier(make_pipeline(...), oracle=...)."
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
        keys = self._query_keys(X_query)
        found = np.searchsorted(self._keys_sorted, keys)
        found = np.minimum(found, max(self._keys_sorted.shape[0] - 1, 0))
        known = self._keys_sorted[found] == keys if self._keys_sorted.shape[0] else \
            np.zeros(keys.shape[0], dtype=bool)
        if not known.all():
            self._unknown(int(np.flatnonzero(~known)[0]), X_query)
        self.n_calls_ += 1
        self.n_answered_ += keys.shape[0]
        return self._answers[found]
