"""Every script in examples/ runs in smoke mode and writes a figure.

The scripts honour two environment variables: ``SKACTIVE_EXAMPLE_SMOKE=1`` shrinks them
to a few seconds, ``SKACTIVE_EXAMPLE_OUTDIR`` is where their PNG goes.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


def test_there_are_examples():
    names = {path.name for path in EXAMPLES}
    assert {"plot_compare_strategies.py", "plot_budget_cv.py",
            "plot_text_classification.py"} <= names


@pytest.mark.parametrize("script", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_runs_and_writes_a_figure(script, tmp_path):
    env = {
        **os.environ,
        "SKACTIVE_EXAMPLE_SMOKE": "1",
        "SKACTIVE_EXAMPLE_OUTDIR": str(tmp_path),
        "MPLBACKEND": "Agg",
        # Tiny BLAS calls with spinning threads are many times slower on a busy machine.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=300,
    )
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout}\n{proc.stderr}"
    pngs = list(tmp_path.rglob("*.png"))
    assert pngs, f"{script.name} wrote no PNG to SKACTIVE_EXAMPLE_OUTDIR"
    assert all(path.stat().st_size > 1000 for path in pngs)
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
