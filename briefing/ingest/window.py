"""The time window of a run: which feed and page articles belong to today's briefing.

`window.since` is a duration back from the end of the window (24h), 'last-run'
(since the last successful build, kept in `<output.dir>/.cache/last-run.json`)
or 'all'. The window ends now, or at the end of `--date` when that day is over.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from briefing.config import Config, parse_since
from briefing.deliver import atomic_write

log = logging.getLogger("briefing")

FIRST_RUN = timedelta(hours=24)  # 'last-run' with no run on record yet


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime | None  # None: no lower bound ('all')
    end: datetime

    def contains(self, published: datetime | None, date_only: bool = False) -> bool:
        """Undated items are always in; a bare day is in when any of it overlaps the window."""
        if published is None:
            return True
        if date_only:
            zone = self.end.tzinfo
            day = published.astimezone(zone).date()
            first = self.start.astimezone(zone).date() if self.start else date.min
            return first <= day <= self.end.date()
        return (self.start is None or published >= self.start) and published <= self.end

    def describe(self) -> str:
        start = f"{self.start:%Y-%m-%d %H:%M %Z}" if self.start else "the beginning"
        return f"{start} – {self.end:%Y-%m-%d %H:%M %Z}"


def cache_dir(config: Config) -> Path:
    return config.resolve(config.output.dir) / ".cache"


def last_run_path(config: Config) -> Path:
    return cache_dir(config) / "last-run.json"


def window_for(config: Config, now: datetime, day: date | None = None) -> Window:
    zone = config.zone
    end = now.astimezone(zone)
    if day is not None and day < end.date():  # a day that is over: the window ends with it
        day_end = datetime.combine(day + timedelta(days=1), time(0), zone)
        end = min(end, day_end)
    since = config.window.since
    if since == "all":
        return Window(None, end)
    if since == "last-run":
        last = read_last_run(config)
        if last is None:
            log.info("window: no earlier run on record; taking the last %s", _hours(FIRST_RUN))
            return Window(_before(end, FIRST_RUN), end)
        return Window(min(last.astimezone(zone), end), end)
    span = parse_since(since)
    assert span is not None  # validated with the config
    return Window(_before(end, span), end)


def _before(end: datetime, span: timedelta) -> datetime | None:
    """end - span, or no lower bound when that is before the first representable time."""
    try:
        return (end - span).astimezone(end.tzinfo)
    except OverflowError:
        return None


def read_last_run(config: Config) -> datetime | None:
    path = last_run_path(config)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stamp = datetime.fromisoformat(data["last_run"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        log.warning("%s: unreadable (%s); taking the last %s", path, error, _hours(FIRST_RUN))
        return None
    return stamp if stamp.tzinfo else None


def remember_run(config: Config, started: datetime) -> None:
    """Record a successful build, for `window.since: last-run`; only that setting needs it."""
    if config.window.since != "last-run":
        return
    atomic_write(last_run_path(config), json.dumps({"last_run": started.isoformat()}) + "\n")


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}h"
