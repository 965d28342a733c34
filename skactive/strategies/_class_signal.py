"""What the labeled rows show about their classes: the largest one-way F statistics of
their embedded features (class means, class spreads, distance to the centre), and the
cross-validated skill of the model on them."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

# The leverage weight applies while the labeled rows show only a weak class-mean signal:
# the largest one-way ANOVA F statistic of an embedded feature below this.
WEAK_MEAN_F = 15.0
# The far picks (far_share) and the skill check (min_skill) wait for this many labeled
# rows per class on average (the check also for SKILL_FOLDS in every class): with fewer,
# a weak class signal says nothing yet about whether the model can use the labels.
MIN_ROWS_PER_CLASS = 4
SKILL_FOLDS = 3


def _class_signals(labeled, y, center):
    """How the labeled rows' classes differ, as the largest one-way ANOVA F statistics
    ``(mean, spread, radius)``: of the class means of a feature, of the class spreads
    of a feature (its squared deviation from ``center``) and of the squared distance to
    ``center`` (all features together). A feature whose F is undefined or infinite
    (constant within every class) is left out. ``None`` when there is nothing to test:
    fewer than two classes, or no more labeled rows than classes."""
    groups = [np.flatnonzero(y == label) for label in np.unique(y)]
    if len(groups) < 2 or labeled.shape[0] <= len(groups):
        return None
    if sp.issparse(labeled):
        # (x - c)**2 = x**2 - 2 c x + c**2: the constant does not move an F statistic,
        # and the rest is zero where x is.
        spread = (labeled.multiply(labeled) - labeled.multiply(2.0 * center)).tocsr()
    else:
        spread = (labeled - center) ** 2
    radius = np.asarray(spread.sum(axis=1)).reshape(-1, 1)
    return tuple(_largest_f(values, groups) for values in (labeled, spread, radius))


def _largest_f(values, groups):
    """The largest one-way ANOVA F statistic over the columns of ``values`` for the
    classes whose rows are ``groups``: :func:`sklearn.feature_selection.f_classif`'s
    arithmetic, in its order (so the same floats), without its input validation at
    every class, which took a fifth of a fit of ``auto`` on a 10-class pool. Undefined
    or infinite F (a column constant within every class) counts as 0."""
    parts = [values[rows] for rows in groups]
    sizes = np.array([rows.shape[0] for rows in groups])
    n_rows = np.sum(sizes)
    total_squares = sum(_squared(part).sum(axis=0) for part in parts)
    sums = [np.asarray(part.sum(axis=0)) for part in parts]
    square_of_total = sum(sums) ** 2
    total = total_squares - square_of_total / float(n_rows)
    between = 0.0
    for size, part_sum in zip(sizes, sums, strict=True):
        between += part_sum ** 2 / size
    between -= square_of_total / float(n_rows)
    within = total - between
    with np.errstate(all="ignore"):
        f = (between / float(len(parts) - 1)) / (within / float(n_rows - len(parts)))
    return np.nan_to_num(np.asarray(f).ravel(), nan=0.0, posinf=0.0).max()


def _squared(X):
    if sp.issparse(X):
        X = X.copy()
        X.data **= 2
        return X
    return X ** 2


def _weak(signals):
    """No clear class signal: the class means differ with an F below ``WEAK_MEAN_F``,
    and no feature's class spreads differ more (classes that differ in spread, such as
    shells about the centre, are where far-out rows are one class's)."""
    mean_f, spread_f, _ = signals
    return bool(spread_f <= mean_f < WEAK_MEAN_F)


def _shells(signals, threshold):
    """Shells about the centre: the classes' distances to it differ with an F of at
    least ``threshold``, and more than any feature's class means do."""
    mean_f, _, radius_f = signals
    return bool(radius_f >= threshold and radius_f > mean_f)


def _enough_labels(y):
    """At least :data:`MIN_ROWS_PER_CLASS` labeled rows per class on average."""
    return y.shape[0] >= MIN_ROWS_PER_CLASS * np.unique(y).shape[0]


def _unskilled(context, min_skill):
    """Whether a clone of the unfitted estimator, cross-validated on the labeled rows
    (:data:`SKILL_FOLDS` stratified folds, fixed), scores a balanced accuracy below
    ``min_skill`` on the scale where chance is 0 and perfect 1. False, without fitting
    anything, while there are fewer than :data:`MIN_ROWS_PER_CLASS` labeled rows per
    class on average or :data:`SKILL_FOLDS` in some class, or no unfitted estimator."""
    if context.unfitted_estimator is None:
        return False
    y = np.asarray(context.y_labeled)
    _, counts = np.unique(y, return_counts=True)
    if counts.shape[0] < 2 or counts.min() < SKILL_FOLDS or not _enough_labels(y):
        return False
    folds = StratifiedKFold(SKILL_FOLDS, shuffle=True, random_state=0)
    predicted = cross_val_predict(clone(context.unfitted_estimator), context.X_labeled, y,
                                  cv=folds)
    return bool(balanced_accuracy_score(y, predicted, adjusted=True) < min_skill)
