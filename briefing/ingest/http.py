"""The one way feeds and pages are fetched: limited, polite, cached between runs.

Every request has a timeout and a size cap (checked while streaming, after
decompression), follows a bounded number of http(s)-only redirects, sends a
clear User-Agent and, when the server gave an ETag or Last-Modified before,
asks conditionally and reuses the cached body on 304. At most one request is
in flight per host, with a pause between two requests to the same host.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3

from briefing.config import FetchConfig
from briefing.deliver import atomic_write
from briefing.errors import SourceError

log = logging.getLogger("briefing")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_CONNECTION_REPR = re.compile(r"^\w*Connection(?:Pool)?\([^)]*\): ")
CACHE_DAYS = 7  # cache entries unused this long are dropped: a feed gone for a week is gone


class FetchError(SourceError):
    """A request failed: timeout, HTTP error, too big, bad redirect."""


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when the cached body was reused
    content_type: str
    body: bytes
    from_cache: bool


def default_user_agent() -> str:
    return f"briefing/{version('briefing')} (daily news briefing; polite feed reader)"


@dataclass(slots=True)
class _CacheEntry:
    etag: str | None
    last_modified: str | None
    content_type: str
    url: str
    body: bytes
    used: str  # ISO date of the last run that needed it


class HttpCache:
    """Validators and bodies of earlier responses, kept in one JSON file between runs."""

    def __init__(self, path: Path | None, today: datetime | None = None) -> None:
        self.path = path
        self._today = (today or datetime.now(UTC)).date()
        self._entries: dict[str, _CacheEntry] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if path is not None and path.exists():
            self._entries = self._load(path)

    @staticmethod
    def _load(path: Path) -> dict[str, _CacheEntry]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {
                url: _CacheEntry(
                    etag=item.get("etag"),
                    last_modified=item.get("last_modified"),
                    content_type=item.get("content_type", ""),
                    url=item.get("url", url),
                    body=zlib.decompress(base64.b64decode(item["body"])),
                    used=item.get("used", ""),
                )
                for url, item in data.get("entries", {}).items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError, zlib.error) as error:
            # A broken cache only costs full downloads; it must never stop the run.
            log.warning("%s: unreadable HTTP cache (%s); starting afresh", path, error)
            return {}

    def get(self, url: str) -> _CacheEntry | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and entry.used != self._today.isoformat():
                entry.used = self._today.isoformat()
                self._dirty = True
            return entry

    def put(self, url: str, response: Response, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            if etag or last_modified:
                self._entries[url] = _CacheEntry(
                    etag,
                    last_modified,
                    response.content_type,
                    response.url,
                    response.body,
                    self._today.isoformat(),
                )
                self._dirty = True
            elif self._entries.pop(url, None) is not None:
                self._dirty = True

    def save(self) -> None:
        if self.path is None:
            return
        oldest = (self._today - timedelta(days=CACHE_DAYS)).isoformat()
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


class HttpClient:
    """GET with limits; safe to share between threads.

    `clock` (seconds, monotonic) and `sleep` are injectable so tests of the
    per-host delay and the time limit need not wait.
    """

    def __init__(
        self,
        settings: FetchConfig,
        cache: HttpCache | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.cache = cache or HttpCache(None)
        self._clock = clock
        self._sleep = sleep
        self._user_agent = settings.user_agent or default_user_agent()
        self._pool = urllib3.PoolManager(
            num_pools=32,
            maxsize=1,  # one connection per host is all the per-host lock ever lets through
            retries=False,
            timeout=urllib3.Timeout(connect=settings.timeout, read=settings.timeout),
        )
        self._hosts_lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        self._pool.clear()

    def get(self, url: str, accept: str = "*/*") -> Response:
        """Fetch url; FetchError (naming the URL) on any failure."""
        cached = self.cache.get(url)
        headers = {"User-Agent": self._user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            status, location, content_type, body, validators = self._request(url, current, headers)
            if status == 304 and cached is not None:
                return Response(cached.url, 304, cached.content_type, cached.body, from_cache=True)
            if status in _REDIRECTS and location:
                current = _redirect_target(url, current, location)
                continue
            if status >= 400 or status == 304:
                raise FetchError(f"{url}: HTTP {status}; skipped")
            response = Response(current, status, content_type, body, from_cache=False)
            self.cache.put(url, response, *validators)
            return response
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects; skipped")

    def _request(
        self, url: str, current: str, headers: dict[str, str]
    ) -> tuple[int, str, str, bytes, tuple[str | None, str | None]]:
        host = urlsplit(current).netloc.lower()
        with self._host_lock(host):
            self._wait_for(host)
            try:
                return self._exchange(url, current, headers)
            finally:
                self._last_request[host] = self._clock()

    def _exchange(
        self, url: str, current: str, headers: dict[str, str]
    ) -> tuple[int, str, str, bytes, tuple[str | None, str | None]]:
        limit = self.settings.max_bytes
        started = self._clock()
        try:
            response = self._pool.request(
                "GET", current, headers=headers, redirect=False, preload_content=False
            )
        except urllib3.exceptions.NewConnectionError as error:  # (a ConnectTimeoutError subclass)
            raise FetchError(f"{url}: cannot connect ({_reason(error)}); skipped") from None
        except urllib3.exceptions.TimeoutError:
            raise FetchError(f"{url}: timed out after {self.settings.timeout:g}s; skipped") from None
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(f"{url}: cannot fetch ({_reason(error)}); skipped") from None
        try:
            status = response.status
            location = response.headers.get("Location", "")
            content_type = response.headers.get("Content-Type", "")
            validators = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
            if not 200 <= status < 300:
                return status, location, content_type, b"", validators
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                shown = _size(int(declared))
                raise FetchError(
                    f"{url}: response is {shown}, over fetch.max_bytes ({_size(limit)}); skipped"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"{url}: response is over fetch.max_bytes ({_size(limit)}); skipped")
                if self._clock() - started > self.settings.timeout:
                    raise FetchError(f"{url}: timed out after {self.settings.timeout:g}s; skipped")
                chunks.append(chunk)
            return status, location, content_type, b"".join(chunks), validators
        except urllib3.exceptions.TimeoutError:
            raise FetchError(f"{url}: timed out after {self.settings.timeout:g}s; skipped") from None
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(f"{url}: cannot fetch ({_reason(error)}); skipped") from None
        finally:
            response.release_conn()

    def _host_lock(self, host: str) -> threading.Lock:
        with self._hosts_lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_for(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            pause = last + self.settings.per_host_delay - self._clock()
            if pause > 0:
                self._sleep(pause)


def _redirect_target(url: str, current: str, location: str) -> str:
    target = urljoin(current, location)
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url}: redirected to {target!r}, which is not http(s); skipped")
    return target


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    text = str(reason)
    # urllib3 prefixes its messages with the connection object's repr; keep what a person reads.
    text = text.split(">: ", 1)[-1] if ">: " in text else text
    return _CONNECTION_REPR.sub("", text)


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{count / 1000:.0f} kB"
