"""Worker processes: the results of `map`, in order, whatever happens to the pool."""

from __future__ import annotations

import logging
import os
import signal

import pytest

from briefing import parallel

PARENT = os.getpid()


def square_or_die(item: int) -> int:
    """A worker that is killed (as the kernel's OOM killer would) on item 150."""
    if item == 150 and os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return item * item


def square(item: int) -> int:
    return item * item


def test_worker_processes_give_map_results_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10)
    items = list(range(300))
    assert parallel.ordered_map(square, items, workers=2) == [i * i for i in items]


def test_a_killed_worker_never_hangs_the_build(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # multiprocessing.Pool waited forever for a killed worker's results: the cron job never ended
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10)
    items = list(range(300))
    with caplog.at_level(logging.WARNING, logger="briefing.parallel"):
        results = parallel.ordered_map(square_or_die, items, workers=2)
    assert results == [i * i for i in items]  # every item, done again in this process
    assert "a worker process died" in caplog.text


def test_small_batches_and_one_worker_stay_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_: object, **__: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    assert parallel.ordered_map(square, list(range(parallel.MIN_ITEMS - 1)), workers=2)[-1] == (
        (parallel.MIN_ITEMS - 2) ** 2
    )
    assert parallel.ordered_map(square, list(range(1000)), workers=1)[999] == 999 * 999
