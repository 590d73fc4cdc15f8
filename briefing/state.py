"""What was sent, and one run at a time: the state file and the run lock.

The state is a small JSON file recording, per briefing date, each message
(Message-ID, subject) and what became of it for each recipient:

    delivered  the server accepted the message for this address
    refused    the server refused the address for good (5xx to RCPT): not tried again that day
    deferred   not delivered yet (4xx, server down, message refused): the next run tries again
    sending    written just before DATA: if a run stops here, no one knows if it arrived
    unknown    a "sending" that never got its answer (crash, dropped or stalled connection):
               at most once, so it is never sent again on its own; `send --force` does

It is rewritten atomically (temp file, fsync, rename), so a crash leaves the
previous state intact. Version 1 files (one record per accepted send) are read
as delivered records. The run lock is an `fcntl` lock on a file next to the
briefings; the kernel drops it when the process dies, so a killed run never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, cast

from briefing.deliver import atomic_write
from briefing.errors import BriefingError

STATE_VERSION = 2
STATE_FILE = "state.json"
LOCK_FILE = ".briefing.lock"
MAX_STATE_BYTES = 64 * 1024 * 1024  # years of daily records are a few MB

Status = Literal["delivered", "refused", "deferred", "sending", "unknown"]
STATUSES: tuple[Status, ...] = ("delivered", "refused", "deferred", "sending", "unknown")
DONE: frozenset[Status] = frozenset({"delivered", "refused", "unknown"})  # never sent again on its own


class StateError(BriefingError):
    """The state file cannot be read or written: refusing to guess what was sent."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason  # the system's words ("Read-only file system"), when there are any


class AlreadyRunning(BriefingError):
    """Another run holds the lock."""

    exit_code = 75  # EX_TEMPFAIL from sysexits.h: try again later


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one message for one recipient."""

    status: Status
    at: datetime
    reply: str = ""  # the server's reply, or what went wrong


@dataclass(frozen=True, slots=True)
class SentRecord:
    """One message composed for a briefing date, and its outcome for each recipient."""

    day: date
    message_id: str
    started_at: datetime
    subject: str = ""
    outcomes: tuple[tuple[str, Outcome], ...] = ()  # (address, outcome), in envelope order

    @property
    def recipients(self) -> tuple[str, ...]:
        """The addresses the message reached."""
        return self.having("delivered")

    @property
    def sent_at(self) -> datetime:
        delivered = [o.at for _, o in self.outcomes if o.status == "delivered"]
        return max(delivered) if delivered else self.started_at

    def having(self, *statuses: Status) -> tuple[str, ...]:
        return tuple(address for address, outcome in self.outcomes if outcome.status in statuses)

    def outcome(self, address: str) -> Outcome | None:
        return dict(self.outcomes).get(address)

    def updated(self, changes: Mapping[str, Outcome]) -> SentRecord:
        """The record with these addresses' outcomes set (new addresses go last)."""
        merged = dict(self.outcomes)
        merged.update(changes)
        return replace(self, outcomes=tuple(merged.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "subject": self.subject,
            "started_at": self.started_at.isoformat(),
            "recipients": {
                address: {"status": o.status, "at": o.at.isoformat(), "reply": o.reply}
                for address, o in self.outcomes
            },
        }

    @classmethod
    def from_json(cls, day: date, data: dict[str, Any]) -> SentRecord:
        if "sent_at" in data:  # version 1: one record per message the server accepted
            sent_at = _stamp(data["sent_at"])
            delivered = [(str(a), Outcome("delivered", sent_at)) for a in _list(data.get("recipients", []))]
            refused = [(str(a), Outcome("refused", sent_at)) for a in _list(data.get("refused", []))]
            return cls(
                day,
                _text(data["message_id"]),
                sent_at,
                _text(data.get("subject", "")),
                (*delivered, *refused),
            )
        outcomes = []
        for address, item in _dict(data["recipients"]).items():
            item = _dict(item)
            status = item["status"]
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}")
            outcomes.append(
                (
                    str(address),
                    Outcome(cast(Status, status), _stamp(item["at"]), _text(item.get("reply", ""))),
                )
            )
        return cls(
            day,
            _text(data["message_id"]),
            _stamp(data["started_at"]),
            _text(data.get("subject", "")),
            tuple(outcomes),
        )


State = dict[date, tuple[SentRecord, ...]]


def read_state(path: Path) -> State:
    """Every recorded message, by briefing date; a missing file means nothing was sent yet."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_STATE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        return {}  # nothing recorded yet (whether it can be written is checked before sending)
    except OSError as error:
        raise StateError(
            f"{path}: cannot read the state file ({error.strerror or error}); it records which briefings "
            "were sent: make it readable, then run again"
        ) from None
    try:
        if len(raw) > MAX_STATE_BYTES:
            raise ValueError(f"over {MAX_STATE_BYTES // 1_048_576} MiB")
        data = _dict(json.loads(raw.decode("utf-8")))
        if data.get("version") not in (1, STATE_VERSION):
            raise ValueError(f"unknown version {data.get('version')!r}")
        state: State = {}
        for text, records in _dict(data["sent"]).items():
            day = date.fromisoformat(text)
            state[day] = tuple(SentRecord.from_json(day, _dict(r)) for r in _list(records))
        return state
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError) as error:
        # UnicodeDecodeError and json's errors are ValueErrors; RecursionError is 100k-deep JSON.
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise StateError(
            f"{path}: the state file is damaged ({reason}); it records which briefings were sent: "
            "fix it or move it away (then every date counts as not sent)"
        ) from None


def write_state(path: Path, state: State) -> None:
    """Write the whole state atomically; StateError naming the file if it cannot be written."""
    data = {
        "version": STATE_VERSION,
        "sent": {day.isoformat(): [r.to_json() for r in records] for day, records in sorted(state.items())},
    }
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as error:
        raise StateError(
            f"{path}: cannot write the state file ({error.strerror or error})", error.strerror or str(error)
        ) from None


def ensure_writable(path: Path) -> None:
    """Rewrite the state as it is: proof, before anything is sent, that a send can be recorded."""
    state = read_state(path)  # a damaged state stops the run with its own message
    try:
        write_state(path, state)
    except StateError as error:
        reason = error.reason
        folder = next((p for p in path.parents if p.exists()), None)
        if folder is not None and not folder.is_dir():
            reason = f"{folder} is a file, not a folder"
        raise StateError(
            f"{path}: cannot write the state file ({reason}); "
            "nothing was sent: make its folder writable (it records what was sent, so that no briefing "
            "goes out twice)"
        ) from None


def latest(path: Path, day: date) -> SentRecord | None:
    """The latest message recorded for `day`, if any."""
    records = read_state(path).get(day, ())
    return records[-1] if records else None


def save_record(path: Path, record: SentRecord) -> None:
    """Store the record (replacing the one with its Message-ID), atomically; the caller holds the lock."""
    state = read_state(path)
    records = [r for r in state.get(record.day, ()) if r.message_id != record.message_id]
    state[record.day] = (*records, record)
    write_state(path, state)


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _stamp(value: object) -> datetime:
    stamp = datetime.fromisoformat(_text(value))
    if stamp.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return stamp


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
