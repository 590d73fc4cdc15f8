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
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    with (
        logging_redirect_tqdm(loggers=[_TOP]) if _TOP.handlers else nullcontext(),
        tqdm(leave=False, file=sys.stderr, **options) as bar,
    ):
        yield bar


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
