"""Writing the briefing files: atomic, complete, readable like any other file."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from briefing import deliver
from briefing.deliver import atomic_write, write_files


def test_files_land_in_a_dated_folder_and_are_readable(tmp_path: Path) -> None:
    written = write_files(tmp_path, date(2026, 11, 26), {"briefing.md": "# Hi\n", "briefing.json": "{}\n"})
    assert written == [tmp_path / "2026-11-26" / "briefing.md", tmp_path / "2026-11-26" / "briefing.json"]
    assert written[0].read_text(encoding="utf-8") == "# Hi\n"
    mode = stat.S_IMODE(written[0].stat().st_mode)
    assert mode == 0o666 & ~deliver._UMASK  # not mkstemp's 0600


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "briefing.md"
    atomic_write(target, "old briefing\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write(target, "new briefing that never fully lands\n")
    assert target.read_text(encoding="utf-8") == "old briefing\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.md"]
