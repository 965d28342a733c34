"""Input checks: parameters, ``X`` containers, partially labeled ``y``, oracle answers."""

import math
import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

__all__ = [
    "AnswerError",
    "check_int_param",
    "check_input_X",
    "is_nan_scalar",
    "missing_mask",
    "check_answers",
]


def is_nan_scalar(value):
    """True for a float NaN (``np.nan``, ``float("nan")``, ``np.float32("nan")``)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value)


def check_int_param(value, name, owner, *, low, high=None):
    """Return ``value`` if it is an int in ``[low, high]``, else raise a ValueError.

    The message follows scikit-learn's: it names the parameter, the allowed range and
    the value received.
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    upper = "inf)" if high is None else f"{high}]"
    raise ValueError(
        f"The {name!r} parameter of {owner} must be an int in the range [{low}, {upper}. "
        f"Got {value!r} instead."
    )


def _is_frame(X):
    return hasattr(X, "iloc") and hasattr(X, "columns")


def is_text(X):
    """True when ``X`` is a one-dimensional sequence of strings (raw text documents)."""
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(isinstance(x, str) for x in X)
    if isinstance(X, np.ndarray) and X.ndim == 1:
        if X.dtype.kind in "US":
            return True
        return X.dtype.kind == "O" and X.size > 0 and all(isinstance(x, str) for x in X)
    return False


def check_input_X(X):
    """Validate ``X`` once and return it in a row-indexable container.

    Text (a list of strings), pandas DataFrames and dense arrays keep their container so
    the oracle and the estimator see what the caller passed; sparse input becomes CSR
    because the loop slices rows. A ``dask.array.Array`` is checked lazily (shape, dtype)
    and never computed. Value checks (finiteness, dtype) are left to the
    wrapped estimator, as ``SelfTrainingClassifier`` does, since some accept NaN.
    """
    if is_text(X):
        return list(X) if isinstance(X, tuple) else X
    if type(X).__module__.startswith("dask.") and hasattr(X, "chunks"):
        from ._dask import check_dask_X

        return check_dask_X(X)  # lazily: shape and dtype only, nothing computed
    if _is_frame(X):
        if X.ndim != 2:
            raise ValueError(f"Expected a 2D DataFrame, got one with {X.ndim} dimensions.")
        n_samples, n_features = X.shape
        if n_samples == 0:
            raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum "
                             "of 1 is required.")
        if n_features == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={X.shape}) while a minimum "
                             "of 1 is required.")
        return X
    if sp.issparse(X):
        return check_array(X, accept_sparse="csr", dtype=None, ensure_all_finite=False)
    return check_array(X, dtype=None, ensure_all_finite=False)


def _is_na(value):
    """None, a float NaN or ``pandas.NA``: the values pandas treats as missing."""
    return value is None or is_nan_scalar(value) or type(value).__name__ == "NAType"


def missing_mask(y, missing_label):
    """Boolean mask of the entries of ``y`` equal to ``missing_label``.

    ``None`` and NaN both mean "the NA value": they match ``None``, float NaNs and
    ``pandas.NA`` (pandas turns ``None`` into NaN in text columns, so the two must agree).
    A string never matches a numeric ``y`` and a number never matches a string ``y``.
    """
    y = np.asarray(y)
    kind = y.dtype.kind
    if missing_label is None or is_nan_scalar(missing_label):
        if kind == "f":
            return np.isnan(y)
        if kind == "O":
            return np.fromiter((_is_na(v) for v in y), dtype=bool, count=y.shape[0])
        return np.zeros(y.shape[0], dtype=bool)
    if isinstance(missing_label, str) != (kind in "USO"):
        if kind != "O":
            return np.zeros(y.shape[0], dtype=bool)
    if kind == "O":
        return np.fromiter((v == missing_label for v in y), dtype=bool, count=y.shape[0])
    return np.asarray(y == missing_label, dtype=bool)


class AnswerError(ValueError):
    """An oracle answer that cannot be stored in ``y``; ``n_valid`` answers before it are fine."""

    def __init__(self, message, n_valid=0):
        super().__init__(message)
        self.n_valid = n_valid


def _as_label_array(answers, n_expected):
    if sp.issparse(answers):
        answers = answers.toarray()
    labels = np.asarray(answers if not isinstance(answers, (list, tuple)) else list(answers))
    if labels.dtype.kind in "US" and not all(isinstance(a, (str, bytes)) for a in answers):
        # A mixed list such as ["a", -1] would become ["a", "-1"] and hide the skip.
        labels = np.empty(len(answers), dtype=object)
        labels[:] = list(answers)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels.ravel()
    if labels.ndim != 1:
        raise ValueError(
            f"The oracle must return one label per queried row (a 1D array-like); got an "
            f"array of shape {labels.shape} for {n_expected} row(s)."
        )
    if labels.shape[0] != n_expected:
        raise ValueError(
            f"The oracle returned {labels.shape[0]} label(s) for {n_expected} queried row(s); "
            "it must return exactly one label per row, in the order the rows were given."
        )
    return labels


def _first_unstorable(labels, skipped, dtype):
    """Position of the first answer that ``dtype`` cannot hold exactly, and why; else None."""
    if labels.dtype.kind in "iuf" and labels.dtype.kind != "O":
        # Vectorised: the answers the cast changes are the bad ones (the usual case: none).
        with np.errstate(invalid="ignore", over="ignore"):
            changed = labels.astype(dtype).astype(labels.dtype) != labels
        changed &= ~skipped
        if not changed.any():
            return None
        return _first_unstorable(labels.astype(object), skipped, dtype)
    for i in np.flatnonzero(~skipped):
        value = labels[i]
        if isinstance(value, (str, bytes)) or not _is_number(value):
            if is_nan_scalar(value):
                return i, "NaN is not the missing label and the labels of y are numeric"
            return i, "the labels of y are numeric"
        if dtype.kind in "iub":
            if isinstance(value, numbers.Real) and float(value) != round(float(value)):
                return i, "it is not an integer"
            info = np.iinfo(dtype) if dtype.kind != "b" else None
            if info is not None and not info.min <= int(value) <= info.max:
                return i, f"it is outside the range [{info.min}, {info.max}] of that dtype"
            if dtype.kind == "b" and value not in (0, 1):
                return i, "it is not a boolean"
        elif dtype.kind == "f" and np.isfinite(value) and dtype.type(value) != value:
            return i, "that dtype cannot hold it exactly"
    return None


def check_answers(answers, n_expected, y_dtype, missing_label):
    """Validate an oracle's answers; return ``(labels, skipped)`` as ndarrays.

    ``skipped`` marks the answers equal to ``missing_label`` (the annotator skipped).
    Raises ValueError for a wrong length or shape, and :class:`AnswerError` for an answer
    that ``y``'s dtype cannot store exactly (NaN/None/text where labels are numeric, a
    fraction or an out-of-range integer where they are integers); its ``n_valid`` counts
    the answers before it, which the loop keeps.
    """
    labels = _as_label_array(answers, n_expected)
    skipped = missing_mask(labels, missing_label)
    dtype = np.dtype(y_dtype)
    if dtype.kind in "iufb":
        bad = _first_unstorable(labels, skipped, dtype)
        if bad is not None:
            i, why = bad
            value = labels[i].item() if isinstance(labels[i], np.generic) else labels[i]
            raise AnswerError(
                f"The oracle answered {value!r} for row {i} of the batch, which y's dtype "
                f"({dtype}) cannot store: {why}. Answer with a label of that dtype, or "
                f"{missing_label!r} to skip a row (or pass y with a wider dtype). The "
                f"{i} answer(s) before it are kept in y_labeled_.",
                n_valid=int(i),
            )
    return labels, skipped


def _is_number(value):
    return isinstance(value, numbers.Number) and not is_nan_scalar(value)
