"""Datasets that ship inside optional PyPI packages (the ``bench`` extra): skipped with a
note when their package is missing, so every benchmark runs on a bare install."""

import importlib.util
import sys


def installed(name, package, verbose=True):
    """Whether dataset ``name`` can be loaded: it needs no package, or ``package`` is
    installed; otherwise a note on stderr (when ``verbose``) and False."""
    if package is None or importlib.util.find_spec(package) is not None:
        return True
    if verbose:
        print(f"note: skipping dataset {name!r}: package {package!r} is not installed "
              f"(pip install {package}, or the 'bench' extra)", file=sys.stderr)
    return False


def available(sources, verbose=True):
    """``{name: loader}`` of ``sources`` (``{name: (loader, package or None)}``) whose
    package is installed."""
    return {name: loader for name, (loader, package) in sources.items()
            if installed(name, package, verbose)}
