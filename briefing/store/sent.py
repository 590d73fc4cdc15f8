"""state.json: what was sent, per briefing date, recipient by recipient.

The state records, per briefing date, each message (Message-ID, subject) and
what became of it for each recipient:

    delivered  the server accepted the message for this address
    refused    the server refused the address for good (5xx to RCPT): not tried again that day
    deferred   not delivered yet (4xx, server down, message refused): the next run tries again
    sending    written just before DATA: if a run stops here, no one knows if it arrived
    unknown    a "sending" that never got its answer (crash, dropped or stalled connection):
               at most once, so it is never sent again on its own; `send --force` does

A damaged state stops the run (StateError, naming the file and the fix): guessing
what was sent could send a briefing twice. Version 1 files (one record per
accepted send) are read as delivered records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, cast

from briefing.errors import StateError
from briefing.store.files import (
    Damaged,
    atomic_write,
    expect_dict,
    expect_list,
    expect_text,
    read_json,
    reason,
)

STATE_VERSION = 2
STATE_FILE = "state.json"
MAX_STATE_BYTES = 64 * 1024 * 1024  # years of daily records are a few MB

Status = Literal["delivered", "refused", "deferred", "sending", "unknown"]
STATUSES: tuple[Status, ...] = ("delivered", "refused", "deferred", "sending", "unknown")
DONE: frozenset[Status] = frozenset({"delivered", "refused", "unknown"})  # never sent again on its own


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
            delivered = [
                (str(a), Outcome("delivered", sent_at)) for a in expect_list(data.get("recipients", []))
            ]
            refused = [(str(a), Outcome("refused", sent_at)) for a in expect_list(data.get("refused", []))]
            return cls(
                day,
                expect_text(data["message_id"]),
                sent_at,
                expect_text(data.get("subject", "")),
                (*delivered, *refused),
            )
        outcomes = []
        for address, item in expect_dict(data["recipients"]).items():
            item = expect_dict(item)
            status = item["status"]
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}")
            at, reply = _stamp(item["at"]), expect_text(item.get("reply", ""))
            outcomes.append((str(address), Outcome(cast(Status, status), at, reply)))
        return cls(
            day,
            expect_text(data["message_id"]),
            _stamp(data["started_at"]),
            expect_text(data.get("subject", "")),
            tuple(outcomes),
        )


State = dict[date, tuple[SentRecord, ...]]


@dataclass(frozen=True, slots=True)
class SentLog:
    """The state file at `path`: read whole, rewritten whole and atomically at every step."""

    path: Path

    def read(self) -> State:
        """Every recorded message, by briefing date; a missing file means nothing was sent yet."""
        path = self.path
        try:
            data = read_json(path, MAX_STATE_BYTES)
        except OSError as error:
            raise StateError(
                f"{path}: cannot read the state file ({error.strerror or error}); it records which "
                "briefings were sent: make it readable, then run again"
            ) from None
        except Damaged as damage:
            raise self._damaged(str(damage)) from None
        if data is None:
            return {}  # nothing recorded yet (whether it can be written is checked before sending)
        try:
            data = expect_dict(data)
            if data.get("version") not in (1, STATE_VERSION):
                raise ValueError(f"unknown version {data.get('version')!r}")
            state: State = {}
            for text, records in expect_dict(data["sent"]).items():
                day = date.fromisoformat(text)
                state[day] = tuple(SentRecord.from_json(day, expect_dict(r)) for r in expect_list(records))
            return state
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
            raise self._damaged(reason(error)) from None

    def _damaged(self, why: str) -> StateError:
        return StateError(
            f"{self.path}: the state file is damaged ({why}); it records which briefings were sent: "
            "fix it or move it away (then every date counts as not sent)"
        )

    def write(self, state: State) -> None:
        """Write the whole state atomically; StateError naming the file if it cannot be written."""
        data = {
            "version": STATE_VERSION,
            "sent": {
                day.isoformat(): [r.to_json() for r in records] for day, records in sorted(state.items())
            },
        }
        try:
            atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        except OSError as error:
            raise StateError(
                f"{self.path}: cannot write the state file ({error.strerror or error})",
                error.strerror or str(error),
            ) from None

    def ensure_writable(self) -> None:
        """Rewrite the state as it is: proof, before anything is sent, that a send can be recorded."""
        state = self.read()  # a damaged state stops the run with its own message
        try:
            self.write(state)
        except StateError as error:
            why = error.reason
            folder = next((p for p in self.path.parents if p.exists()), None)
            if folder is not None and not folder.is_dir():
                why = f"{folder} is a file, not a folder"
            raise StateError(
                f"{self.path}: cannot write the state file ({why}); "
                "nothing was sent: make its folder writable (it records what was sent, so that no "
                "briefing goes out twice)"
            ) from None

    def latest(self, day: date) -> SentRecord | None:
        """The latest message recorded for `day`, if any."""
        records = self.read().get(day, ())
        return records[-1] if records else None

    def save(self, record: SentRecord) -> None:
        """Store the record (replacing the one with its Message-ID), atomically; the caller holds the lock."""
        state = self.read()
        records = [r for r in state.get(record.day, ()) if r.message_id != record.message_id]
        state[record.day] = (*records, record)
        self.write(state)


def _stamp(value: object) -> datetime:
    stamp = datetime.fromisoformat(expect_text(value))
    if stamp.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return stamp
