"""Shared fixtures: small partially labeled problems with a simulated oracle."""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from skactive.oracles import SimulatedOracle


@pytest.fixture(autouse=True, scope="session")
def _single_threaded_blas():
    """One BLAS thread: the tests fit hundreds of tiny models, and on a loaded machine
    OpenBLAS threads spinning against each other make each fit ~10x slower."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@dataclass
class Problem:
    """A partially labeled dataset: ``y`` is ``y_true`` with most rows set to ``missing``."""

    X: np.ndarray
    y_true: np.ndarray
    y: np.ndarray
    oracle: SimulatedOracle
    labeled: np.ndarray

    @property
    def unlabeled(self):
        return np.flatnonzero(self.y == -1)


def make_problem(n_samples=120, n_classes=2, n_labeled_per_class=3, n_features=5, seed=0):
    """``make_classification`` data with ``n_labeled_per_class`` random rows of each class
    labeled and the rest set to -1."""
    X, y_true = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        class_sep=1.5,
        random_state=seed,
    )
    rng = np.random.RandomState(seed)
    labeled = np.sort(
        np.concatenate(
            [
                rng.choice(np.flatnonzero(y_true == c), n_labeled_per_class, replace=False)
                for c in range(n_classes)
            ]
        )
    )
    y = np.full_like(y_true, -1)
    y[labeled] = y_true[labeled]
    return Problem(X=X, y_true=y_true, y=y, oracle=SimulatedOracle(X, y_true), labeled=labeled)


@pytest.fixture
def binary_problem():
    """120 rows, 2 classes, 3 labeled rows per class."""
    return make_problem(n_samples=120, n_classes=2)


@pytest.fixture
def multiclass_problem():
    """150 rows, 3 classes, 3 labeled rows per class."""
    return make_problem(n_samples=150, n_classes=3, seed=1)


@pytest.fixture(params=["binary", "multiclass"])
def problem(request, binary_problem, multiclass_problem):
    """Each of the two problems in turn."""
    return binary_problem if request.param == "binary" else multiclass_problem


class RecordingOracle:
    """Wraps an oracle; records every query it received and every answer it gave."""

    def __init__(self, oracle):
        self.oracle = oracle
        self.queries = []
        self.answers = []

    def __call__(self, X_query):
        self.queries.append(X_query)
        answers = self.oracle(X_query)
        self.answers.append(np.asarray(answers))
        return answers


@pytest.fixture
def recording_oracle():
    """Factory: ``recording_oracle(oracle)`` wraps ``oracle`` in a RecordingOracle."""
    return RecordingOracle


# Random small pools for the batch strategies' hypothesis invariants.
@st.composite
def pools(draw):
    n_rows = draw(st.integers(1, 25))
    n_features = draw(st.integers(1, 3))
    values = draw(st.lists(st.integers(-4, 4), min_size=n_rows * n_features,
                           max_size=n_rows * n_features))
    X = np.asarray(values, dtype=float).reshape(n_rows, n_features)
    candidates = np.asarray(draw(st.lists(st.booleans(), min_size=n_rows, max_size=n_rows)))
    candidates[draw(st.integers(0, n_rows - 1))] = True
    return X, candidates, draw(st.integers(0, 30)), draw(st.booleans()), draw(st.integers(0, 99))


def fitted_model(n_features):
    rng = np.random.RandomState(0)
    return LogisticRegression().fit(rng.randn(6, n_features), [0, 1, 2, 0, 1, 2])
