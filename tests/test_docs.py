"""The documentation builds without a warning, and documents every public name.

The build runs on a copy of ``doc/`` in a temporary directory (``examples/`` and
``benchmarks/`` linked beside it), so the generated pages of a full
``python3 dev.py docs`` are left alone; the gallery runs in smoke mode.
"""

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The public API: the names in each public module's ``__all__``. The reference has one
# page per module; it must cover at least these.
PUBLIC_MODULES = {"skactive", "skactive.strategies", "skactive.oracles", "skactive.stopping",
                  "skactive.model_selection", "skactive.plotting"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx")
    pytest.importorskip("sphinx_gallery")
    pytest.importorskip("numpydoc")
    pytest.importorskip("pydata_sphinx_theme")
    pytest.importorskip("sphinx_design")
    tree = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "doc", tree / "doc",
                    ignore=shutil.ignore_patterns("_build", "api", "auto_examples",
                                                  "generated", "sg_execution_times.rst"))
    for name in ("examples", "benchmarks"):
        (tree / name).symlink_to(ROOT / name, target_is_directory=True)
    out = tree / "html"
    env = {**os.environ, "SKACTIVE_EXAMPLE_SMOKE": "1", "MPLBACKEND": "Agg",
           "SKACTIVE_EXAMPLE_OUTDIR": str(tree), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(tree / "doc"), str(out)],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"docs build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_every_public_name_has_a_reference_page(site):
    modules = {page.stem for page in (site / "api").glob("skactive*.html")}
    assert PUBLIC_MODULES <= modules, f"no reference page: {PUBLIC_MODULES - modules}"
    missing = [
        f"{module}.{name}" for module in sorted(modules)
        for name in importlib.import_module(module).__all__
        if not name.startswith("__")
        and not (site / "api" / "generated" / f"{module}.{name}.html").exists()
    ]
    assert not missing, f"public names without an API page: {missing}"


def test_entry_points_exist(site):
    for page in ("index.html", "user_guide/index.html", "api/index.html",
                 "auto_examples/index.html"):
        assert (site / page).exists(), page
    examples = sorted(path.stem for path in (ROOT / "examples").glob("*.py"))
    for name in examples:
        page = (site / "auto_examples" / f"{name}.html").read_text()
        assert "sphx-glr-single-img" in page or "sphx-glr-multi-img" in page, (
            f"the gallery page of {name} shows no figure")


def test_user_guide_pages_have_figures(site):
    pages = sorted((site / "user_guide").glob("*.html"))
    assert len(pages) >= 7
    without = [page.name for page in pages
               if page.name not in ("index.html", "install.html")
               and "plot_directive" not in page.read_text()]
    assert not without, f"user guide pages without a figure: {without}"
