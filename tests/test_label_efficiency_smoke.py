"""The label-efficiency benchmark's core runs on a tiny configuration."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from skactive.strategies import available_strategies

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "label_efficiency.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("label_efficiency", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_aulc_and_labels_to_reach(bench):
    # Trapezoids over [10, 30]: (0.5 + 0.7) / 2 * 10 + (0.7 + 0.9) / 2 * 10 = 14 -> 0.7.
    assert bench.aulc([10, 20, 30], [0.5, 0.7, 0.9]) == pytest.approx(0.7)
    assert bench.labels_to_reach([10, 20, 30], [0.5, 0.7, 0.9], 0.7) == (20, True)
    assert bench.labels_to_reach([10, 20, 30], [0.5, 0.7, 0.9], 0.95) == (30, False)


def test_tiny_run_covers_every_strategy(bench):
    names = available_strategies()
    result = bench.run_benchmark(["iris"], seeds=1, n_jobs=1, quick=True, timing_sizes=())
    summary = result["summary"]
    table, errors = summary["per_dataset"]["iris"], summary["errors"]
    # Every registered strategy is either in the table or reported with its error.
    assert set(table) | set(errors) == set(names)
    for name in ("random", "margin", "typiclust", "kmeans_init", "kcenter_init", "bandit",
                 "auto"):
        assert name in table, errors.get(name)
    assert 0.0 <= table["random"]["aulc"] <= 1.0
    run = result["runs"][0]["strategies"]["random"]
    # Quick plan: 2 labels per class, budget 10 in batches of 5.
    assert run["n_labeled"] == [6, 11, 16]
    assert len(run["accuracy"]) == 3
    assert table["random"]["aulc"] == pytest.approx(bench.aulc(run["n_labeled"],
                                                               run["accuracy"]))
    ranks = [summary["overall"][s]["mean_rank"] for s in summary["overall"]]
    assert min(ranks) >= 1 and max(ranks) <= len(ranks)
    assert np.isclose(sum(ranks), len(ranks) * (len(ranks) + 1) / 2)
    text = bench.markdown(result)
    for name in table:
        assert f"| {name} |" in text
