"""The time window of a run: which feed and page articles belong to today's briefing.

`window.since` is a duration back from the end of the window (24h), 'last-run'
(since the last successful build, which the store keeps) or 'all'. The window
ends now, or at the end of `--date` when that day is over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from briefing.config import parse_since

log = logging.getLogger(__name__)

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


# No bounds: every item, whenever published (a run that reads files, or a test).
EVERYTHING = Window(None, datetime.max.replace(tzinfo=UTC))


def window_for(
    since: str, zone: ZoneInfo, now: datetime, day: date | None = None, last_run: datetime | None = None
) -> Window:
    """The window of `window.since` ending `now` (or, for a `day` that is over, at its end);
    `last_run` is the start of the last successful build, for 'last-run'."""
    end = now.astimezone(zone)
    if day is not None and day < end.date():  # a day that is over: the window ends with it
        day_end = datetime.combine(day + timedelta(days=1), time(0), zone)
        end = min(end, day_end)
    if since == "all":
        return Window(None, end)
    if since == "last-run":
        if last_run is None:
            log.info("window: no earlier run on record; taking the last %s", _hours(FIRST_RUN))
            return Window(_before(end, FIRST_RUN), end)
        return Window(min(last_run.astimezone(zone), end), end)
    span = parse_since(since)
    assert span is not None  # validated with the config
    return Window(_before(end, span), end)


def _before(end: datetime, span: timedelta) -> datetime | None:
    """end - span, or no lower bound when that is before the first representable time."""
    try:
        return (end - span).astimezone(end.tzinfo)
    except OverflowError:
        return None


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}h"
