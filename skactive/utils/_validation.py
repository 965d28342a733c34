"""Input checks: parameters, ``X`` containers, partially labeled ``y``, oracle answers."""

import math
import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

__all__ = [
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
    because the loop slices rows. Value checks (finiteness, dtype) are left to the
    wrapped estimator, as ``SelfTrainingClassifier`` does, since some accept NaN.
    """
    if is_text(X):
        return list(X) if isinstance(X, tuple) else X
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


def check_answers(answers, n_expected, y_dtype, missing_label):
    """Validate an oracle's answers; return ``(labels, skipped)`` as ndarrays.

    ``skipped`` marks the answers equal to ``missing_label`` (the annotator skipped).
    Raises ValueError for a wrong length, a wrong shape, or NaN/None/text where labels
    are numeric (unless NaN/None is the missing label).
    """
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
    skipped = missing_mask(labels, missing_label)
    if np.dtype(y_dtype).kind in "iufb":
        given = labels[~skipped]
        if given.dtype.kind in "USO":
            bad = [v for v in given if not _is_number(v)]
            if bad:
                raise ValueError(
                    f"The oracle answered {bad[0]!r}, but the labels of y are numeric "
                    f"(dtype {np.dtype(y_dtype)}); answer with numeric labels, or "
                    f"{missing_label!r} to skip a row."
                )
            given = given.astype(np.float64)
        if given.dtype.kind == "f":
            if np.isnan(given).any():
                raise ValueError(
                    "The oracle answered NaN for a row, but NaN is not the missing label "
                    f"({missing_label!r}) and the labels of y are numeric; answer with a "
                    "class label, or the missing label to skip a row."
                )
            fractional = given != np.round(given)
            if np.dtype(y_dtype).kind in "iub" and fractional.any():
                raise ValueError(
                    f"The oracle answered a non-integer label ({given[fractional][0]}), but "
                    f"the labels of y are integers (dtype {np.dtype(y_dtype)})."
                )
    return labels, skipped


def _is_number(value):
    return isinstance(value, numbers.Number) and not is_nan_scalar(value)
