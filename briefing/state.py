"""What was sent, and one run at a time: the state file and the run lock.

The state is a small JSON file recording, per briefing date, each message the
server accepted (Message-ID, recipients, time). It is rewritten atomically
(temp file, fsync, rename), so a crash leaves the previous state intact. The run
lock is an `fcntl` lock on a file next to the briefings; the kernel drops it
when the process dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from briefing.deliver import atomic_write
from briefing.errors import BriefingError

STATE_VERSION = 1
STATE_FILE = "state.json"
LOCK_FILE = ".briefing.lock"


class StateError(BriefingError):
    """The state file cannot be read or written: refusing to guess what was sent."""


class AlreadyRunning(BriefingError):
    """Another run holds the lock."""

    exit_code = 75  # EX_TEMPFAIL from sysexits.h: try again later


@dataclass(frozen=True, slots=True)
class SentRecord:
    """One message the server accepted for a briefing date."""

    day: date
    message_id: str
    recipients: tuple[str, ...]  # envelope recipients the server accepted
    sent_at: datetime
    subject: str = ""
    refused: tuple[str, ...] = ()  # recipients the server refused (reported at the time)

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "recipients": list(self.recipients),
            "refused": list(self.refused),
            "sent_at": self.sent_at.isoformat(),
            "subject": self.subject,
        }

    @classmethod
    def from_json(cls, day: date, data: dict[str, Any]) -> SentRecord:
        return cls(
            day=day,
            message_id=str(data["message_id"]),
            recipients=tuple(str(r) for r in data.get("recipients", ())),
            sent_at=datetime.fromisoformat(str(data["sent_at"])),
            subject=str(data.get("subject", "")),
            refused=tuple(str(r) for r in data.get("refused", ())),
        )


def read_state(path: Path) -> dict[date, tuple[SentRecord, ...]]:
    """Every recorded send, by briefing date; a missing file means nothing was sent yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise StateError(f"{path}: cannot read the state file ({error.strerror or error})") from None
    try:
        data = json.loads(text)
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        return {
            date.fromisoformat(day): tuple(SentRecord.from_json(date.fromisoformat(day), r) for r in records)
            for day, records in data["sent"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise StateError(
            f"{path}: the state file is damaged ({error}); it records which briefings were sent: "
            "fix it or move it away (then every date counts as not sent)"
        ) from None


def last_sent(path: Path, day: date) -> SentRecord | None:
    """The latest message recorded for `day`, if any."""
    records = read_state(path).get(day, ())
    return records[-1] if records else None


def record_sent(path: Path, record: SentRecord) -> None:
    """Add one accepted message to the state, atomically (the caller holds the run lock)."""
    state = read_state(path)
    state[record.day] = (*state.get(record.day, ()), record)
    data = {
        "version": STATE_VERSION,
        "sent": {day.isoformat(): [r.to_json() for r in records] for day, records in sorted(state.items())},
    }
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as error:
        raise StateError(
            f"{path}: cannot write the state file ({error.strerror or error}); the message WAS sent "
            f"(Message-ID {record.message_id}): do not resend it by hand"
        ) from None


@contextlib.contextmanager
def run_lock(
    path: Path,
    *,
    wait: float | None = 0,
    sleep: Callable[[float], None] = time.sleep,
    poll: float = 0.2,
) -> Iterator[None]:
    """Hold the run lock; `wait` seconds to wait for it (0: fail at once, None: forever)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StateError(
            f"{path}: cannot create the lock file ({error.strerror or error}); "
            "make output.dir (or --out) a folder this user can write"
        ) from None
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    raise AlreadyRunning(
                        f"already running{holder}: {path} is locked by another briefing run; "
                        "this run did nothing (use --wait to wait for it)"
                    ) from None
                sleep(poll)
        # Who holds the lock, for the message the next run prints; the lock itself is the flock.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
