"""Progress bars for a person at a terminal: never under cron, never with -q.

A long build (thousands of articles) shows where it is, stage by stage: fetching
(ingest/web.py), segmenting, grouping and summarising. Log messages print above
a bar, not through it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tqdm import tqdm


# The package's logger, which the CLI gives its handler.
_TOP = logging.getLogger("briefing")
T = TypeVar("T")


def wanted() -> bool:
    """A bar only for a person at a terminal: stderr is one, and -q did not silence warnings."""
    return sys.stderr.isatty() and _TOP.getEffectiveLevel() <= logging.WARNING


@contextmanager
def _bar(**options: Any) -> Iterator[tqdm[Any]]:
    """A bar on stderr that log messages print above (tqdm is imported only when one is shown)."""
    from tqdm.contrib.logging import logging_redirect_tqdm

    bar_class = _bar_class()
    with (
        logging_redirect_tqdm(loggers=[_TOP], tqdm_class=bar_class) if _TOP.handlers else nullcontext(),
        bar_class(leave=False, file=sys.stderr, **options) as bar,
    ):
        yield bar


@cache
def _bar_class() -> type[tqdm[Any]]:
    """tqdm without its monitor thread. The thread (it redraws a bar left idle) outlives every
    bar, and a process with a thread running never forks its workers (parallel.py): after the
    fetching bar at a terminal, a build would read its articles in one process."""
    from tqdm import tqdm

    class Bar(tqdm):  # type: ignore[type-arg]
        monitor_interval = 0

    return Bar


def tracked(items: Iterable[T], total: int, stage: str, unit: str, enabled: bool) -> Iterator[T]:
    """`items`, one by one, under a bar named `stage` when `enabled`."""
    if not enabled:
        yield from items
        return
    with _bar(total=total, unit=unit, desc=stage) as bar:
        for item in items:
            yield item
            bar.update()


@contextmanager
def counter(total: int, stage: str, unit: str, enabled: bool) -> Iterator[Callable[[], None]]:
    """A bar of `total` steps named `stage` when `enabled`, for steps that end in any order
    (fetches in threads): each call of what it yields is one step done."""
    if not enabled:
        yield lambda: None
        return
    with _bar(total=total, unit=unit, desc=stage) as bar:

        def advance() -> None:
            bar.update()

        yield advance


@contextmanager
def step(stage: str, enabled: bool) -> Iterator[None]:
    """One stage with no steps of its own to count (grouping): its name and elapsed time."""
    if not enabled:
        yield
        return
    with _bar(total=1, desc=stage, bar_format="{desc}… {elapsed}") as bar:
        yield
        bar.update()
