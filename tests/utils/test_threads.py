"""Parallel chunk jobs: ordered results, errors raised, threads reused, no nested wait."""

import os
import threading
import time

import joblib
import pytest

from skactive.utils._threads import run_parallel


def _slow_identity(k):
    time.sleep(0.002 * (5 - k % 5))  # later jobs finish first
    return k, threading.get_ident()


def test_results_come_in_submission_order_from_worker_threads():
    results = run_parallel(_slow_identity, [(k,) for k in range(12)], 2)
    assert [k for k, _ in results] == list(range(12))
    threads = {tid for _, tid in results}
    assert threading.get_ident() not in threads and 1 <= len(threads) <= 2
    lazy = run_parallel(_slow_identity, [(k,) for k in range(5)], 2, lazy=True)
    assert not isinstance(lazy, list)
    assert [k for k, _ in lazy] == list(range(5))


def test_threads_are_reused_across_calls():
    # The point of the shared executor: no threads started per round.
    first = {tid for _, tid in run_parallel(_slow_identity, [(k,) for k in range(8)], 2)}
    second = {tid for _, tid in run_parallel(_slow_identity, [(k,) for k in range(8)], 2)}
    assert first & second


def test_a_job_error_is_raised_in_the_caller():
    def fail(k):
        if k == 3:
            raise ValueError("chunk 3 is broken")
        return k

    with pytest.raises(ValueError, match="chunk 3 is broken"):
        run_parallel(fail, [(k,) for k in range(6)], 2)


def test_parallel_jobs_inside_a_job_run_inline_instead_of_waiting_on_busy_threads():
    def outer(k):
        # Both threads are busy with outer jobs: waiting on the pool would deadlock.
        inner = run_parallel(_slow_identity, [(j,) for j in range(3)], 2)
        return {tid for _, tid in inner} == {threading.get_ident()}

    assert run_parallel(outer, [(k,) for k in range(4)], 2) == [True] * 4


def test_a_configured_joblib_backend_is_used():
    with joblib.parallel_config(backend="loky"):
        pids = run_parallel(os.getpid, [() for _ in range(4)], 2)
    assert os.getpid() not in pids


def _jobs_in_child(queue):
    queue.put([k for k, _ in run_parallel(_slow_identity, [(k,) for k in range(4)], 2)])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_its_own_threads():
    import multiprocessing

    run_parallel(_slow_identity, [(k,) for k in range(4)], 2)  # the parent's threads exist
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_jobs_in_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=30) == [0, 1, 2, 3]  # the parent's executor would hang
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
