"""The one way feeds, pages and pings are fetched: limited, polite, cached between runs.

Every request has a wall-clock deadline (connect, TLS, headers and body: a
trickling server cannot extend it) and a size cap (checked while streaming,
after decompression), follows a bounded number of http(s)-only redirects, sends
a clear User-Agent and, when the server gave an ETag or Last-Modified before,
asks conditionally and reuses the cached body on 304. At most one request is in
flight per host, with a pause between two requests to the same host.

No request reaches a loopback, private, link-local, multicast or otherwise
non-public address unless `fetch.allow_private_networks` is on, and even then
only on the host and port of the configured URL it started from: a redirect or
a link found in a feed or page never leads inside the network. The check is made
on the addresses the host name resolves to, at every connection, so every
redirect hop is checked and DNS cannot answer differently between check and use.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.connection import allowed_gai_family

from briefing.config import FetchConfig
from briefing.deadline import SocketWatch
from briefing.errors import FetchError
from briefing.store import HttpCache

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_CONNECTION_REPR = re.compile(r"^\w*Connection(?:Pool)?\([^)]*\): ")


class _PrivateAddress(Exception):
    """The host resolves to an address this request may not reach (raised through urllib3)."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(host, address)
        self.host, self.address = host, address


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope (fe80::1%eth0) is not part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


class _Exchange(threading.local):
    """What the connection being opened in this thread is allowed: set per request by HttpClient."""

    watch: SocketWatch | None = None
    private_ok: tuple[str, int] | None = None  # (host, port) that may resolve to a private address


_current = _Exchange()


def _guarded_socket(host: str, port: int, timeout: float | None, options: Any) -> socket.socket:
    """Resolve host, refuse a non-public address unless allowed, connect, and watch the socket."""
    allowed = _current.private_ok == (host.lower(), port)
    addresses = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    for *_, sockaddr in addresses:
        if not allowed and not is_public_address(str(sockaddr[0])):
            raise _PrivateAddress(host, str(sockaddr[0]))
    watch = _current.watch
    if watch is not None:
        if watch.expired:
            raise TimeoutError("deadline passed before connecting")
        timeout = min(timeout or watch.remaining(), watch.remaining())
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            for option in options or ():
                sock.setsockopt(*option)
            sock.settimeout(timeout)
            if watch is not None:
                watch.watch(sock)
            sock.connect(sockaddr)
            return sock
        except OSError as failure:
            error = failure
            sock.close()
    raise error or OSError(f"{host}: no address to connect to")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self)


def _connect(connection: HTTPConnection) -> socket.socket:
    try:
        return _guarded_socket(
            connection._dns_host.strip("[]").rstrip("."),
            connection.port or 80,
            connection.timeout if isinstance(connection.timeout, int | float) else None,
            connection.socket_options,
        )
    except socket.gaierror as error:
        raise urllib3.exceptions.NameResolutionError(connection.host, connection, error) from error
    except TimeoutError as error:
        raise urllib3.exceptions.ConnectTimeoutError(connection, f"timed out ({error})") from error
    except OSError as error:
        raise urllib3.exceptions.NewConnectionError(connection, f"{error.strerror or error}") from error


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when the cached body was reused
    content_type: str
    body: bytes
    from_cache: bool


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a caller's time is up (a `clock()` value), and how to say so."""

    at: float
    why: str  # e.g. "its source's time (fetch.source_timeout: 120s) ran out"


@dataclass(frozen=True, slots=True)
class _Hop:
    """One request of a fetch: the URL asked for, the one this hop goes to (after redirects)."""

    url: str
    current: str
    headers: dict[str, str]
    private_ok: tuple[str, int] | None  # (host, port) that may resolve to a private address
    deadline: Deadline | None


# status, Location, Content-Type, body, (ETag, Last-Modified)
_Answer = tuple[int, str, str, bytes, tuple[str | None, str | None]]


def default_user_agent() -> str:
    return f"briefing/{version('briefing')} (daily news briefing; polite feed reader)"


class HttpClient:
    """GET with limits; safe to share between threads.

    `clock` (seconds, monotonic) and `sleep` are injectable so tests of the
    per-host delay need not wait.
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
        self.cache = cache or HttpCache()
        self._clock = clock
        self._stopped = threading.Event()  # set by abort(): a pause between requests ends at once
        self._sleep = sleep if sleep is not time.sleep else self._pause
        self._user_agent = settings.user_agent or default_user_agent()
        self._pool = urllib3.PoolManager(
            num_pools=32,
            maxsize=1,  # one connection per host is all the per-host lock ever lets through
            retries=False,
            timeout=urllib3.Timeout(connect=settings.timeout, read=settings.timeout),
        )
        # Every connection is opened through the address check and the deadline's watch.
        self._pool.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
        self._hosts_lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_request: dict[str, float] = {}
        self._watches: set[SocketWatch] = set()
        self._aborted: str | None = None
        self.interrupted = False  # the run was stopped by a signal: its sources fail silently

    def close(self) -> None:
        self._pool.clear()

    def abort(self, reason: str, *, interrupted: bool = False) -> None:
        """End every request in flight now and refuse new ones (the run's time is up, or it
        was `interrupted`): requests waiting for their host's turn give up too."""
        with self._hosts_lock:
            self._aborted = reason
            self.interrupted = self.interrupted or interrupted
            watches = list(self._watches)
        self._stopped.set()
        for watch in watches:
            watch.expire()

    def _pause(self, seconds: float) -> None:
        self._stopped.wait(seconds)

    def _refuse_if_aborted(self, url: str) -> None:
        if self._aborted:
            raise FetchError(f"{url}: not fetched: {self._aborted}; skipped")

    def get(
        self,
        url: str,
        accept: str = "*/*",
        *,
        origin: str | None = None,
        deadline: Deadline | None = None,
        use_cache: bool = True,
    ) -> Response:
        """Fetch url; FetchError (naming the URL) on any failure.

        `origin` is the configured URL that `url` was found in (a feed's link to a
        page), None when `url` is itself configured. `deadline` ends the request early,
        e.g. when its source's time is up.
        """
        cached = self.cache.get(url) if use_cache else None
        headers = {"User-Agent": self._user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        private_ok = _host_port(origin or url) if self.settings.allow_private_networks else None
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            status, location, content_type, body, validators = self._request(
                _Hop(url, current, headers, private_ok, deadline)
            )
            if status == 304 and cached is not None:
                return Response(cached.url, 304, cached.content_type, cached.body, from_cache=True)
            if status in _REDIRECTS and location:
                current = _redirect_target(url, current, location)
                continue
            if status >= 400 or status == 304:
                raise FetchError(f"{url}: HTTP {status}; skipped")
            response = Response(current, status, content_type, body, from_cache=False)
            if use_cache:
                etag, last_modified = validators
                self.cache.put(
                    url,
                    final_url=current,
                    content_type=content_type,
                    body=body,
                    etag=etag,
                    last_modified=last_modified,
                )
            return response
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects; skipped")

    def _request(self, hop: _Hop) -> _Answer:
        url, deadline = hop.url, hop.deadline
        host = urlsplit(hop.current).netloc.lower()
        lock = self._host_lock(host)
        # Waiting for the host's turn counts against the caller's deadline, not the request's.
        wait = -1.0 if deadline is None else max(0.0, deadline.at - self._clock())
        self._refuse_if_aborted(url)
        if not lock.acquire(timeout=wait):
            raise FetchError(f"{url}: not fetched: {self._late(deadline)}; skipped")
        try:
            self._refuse_if_aborted(url)
            self._wait_for(host, deadline)
            self._refuse_if_aborted(url)
            try:
                return self._exchange(hop)
            finally:
                self._last_request[host] = self._clock()
        finally:
            lock.release()

    def _late(self, deadline: Deadline | None) -> str:
        return self._aborted or (deadline.why if deadline else "time ran out")

    def _exchange(self, hop: _Hop) -> _Answer:
        url, current, deadline = hop.url, hop.current, hop.deadline
        timeout = self.settings.timeout
        own_deadline = self._clock() + timeout
        if deadline is not None and deadline.at < own_deadline:
            own_deadline, timed_out = deadline.at, self._late(deadline)
        else:
            timed_out = f"timed out after {timeout:g}s"
        with SocketWatch(own_deadline, self._clock) as watch:
            with self._hosts_lock:
                if self._aborted:
                    raise FetchError(f"{url}: not fetched: {self._aborted}; skipped")
                self._watches.add(watch)
            _current.watch, _current.private_ok = watch, hop.private_ok
            try:
                return self._transfer(url, current, hop.headers, watch)
            except _PrivateAddress as refused:
                where = "" if current == url else f" (redirected to {current})"
                hint = (
                    "a redirect or a link found in a feed or page never leads there"
                    if self.settings.allow_private_networks
                    else "set fetch.allow_private_networks: true if this source is on your own network"
                )
                raise FetchError(
                    f"{url}{where}: {refused.host} is at {refused.address}, a private or local address; "
                    f"not fetched ({hint}); skipped"
                ) from None
            except (urllib3.exceptions.HTTPError, OSError) as error:
                if watch.expired:
                    reason = self._aborted or timed_out
                    raise FetchError(f"{url}: {reason}; skipped") from None
                if isinstance(error, urllib3.exceptions.NewConnectionError):
                    raise FetchError(f"{url}: cannot connect ({_reason(error)}); skipped") from None
                if isinstance(error, urllib3.exceptions.TimeoutError | TimeoutError):
                    raise FetchError(f"{url}: {timed_out}; skipped") from None
                raise FetchError(f"{url}: cannot fetch ({_reason(error)}); skipped") from None
            finally:
                _current.watch = _current.private_ok = None
                with self._hosts_lock:
                    self._watches.discard(watch)

    def _transfer(self, url: str, current: str, headers: dict[str, str], watch: SocketWatch) -> _Answer:
        limit = self.settings.max_bytes
        # A new connection for every request: each one is opened through the address
        # check and watched by this request's deadline (and a host gets one request a second).
        response = self._pool.request(
            "GET", current, headers={**headers, "Connection": "close"}, redirect=False, preload_content=False
        )
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
                chunks.append(chunk)
            if watch.expired:  # the last read may have ended only because the socket was shut
                raise TimeoutError("deadline passed")
            return status, location, content_type, b"".join(chunks), validators
        finally:
            response.close()
            response.release_conn()

    def _host_lock(self, host: str) -> threading.Lock:
        with self._hosts_lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_for(self, host: str, deadline: Deadline | None) -> None:
        last = self._last_request.get(host)
        if last is not None:
            pause = last + self.settings.per_host_delay - self._clock()
            if deadline is not None:
                pause = min(pause, deadline.at - self._clock())
            if pause > 0:
                self._sleep(pause)


def _host_port(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    return (host.lower(), port) if host else None


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
