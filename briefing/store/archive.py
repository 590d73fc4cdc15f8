"""<briefings>/.cache/archive.json: what the archive lists of each day built.

Kept so that the archive pages are rebuilt on every build without reading every
day's briefing.json again (a year of large days would take seconds). The record is
only a shortcut: a day on disk the record lacks (built by an earlier version, or
copied in) is read once from its own briefing.json; a day whose folder has no
briefing any more is dropped; a damaged record is warned about and rebuilt from the
days' files.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from briefing.store.files import Damaged, atomic_write, expect_dict, expect_list, expect_text, read_json

log = logging.getLogger(__name__)

ARCHIVE_VERSION = 1
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024  # years of days, each a few kilobytes
MAX_BRIEFING_JSON_BYTES = 256 * 1024 * 1024  # one day's briefing.json, passages included
BRIEFING_FILES = ("briefing.html", "briefing.md", "briefing.txt", "briefing.json")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class ArchivedStory:
    id: str
    title: str
    shown: bool  # shown whole that day (else one line)
    status: str  # new, developing, still-running
    previous: tuple[date, ...]  # earlier briefings it was in
    previous_ids: tuple[str, ...] = ()  # its id in each ("" where not known)


@dataclass(frozen=True, slots=True)
class ArchivedDay:
    """One day's briefing as the archive lists it."""

    date: date
    title: str
    language: str
    stories: tuple[ArchivedStory, ...]
    files: tuple[str, ...]  # which of BRIEFING_FILES the day has


def day_record(day: ArchivedDay) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "title": day.title,
        "language": day.language,
        "files": list(day.files),
        "stories": [
            {
                "id": s.id,
                "title": s.title,
                "shown": s.shown,
                "status": s.status,
                "previous": [d.isoformat() for d in s.previous],
                "previous_ids": list(s.previous_ids),
            }
            for s in day.stories
        ],
    }


def _day_from(data: object, files: tuple[str, ...] | None = None) -> ArchivedDay:
    """A day from its record, or from its briefing.json (whose sections hold the stories)."""
    record = expect_dict(data)
    if "sections" in record:
        sections = [expect_dict(section) for section in expect_list(record["sections"])]
        stories_data = [story for section in sections for story in expect_list(section["stories"])]
    else:
        stories_data = expect_list(record["stories"])
    stories = []
    for item in stories_data:
        story = expect_dict(item)
        previous, previous_ids = _previous(story)
        stories.append(
            ArchivedStory(
                id=expect_text(story["id"]),
                title=expect_text(story["title"]),
                shown=bool(story.get("shown", True)),
                status=expect_text(story.get("status", "new")),
                previous=previous,
                previous_ids=previous_ids,
            )
        )
    return ArchivedDay(
        date=date.fromisoformat(expect_text(record["date"])),
        title=expect_text(record["title"]),
        language=_language_name(expect_text(record.get("language", "english"))),
        stories=tuple(stories),
        files=files if files is not None else tuple(expect_text(f) for f in expect_list(record["files"])),
    )


def _language_name(given: str) -> str:
    """The language's name ("english"): the record keeps names, briefing.json 3 ISO codes ("en")."""
    from briefing.errors import UnknownLanguageError
    from briefing.language import resolve_language

    try:
        return resolve_language(given)
    except UnknownLanguageError:
        return "english"


def _previous(story: dict[str, Any]) -> tuple[tuple[date, ...], tuple[str, ...]]:
    """A story's earlier days and its id on each: briefing.json 3 gives [{"date", "id"}]; the
    archive's record and briefing.json 2, dates with a list of ids beside them."""
    days: list[date] = []
    ids: list[str] = []
    for entry in expect_list(story.get("previous", [])):
        if isinstance(entry, dict):
            days.append(date.fromisoformat(expect_text(entry["date"])))
            ids.append(expect_text(entry.get("id") or ""))
        else:
            days.append(date.fromisoformat(expect_text(entry)))
    if not ids:
        ids = [expect_text(i) for i in expect_list(story.get("previous_ids", []))]
    return tuple(days), tuple(ids)


def update_archive(record: Path, briefings: Path, today: ArchivedDay) -> list[ArchivedDay]:
    """Every day with a briefing in `briefings`, newest first, `today` as given; the record
    rewritten to match (a record that cannot be written only warns: it is a shortcut)."""
    known = _load(record)
    days: dict[date, ArchivedDay] = {}
    for folder in sorted(briefings.iterdir()) if briefings.is_dir() else ():
        if not (_DAY.fullmatch(folder.name) and folder.is_dir()):
            continue
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue
        files = tuple(name for name in BRIEFING_FILES if (folder / name).is_file())
        if not files:
            continue
        if day in known:
            days[day] = ArchivedDay(day, known[day].title, known[day].language, known[day].stories, files)
        else:
            days[day] = _read_day(folder, day, files)
    days[today.date] = today
    ordered = sorted(days.values(), key=lambda d: d.date, reverse=True)
    try:
        data = {"version": ARCHIVE_VERSION, "days": [day_record(d) for d in ordered]}
        atomic_write(record, json.dumps(data, ensure_ascii=False) + "\n")
    except OSError as error:
        why = error.strerror or error
        log.warning("%s: cannot record the archive (%s); it is rebuilt next time", record, why)
    return ordered


def _load(record: Path) -> dict[date, ArchivedDay]:
    try:
        data = read_json(record, MAX_ARCHIVE_BYTES)
        if data is None:
            return {}
        found = expect_dict(data)
        if found.get("version") != ARCHIVE_VERSION:
            raise ValueError(f"version {found.get('version')!r}, not {ARCHIVE_VERSION}")
        days = [_day_from(item) for item in expect_list(found["days"])]
    except (OSError, Damaged, ValueError, KeyError, TypeError) as error:
        log.warning("%s: unreadable (%s); the archive is rebuilt from the briefings", record, error)
        return {}
    return {day.date: day for day in days}


def _read_day(folder: Path, day: date, files: tuple[str, ...]) -> ArchivedDay:
    """A day the record lacks, from its briefing.json; with none (or a broken one), without stories."""
    try:
        data = read_json(folder / "briefing.json", MAX_BRIEFING_JSON_BYTES)
        if data is not None:
            return _day_from(data, files)
    except (OSError, Damaged, ValueError, KeyError, TypeError) as error:
        log.warning("%s: unreadable (%s); the archive lists the day without its stories", folder, error)
    return ArchivedDay(day, "", "english", (), files)
