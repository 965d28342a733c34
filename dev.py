#!/usr/bin/env python3
"""Project tasks that need nothing but Python 3: ``python3 dev.py {demo,test,docs,bench,lint}``.

Each task creates ``.venv`` next to this file if it is missing, installs the package
with the extras the task needs (again only when ``pyproject.toml`` changed), and runs.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Extras each task installs; CI runs "test", which includes every optional backend the
# tests exercise (and the docs toolchain, for the docs build test) so none is skipped there.
EXTRAS = {"demo": "", "test": "test,dask,docs", "docs": "docs", "bench": "bench",
          "lint": "lint"}
# One BLAS thread per process: the suite and the docs fit many tiny models, where extra
# BLAS threads only contend with each other (and with other workers) on small machines.
ONE_THREAD = {var: "1" for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def venv_python():
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, **kwargs).returncode


def ensure_env(extras):
    if not venv_python().exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        target = f".[{extras}]" if extras else "."
        code = run(venv_python(), "-m", "pip", "install", "--disable-pip-version-check",
                   "-q", "-e", target)
        if code:
            sys.exit(code)
        stamp.touch()


def main(argv):
    task = argv[0] if argv else "help"
    if task not in EXTRAS:
        print(__doc__)
        print("tasks:\n  demo   the seed scenario: prints a table, writes a learning-curve PNG\n"
              "  test   installs the test extras and runs the whole suite\n"
              "  docs   builds the documentation into doc/_build/html (gallery run in full)\n"
              "  bench  runs benchmarks/bench_loop.py\n  lint   ruff check")
        return 0 if task == "help" else 2
    ensure_env(EXTRAS[task])
    py = venv_python()
    rest = argv[1:]
    if task == "demo":
        return run(py, "examples/seed_replication.py", *rest)
    env = {**ONE_THREAD, **os.environ}
    if task == "test":
        return run(py, "-m", "pytest", *rest, env=env)
    if task == "docs":
        # -W: a warning fails the build, so the site cannot rot unnoticed.
        code = run(py, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "doc",
                   "doc/_build/html", *rest, env=env)
        if not code:
            print(f"open {ROOT / 'doc/_build/html/index.html'}")
        return code
    if task == "bench":
        return run(py, "benchmarks/bench_loop.py", *rest)
    return run(py, "-m", "ruff", "check", ".", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
