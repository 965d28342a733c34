"""scikit-learn's estimator checks on ActiveLearningClassifier and ActiveLearningRegressor."""

import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from skactive import ActiveLearningClassifier, ActiveLearningRegressor


class ZerosOracle:
    """Answers 0 for every row; never called on the fully labeled data of the checks."""

    def __call__(self, X_query):
        n_rows = X_query.shape[0] if hasattr(X_query, "shape") else len(X_query)
        return np.zeros(n_rows, dtype=int)

    def __repr__(self):  # a stable test id (a function's repr holds its address)
        return "ZerosOracle()"


def _expected_failed_checks(estimator):
    if isinstance(estimator, ActiveLearningRegressor):
        if estimator.oracle is None:
            return {}
        # y full of NaN is a fully unlabeled pool (missing_label=np.nan): with an oracle
        # the loop asks for targets and fits, as it should, instead of raising.
        return {"check_supervised_y_no_nan": "all-NaN y is the unlabeled pool"}
    # check_classifiers_classes fits on labels {-1, 1}: with missing_label=-1 the -1
    # rows are the unlabeled pool (scikit-learn exempts SelfTrainingClassifier by name).
    if estimator.missing_label == -1:
        return {
            "check_classifiers_classes": "labels {-1, 1} collide with missing_label=-1"
        }
    return {}


@parametrize_with_checks(
    [
        ActiveLearningClassifier(),
        ActiveLearningClassifier(missing_label=-999),
        ActiveLearningClassifier(
            oracle=ZerosOracle(), budget=5, batch_size=2, missing_label=-999, random_state=0
        ),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


class HalfOracle:
    """Answers 0.5 for every row (a float target); never called on fully labeled data."""

    def __call__(self, X_query):
        n_rows = X_query.shape[0] if hasattr(X_query, "shape") else len(X_query)
        return np.full(n_rows, 0.5)

    def __repr__(self):
        return "HalfOracle()"


@parametrize_with_checks(
    [
        ActiveLearningRegressor(),
        ActiveLearningRegressor(oracle=HalfOracle(), budget=5, batch_size=2, random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_estimator_checks_regressor(estimator, check):
    check(estimator)
