"""The machine's other cores, for work that is the same for every item (each article read).

`ordered_map` runs a function over items in a pool of worker processes and gives the
results in the items' order, exactly as `map` would: the function must not depend on
what the other items did. A small batch, one worker, or a machine where no pool can be
started (no fork, no shared memory, a limit on processes), or a process with another
thread still running (fork would copy its locks), runs in this process; so does the
whole batch again when a worker dies (killed for memory, a crash in a C library): never
a failed or hung build because of the pool.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Fewer items than this are not worth starting processes for (a pool costs about 0.1 s).
MIN_ITEMS = 400
# Items sent to a worker at a time: few round trips, and the order is kept.
CHUNK = 32
# `workers: auto` uses every core this process may run on, up to this many.
MAX_AUTO_WORKERS = 8


def worker_count(setting: int | str) -> int:
    """The processes a `workers:` setting means: a number, or `auto` (the usable cores)."""
    if setting != "auto":
        return max(1, int(setting))
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux: the machine's count
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_AUTO_WORKERS))


def ordered_map(function: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """`list(map(function, items))`, with `workers` processes when the batch is worth it."""
    if workers <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    if threading.active_count() > 1:
        # A thread still running (a fetch that timed out) could hold a lock a forked worker
        # would wait on forever: this batch stays in this process.
        log.debug("a thread is still running: working in one process")
        return [function(item) for item in items]
    # fork: the workers start with this process's modules and models already loaded.
    # An executor, not multiprocessing.Pool: a Pool whose worker is killed waits forever,
    # an executor says the pool is broken.
    pool = ProcessPoolExecutor(
        min(workers, len(items) // CHUNK + 1), mp_context=multiprocessing.get_context("fork")
    )
    try:
        with pool:
            return list(pool.map(function, items, chunksize=CHUNK))
    except BrokenProcessPool as error:
        log.warning("a worker process died (%s): working in one process", error)
    except OSError as error:  # no process could be started: a limit on processes, no memory
        log.info("no worker processes (%s): working in one", error)
    return [function(item) for item in items]
