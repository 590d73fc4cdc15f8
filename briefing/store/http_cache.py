""".cache/http.json: validators and bodies of earlier responses, for conditional GET.

A damaged cache only costs full downloads: it is reported once and started afresh,
never a reason to stop the run. Entries unused for CACHE_DAYS are dropped.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from briefing.store.files import Damaged, atomic_write, expect_dict, read_json

log = logging.getLogger(__name__)

CACHE_DAYS = 7  # cache entries unused this long are dropped: a feed gone for a week is gone
MAX_CACHE_BYTES = 512 * 1024 * 1024  # a few hundred feeds at fetch.max_bytes each, compressed


@dataclass(slots=True)
class CacheEntry:
    etag: str | None
    last_modified: str | None
    content_type: str
    url: str  # after redirects
    body: bytes
    used: str  # ISO date of the last run that needed it


class HttpCache:
    """The cache in memory, safe to share between threads; `path` None keeps it in memory only.

    `today` stamps the entries a run uses; entries unused for CACHE_DAYS are dropped on save.
    """

    def __init__(self, path: Path | None = None, today: date = date.min) -> None:
        self.path = path
        self._today = today.isoformat()
        self._entries: dict[str, CacheEntry] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if path is not None:
            self._entries = _load(path)

    def get(self, url: str) -> CacheEntry | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and entry.used != self._today:
                entry.used = self._today
                self._dirty = True
            return entry

    def put(
        self,
        url: str,
        *,
        final_url: str,
        content_type: str,
        body: bytes,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        """Keep a response that carries validators; forget the URL's entry if it no longer does."""
        with self._lock:
            if etag or last_modified:
                self._entries[url] = CacheEntry(
                    etag, last_modified, content_type, final_url, body, self._today
                )
                self._dirty = True
            elif self._entries.pop(url, None) is not None:
                self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed; a failure only warns (the next run downloads in full)."""
        if self.path is None:
            return
        oldest = (date.fromisoformat(self._today) - timedelta(days=CACHE_DAYS)).isoformat()
        with self._lock:
            kept = {url: e for url, e in sorted(self._entries.items()) if e.used >= oldest}
            if not self._dirty and len(kept) == len(self._entries):
                return
            data: dict[str, Any] = {
                "version": 1,
                "entries": {
                    url: {
                        "etag": e.etag,
                        "last_modified": e.last_modified,
                        "content_type": e.content_type,
                        "url": e.url,
                        "used": e.used,
                        "body": base64.b64encode(zlib.compress(e.body, 6)).decode("ascii"),
                    }
                    for url, e in kept.items()
                },
            }
            try:
                atomic_write(self.path, json.dumps(data, indent=1) + "\n")
            except OSError as error:
                log.warning("%s: cannot save the HTTP cache (%s)", self.path, error.strerror or error)
                return
            self._entries = kept
            self._dirty = False


def _load(path: Path) -> dict[str, CacheEntry]:
    try:
        data = expect_dict(read_json(path, MAX_CACHE_BYTES) or {})
        return {
            url: CacheEntry(
                etag=item.get("etag"),
                last_modified=item.get("last_modified"),
                content_type=item.get("content_type", ""),
                url=item.get("url", url),
                body=zlib.decompress(base64.b64decode(item["body"])),
                used=item.get("used", ""),
            )
            for url, item in data.get("entries", {}).items()
        }
    except (OSError, Damaged, ValueError, KeyError, TypeError, AttributeError, zlib.error) as error:
        # A broken cache only costs full downloads; it must never stop the run.
        log.warning("%s: unreadable HTTP cache (%s); starting afresh", path, error)
        return {}
