"""Random sampling, the model-free baseline."""

import numpy as np

from ._base import QueryStrategy

__all__ = ["RandomSampling"]


class RandomSampling(QueryStrategy):
    """Query rows uniformly at random from the pool.

    The baseline every strategy should beat, and the default cold-start choice: it
    needs no model, so it works before two classes are labeled.

    Parameters
    ----------
    random_state : int, RandomState or None, default=None
        Seed of the draw. ``None`` uses the generator of the calling
        ``ActiveLearningClassifier``.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import RandomSampling
    >>> indices, _ = RandomSampling(random_state=0).select(None, np.zeros((10, 2)), 3)
    >>> len(set(indices.tolist()))
    3
    """

    requires_model = False

    _parameter_constraints = {"random_state": ["random_state"]}

    def __init__(self, random_state=None):
        self.random_state = random_state

    def _select_batch(self, estimator, X_pool, positions, n, rng, context):
        chosen = rng.choice(positions, size=n, replace=False)
        # Every row is equally informative to this strategy.
        return chosen.astype(np.intp), np.zeros(n)
