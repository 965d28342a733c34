"""skactive: active learning that drops into scikit-learn like any other estimator."""

from ._classifier import ActiveLearningClassifier
from ._regressor import ActiveLearningRegressor

__all__ = ["ActiveLearningClassifier", "ActiveLearningRegressor", "__version__"]

__version__ = "0.1.0"
