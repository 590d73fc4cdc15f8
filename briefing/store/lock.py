"""One run at a time: an `fcntl` lock on a file next to the briefings.

The kernel drops the lock when its process dies, so a killed run never leaves a
stale lock behind; the file holds the holder's PID only for the message.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from briefing.errors import AlreadyRunning, BriefingError, ConfigError, StateError

LOCK_FILE = ".briefing.lock"
POLL_SECONDS = 0.2  # how often a run that waits for the lock tries it again


@contextlib.contextmanager
def run_lock(
    path: Path,
    *,
    wait: float | None = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the run lock; `wait` seconds to wait for it (0: fail at once, None: forever)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise _folder_error(path.parent, error) from None
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise AlreadyRunning(
                        f"already running{_holder(fd)}: {path} is locked by another briefing run; "
                        "this run did nothing (use --wait to wait for it)"
                    ) from None
                sleep(POLL_SECONDS)
        # Who holds the lock, for the message the next run prints; the lock itself is the flock.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def _folder_error(folder: Path, error: OSError) -> BriefingError:
    """What is wrong with the output folder, in its terms (the lock file is ours, not the user's)."""
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        return ConfigError(
            f"{folder}: {'is' if blocker == folder else f'{blocker} is'} a file, not a folder; "
            "--out (or output.dir) must be a folder: briefings go to <folder>/<date>/"
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StateError(
            f"{folder}: the folder is not writable ({error.strerror}); choose another --out "
            "(or output.dir), or let this user write there",
            reason=error.strerror or "",
        )
    return StateError(f"{folder}: cannot write in this folder ({error.strerror or error})")
