"""Sphinx configuration for the skactive documentation.

Build with ``python3 dev.py docs`` (the HTML lands in ``doc/_build/html``). The API
reference is written at build time from each public module's ``__all__`` (see
``write_api_pages``), so renamed or new public names appear without editing this
directory. ``SKACTIVE_EXAMPLE_SMOKE=1`` runs the gallery's examples in smoke mode.
"""

import importlib
import os
import pkgutil
import re
import sys
import tempfile
from pathlib import Path

DOC = Path(__file__).resolve().parent
ROOT = DOC.parent
sys.path.insert(0, str(DOC))

import skactive  # noqa: E402

project = "skactive"
author = "the skactive developers"
copyright = "the skactive developers"  # noqa: A001
version = release = skactive.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    "matplotlib.sphinxext.plot_directive",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "user_guide/generated"]
root_doc = "index"

# -- API reference -------------------------------------------------------------------

# Modules whose ``__all__`` is the public API, in the order of the reference. Public
# submodules found later (no leading underscore, an ``__all__``) are appended, so a new
# module is documented too; the CLI is documented in the user guide instead.
API_MODULES = [
    "skactive",
    "skactive.strategies",
    "skactive.oracles",
    "skactive.stopping",
    "skactive.model_selection",
    "skactive.plotting",
]
NOT_API = {"skactive.cli", "skactive.utils"}


def public_modules():
    found = [
        f"skactive.{info.name}" for info in pkgutil.iter_modules(skactive.__path__)
        if not info.name.startswith("_") and f"skactive.{info.name}" not in NOT_API
    ]
    extra = sorted(
        name for name in found
        if name not in API_MODULES and hasattr(importlib.import_module(name), "__all__")
    )
    return API_MODULES + extra


def public_names(module_name):
    """The documented names of a module: its ``__all__`` without dunder entries."""
    module = importlib.import_module(module_name)
    return sorted(name for name in module.__all__ if not name.startswith("__"))


def _write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def write_api_pages():
    """``api/index.rst`` and one page per module, each an autosummary of its names."""
    api = DOC / "api"
    modules = public_modules()
    index = [
        "API reference",
        "=============",
        "",
        "Every public name, by module. Users import from these modules only; everything",
        "else is private. Each page is generated from the docstrings.",
        "",
        ".. toctree::",
        "   :maxdepth: 2",
        "",
    ]
    index += [f"   {name}" for name in modules]
    _write_if_changed(api / "index.rst", "\n".join(index) + "\n")
    for module_name in modules:
        module = importlib.import_module(module_name)
        summary = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
        title = module_name
        lines = [title, "=" * len(title), "", f".. currentmodule:: {module_name}", ""]
        lines += [summary, ""] if summary else []
        classes, functions = [], []
        for name in public_names(module_name):
            obj = getattr(module, name)
            (classes if isinstance(obj, type) else functions).append(name)
        for heading, names, template in (("Classes", classes, "class.rst"),
                                         ("Functions", functions, "function.rst")):
            if not names:
                continue
            lines += [heading, "-" * len(heading), "", ".. autosummary::",
                      "   :toctree: generated/", f"   :template: {template}", "",
                      *[f"   {name}" for name in names], ""]
        _write_if_changed(api / f"{module_name}.rst", "\n".join(lines))


write_api_pages()

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- Tables from benchmarks/README.md ------------------------------------------------
# The user guide shows the measured tables as they stand in benchmarks/README.md; the
# rst versions are rewritten at every build, so the two cannot disagree.


def markdown_table(text, heading):
    """The first Markdown table after the line ``heading``: a header and its rows."""
    lines = text.splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[0], [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]


def rst_table(header, rows, widths=None):
    def cell(text):
        text = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)
        return text.replace("*full-pool accuracy*", "*full-pool accuracy*")

    out = [".. list-table::", "   :header-rows: 1", "   :class: table-benchmark", ""]
    if widths:
        out.insert(2, f"   :widths: {widths}")
    for row in [header, *rows]:
        out.append(f"   * - {cell(row[0])}")
        out += [f"     - {cell(c)}" for c in row[1:]]
    return "\n".join(out) + "\n"


BENCH_TABLES = {
    "label_efficiency_aulc.rst":
        "### Summary by part, nine strategies, `auto` with the far share (239 datasets, 10 seeds)",
    "label_efficiency_labels.rst":
        "### Seventh part, every strategy, 10 seeds (held out from every rule; "
        "`explore_then_exploit` is rule 5)",
    "peers.rst": "### Against the peers (`bench_peers.py`)",
    "scale.rst": "### Large pools (`bench_scale.py`)",
}


def write_benchmark_tables():
    text = (ROOT / "benchmarks" / "README.md").read_text()
    for filename, heading in BENCH_TABLES.items():
        header, rows = markdown_table(text, heading)
        _write_if_changed(DOC / "user_guide" / "generated" / filename, rst_table(header, rows))


write_benchmark_tables()

# -- Gallery -------------------------------------------------------------------------

SMOKE = os.environ.get("SKACTIVE_EXAMPLE_SMOKE") == "1"
# The examples also save their figure as a PNG; keep those out of the source tree.
os.environ.setdefault("SKACTIVE_EXAMPLE_OUTDIR", tempfile.mkdtemp(prefix="skactive-gallery-"))
os.environ.setdefault("MPLBACKEND", "Agg")

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "abort_on_example_error": True,
    "show_memory": False,
    "remove_config_comments": True,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
}

# -- Figures in the user guide (``.. plot::``) ----------------------------------------

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.figsize": (7, 3.6), "figure.autolayout": True}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"
plot_working_directory = str(ROOT)  # figures that read benchmarks/README.md

# -- HTML ----------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skactive {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "auto_examples/index": []}
html_context = {"default_mode": "light"}


# -- Hooks ---------------------------------------------------------------------------

_TYPE_LINE = re.compile(r"^\s*\*{0,2}\w+\*{0,2} : ")


def escape_shape_names(app, what, name, obj, options, lines):
    """``(n_features_in_,)`` in a parameter's type reads as an rst link: escape it.

    Only ``name : type`` lines are touched, before numpydoc turns them into fields.
    """
    for i, line in enumerate(lines):
        if _TYPE_LINE.match(line):
            head, type_spec = line.split(" : ", 1)
            lines[i] = head + " : " + re.sub(r"(?<=\w)_(?=[,)\s]|$)", r"\\_", type_spec)


def skip_member(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_{method}_request`` helpers."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-process-docstring", escape_shape_names, priority=400)
    app.connect("autodoc-skip-member", skip_member)
