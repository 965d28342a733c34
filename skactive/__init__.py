"""skactive: active learning that drops into scikit-learn like any other estimator."""

from ._classifier import ActiveLearningClassifier

__all__ = ["ActiveLearningClassifier", "__version__"]

__version__ = "0.1.0"
