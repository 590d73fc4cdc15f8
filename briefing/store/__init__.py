"""Store: every file briefing keeps between runs, under the output folder.

    <output.dir>/
      <date>/briefing.*      the day's briefing (and briefing.eml, the message sent)
      .briefing.lock         one run at a time (store/lock.py)
      state.json             what was sent, per recipient (store/sent.py; email.state may move it)
      .cache/http.json       validators and bodies for conditional GET (store/http_cache.py)
      .cache/last-run.json   when the last build started, for window.since: last-run (store/last_run.py)
      index.html, index.md   the archive: every day built, newest first; latest.html, today's
      .cache/archive.json    what the archive lists of each day (store/archive.py)
      stories.sqlite         each briefing's stories, to recognise them on later days (store/memory.py)

Every write is atomic (store/files.py). Each file has its own policy for damage,
written in its module: the state stops the run (guessing what was sent could send
a briefing twice); the HTTP cache, the last-run record and the story memory are
warned about and started afresh (they only save work, or markers). A new kind of file is one module here and
one method of `Store`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from briefing.errors import DeliveryError
from briefing.store.archive import BRIEFING_FILES, ArchivedDay, update_archive
from briefing.store.files import atomic_write
from briefing.store.http_cache import HttpCache
from briefing.store.last_run import read_last_run, write_last_run
from briefing.store.lock import LOCK_FILE, run_lock
from briefing.store.memory import MEMORY_FILE, StoryMemory
from briefing.store.sent import STATE_FILE, SentLog

__all__ = ["HttpCache", "SentLog", "Store", "StoryMemory", "atomic_write"]

CACHE_FOLDER = ".cache"
HTTP_CACHE_FILE = "http.json"
LAST_RUN_FILE = "last-run.json"
ARCHIVE_FILE = "archive.json"
EML_FILE = "briefing.eml"


@dataclass(frozen=True, slots=True)
class Store:
    """The files of one output folder.

    `briefings` is where dated briefings (and the run lock) go when not in `folder`
    (`build --out`); `state` is the state file when `email.state` names another.
    """

    folder: Path
    briefings: Path | None = None
    state: Path | None = None

    @property
    def briefings_folder(self) -> Path:
        return self.briefings or self.folder

    @property
    def state_path(self) -> Path:
        return self.state or self.folder / STATE_FILE

    @property
    def sent(self) -> SentLog:
        return SentLog(self.state_path)

    def lock(self, *, wait: float | None, sleep: Callable[[float], None]) -> AbstractContextManager[None]:
        """Hold the run lock (AlreadyRunning when another run has it and `wait` runs out)."""
        return run_lock(self.briefings_folder / LOCK_FILE, wait=wait, sleep=sleep)

    def http_cache(self, today: date) -> HttpCache:
        return HttpCache(self.folder / CACHE_FOLDER / HTTP_CACHE_FILE, today)

    def last_run(self) -> datetime | None:
        return read_last_run(self.folder / CACHE_FOLDER / LAST_RUN_FILE)

    def remember_run(self, started: datetime) -> None:
        write_last_run(self.folder / CACHE_FOLDER / LAST_RUN_FILE, started)

    @property
    def memory(self) -> StoryMemory:
        """The stories of earlier briefings; kept beside them."""
        return StoryMemory(self.briefings_folder / MEMORY_FILE)

    def briefing_dir(self, day: date) -> Path:
        return self.briefings_folder / day.isoformat()

    def write_briefing(self, day: date, files: Mapping[str, str]) -> list[Path]:
        """Every rendered file into <briefings>/<date>/, atomically; the paths written."""
        return _write_all(self.briefing_dir(day), files)

    def archive(self, today: ArchivedDay) -> list[ArchivedDay]:
        """Every day built (in the briefings folder), newest first, with `today` as given."""
        folder = self.briefings_folder
        return update_archive(folder / CACHE_FOLDER / ARCHIVE_FILE, folder, today)

    def write_pages(self, pages: Mapping[str, str]) -> list[Path]:
        """The archive's pages (index.html, …) into the briefings folder, each atomically."""
        return _write_all(self.briefings_folder, pages)

    def write_message(self, day: date, message: bytes) -> Path:
        """The message as sent (or as it would be), next to its briefing."""
        target = self.briefing_dir(day) / EML_FILE
        try:
            atomic_write(target, message.decode("ascii"))
        except OSError as error:
            raise DeliveryError(f"{target}: cannot write ({error.strerror or error})") from None
        return target

    def built_files(self, day: date) -> tuple[str, ...]:
        """The briefing files of the day's folder (briefing.html, …), in the archive's order; none
        when the day was never built."""
        folder = self.briefing_dir(day)
        return tuple(name for name in BRIEFING_FILES if (folder / name).is_file())

    def read_part(self, day: date, name: str) -> str | None:
        """A file of the day's built briefing, or None when it is not there."""
        try:
            return (self.briefing_dir(day) / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise DeliveryError(f"{self.briefing_dir(day) / name}: cannot read: {error}") from None


def _write_all(folder: Path, files: Mapping[str, str]) -> list[Path]:
    """Each named text into `folder`, atomically; the paths written."""
    written = []
    for name, text in files.items():
        target = folder / name
        try:
            atomic_write(target, text)
        except OSError as error:
            raise DeliveryError(
                f"{target}: cannot write ({error.strerror or error}); check --out / output.dir"
            ) from None
        written.append(target)
    return written
