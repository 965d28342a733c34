"""The oracle base class and the signal an oracle raises to stop the loop."""

__all__ = ["Oracle", "StopLabeling"]


class StopLabeling(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by an oracle to end the loop cleanly: the annotator wants to stop.

    ``ActiveLearningClassifier.fit`` catches it, keeps every answer (including
    ``labels``, the answers given for the first rows of the interrupted batch), fits the
    final model and sets ``termination_condition_ = "stopped_by_oracle"``.

    Parameters
    ----------
    message : str, default="labeling stopped by the oracle"
    labels : sequence, default=None
        Answers for the first ``len(labels)`` rows of the current batch, in order.
    """

    def __init__(self, message="labeling stopped by the oracle", labels=None):
        super().__init__(message)
        self.labels = labels


class Oracle:
    """Base class for oracles.

    An oracle stands for an annotator outside the estimator, so copies of an estimator
    share it: ``clone`` and ``copy.deepcopy`` return the same oracle rather than copying
    its data (a simulated oracle may hold a whole dataset).
    """

    def __call__(self, X_query):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(X_query).")

    def __deepcopy__(self, memo):
        return self
