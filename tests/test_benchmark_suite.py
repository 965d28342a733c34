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


@pytest.mark.parametrize("part", PARTS)
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


def _runs(gains):
    """Benchmark runs with the given gains over random: {dataset: {strategy: [per seed]}}."""
    runs = []
    for d, per in gains.items():
        n_seeds = len(next(iter(per.values())))
        for seed in range(n_seeds):
            strategies = {"random": {"aulc": 0.5}}
            strategies.update({s: {"aulc": 0.5 + g[seed]} for s, g in per.items()})
            runs.append({"dataset": d, "seed": seed, "strategies": strategies})
    return runs


def test_choosing_on_the_same_seeds_counts_seed_noise_as_gain():
    # a and b gain nothing on average; each is lucky on one half of the seeds.
    runs = _runs({"iris": {"a": [0.02, 0.02, 0.0, 0.0], "b": [0.0, 0.0, 0.02, 0.02]}})
    same, other = _suite.chooser_gain(runs, ["iris"], ["a", "b"])
    assert same == pytest.approx(0.01)
    assert other == pytest.approx(0.0)


def test_choosing_on_other_seeds_finds_a_strategy_that_is_better_on_every_seed():
    runs = _runs({"iris": {"a": [0.01, 0.03, 0.02, 0.04], "b": [0.0, 0.01, 0.0, 0.01]},
                  "wine": {"a": [0.0, 0.0, 0.0, 0.0], "b": [0.02, 0.02, 0.02, 0.02]}})
    same, other = _suite.chooser_gain(runs, ["iris", "wine"], ["a", "b"])
    # iris: a (0.025 on all seeds; 0.04 and 0.01 on the halves), wine: b (0.02).
    assert same == pytest.approx((0.025 + 0.02) / 2)
    assert other == pytest.approx((0.025 + 0.02) / 2)
    table = _suite.chooser_table(runs)
    assert "| the 2 other strategies | +0.0225 | +0.0225 |" in table


def test_the_gain_tables_show_every_part_of_the_suite():
    # One dataset of each part, two seeds: margin gains 0.01 over random everywhere.
    runs = []
    for part in PARTS:
        for seed in range(2):
            runs.append({"dataset": _suite.PARTS[part][0], "seed": seed, "strategies": {
                "random": {"aulc": 0.5, "round_seconds": 1.0},
                "margin": {"aulc": 0.51, "round_seconds": 1.0}}})
    tables = _suite.gain_tables({"runs": runs})
    # A table per part (each of one dataset here), and one of the whole suite.
    assert tables.count(" (1 datasets)\n") == len(PARTS)
    assert f"#### Whole suite ({len(PARTS)} datasets)" in tables
