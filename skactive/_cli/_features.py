"""The feature matrix the ``skactive`` command learns from, built once from the whole CSV.

Only real features go in: the row id never does, so every strategy (model-based or
not) sees the same space as the model. Numeric columns are imputed (median) and
standardized; non-numeric columns with few distinct values are one-hot encoded; text is
TF-IDF (fitted on every row, without labels).
"""

import numpy as np
import scipy.sparse as sp

from ..utils._terminal import visible
from ._safety import UsageError, say
from ._table import column_index

ESTIMATORS = ("logreg", "rf", "nb", "svm")
MAX_LEVELS = 20  # a non-numeric column with more distinct values is not a category


def build_features(table, *, text_column=None, ignore=()):
    """``X`` for every row of ``table`` (dense, or sparse TF-IDF for ``text_column``)."""
    if text_column is not None:
        return _tfidf(table, column_index(table.header, text_column, "--text-column"))
    for name in ignore:
        column_index(table.header, name, "--ignore-column")
    cols = [j for j, name in enumerate(table.header)
            if j != table.label_idx and name not in set(ignore)]
    if not cols:
        raise UsageError(f"{table.path}: no feature columns besides the label column "
                         f"{table.label_column!r}.")
    blocks, notes = [], []
    for j in cols:
        cells = [r[j].strip() for r in table.rows]
        numeric = _numbers(cells)
        if numeric is not None:
            _warn_if_row_id(table.header[j], numeric)
            blocks.append(_standardized(numeric)[:, None])
        else:
            onehot, levels = _one_hot(table, j, cells)
            blocks.append(onehot)
            notes.append(f"{visible(table.header[j])!r} ({len(levels)} values)")
    if notes:
        print(f"One-hot encoding the non-numeric column(s) {', '.join(notes)}.")
    return np.hstack(blocks)


def _numbers(cells):
    try:
        return np.array([c or "nan" for c in cells], dtype=np.float64)
    except ValueError:
        return None


def _warn_if_row_id(name, values):
    if values.shape[0] < 5 or np.isnan(values).any():
        return
    if np.all(values == np.round(values)) and np.unique(values).shape[0] == values.shape[0]:
        say(f"column {visible(name)!r} holds distinct integers, like a row identifier; if "
            f"it is one, leave it out of the features with --ignore-column {visible(name)!r}.")


def _standardized(values):
    finite = values[~np.isnan(values)]
    median = np.median(finite) if finite.size else 0.0
    values = np.where(np.isnan(values), median, values)
    std = values.std()
    return (values - values.mean()) / (std if std > 0 else 1.0)


def _one_hot(table, j, cells):
    levels = sorted(set(cells))
    if len(levels) > min(MAX_LEVELS, len(cells) // 2):
        name = visible(table.header[j])
        bad = next(c for c in cells if _numbers([c]) is None)
        raise UsageError(
            f"column {name!r} is not numeric (e.g. {visible(bad[:40])!r}) and has "
            f"{len(levels)} distinct values, too many to one-hot encode; use --text-column "
            f"{name!r} to learn from text, or --ignore-column {name!r} to leave it out."
        )
    index = {level: k for k, level in enumerate(levels)}
    onehot = np.zeros((len(cells), len(levels)))
    onehot[np.arange(len(cells)), [index[c] for c in cells]] = 1.0
    return onehot, levels


def _tfidf(table, j):
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        X = TfidfVectorizer().fit_transform([r[j] for r in table.rows])
    except ValueError:
        raise UsageError(f"--text-column {table.header[j]!r} holds no words to learn "
                         "from.") from None
    X.sort_indices()
    return X


def make_estimator(name, text, random_state=None):
    """The model for ``--estimator``, on the features of :func:`build_features`."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB, MultinomialNB
    from sklearn.svm import LinearSVC

    return {
        "logreg": lambda: LogisticRegression(max_iter=1000),
        "rf": lambda: RandomForestClassifier(n_estimators=100, random_state=random_state),
        "nb": lambda: MultinomialNB() if text else GaussianNB(),
        "svm": lambda: LinearSVC(),
    }[name]()


class RowResolver:
    """Which CSV rows a query is about, found by their features among the pool.

    The model only sees features, so the oracle is handed feature rows; identical feature
    rows are interchangeable for the model, and each pool row is handed out once.
    """

    def __init__(self, X, pool_positions):
        self._candidates = {}
        for i, key in zip(pool_positions, _row_keys(X[pool_positions]), strict=True):
            self._candidates.setdefault(key, []).append(int(i))
        for queue in self._candidates.values():
            queue.reverse()  # pop() hands out the first row first

    def __call__(self, X_query):
        ids = []
        for key in _row_keys(X_query):
            queue = self._candidates.get(key)
            if not queue:
                raise RuntimeError("skactive: a queried row is not in the pool.")
            ids.append(queue.pop())
        return ids


def _row_keys(X):
    """One byte string per row, equal exactly when the rows are."""
    if sp.issparse(X):
        X = sp.csr_matrix(X, copy=True)
        X.sort_indices()
        ptr, ind, data = X.indptr, X.indices, X.data
        return [ind[a:b].tobytes() + b"|" + data[a:b].tobytes()
                for a, b in zip(ptr[:-1], ptr[1:], strict=True)]
    return [row.tobytes() for row in np.ascontiguousarray(X, dtype=np.float64)]
