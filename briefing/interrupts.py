"""Ctrl-C (SIGINT) and SIGTERM: stop at once, at any stage, and leave nothing half done.

While a command runs, either signal raises `Interrupted` (a KeyboardInterrupt) in the
main thread. It unwinds through the code like any exception: fetches in flight are
aborted and pending ones cancelled (ingest.web), a file being written is removed
(store.files.atomic_write), the run lock is released. The exit code is 128 + the
signal's number (130, 143), as a shell reports a process the signal killed.

A signal that lands where Python ignores exceptions (a weakref callback during an
import, a `__del__`) is sent again, to land once the main thread is out of there.
A later signal during the clean-up is ignored, so the clean-up itself is not cut in
half; a watchdog makes sure the process is gone two seconds after the first signal,
even if a worker thread were stuck in a blocking call.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from briefing.errors import ExitCode, Interrupted

_CODES = {signal.SIGINT: ExitCode.INTERRUPTED, signal.SIGTERM: ExitCode.TERMINATED}
EXIT_WITHIN = 2.0  # seconds from the signal to the end of the process, at the latest
_CLEAN_UP = 1.5  # of which this much is left to the orderly unwinding
_AGAIN_AFTER = 0.01  # seconds before a signal Python ignored is sent again


@contextmanager
def raised() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` in the main thread while inside (a no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    first: list[int] = []

    def handler(number: int, frame: FrameType | None) -> None:
        if first:
            return  # already stopping: let the clean-up finish
        first.append(number)
        _watchdog(_CODES[signal.Signals(number)], _CLEAN_UP)
        raise Interrupted(number, _CODES[signal.Signals(number)])

    ignored_by_python = sys.unraisablehook

    def raise_again(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, Interrupted):
            ignored_by_python(unraisable)
            return
        # Raised inside a callback whose exceptions Python only prints: the signal again, to
        # the main thread once it is out of here (the first one's watchdog still bounds the exit).
        first.clear()
        again = (threading.main_thread().ident or 0, unraisable.exc_value.signal_number)
        timer = threading.Timer(_AGAIN_AFTER, signal.pthread_kill, again)
        timer.daemon = True
        timer.start()

    previous = {number: signal.signal(number, handler) for number in _CODES}
    sys.unraisablehook = raise_again
    try:
        yield
    finally:
        sys.unraisablehook = ignored_by_python
        for number, old in previous.items():
            signal.signal(number, old)


def describe(interrupt: Interrupted) -> str:
    name = signal.Signals(interrupt.signal_number).name
    return f"interrupted ({name}); stopped, no partial file left"


def exit_soon(code: int) -> None:
    """The orderly exit from here is short; make sure it happens (worker threads are joined at
    interpreter exit, and one stuck in a blocking call could hold it up)."""
    _watchdog(code, EXIT_WITHIN - _CLEAN_UP)


def _watchdog(code: int, seconds: float) -> None:
    def stop() -> None:
        sys.stderr.flush()
        os._exit(code)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
