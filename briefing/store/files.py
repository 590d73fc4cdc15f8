"""How the store writes and reads its files: atomically, and never trusting what it reads.

A write goes to a temporary file in the same folder, is flushed to disk and
renamed over the target, and the folder's entry is flushed too: a crash leaves
the old file or the new one, never half of one. A read is size-limited and
returns the parsed JSON, None when the file is not there, or raises `Damaged`
with the reason; what damage means is each file's own policy (store/__init__).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class Damaged(Exception):
    """A store file exists but cannot be read as what it should be (the reason is the message).

    Never leaves the store: each file turns it into its own policy (stop, or start afresh).
    """


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write(path: Path, text: str) -> None:
    """Write text to path atomically (temp file, fsync, rename); OSError if it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates 0600; a briefing is as readable as any file the user creates.
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json(path: Path, limit: int) -> Any:
    """The JSON in path; None when there is no such file; Damaged (with the reason) when it is
    larger than `limit` bytes, not UTF-8, not JSON or too deeply nested; OSError when it cannot
    be read at all."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if len(raw) > limit:
        raise Damaged(f"over {limit // 1_048_576} MiB")
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        # UnicodeDecodeError and json's errors are ValueErrors; RecursionError is 100k-deep JSON.
        raise Damaged(reason(error)) from None


def reason(error: BaseException) -> str:
    """The first line of an error's message, or its kind when it has none."""
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def expect_dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def expect_list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def expect_text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value
