"""Run a GIL-free kernel over ranges of chains in Python threads.

Why Python threads rather than numba's ``parallel=True``: numba's threading
layers differ in safety (``workqueue``, its fallback where OpenMP and TBB are
missing, aborts the interpreter when two Python threads launch parallel
kernels at once; GNU OpenMP hangs a ``fork`` that follows it). Serial
``nogil`` kernels driven by a small thread pool are safe under all of them:
each call owns its arrays, the pool is thread-safe, and a forked child makes
a fresh pool on first use.

The number of threads is ``os.cpu_count()``, or ``ORBM_EXPLORE_THREADS`` if set.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable

__all__ = ["n_threads", "run_ranges"]

_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def n_threads() -> int:
    """Threads used for kernels: ``ORBM_EXPLORE_THREADS`` or the number of CPUs."""
    setting = os.environ.get("ORBM_EXPLORE_THREADS", "")
    if setting.strip().isdigit() and int(setting) >= 1:
        return int(setting)
    return os.cpu_count() or 1


def _get_pool(workers: int) -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid() or _pool._max_workers < workers:
            # after a fork the parent's worker threads do not exist in the child
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="orbm-kernel")
            _pool_pid = os.getpid()
        return _pool


def run_ranges(kernel: Callable[[int, int], None], n_items: int, min_items: int = 1,
               threads: int | None = None) -> None:
    """Call ``kernel(start, stop)`` on disjoint ranges covering ``range(n_items)``.

    Ranges hold at least ``min_items`` items, so small work stays on the
    calling thread. At most ``threads`` ranges (default :func:`n_threads`); with one
    range the kernel runs on the calling thread. The calling thread runs the first range itself
    (one hand-off fewer). Returns when every range is done. If the wait is
    interrupted (Ctrl-C), ranges not yet started are cancelled and running
    ones are waited for before the exception propagates, so no kernel is left
    writing into the caller's arrays.
    """
    parts = max(1, min(n_threads() if threads is None else threads, n_items // max(1, min_items)))
    if parts == 1:
        kernel(0, n_items)
        return
    bounds = [n_items * k // parts for k in range(parts + 1)]
    pool = _get_pool(parts - 1)
    futures: list[Future] = [pool.submit(kernel, bounds[k], bounds[k + 1]) for k in range(1, parts)]
    try:
        kernel(bounds[0], bounds[1])
        for future in futures:
            future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        wait(futures)
        raise
