"""The label-efficiency suite: disjoint parts, each wide enough to check a rule on."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import _suite  # noqa: E402

PARTS = [p for p in _suite.PARTS if p != "all"]


def test_parts_are_disjoint_and_cover_the_suite():
    seen = [d for p in PARTS for d in _suite.PARTS[p]]
    assert len(seen) == len(set(seen))
    assert set(seen) == set(_suite.DATASETS) == set(_suite.PARTS["all"])


@pytest.mark.parametrize("part", ["tuning", "held_out", "fresh", "confirm", "late",
                                  "sixth", "seventh"])
def test_each_part_has_binary_and_many_class_sets(part):
    n_classes = []
    for name in _suite.PARTS[part]:
        X, y = _suite.DATASETS[name]()
        X, y = np.asarray(X), np.asarray(y)
        assert X.ndim == 2 and X.shape[0] == y.shape[0]
        assert np.isfinite(X).all(), name
        # The benchmark splits 2/3 pool, 1/3 test (stratified), then labels 2 per class.
        assert np.bincount(np.unique(y, return_inverse=True)[1]).min() >= 6, name
        n_classes.append(np.unique(y).shape[0])
    if len(n_classes) >= 6:  # parts whose optional packages are installed
        assert min(n_classes) == 2 and max(n_classes) >= 8
