""".cache/last-run.json: when the last successful build started, for `window.since: last-run`.

A damaged record counts as no run on record (the window then takes its first-run
span), with a warning; a record that cannot be written only warns.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from briefing.store.files import Damaged, atomic_write, expect_dict, expect_text, read_json

log = logging.getLogger(__name__)

MAX_LAST_RUN_BYTES = 4096  # one time stamp


def read_last_run(path: Path) -> datetime | None:
    """The start of the last successful build, or None when none is on record (or it is damaged)."""
    try:
        data = read_json(path, MAX_LAST_RUN_BYTES)
        if data is None:
            return None
        stamp = datetime.fromisoformat(expect_text(expect_dict(data)["last_run"]))
    except (OSError, Damaged, ValueError, KeyError, TypeError) as error:
        log.warning("%s: unreadable (%s); counted as no earlier run", path, error)
        return None
    return stamp if stamp.tzinfo else None


def write_last_run(path: Path, started: datetime) -> None:
    try:
        atomic_write(path, json.dumps({"last_run": started.isoformat()}) + "\n")
    except OSError as error:
        log.warning("%s: cannot record this run (%s)", path, error.strerror or error)
