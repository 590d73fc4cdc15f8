"""stories.sqlite: each briefing's stories, for recognising them on later days.

SQLite from the standard library: a day's records are replaced in one
transaction, so a crash mid-write leaves the earlier state whole, and the run
lock keeps two runs apart. Building day D again replaces D's records and reads
only days before D, so a rebuild gives the same briefing. Losing the memory only
costs the markers: a missing file means every story is new; a damaged one is
moved aside with a warning and the memory starts afresh.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from briefing.memory import Remembered

log = logging.getLogger(__name__)

MEMORY_FILE = "stories.sqlite"
SCHEMA_VERSION = 1
# Records older than this are dropped when a day is written: no horizon looks that far back.
KEEP_DAYS = 400
_SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    day TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    previous TEXT NOT NULL,
    signature TEXT NOT NULL,
    articles TEXT NOT NULL,
    shown TEXT NOT NULL,
    PRIMARY KEY (day, id)
);
CREATE TABLE IF NOT EXISTS story_concepts (
    day TEXT NOT NULL,
    id TEXT NOT NULL,
    concepts TEXT NOT NULL,
    PRIMARY KEY (day, id)
)
"""
# What a story's articles said is a table of its own: a memory written by an earlier
# version (without it) reads as stories that said nothing, and an earlier version
# reading this memory ignores the table.


class StoryMemory:
    """The remembered stories of one output folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def recall(self, day: date, horizon_days: int) -> list[Remembered]:
        """The records of the `horizon_days` days before `day` (never of `day` itself or later)."""
        if horizon_days <= 0 or not self.path.exists():
            return []
        since = _days_before(day, horizon_days)
        try:
            with self._connection() as connection:
                rows = connection.execute(
                    "SELECT s.day, s.id, title, first_seen, previous, signature, articles, shown, "
                    "coalesce(c.concepts, '[]') FROM stories AS s LEFT JOIN story_concepts AS c "
                    "ON c.day = s.day AND c.id = s.id WHERE s.day < ? AND s.day >= ? ORDER BY s.day, s.id",
                    (day.isoformat(), since.isoformat()),
                ).fetchall()
            return [_record(row) for row in rows]
        except sqlite3.DatabaseError as error:
            if _damaged(error):
                self._set_aside(error)
            else:
                log.warning("%s: cannot read (%s); every story counts as new", self.path, error)
            return []
        except (sqlite3.Error, ValueError, TypeError, KeyError) as error:  # records not as written
            self._set_aside(error)
            return []

    def record(self, day: date, records: Sequence[Remembered]) -> None:
        """Replace `day`'s records with these, in one transaction; a failure only warns."""
        oldest = _days_before(day, KEEP_DAYS).isoformat()
        rows = [_row(record) for record in records]
        concepts = [
            (
                record.day.isoformat(),
                record.id,
                json.dumps([list(c) for c in record.concepts], ensure_ascii=False),
            )
            for record in records
        ]
        for attempt in (1, 2):
            try:
                with self._connection() as connection, connection:  # the second `with`: one transaction
                    for table in ("stories", "story_concepts"):
                        connection.execute(
                            f"DELETE FROM {table} WHERE day = ? OR day < ?", (day.isoformat(), oldest)
                        )
                    connection.executemany("INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                    connection.executemany("INSERT INTO story_concepts VALUES (?, ?, ?)", concepts)
                return
            except sqlite3.DatabaseError as error:
                if attempt == 1 and _damaged(error):
                    self._set_aside(error)  # then start afresh with today's records
                    continue
                log.warning(
                    "%s: cannot remember today's stories (%s); tomorrow they count as new", self.path, error
                )
                return
            except OSError as error:
                log.warning(
                    "%s: cannot remember today's stories (%s); tomorrow they count as new", self.path, error
                )
                return

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown schema version {version}")
            connection.executescript(_SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            yield connection

    def _set_aside(self, error: Exception) -> None:
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            self.path.replace(aside)
        except OSError:
            log.warning(
                "%s: damaged (%s) and cannot be moved aside; every story counts as new", self.path, error
            )
            return
        log.warning("%s: damaged (%s); moved to %s, every story counts as new", self.path, error, aside.name)


def _days_before(day: date, days: int) -> date:
    """`day` minus `days`, or the first day there is (a briefing for 0001-01-01 has no past)."""
    return day - timedelta(days=min(days, day.toordinal() - 1))


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """Not a database, or not ours: worth starting afresh (unlike a locked, read-only or missing one)."""
    text = str(error).lower()
    trouble = ("locked", "readonly", "read-only", "disk i/o", "unable to open", "disk is full")
    return not any(word in text for word in trouble)


def _row(record: Remembered) -> tuple[str, ...]:
    return (
        record.day.isoformat(),
        record.id,
        record.title,
        record.first_seen.isoformat(),
        json.dumps([d.isoformat() for d in record.previous]),
        json.dumps([[term, count] for term, count in record.signature], ensure_ascii=False),
        json.dumps(sorted(record.articles), ensure_ascii=False),
        json.dumps(list(record.shown), ensure_ascii=False),
    )


def _record(row: Sequence[Any]) -> Remembered:
    day, ident, title, first_seen, previous, signature, articles, shown, concepts = row
    return Remembered(
        day=date.fromisoformat(day),
        id=str(ident),
        title=str(title),
        first_seen=date.fromisoformat(first_seen),
        previous=tuple(date.fromisoformat(d) for d in json.loads(previous)),
        signature=tuple((str(term), int(count)) for term, count in json.loads(signature)),
        articles=frozenset(str(a) for a in json.loads(articles)),
        shown=tuple(str(s) for s in json.loads(shown)),
        concepts=tuple((str(a), str(b)) for a, b in json.loads(concepts)),
    )
