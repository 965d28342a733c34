"""Chunk jobs in parallel: reused threads by default, joblib's configured backend if set.

Scoring chunks is numpy/BLAS work that releases the GIL, so threads are the default. They
come from one :class:`~concurrent.futures.ThreadPoolExecutor` per worker count, kept for
the life of the process, because a round is short: joblib's ``Parallel`` checks for
finished tasks every 10 ms (``Parallel._retrieve`` polls with ``time.sleep(0.01)``) and
starts its threads on each call, about 10 ms per call, which made ``n_jobs=2`` slower
than ``n_jobs=1`` on a 1M-row pool (31 ms per round). When the caller has chosen another
backend with ``joblib.parallel_config`` (loky processes, a Dask cluster), joblib runs the
jobs as before. A process forked after threads were started (``multiprocessing`` with
``fork``) starts threads of its own.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from joblib import Parallel, delayed, effective_n_jobs
from joblib._parallel_backends import ThreadingBackend
from joblib.parallel import get_active_backend

__all__ = ["run_parallel"]

_executors = {}
_executors_lock = threading.Lock()
_in_worker = threading.local()


def _forget_executors():
    """In a forked child the parent's threads do not exist: its executors would never
    run a job. The child starts its own on first use."""
    global _executors_lock
    _executors.clear()
    _executors_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_executors)


def _executor(n_threads):
    with _executors_lock:
        executor = _executors.get(n_threads)
        if executor is None:
            executor = _executors[n_threads] = ThreadPoolExecutor(
                n_threads, thread_name_prefix="skactive-chunks")
        return executor


def _call(func, args):
    _in_worker.active = True
    try:
        return func(*args)
    finally:
        _in_worker.active = False


def run_parallel(func, arg_tuples, n_jobs, *, lazy=False):
    """``func(*args)`` for each of ``arg_tuples``, results in order.

    With ``lazy=True`` an iterator that yields each result as soon as it (and every
    earlier one) is done. Called from inside one of these threads (a strategy scoring in
    parallel within a parallel job), the jobs run in that thread, one after the other,
    so the threads never wait on each other.
    """
    backend, _ = get_active_backend(prefer="threads")
    if not isinstance(backend, ThreadingBackend):
        return Parallel(n_jobs=n_jobs, prefer="threads",
                        return_as="generator" if lazy else "list")(
            delayed(func)(*args) for args in arg_tuples)
    if getattr(_in_worker, "active", False):
        results = (func(*args) for args in arg_tuples)
    else:
        executor = _executor(max(effective_n_jobs(n_jobs), 1))
        futures = [executor.submit(_call, func, args) for args in arg_tuples]
        results = (future.result() for future in futures)
    return results if lazy else list(results)
