"""The store: every file kept between runs, written atomically, each with its policy for damage."""

from __future__ import annotations

import logging
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from briefing.errors import AlreadyRunning, DeliveryError, StateError
from briefing.store import Store
from briefing.store import files as store_files
from briefing.store.files import atomic_write

NOW = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)


def test_files_land_in_a_dated_folder_and_are_readable(tmp_path: Path) -> None:
    store = Store(tmp_path)
    written = store.write_briefing(date(2026, 11, 26), {"briefing.md": "# Hi\n", "briefing.json": "{}\n"})
    assert written == [tmp_path / "2026-11-26" / "briefing.md", tmp_path / "2026-11-26" / "briefing.json"]
    assert written[0].read_text(encoding="utf-8") == "# Hi\n"
    mode = stat.S_IMODE(written[0].stat().st_mode)
    assert mode == 0o666 & ~store_files._UMASK  # not mkstemp's 0600


def test_briefings_elsewhere_keep_the_state_and_cache_in_the_output_folder(tmp_path: Path) -> None:
    store = Store(tmp_path / "out", briefings=tmp_path / "elsewhere", state=tmp_path / "state" / "sent.json")
    [path] = store.write_briefing(date(2026, 11, 26), {"briefing.md": "x\n"})
    assert path == tmp_path / "elsewhere" / "2026-11-26" / "briefing.md"
    assert store.state_path == tmp_path / "state" / "sent.json"
    store.remember_run(NOW)
    assert (tmp_path / "out" / ".cache" / "last-run.json").is_file()


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


def test_a_briefing_that_cannot_be_written_is_a_delivery_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "2026-11-26").write_text("a file where the day's folder should be", encoding="utf-8")
    with pytest.raises(DeliveryError, match=r"2026-11-26/briefing.md: cannot write \("):
        Store(tmp_path).write_briefing(date(2026, 11, 26), {"briefing.md": "x\n"})


# ---- damage: the state stops the run; the cache and the last run start afresh ---------------


def test_a_damaged_state_stops_the_run_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.state_path.write_text('{"version": 2, "sent": {', encoding="utf-8")
    with pytest.raises(StateError, match=r"state.json: the state file is damaged .*fix it or move it away"):
        store.sent.latest(date(2026, 11, 26))


def test_a_damaged_http_cache_is_warned_about_and_started_afresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / ".cache" / "http.json"
    path.parent.mkdir()
    path.write_text('{"version": 1, "entries": {"http://x/": {"body": "not base64 zlib"}}}', encoding="utf-8")
    cache = Store(tmp_path).http_cache(NOW.date())
    assert cache.get("http://x/") is None
    assert "http.json: unreadable HTTP cache" in caplog.text and "starting afresh" in caplog.text
    cache.put(
        "http://y/",
        final_url="http://y/",
        content_type="text/xml",
        body=b"<rss/>",
        etag='"1"',
        last_modified=None,
    )
    cache.save()
    again = Store(tmp_path).http_cache(NOW.date()).get("http://y/")
    assert again is not None and again.body == b"<rss/>" and again.etag == '"1"'


@pytest.mark.parametrize("content", ["{not json", '{"last_run": "2026-11-25T06:00:00"}', '["a list"]'])
def test_a_damaged_last_run_counts_as_no_run_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = tmp_path / ".cache" / "last-run.json"
    path.parent.mkdir()
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert Store(tmp_path).last_run() is None
    assert content.startswith('{"last_run"') or "last-run.json: unreadable" in caplog.text
    Store(tmp_path).remember_run(NOW)
    assert Store(tmp_path).last_run() == NOW


def test_a_last_run_that_cannot_be_recorded_only_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / ".cache").write_text("a file where the cache folder should be", encoding="utf-8")
    Store(tmp_path).remember_run(NOW)
    assert "last-run.json: cannot record this run" in caplog.text


def test_the_lock_is_held_by_one_run_at_a_time(tmp_path: Path) -> None:
    def take(store: Store) -> None:
        with store.lock(wait=0, sleep=lambda seconds: None):
            pass

    store = Store(tmp_path)
    with store.lock(wait=0, sleep=lambda seconds: None), pytest.raises(AlreadyRunning, match=r"process"):
        take(Store(tmp_path))
    take(store)  # released with its holder
