"""E-mail delivery against a real SMTP server (aiosmtpd on 127.0.0.1), through the CLI.

Every server here is a real aiosmtpd `Controller` in a thread; TLS certificates
come from a throw-away CA made by `trustme` in the test.
"""

from __future__ import annotations

import dataclasses
import email
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, Session

from briefing.cli import main
from briefing.config import load_config
from briefing.daily import run_daily
from briefing.errors import DeliveryError
from briefing.mail import compose, send
from briefing.state import read_state, run_lock
from builders import write_config

DAY = "2026-11-26"
SENDER = "Daily Briefing <briefing@example.org>"


# ---- a real SMTP server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Recorder:
    """An aiosmtpd handler that keeps every accepted message and can be told to refuse."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.greetings = 0  # EHLO/HELO commands seen: one per connection
        self.data_replies: list[str] = []  # replies to give to DATA before accepting
        self.refuse: dict[str, str] = {}  # recipient -> RCPT reply
        self.data_delay = 0.0
        self.lock = threading.Lock()

    async def handle_EHLO(
        self, server: SMTPServer, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.greetings += 1
        return responses

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        if self.data_delay:
            time.sleep(self.data_delay)  # hold the first run inside its lock
        with self.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def parsed(self, index: int = 0) -> EmailMessage:
        raw = self.messages[index].original_content
        assert raw is not None
        message: EmailMessage = email.message_from_bytes(raw, policy=default_policy)  # type: ignore[assignment]
        return message


class Server:
    def __init__(self, recorder: Recorder, port: int) -> None:
        self.recorder, self.port = recorder, port


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[ssl.SSLContext, Path]]:
    """A server TLS context for 127.0.0.1 signed by a throw-away CA, and that CA's PEM file."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca_file = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    yield context, ca_file


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start aiosmtpd servers on 127.0.0.1 with the given options; all stopped afterwards."""
    started: list[Controller] = []

    def start(**options: Any) -> Server:
        recorder = Recorder()
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return Server(recorder, port)

    yield start
    for controller in started:
        controller.stop()


def mail_config(project: Path, port: int, **smtp: Any) -> Path:
    """The example config with an email: section pointing at 127.0.0.1:port (no TLS unless given)."""
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5, "retry_delay": 0}
    settings.update(smtp)
    section = {
        "from": SENDER,
        "to": ["desk@example.org", "Zoë Editor <editor@example.org>"],
        "bcc": ["archive@example.org"],
        "subject": "{{ title }} — {{ date }}",
        "smtp": settings,
    }
    return write_config(project, email=section)


def run(config: Path, *extra: str) -> int:
    return main(["run", "--config", str(config), "--date", DAY, *extra])


def sent_dates(project: Path) -> dict[str, Any]:
    path = project / "out" / "state.json"
    return json.loads(path.read_text(encoding="utf-8"))["sent"] if path.exists() else {}


# ---- the message --------------------------------------------------------------------------


def test_happy_path_envelope_parts_headers_crlf_inlined_html_and_readable_text(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = mail_config(project, server.port)
    assert run(config) == 0
    assert capsys.readouterr() == ("", "")  # quiet on success: cron mails nothing

    [envelope] = server.recorder.messages
    assert envelope.mail_from == "briefing@example.org"
    assert envelope.rcpt_tos == ["desk@example.org", "editor@example.org", "archive@example.org"]
    raw = envelope.original_content
    assert raw is not None
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only, no bare LF
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # RFC 5322 line limit
    assert b"Content-Transfer-Encoding: base64" not in raw  # mostly-ASCII parts: quoted-printable

    message = server.recorder.parsed()
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert message["Subject"] == f"Daily Briefing — {DAY}"
    assert message["From"] == SENDER
    assert message["To"] == "desk@example.org, Zoë Editor <editor@example.org>"
    assert "Bcc" not in message and "archive@example.org" not in raw.decode("ascii")
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.org>")
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None

    # Line breaks travel as CRLF inside the quoted-printable parts too.
    text, html = (p.get_content().replace("\r\n", "\n") for p in parts)
    assert text.startswith("Daily Briefing\n==============\nThursday 26 November 2026\n")
    assert "NATO's Madrid Summit\n" in text and "<" not in text  # a real text rendering, no markup
    assert max(len(line) for line in text.splitlines()) <= 76
    assert "<style" not in html and 'style="' in html  # CSS inlined into the elements
    assert "<h1 style=" in html

    # The message is kept next to the briefing, and the send is recorded.
    folder = project / "out" / DAY
    assert (folder / "briefing.eml").read_bytes() == raw.rstrip(b"\r\n") + b"\r\n"
    assert {p.name for p in folder.iterdir()} >= {"briefing.html", "briefing.txt", "briefing.eml"}
    [record] = sent_dates(project)[DAY]
    assert record["message_id"] == message["Message-ID"]
    assert record["recipients"] == ["desk@example.org", "editor@example.org", "archive@example.org"]


def test_second_run_the_same_day_sends_nothing_and_says_so_only_with_verbose(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = mail_config(project, server.port)
    assert run(config) == 0
    assert run(config) == 0
    assert capsys.readouterr() == ("", "")
    assert run(config, "-v") == 0
    assert "already sent" in capsys.readouterr().err
    assert len(server.recorder.messages) == 1
    assert run(config, "--force") == 0  # --force sends again, with a new Message-ID
    assert len(server.recorder.messages) == 2
    ids = [r["message_id"] for r in sent_dates(project)[DAY]]
    assert len(ids) == 2 and ids[0] != ids[1]


def test_dry_run_shows_the_message_and_neither_connects_nor_records(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = mail_config(project, server.port)
    assert run(config, "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith("dry run: nothing sent, nothing recorded")
    assert f"Subject: Daily Briefing — {DAY}" in out and "Bcc: archive@example.org" in out
    assert f"server: 127.0.0.1:{server.port} (none)" in out
    assert server.recorder.greetings == 0 and sent_dates(project) == {}
    assert (project / "out" / DAY / "briefing.eml").exists()


def test_header_injection_in_subject_or_address_is_refused_before_connecting(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    mail_config(project, server.port)
    config = write_config(
        project,
        email={
            "from": SENDER,
            "to": ["desk@example.org\r\nBcc: victim@example.net"],
            "subject": "Hi\nBcc: victim@example.net",
            "smtp": {"host": "127.0.0.1", "port": server.port, "security": "none"},
        },
    )
    assert run(config) == 2
    err = capsys.readouterr().err
    assert "email.to[0]: address 'desk@example.org\\r\\nBcc: victim@example.net' contains a line break" in err
    assert "email.subject: the subject contains a line break" in err
    # A title (not the template) with a line break is caught when the config is read.
    config = mail_config(project, server.port)
    write_config(project, title="Daily\r\nBcc: victim@example.net", email=load_email(config))
    assert run(config) == 2
    assert "title: 'Daily\\r\\nBcc: victim@example.net' contains a line break" in capsys.readouterr().err
    assert server.recorder.greetings == 0 and not server.recorder.messages


def load_email(config: Path) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load(config.read_text(encoding="utf-8"))["email"]
    return data


def test_html_over_gmails_clipping_limit_is_sent_with_a_warning(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_config(mail_config(project, 25)).email
    assert settings is not None
    big = (
        "<html><head><style>p { color: #333; }</style></head><body>"
        + "<p>news</p>" * 10_000
        + "</body></html>"
    )
    with caplog.at_level("WARNING", logger="briefing"):
        outgoing = compose(
            settings, title="T", day=date(2026, 11, 26), text="t", html=big, now=datetime.now(UTC)
        )
    assert outgoing.html_bytes > 102 * 1024
    assert [r.getMessage() for r in caplog.records] == [
        f"the HTML part is {outgoing.html_bytes // 1024} KB, over Gmail's 102 KB limit: Gmail will clip it "
        "(fewer topics or summary.sentences make it smaller)"
    ]
    with caplog.at_level("WARNING", logger="briefing"):
        caplog.clear()
        compose(
            settings, title="T", day=date(2026, 11, 26), text="t", html="<p>small</p>", now=datetime.now(UTC)
        )
    assert caplog.records == []


def test_invalid_address_is_a_config_error_naming_the_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(project, email={"from": "not an address", "to": ["desk@example.org"]})
    assert main(["check", "--config", str(config)]) == 2
    assert "email.from: 'not an address' is not one valid e-mail address" in capsys.readouterr().err


def test_empty_recipient_list_never_connects(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = write_config(
        project,
        email={
            "from": SENDER,
            "to": [],
            "smtp": {"host": "127.0.0.1", "port": server.port, "security": "none"},
        },
    )
    assert run(config) == 2
    assert "email: no recipients: list at least one address in to, cc or bcc" in capsys.readouterr().err
    # And the mailer itself refuses an empty envelope without opening a connection.
    settings = load_config(mail_config(project, server.port)).email
    assert settings is not None
    outgoing = compose(
        settings, title="T", day=date(2026, 11, 26), text="t", html="<p>h</p>", now=datetime.now(UTC)
    )
    with pytest.raises(DeliveryError, match="no recipients"):
        send(dataclasses.replace(outgoing, recipients=()), settings.smtp)
    assert server.recorder.greetings == 0 and not server.recorder.messages


# ---- failures: the briefing stays on disk, nothing is marked sent --------------------------


def test_server_down_exits_3_keeps_the_briefing_and_the_next_run_sends_it(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens here
    config = mail_config(project, port, retries=2)
    assert run(config) == 3
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"briefing: 127.0.0.1:{port}: cannot connect")
    assert "(tried 3 times)" in line and f"briefing send --date {DAY}" in line
    assert (project / "out" / DAY / "briefing.html").exists()
    assert sent_dates(project) == {}

    server = serve()
    mail_config(project, server.port)
    assert main(["send", "--config", str(config), "--date", DAY]) == 0  # sends without rebuilding
    assert len(server.recorder.messages) == 1 and DAY in sent_dates(project)
    assert run(config) == 0 and len(server.recorder.messages) == 1  # and the next run sends nothing


def test_next_run_after_a_failure_sends_it(project: Path, serve: Any) -> None:
    config = mail_config(project, free_port(), retries=0)
    assert run(config) == 3
    server = serve()
    mail_config(project, server.port)
    assert run(config) == 0
    assert len(server.recorder.messages) == 1


def test_temporary_4xx_is_retried_with_bounded_backoff(project: Path, serve: Any) -> None:
    server = serve()
    server.recorder.data_replies = ["451 4.3.0 Try again later", "421 4.7.0 Busy"]
    settings = load_config(mail_config(project, server.port, retries=3, retry_delay=10)).email
    assert settings is not None
    waits: list[float] = []
    outgoing = compose(
        settings, title="T", day=date(2026, 11, 26), text="t", html="<p>h</p>", now=datetime.now(UTC)
    )
    delivery = send(outgoing, settings.smtp, sleep=waits.append)
    assert delivery.attempts == 3 and waits == [10, 20]  # doubling, and no more attempts than needed
    assert len(server.recorder.messages) == 1


def test_temporary_4xx_then_success_through_the_cli(project: Path, serve: Any) -> None:
    server = serve()
    server.recorder.data_replies = ["451 4.3.0 Try again later"]
    config = mail_config(project, server.port)
    assert run(config) == 0
    assert len(server.recorder.messages) == 1 and server.recorder.greetings == 2


def test_backoff_is_bounded(project: Path, serve: Any) -> None:
    server = serve()
    server.recorder.data_replies = ["451 4.3.0 later"] * 11
    settings = load_config(mail_config(project, server.port, retries=10, retry_delay=200)).email
    assert settings is not None
    waits: list[float] = []
    outgoing = compose(
        settings, title="T", day=date(2026, 11, 26), text="t", html="<p>h</p>", now=datetime.now(UTC)
    )
    with pytest.raises(DeliveryError, match=r"451 4\.3\.0 later \(tried 11 times\)"):
        send(outgoing, settings.smtp, sleep=waits.append)
    assert len(waits) == 10 and max(waits) == 300


def test_permanent_5xx_is_not_retried(project: Path, serve: Any, capsys: pytest.CaptureFixture[str]) -> None:
    server = serve()
    server.recorder.data_replies = ["554 5.7.1 Message rejected as spam"] * 5
    config = mail_config(project, server.port, retries=3)
    assert run(config) == 3
    [line] = capsys.readouterr().err.splitlines()
    assert "message refused: 554 5.7.1 Message rejected as spam" in line
    assert server.recorder.greetings == 1 and len(server.recorder.data_replies) == 4
    assert sent_dates(project) == {}


def test_partly_refused_recipients_are_reported_and_the_rest_recorded(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    server.recorder.refuse = {"editor@example.org": "550 5.1.1 No such user"}
    config = mail_config(project, server.port)
    assert run(config) == 3
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "briefing: editor@example.org: refused by the server: 550 5.1.1 No such user"
    assert "went to the other 2 recipient(s) and is recorded as sent" in err[1]
    assert server.recorder.messages[0].rcpt_tos == ["desk@example.org", "archive@example.org"]
    [record] = sent_dates(project)[DAY]
    assert record["refused"] == ["editor@example.org"]
    assert run(config) == 0 and len(server.recorder.messages) == 1  # not sent twice to the others


# ---- TLS and login ------------------------------------------------------------------------


def test_starttls_with_a_verified_certificate(project: Path, serve: Any, tls: Any) -> None:
    context, ca_file = tls
    server = serve(tls_context=context, require_starttls=True)
    config = mail_config(project, server.port, security="starttls", ca_file=str(ca_file))
    assert run(config) == 0
    assert len(server.recorder.messages) == 1


def test_starttls_against_a_server_without_it_fails_and_never_falls_back(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = mail_config(project, server.port, security="starttls", retries=3)
    assert run(config) == 3
    [line] = capsys.readouterr().err.splitlines()
    assert "the server does not offer STARTTLS" in line
    assert not server.recorder.messages and server.recorder.greetings == 1  # not retried
    assert sent_dates(project) == {}


def test_self_signed_certificate_is_rejected_unless_opted_out(
    project: Path, serve: Any, tls: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    context, _ = tls  # the client is not told about this CA
    server = serve(tls_context=context, require_starttls=True)
    config = mail_config(project, server.port, security="starttls")
    assert run(config) == 3
    [line] = capsys.readouterr().err.splitlines()
    assert "the server's certificate was rejected" in line and "ca_file" in line
    assert not server.recorder.messages

    mail_config(project, server.port, security="starttls", tls_verify=False)
    assert run(config) == 0
    assert len(server.recorder.messages) == 1


def test_implicit_tls(project: Path, serve: Any, tls: Any, capsys: pytest.CaptureFixture[str]) -> None:
    context, ca_file = tls
    server = serve(ssl_context=context)
    config = mail_config(project, server.port, security="ssl")
    assert run(config) == 3  # the system CAs do not know the test CA
    assert "certificate was rejected" in capsys.readouterr().err
    mail_config(project, server.port, security="ssl", ca_file=str(ca_file))
    assert run(config) == 0
    assert len(server.recorder.messages) == 1


def test_login_when_the_server_requires_auth(
    project: Path, serve: Any, tls: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    context, ca_file = tls
    logins: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        user, password = data.login.decode(), data.password.decode()
        logins.append((user, password))
        # handled=False: aiosmtpd itself answers 535 to a failed login.
        return AuthResult(success=(user, password) == ("briefing", "s3cret"), handled=False)

    server = serve(
        tls_context=context, require_starttls=True, auth_required=True, authenticator=authenticator
    )
    smtp = {"security": "starttls", "ca_file": str(ca_file), "username": "briefing"}
    config = mail_config(project, server.port, password_env="TEST_SMTP_PASSWORD", **smtp)

    monkeypatch.delenv("TEST_SMTP_PASSWORD", raising=False)
    assert run(config) == 2  # checked before anything is built or sent
    assert "the environment variable TEST_SMTP_PASSWORD is not set" in capsys.readouterr().err

    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    assert run(config) == 3
    assert "login as 'briefing' refused: 535" in capsys.readouterr().err
    # One connection (EHLO before and after STARTTLS; smtplib tries PLAIN, then LOGIN): not retried.
    assert server.recorder.greetings == 2 and len(logins) == 2

    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    assert run(config) == 0
    assert logins[-1] == ("briefing", "s3cret") and len(server.recorder.messages) == 1


def test_password_in_clear_over_the_network_is_a_config_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = mail_config(
        project, 25, host="mail.example.org", username="u", password_env="P", security="none"
    )
    assert main(["check", "--config", str(config)]) == 2
    assert "email.smtp: security: none would send the password in clear text" in capsys.readouterr().err


# ---- one run at a time, and state that survives a crash -----------------------------------


def test_two_concurrent_runs_send_exactly_one_message(project: Path, serve: Any) -> None:
    server = serve()
    server.recorder.data_delay = 1.0  # the first run holds the lock a while
    config = mail_config(project, server.port)
    command = [sys.executable, "-m", "briefing", "run", "--config", str(config), "--date", DAY]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in runs]
    assert len(server.recorder.messages) == 1
    # Normally the second run finds the lock held (75); on a very slow machine it may start
    # only after the first finished, and then finds the date sent (0). Never a second message.
    assert sorted(code for code, _ in results) in ([0, 75], [0, 0])
    for code, err in results:
        assert err == ("" if code == 0 else err.splitlines()[0] + "\n")
        # The holder's PID is named once it has written it; in the instant before, it is not.
        assert code == 0 or err.startswith("briefing: already running")
        assert code == 0 or "this run did nothing" in err


def test_wait_waits_for_the_lock_instead_of_exiting_75(project: Path, serve: Any) -> None:
    server = serve()
    config = mail_config(project, server.port)
    assert run(config) == 0
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with run_lock(project / "out" / ".briefing.lock"):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    assert run(config, "--wait", "--force") == 0  # waits for the holder instead of exiting 75
    assert time.monotonic() - started >= 0.4
    holder.join()
    assert len(server.recorder.messages) == 2


def test_a_run_that_finds_the_lock_held_exits_75_with_one_line_and_does_nothing(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = mail_config(project, server.port)
    with run_lock(project / "out" / ".briefing.lock"):
        assert run(config) == 75
        assert main(["build", "--config", str(config), "--date", DAY]) == 75
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0] == err[1]
    assert err[0] == (
        f"briefing: already running (process {os.getpid()}): {project / 'out' / '.briefing.lock'} is "
        "locked by another briefing run; this run did nothing (use --wait to wait for it)"
    )
    assert server.recorder.greetings == 0 and not (project / "out" / DAY).exists()
    assert run(config) == 0  # the lock is gone with its holder


KILL_SCRIPT = """
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from briefing.state import SentRecord, record_sent
path = Path(sys.argv[1])
big = tuple(f"reader{n}@example.org" for n in range(2000))
for n in range(10**6):
    record_sent(path, SentRecord(date(2026, 1, 1 + n % 28), f"<{n}@x>", big, datetime.now(timezone.utc)))
"""


def test_a_run_killed_while_writing_the_state_leaves_valid_state(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    from briefing.state import SentRecord, record_sent

    record_sent(path, SentRecord(date(2025, 12, 31), "<first@x>", ("a@example.org",), datetime.now(UTC)))
    for delay in (0.3, 0.5, 0.7):
        writer = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(path)])
        time.sleep(delay)
        writer.kill()  # SIGKILL: no cleanup at all
        writer.wait()
        state = read_state(path)  # parses: never half-written
        assert state[date(2025, 12, 31)][0].message_id == "<first@x>"
    assert len(read_state(path)) > 1  # the writer did get some records through
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "state.json"]
    assert all(name.startswith(".state.json.") for name in leftovers)  # only temp files, ignored


def test_damaged_state_stops_the_run_instead_of_sending_again(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    config = mail_config(project, server.port)
    (project / "out").mkdir()
    (project / "out" / "state.json").write_text('{"version": 1, "sent": {', encoding="utf-8")
    assert run(config) == 1
    assert "state.json: the state file is damaged" in capsys.readouterr().err
    assert not server.recorder.messages


# ---- "today" in the configured zone -------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "utc_now", "expected"),
    [
        # 00:05 in Belgrade is still yesterday in UTC.
        ("Europe/Belgrade", datetime(2026, 11, 25, 23, 5, tzinfo=UTC), date(2026, 11, 26)),
        ("Europe/Belgrade", datetime(2026, 11, 25, 22, 55, tzinfo=UTC), date(2026, 11, 25)),
        # New York springs forward on 2026-03-08 at 02:00 local (07:00 UTC) ...
        ("America/New_York", datetime(2026, 3, 8, 4, 55, tzinfo=UTC), date(2026, 3, 7)),
        ("America/New_York", datetime(2026, 3, 8, 5, 5, tzinfo=UTC), date(2026, 3, 8)),
        # ... and falls back on 2026-11-01: 00:05 local is 04:05 UTC (EDT), 23:55 local is 04:55 UTC (EST).
        ("America/New_York", datetime(2026, 11, 1, 4, 5, tzinfo=UTC), date(2026, 11, 1)),
        ("America/New_York", datetime(2026, 11, 2, 4, 55, tzinfo=UTC), date(2026, 11, 1)),
        ("America/New_York", datetime(2026, 11, 2, 5, 5, tzinfo=UTC), date(2026, 11, 2)),
    ],
)
def test_today_is_the_date_in_the_configured_zone_around_midnight_and_dst(
    project: Path, zone: str, utc_now: datetime, expected: date
) -> None:
    write_config(project, timezone=zone)
    assert load_config(project / "config.yaml").today(utc_now) == expected


def test_runs_either_side_of_local_midnight_send_one_briefing_each(project: Path, serve: Any) -> None:
    server = serve()
    mail_config(project, server.port)
    config = load_config(project / "config.yaml")  # Europe/Belgrade
    before = run_daily(config, now=datetime(2026, 11, 25, 22, 55, tzinfo=UTC), environ={})
    after = run_daily(config, now=datetime(2026, 11, 25, 23, 5, tzinfo=UTC), environ={})
    again = run_daily(config, now=datetime(2026, 11, 26, 6, 0, tzinfo=UTC), environ={})
    assert (before.day, after.day, again.day) == (date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 26))
    assert [before.status, after.status, again.status] == ["sent", "sent", "already-sent"]
    subjects = [server.recorder.parsed(i)["Subject"] for i in range(2)]
    assert subjects == ["Daily Briefing — 2026-11-25", "Daily Briefing — 2026-11-26"]
    assert server.recorder.parsed(1)["Date"].endswith("+0100")  # the local time of the run
    assert sorted(sent_dates(project)) == ["2026-11-25", "2026-11-26"]


# ---- health-check ping --------------------------------------------------------------------


def test_ping_url_is_called_on_success_and_failure_and_never_fails_the_run(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import http.server

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    pinged = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=pinged.serve_forever, daemon=True).start()
    try:
        server = serve()
        url = f"http://127.0.0.1:{pinged.server_address[1]}/ping/abc"
        email_section = load_email(mail_config(project, server.port))
        config = write_config(project, email={**email_section, "ping_url": url})
        assert run(config) == 0
        down = {**email_section, "ping_url": url, "smtp": {**email_section["smtp"], "port": free_port()}}
        write_config(project, email=down)
        assert main(["run", "--config", str(config), "--date", "2026-11-27"]) == 3
        assert hits == ["/ping/abc", "/ping/abc/fail"]
    finally:
        pinged.shutdown()
        pinged.server_close()
    # A health-check service that is down only warns.
    write_config(project, email={**email_section, "ping_url": f"http://127.0.0.1:{free_port()}/x"})
    capsys.readouterr()
    assert main(["run", "--config", str(config), "--date", "2026-11-28"]) == 0
    assert "warning: email.ping_url" in capsys.readouterr().err


def test_build_still_works_without_an_email_section_and_run_asks_for_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "config.yaml"
    assert main(["run", "--config", str(config), "--date", DAY]) == 2
    assert "email: section missing" in capsys.readouterr().err
    assert main(["build", "--config", str(config), "--date", DAY]) == 0
    assert not (project / "out" / DAY / "briefing.txt").exists()
