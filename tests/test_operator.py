"""The operator's tool, as a person and cron use it: the console script in a subprocess, a
temporary HOME, real signals against slow local servers, a pseudo-terminal for `run`."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import weakref
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiosmtpd.controller import Controller

from briefing import interrupts
from briefing.app import EXAMPLE_CONFIG
from briefing.errors import Interrupted
from builders import REPO, example_config, write_config

SCRIPT = str(Path(sys.executable).with_name("briefing"))
FEEDS = REPO / "tests" / "fixtures" / "feeds"
ZONE = ZoneInfo(example_config()["timezone"])


def today() -> str:
    return datetime.now(ZONE).date().isoformat()


@dataclass
class User:
    """A person with an empty HOME, in a folder of their own."""

    home: Path
    cwd: Path
    env: dict[str, str]

    def start(self, *args: str, **options: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [SCRIPT, *args],
            cwd=options.pop("cwd", self.cwd),
            env={**self.env, **options.pop("env", {})},
            stdin=subprocess.DEVNULL,
            stdout=options.pop("stdout", subprocess.PIPE),
            stderr=subprocess.PIPE,
            text=True,
            **options,
        )

    def run(self, *args: str, **options: Any) -> subprocess.CompletedProcess[str]:
        process = self.start(*args, **options)
        out, err = process.communicate(timeout=60)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)

    def run_all(self, *commands: Sequence[str] | tuple[Sequence[str], dict[str, Any]]) -> list[Done]:
        """Several independent commands at once (each start-up takes a second or two); a command
        is its arguments, or (arguments, options of `start`)."""
        started = []
        for command in commands:
            if isinstance(command, tuple) and len(command) == 2 and isinstance(command[1], dict):
                started.append(self.start(*command[0], **command[1]))
            else:
                started.append(self.start(*command))
        finished = []
        for process in started:
            out, err = process.communicate(timeout=60)
            finished.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
        return finished


Done = subprocess.CompletedProcess[str]


@pytest.fixture
def user(tmp_path: Path) -> User:
    home, cwd = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_CONFIG", "XDG_CONFIG_HOME")}
    env["HOME"] = str(home)
    return User(home, cwd, env)


def example_project(folder: Path, **overrides: Any) -> Path:
    """The example config and articles in `folder`, with top-level keys replaced; the config's path."""
    shutil.copytree(REPO / "examples" / "articles", folder / "examples" / "articles")
    return write_config(folder, **overrides)


# ---- help, commands, options -----------------------------------------------------------------


def test_help_did_you_mean_and_options_before_or_after_the_command(user: User) -> None:
    config = example_project(user.cwd / "project")
    bare, typo, far, before, after, quiet = user.run_all(
        [],
        ["bulid"],
        ["xyzzy"],
        ["-c", str(config), "-v", "check"],
        ["check", "-c", str(config), "-v"],
        ["-q", "--config", str(config), "check"],
    )
    assert bare.returncode == 2 and bare.stderr == ""
    assert "usage: briefing" in bare.stdout and "init" in bare.stdout and "$BRIEFING_CONFIG" in bare.stdout
    assert typo.returncode == 2 and "unknown command 'bulid'; did you mean build?" in typo.stderr
    assert far.returncode == 2 and "unknown command 'xyzzy' (commands: build, run" in far.stderr
    line = f"{config}: OK — 1 source, 2 topics, no e-mail\n"
    assert before.returncode == after.returncode == quiet.returncode == 0
    assert before.stdout == after.stdout == quiet.stdout == line


# ---- init and where the config is found ----------------------------------------------------


def test_init_writes_the_commented_example_and_nothing_else_and_never_overwrites(user: User) -> None:
    first = user.run("init")
    assert first.returncode == 0, first.stderr
    assert [p.name for p in user.cwd.iterdir()] == ["config.yaml"]
    written = (user.cwd / "config.yaml").read_text(encoding="utf-8")
    assert written == (REPO / "config.yaml").read_text(encoding="utf-8")
    assert "# " in written and "briefing check" in written  # the commented one
    (user.cwd / "config.yaml").write_text("title: mine\n", encoding="utf-8")
    again, elsewhere = user.run_all(["init"], ["init", "new/folder"])
    assert again.returncode == 2
    assert (
        again.stderr
        == "briefing: config.yaml: already exists; not overwritten (edit it, or remove it first)\n"
    )
    assert (user.cwd / "config.yaml").read_text(encoding="utf-8") == "title: mine\n"
    assert elsewhere.returncode == 0 and (user.cwd / "new" / "folder" / "config.yaml").read_text() == written


def test_the_shipped_example_is_the_repositorys_config_yaml() -> None:
    """One source of truth: the package's example-config.yaml is the top-level config.yaml (a
    symlink in the repository; a copy in a wheel, which `pip install .` was checked to carry)."""
    shipped = REPO / "briefing" / EXAMPLE_CONFIG
    assert shipped.read_bytes() == (REPO / "config.yaml").read_bytes()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert EXAMPLE_CONFIG in pyproject["tool"]["setuptools"]["package-data"]["briefing"]


def test_config_is_found_by_flag_then_variable_then_current_folder_then_xdg(
    user: User, tmp_path: Path
) -> None:
    # Each a working project whose title says which it is; relative paths resolve against its folder.
    xdg_home = user.home / ".config"
    places = {
        "xdg": xdg_home / "briefing",
        "custom-xdg": tmp_path / "custom-xdg" / "briefing",
        "cwd": user.cwd,
        "env": tmp_path / "by-variable",
        "flag": tmp_path / "by-flag",
    }
    configs = {name: example_project(folder, title=f"from {name}") for name, folder in places.items()}
    empty = tmp_path / "empty"
    empty.mkdir()
    variable = {"BRIEFING_CONFIG": str(configs["env"])}
    flag, env, cwd, xdg, custom, none = user.run_all(
        (["check", "--config", str(configs["flag"])], {"env": variable}),
        (["check"], {"env": variable}),
        ["check"],
        (["build", "--date", "yesterday"], {"cwd": empty}),
        (["check"], {"cwd": empty, "env": {"XDG_CONFIG_HOME": str(tmp_path / "custom-xdg")}}),
        (["build"], {"cwd": empty, "env": {"HOME": str(empty)}}),
    )
    assert flag.stdout.startswith(f"{configs['flag']}: OK"), flag.stderr
    assert env.stdout.startswith(f"{configs['env']}: OK"), env.stderr
    assert cwd.stdout.startswith("config.yaml: OK"), cwd.stderr
    assert custom.stdout.startswith(f"{configs['custom-xdg']}: OK"), custom.stderr
    # In a folder with no config.yaml: ~/.config/briefing/config.yaml, its output folder and
    # articles found relative to it, not to the current folder.
    assert xdg.returncode == 0, xdg.stderr
    briefing = Path(xdg.stdout.splitlines()[-1])
    assert json.loads(briefing.read_text(encoding="utf-8"))["title"] == "from xdg"
    assert briefing.parent.parent == places["xdg"] / "out"
    assert none.returncode == 2
    xdg_default = empty / ".config" / "briefing" / "config.yaml"
    assert none.stderr.startswith(
        f"briefing: no config file found (looked for config.yaml, {xdg_default}); run `briefing init`"
    )


# ---- messages in the user's terms -----------------------------------------------------------


def test_config_mistakes_are_named_with_what_was_meant(user: User) -> None:
    example_project(user.cwd, titel="x", summary={"sentence": 3}, language="de", sources={"path": "a/*.txt"})
    result = user.run("check")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "briefing: config.yaml: sources: expected a list (lines starting with '- '), got a mapping (path)",
        "briefing: config.yaml: summary.sentence: unknown key; did you mean sentences?",
        "briefing: config.yaml: titel: unknown key; did you mean title?",
    ]  # and language: de (ISO 639-1) is accepted


def test_out_must_be_a_writable_folder_said_without_the_lock_file(user: User, tmp_path: Path) -> None:
    example_project(user.cwd)
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    immutable = os.geteuid() == 0  # root writes anywhere; an immutable folder it cannot write
    if immutable and subprocess.run(["chattr", "+i", str(read_only)], check=False).returncode != 0:
        pytest.skip("running as root where chattr +i is not allowed: no folder root cannot write")
    try:
        on_file, in_file, on_read_only = user.run_all(
            ["build", "--out", str(a_file)],
            ["build", "--out", str(a_file / "out")],
            ["build", "--out", str(read_only)],
        )
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(read_only)], check=True)
    assert on_file.returncode == in_file.returncode == 2
    assert on_file.stderr == (
        f"briefing: {a_file}: is a file, not a folder; --out (or output.dir) must be a folder: "
        "briefings go to <folder>/<date>/\n"
    )
    assert f"briefing: {a_file / 'out'}: {a_file} is a file, not a folder" in in_file.stderr
    assert on_read_only.returncode == 1
    assert on_read_only.stderr.startswith(f"briefing: {read_only}: the folder is not writable (")
    assert all("lock" not in r.stderr for r in (on_file, in_file, on_read_only))


def test_duplicates_are_named_by_file_not_by_internal_id(user: User) -> None:
    config = example_project(user.cwd)
    articles = user.cwd / "examples" / "articles"
    first = sorted(articles.glob("*.txt"))[0]
    shutil.copy(first, articles / "zz-copy.txt")
    result = user.run("build", "--date", "yesterday", "-c", str(config))
    assert result.returncode == 0
    assert f"zz-copy.txt: same text as {first.relative_to(user.cwd).as_posix()}; kept once" in result.stderr
    assert "article a" not in result.stderr


# ---- dates and the story of a run ---------------------------------------------------------------


def test_dates_and_the_story_of_a_run_told_by_verbose(user: User) -> None:
    example_project(user.cwd)
    now = datetime.now(ZONE).date()
    future = (now + timedelta(days=2)).isoformat()
    quiet, verbose, debug, refused, forced = user.run_all(
        ["build", "--date", "yesterday", "--out", "quiet"],
        ["-v", "build", "--date", "today", "--out", "verbose"],
        ["build", "-vv", "--out", "debug"],
        ["build", "--date", future],
        ["build", "--date", future, "--force", "-q", "--out", "forced"],
    )
    assert quiet.returncode == verbose.returncode == debug.returncode == 0
    assert (user.cwd / "quiet" / (now - timedelta(days=1)).isoformat()).is_dir()
    assert (user.cwd / "verbose" / now.isoformat()).is_dir() and (
        user.cwd / "debug" / now.isoformat()
    ).is_dir()
    assert refused.returncode == 2
    assert refused.stderr == (
        f"briefing: --date {future} is in the future (today is {now} in {ZONE.key}); "
        "pass --force to build it anyway\n"
    )
    assert forced.returncode == 0 and (user.cwd / "forced" / future / "briefing.json").is_file()
    assert quiet.stderr == ""
    story = verbose.stderr.splitlines()
    assert any(line.startswith("briefing: info: sources: 1 read, 0 failed; 2 articles") for line in story)
    assert any(line.startswith("briefing: info: read: 2 articles in ") for line in story)
    assert any(line.startswith("briefing: info: stories: 2 found in ") for line in story)
    assert any(
        "summaries (concepts): " in line and "sentences chosen for 2 stories in " in line for line in story
    )
    assert any(
        line.startswith("briefing: info: written: briefing.md, briefing.html, briefing.json in ")
        for line in story
    )
    assert "debug: story '" in debug.stderr and "debug: story '" not in verbose.stderr


# ---- interrupts -------------------------------------------------------------------------------


@dataclass
class SlowServer:
    """Feeds that answer their headers, then one byte every 0.1 s for ever; and the real fixtures."""

    base: str = ""
    requests: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def feeds() -> Iterator[SlowServer]:
    state = SlowServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path.startswith("/slow/"):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                with contextlib.suppress(OSError):
                    while not state.stop.wait(0.1):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                return
            fixture = FEEDS / self.path.removeprefix("/feeds/")
            if not self.path.startswith("/feeds/") or not fixture.is_file():
                self.send_error(404)
                return
            body = fixture.read_bytes().replace(b"{base}", state.base.encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield state
    state.stop.set()
    httpd.shutdown()
    httpd.server_close()


# Fetching from 127.0.0.1 (a private address) only when allowed; long limits: only a signal ends it.
SLOW_FETCH = {"allow_private_networks": True, "timeout": 60, "per_host_delay": 0.2, "concurrency": 4}


def wait_for(condition: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stop_with(process: subprocess.Popen[str], number: int) -> tuple[float, str]:
    """Send the signal; seconds until the process is gone, and what it said on stderr."""
    sent = time.monotonic()
    process.send_signal(number)
    try:
        _, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("still running 10 s after the signal") from None
    return time.monotonic() - sent, err


def assert_left_clean(out: Path, day: str) -> None:
    """No briefing folder for the day, no temporary file anywhere, and the run lock free."""
    assert not (out / day).exists()
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []
    fd = os.open(out / ".briefing.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if a stale holder had it
    finally:
        os.close(fd)


SIGNALS = {signal.SIGINT: 130, signal.SIGTERM: 143}


def test_a_signal_during_slow_fetches_stops_within_two_seconds_and_leaves_nothing(
    user: User, feeds: SlowServer, tmp_path: Path
) -> None:
    slow = [{"feed": f"{feeds.base}/slow/{i}.rss"} for i in range(12)]
    # One run per signal, at once; a port each (one request per host at a time, so a run has one in flight).
    configs = {
        number: example_project(tmp_path / number.name, sources=slow, fetch=SLOW_FETCH) for number in SIGNALS
    }
    started = {number: user.start("build", "-c", str(config)) for number, config in configs.items()}
    wait_for(lambda: len(feeds.requests) >= 2, "the first fetch of each run")
    time.sleep(0.3)
    for number, process in started.items():
        elapsed, err = stop_with(process, number)
        print(f"{number.name} while fetching: exit after {elapsed:.2f}s")
        assert process.returncode == SIGNALS[number]
        assert elapsed < 2.0
        assert err == f"briefing: interrupted ({number.name}); stopped, no partial file left\n"
        assert_left_clean(configs[number].parent / "out", today())
    # One request per host at a time: the other eleven of each run were pending, and were
    # cancelled, not started.
    time.sleep(0.2)
    assert len(feeds.requests) == 2


def test_a_signal_while_waiting_for_the_lock_or_a_silent_mail_server_stops_at_once(user: User) -> None:
    # A mail server that accepts the connection and never says a word.
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    email = {
        "from": "Briefing <briefing@example.org>",
        "to": ["desk@example.org"],
        "smtp": {"host": "127.0.0.1", "port": listener.getsockname()[1], "security": "none", "timeout": 60},
    }
    config = example_project(user.cwd, email=email)
    out = user.cwd / "out"
    out.mkdir()
    holder = os.open(out / ".briefing.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        waiting = user.start("build", "--wait", "-c", str(config))
        sending = user.start("run", "--wait", "-c", str(config))
        wait_for(lambda: _holds_open(waiting.pid, out / ".briefing.lock"), "the wait for the lock")
        elapsed, err = stop_with(waiting, signal.SIGINT)
        print(f"SIGINT waiting for the lock: exit after {elapsed:.2f}s")
        assert waiting.returncode == 130 and elapsed < 2.0 and "interrupted (SIGINT)" in err
    finally:
        os.close(holder)
    try:
        wait_for(lambda: bool(accepted), "the connection to the mail server")
        elapsed, err = stop_with(sending, signal.SIGTERM)
        print(f"SIGTERM waiting for the mail server: exit after {elapsed:.2f}s")
        assert sending.returncode == 143 and elapsed < 2.0 and "interrupted (SIGTERM)" in err
        # The briefing was whole before the send began; nothing is half-written.
        assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []
        built = {p.name for p in (out / today()).iterdir()}
        assert {"briefing.html", "briefing.json", "briefing.md", "briefing.txt"} <= built
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


def test_a_signal_during_start_up_is_as_clean(user: User) -> None:
    """Before the heavy imports (numpy, scipy, lxml: a second or two): the handlers are the
    first thing the command line installs."""
    example_project(user.cwd)
    started = {number: user.start("check") for number in SIGNALS}
    for number, process in started.items():
        wait_for(lambda process=process: _catches_sigterm(process.pid), "the handlers", seconds=10)
        elapsed, err = stop_with(process, number)
        assert process.returncode == SIGNALS[number] and elapsed < 2.0, err
        assert err == f"briefing: interrupted ({number.name}); stopped, no partial file left\n"


def test_a_signal_that_lands_where_python_ignores_exceptions_still_stops_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seen under load: SIGINT during an import raised inside importlib's weakref callback,
    where Python prints "Exception ignored in …" and goes on; the run then ended only by
    the watchdog, with a traceback instead of the one line."""
    monkeypatch.setattr(interrupts, "_watchdog", lambda code, seconds: None)  # not in pytest's process

    class Thing:
        pass

    def callback(_: object) -> None:
        signal.raise_signal(signal.SIGINT)
        sum(range(100_000))  # the handler runs here, inside the callback

    with pytest.raises(Interrupted) as caught, interrupts.raised():
        thing = Thing()
        reference = weakref.ref(thing, callback)
        del thing
        time.sleep(5)  # where the signal, sent again, lands
    assert reference() is None and caught.value.exit_code == 130


def _catches_sigterm(pid: int) -> bool:
    """/proc/PID/status lists the signals a process has handlers for (SigCgt, a hex mask)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def _holds_open(pid: int, path: Path) -> bool:
    with contextlib.suppress(OSError):
        return any(os.readlink(link) == str(path) for link in Path(f"/proc/{pid}/fd").iterdir())
    return False


# ---- run at a terminal, send before build ---------------------------------------------------------


class _Accepting:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def at_terminal(user: User, *args: str) -> tuple[int, str]:
    """The command with its stdout on a pseudo-terminal, as a person runs it; (code, what it printed)."""
    leader, follower = os.openpty()
    process = user.start(*args, stdout=follower)
    os.close(follower)
    printed = b""
    with contextlib.suppress(OSError):  # EIO once the child has closed its end
        while chunk := os.read(leader, 4096):
            printed += chunk
    os.close(leader)
    process.communicate(timeout=60)
    return process.returncode, printed.decode().replace("\r\n", "\n")


def test_run_says_what_happened_at_a_terminal_and_nothing_under_cron(user: User) -> None:
    port = free_port()
    controller = Controller(_Accepting(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        recipients = ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]
        email = {
            "from": "Briefing <briefing@example.org>",
            "to": recipients[:2],
            "cc": recipients[2:3],
            "bcc": recipients[3:],
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none"},
        }
        example_project(user.cwd, email=email)
        checked = user.run("check")
        assert checked.stdout == "config.yaml: OK — 1 source, 2 topics, e-mail to 4 recipients\n"
        code, printed = at_terminal(user, "run")
        assert code == 0
        assert printed.startswith(f"sent the {today()} briefing to 4 recipients (Message-ID <")
        assert len(printed.splitlines()) == 1
        code, printed = at_terminal(user, "run")
        assert code == 0 and printed.startswith("already sent today's briefing at ")
        assert at_terminal(user, "run", "-q") == (0, "")  # -q: errors only, even at a terminal
        cron = user.run("run")  # stdout a pipe, as under cron
        assert cron.returncode == 0 and cron.stdout == "" and cron.stderr == ""
        never = user.run("send", "--date", "2026-01-01")
        assert never.returncode == 2
        assert never.stderr.startswith("briefing: the 2026-01-01 briefing was never built (")
        assert "build it first: `briefing build --date 2026-01-01`" in never.stderr
    finally:
        controller.stop()


# ---- OPML -------------------------------------------------------------------------------------------

NESTED_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="News">
      <outline text="World Wire" type="rss" xmlUrl="{base}/feeds/world.rss"/>
      <outline text="Local">
        <outline text="City Desk" type="rss" xmlURL="{base}/feeds/city.atom"/>
      </outline>
    </outline>
  </body>
</opml>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<opml version="2.0"><body><outline text="&b;" xmlUrl="http://example.org/&b;"/></body></opml>
"""


def test_opml_sources_read_every_feed_and_a_broken_one_is_a_skipped_source(
    user: User, feeds: SlowServer
) -> None:
    project = user.cwd / "project"
    project.mkdir()
    (project / "lists").mkdir()
    (project / "lists" / "feeds.opml").write_text(NESTED_OPML.format(base=feeds.base), encoding="utf-8")
    (project / "broken.opml").write_text("<opml><body><outline xmlUrl='x'>", encoding="utf-8")
    (project / "bomb.opml").write_text(BILLION_LAUGHS, encoding="utf-8")
    sources = [
        {"opml": "lists/feeds.opml", "full_text": False},
        {"opml": "broken.opml"},
        {"opml": "bomb.opml"},
    ]
    extra = {"feed": f"{feeds.base}/feeds/extra.rss", "name": "Extra"}
    fetch = {**SLOW_FETCH, "timeout": 5, "per_host_delay": 0}
    config = example_project(project, sources=[*sources, extra], fetch=fetch, window={"since": "all"})
    # From another folder: the OPML paths are the config folder's.
    build, exported = user.run_all(
        ["build", "-c", str(config), "--date", "yesterday"], ["feeds", "export", "-c", str(config)]
    )
    assert build.returncode == 0, build.stderr
    assert sorted(p for p in feeds.requests if p.startswith("/feeds/")) == [
        "/feeds/city.atom",
        "/feeds/extra.rss",
        "/feeds/world.rss",
    ]
    briefing = json.loads(Path(build.stdout.splitlines()[-1]).read_text(encoding="utf-8"))
    assert {a["source"] for a in briefing["articles"]} == {"World Wire", "City Desk"}
    skipped = {s["source"]: s["reason"] for s in briefing["skipped"]}
    assert skipped["broken.opml"].startswith("broken.opml: not well-formed XML (line 1, column ")
    assert skipped["bomb.opml"] == "bomb.opml: declares XML entities or a DTD, which are refused; skipped"
    assert "broken.opml: not well-formed XML" in build.stderr and "Traceback" not in build.stderr
    # feeds export: OPML 2.0 of every configured feed, those of the OPML files included
    assert exported.returncode == 0
    document = ET.fromstring(exported.stdout)
    assert document.tag == "opml" and document.get("version") == "2.0"
    outlines = [(o.get("xmlUrl"), o.get("text")) for o in document.iter("outline")]
    assert outlines == [
        (f"{feeds.base}/feeds/world.rss", "World Wire"),
        (f"{feeds.base}/feeds/city.atom", "City Desk"),
        (f"{feeds.base}/feeds/extra.rss", "Extra"),
    ]
    assert "broken.opml" in exported.stderr
    to_file = user.run("feeds", "export", "subscriptions.opml", "-c", str(config))
    assert to_file.returncode == 0 and to_file.stdout == ""
    assert (user.cwd / "subscriptions.opml").read_text(encoding="utf-8") == exported.stdout
    # What it wrote reads back as the same feeds.
    (project / "config.yaml").write_text(
        yaml.safe_dump({"sources": [{"opml": str(user.cwd / "subscriptions.opml")}], "fetch": fetch}),
        encoding="utf-8",
    )
    again = user.run("feeds", "export", "-c", str(config))
    assert [o.get("xmlUrl") for o in ET.fromstring(again.stdout).iter("outline")] == [u for u, _ in outlines]
