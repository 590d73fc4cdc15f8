"""A wall-clock deadline for blocking socket I/O that no trickle can extend.

A socket timeout bounds each `recv`, so a server sending one byte a second keeps
a read alive for ever. `SocketWatch` registers the sockets of one exchange (an
HTTP request, an SMTP session) and, when its deadline passes, shuts them down
from a timer thread: every blocked read or write returns at once with an error,
and the exchange fails as timed out.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType


class SocketWatch:
    """Shut down every registered socket when `deadline` (a `clock()` value) passes."""

    def __init__(self, deadline: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.deadline = deadline
        self._clock = clock
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []  # duplicates: the exchange may close its own
        self._expired = False
        self._done = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> SocketWatch:
        self._timer = threading.Timer(max(0.0, self.remaining()), self.expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._done = True
            for sock in self._watched:
                sock.close()
            self._watched.clear()

    @property
    def expired(self) -> bool:
        return self._expired or self.remaining() <= 0

    def remaining(self) -> float:
        return self.deadline - self._clock()

    def watch(self, sock: socket.socket) -> None:
        """Register a connected socket; shut down at once if the deadline has passed already."""
        try:
            # A plain socket on the same connection (an SSLSocket cannot be dup()ed, its
            # descriptor can): shutting it down ends the reads of every descriptor on it.
            duplicate = socket.socket(fileno=os.dup(sock.fileno()))
        except OSError:
            return
        with self._lock:
            if self._done:
                duplicate.close()
                return
            self._watched.append(duplicate)
            if self._expired:
                _shutdown(duplicate)

    def expire(self) -> None:
        """End the exchange now (the deadline passed, or the run was cut short)."""
        with self._lock:
            if self._done:
                return
            self._expired = True
            for sock in self._watched:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
