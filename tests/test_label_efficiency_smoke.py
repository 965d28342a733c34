"""The label-efficiency benchmark runs end to end on a tiny configuration.

The benchmark is a script, not a module of the test suite: it runs here as a subprocess,
the way a user runs it, and the test reads the JSON it writes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skactive.model_selection import aulc
from skactive.strategies import available_strategies

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "label_efficiency.py"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("label_efficiency") / "result.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--datasets", "iris", "--seeds", "1",
         "--n-jobs", "1", "--json", str(out)],
        cwd=out.parent, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text()), proc.stdout


def test_tiny_run_covers_every_strategy(result):
    result, stdout = result
    summary = result["summary"]
    table, errors = summary["per_dataset"]["iris"], summary["errors"]
    # Every registered strategy is either in the table or reported with its error.
    assert set(table) | set(errors) == set(available_strategies())
    for name in ("random", "margin", "typiclust", "kmeans_init", "kcenter_init", "bandit",
                 "auto"):
        assert name in table, errors.get(name)
    for name in table:
        assert f"| {name} |" in stdout


def test_curves_and_summary_agree_with_the_library(result):
    result, _ = result
    summary = result["summary"]
    table = summary["per_dataset"]["iris"]
    run = result["runs"][0]["strategies"]["random"]
    # Quick plan: 2 labels per class, budget 10 in batches of 5.
    assert run["n_labeled"] == [6, 11, 16]
    assert len(run["accuracy"]) == 3
    assert 0.0 <= table["random"]["aulc"] <= 1.0
    assert table["random"]["aulc"] == pytest.approx(aulc(run["n_labeled"], run["accuracy"]))
    ranks = [summary["overall"][s]["mean_rank"] for s in summary["overall"]]
    assert min(ranks) >= 1 and max(ranks) <= len(ranks)
    assert np.isclose(sum(ranks), len(ranks) * (len(ranks) + 1) / 2)


def test_other_seeds_without_cold_starts(tmp_path):
    out = tmp_path / "result.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--datasets", "iris", "--seeds", "1",
         "--first-seed", "3", "--no-cold-start", "--strategies", "random", "margin",
         "--n-jobs", "1", "--json", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    assert result["config"]["seeds"] == [3]
    assert [run["seed"] for run in result["runs"]] == [3]
    assert result["runs"][0]["cold_start"] == {}
    assert set(result["runs"][0]["strategies"]) == {"random", "margin"}
