"""Deliver: rendered files → out/<date>/, written atomically.

Each file is written to a temporary file in the same folder, flushed to disk
and renamed over the target, so a crash never leaves a half-written briefing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from briefing.errors import DeliveryError


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write(path: Path, text: str) -> None:
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


def briefing_dir(out_dir: Path, day: date) -> Path:
    return out_dir / day.isoformat()


def write_files(out_dir: Path, day: date, files: Mapping[str, str]) -> list[Path]:
    """Write every rendered file into out/<date>/; returns the paths written."""
    folder = briefing_dir(out_dir, day)
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
