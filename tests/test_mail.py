"""E-mail delivery against a real SMTP server (aiosmtpd on 127.0.0.1), through the CLI.

Every server here is a real aiosmtpd `Controller` in a thread; TLS certificates
come from a throw-away CA made by `trustme` in the test.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email
import json
import os
import re
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

from briefing import app
from briefing.cli import main
from briefing.config import load_config
from briefing.errors import DeliveryError
from briefing.mail import compose, send
from briefing.store.lock import run_lock
from briefing.store.sent import SentLog
from builders import REPO, write_config

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
        self.refuse_once: dict[str, str] = {}  # recipient -> RCPT reply, given once (greylisting)
        self.data_delay = 0.0
        self.data_hold = 0.0  # seconds to wait, without blocking the server, before answering DATA
        self.data_drop = False  # close the connection instead of answering DATA
        self.data_seen = threading.Event()  # set when a message has been transmitted
        self.transmitted = 0  # messages transmitted (whether or not accepted)
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
        if address in self.refuse_once:
            return self.refuse_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.transmitted += 1
        self.data_seen.set()
        if self.data_drop:
            assert server.transport is not None
            server.transport.close()  # the message arrived; its answer never leaves
            return "250 never seen"
        if self.data_hold:
            await asyncio.sleep(self.data_hold)
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


def statuses(project: Path, day: str = DAY) -> dict[str, str]:
    """Recipient -> status in the latest message recorded for the day ({} if none)."""
    records = sent_dates(project).get(day, [])
    return {address: item["status"] for address, item in records[-1]["recipients"].items()} if records else {}


EVERYONE = ["desk@example.org", "editor@example.org", "archive@example.org"]


def delivered_to(project: Path, day: str = DAY) -> list[str]:
    return [address for address, status in statuses(project, day).items() if status == "delivered"]


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
    assert text.startswith("Daily Briefing\n==============\nThursday, November 26, 2026\n")
    assert "NATO's Madrid Summit\n" in text and "<" not in text  # a real text rendering, no markup
    assert max(len(line) for line in text.splitlines()) <= 76
    # CSS inlined into the elements; only the rules that cannot be (small screens, dark, print) stay
    assert html.count("<style") == 1 and "@media (prefers-color-scheme: dark)" in html and 'style="' in html
    assert message["List-Id"] == '"Daily Briefing" <daily-briefing.example.org>'
    assert "List-Unsubscribe" not in message
    assert "<h1 style=" in html

    # The message is kept next to the briefing, and the send is recorded.
    folder = project / "out" / DAY
    assert (folder / "briefing.eml").read_bytes() == raw.rstrip(b"\r\n") + b"\r\n"
    assert {p.name for p in folder.iterdir()} >= {"briefing.html", "briefing.txt", "briefing.eml"}
    [record] = sent_dates(project)[DAY]
    assert record["message_id"] == message["Message-ID"]
    assert delivered_to(project) == EVERYONE


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


GOLDEN_EML = REPO / "tests" / "golden" / "seed" / "briefing.eml"


def masked(message: bytes) -> bytes:
    """The message with what must vary from run to run masked: Message-ID, Date, MIME boundaries."""
    text = message.decode("ascii")
    for boundary in set(re.findall(r'boundary="([^"]+)"', text)):
        text = text.replace(boundary, "BOUNDARY")
    text = re.sub(r"(?m)^Message-ID: [^\r\n]*", "Message-ID: <MASKED>", text)
    text = re.sub(r"(?m)^Date: [^\r\n]*", "Date: MASKED", text)
    return text.encode("ascii")


def test_the_seed_briefings_message_matches_the_golden_eml(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = mail_config(project, free_port())  # a dry run composes and keeps the message, sends nothing
    assert run(config, "--dry-run") == 0
    capsys.readouterr()
    produced = masked((project / "out" / DAY / "briefing.eml").read_bytes())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_EML.write_bytes(produced)
    assert produced == GOLDEN_EML.read_bytes(), (
        f"the message differs from {GOLDEN_EML}; if the change is intended, rerun with UPDATE_GOLDEN=1"
    )
    assert b"\r\n" in produced and b"BOUNDARY" in produced  # CRLF on the wire; both parts' boundary


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
    assert statuses(project) == dict.fromkeys(EVERYONE, "deferred")  # nothing went out

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
    delivery = send(outgoing, settings.smtp, sleep=waits.append)
    assert delivery.attempts == 11 and not delivery.accepted
    assert {r.reply for r in delivery.results} == {"message refused: 451 4.3.0 later"}
    assert len(waits) == 10 and max(waits) == 300


def test_permanent_5xx_is_not_retried(project: Path, serve: Any, capsys: pytest.CaptureFixture[str]) -> None:
    server = serve()
    server.recorder.data_replies = ["554 5.7.1 Message rejected as spam"] * 5
    config = mail_config(project, server.port, retries=3)
    assert run(config) == 3
    [line] = capsys.readouterr().err.splitlines()
    assert "message refused: 554 5.7.1 Message rejected as spam" in line
    assert server.recorder.greetings == 1 and len(server.recorder.data_replies) == 4
    assert statuses(project) == dict.fromkeys(EVERYONE, "deferred")  # the next run tries again


def test_partly_refused_recipients_are_reported_and_the_rest_recorded(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    server.recorder.refuse = {"editor@example.org": "550 5.1.1 No such user"}
    config = mail_config(project, server.port)
    assert run(config) == 3
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "briefing: editor@example.org: refused by the server: 550 5.1.1 No such user; "
        "not tried again for this briefing",
        f"briefing: the {DAY} briefing went to the other 2 recipient(s)",
    ]
    assert server.recorder.messages[0].rcpt_tos == ["desk@example.org", "archive@example.org"]
    assert statuses(project) == {
        "desk@example.org": "delivered",
        "editor@example.org": "refused",
        "archive@example.org": "delivered",
    }
    assert run(config) == 0 and len(server.recorder.messages) == 1  # not sent twice to anyone


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
    assert statuses(project) == dict.fromkeys(EVERYONE, "deferred")  # nothing went out


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
from briefing.store.sent import Outcome, SentLog, SentRecord
log = SentLog(Path(sys.argv[1]))
now = datetime.now(timezone.utc)
big = tuple((f"reader{n}@example.org", Outcome("delivered", now)) for n in range(2000))
for n in range(10**6):
    log.save(SentRecord(date(2026, 1, 1 + n % 28), f"<{n}@x>", now, outcomes=big))
"""


def test_a_run_killed_while_writing_the_state_leaves_valid_state(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    from briefing.store.sent import Outcome, SentRecord

    log = SentLog(path)
    now = datetime.now(UTC)
    log.save(SentRecord(date(2025, 12, 31), "<first@x>", now, outcomes=(("a@x", Outcome("delivered", now)),)))
    for delay in (0.0, 0.05, 0.2):
        writer = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(path)])
        written = path.stat().st_ino  # every save renames a new file over it
        while path.stat().st_ino == written and writer.poll() is None:
            time.sleep(0.01)  # until the writer is writing, however slow its start on a busy machine
        time.sleep(delay)
        writer.kill()  # SIGKILL: no cleanup at all, wherever it is in its next write
        writer.wait()
        state = log.read()  # parses: never half-written
        assert state[date(2025, 12, 31)][0].message_id == "<first@x>"
    assert len(log.read()) > 1  # the writer did get some records through
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

    def at(*when: int) -> app.Edges:
        return app.Edges(now=lambda: datetime(*when, tzinfo=UTC), environ={})

    before = app.run(config, edges=at(2026, 11, 25, 22, 55))
    after = app.run(config, edges=at(2026, 11, 25, 23, 5))
    again = app.run(config, edges=at(2026, 11, 26, 6, 0))
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
        # The ping goes through the one HTTP client: 127.0.0.1 is reached only when allowed.
        config = write_config(project, email={**email_section, "ping_url": url})
        assert run(config) == 0
        assert (
            hits == [] and "127.0.0.1 is at 127.0.0.1, a private or local address" in capsys.readouterr().err
        )
        local = {"fetch": {"allow_private_networks": True}}
        config = write_config(project, email={**email_section, "ping_url": url}, **local)
        assert main(["run", "--config", str(config), "--date", "2026-11-25"]) == 0
        down = {**email_section, "ping_url": url, "smtp": {**email_section["smtp"], "port": free_port()}}
        write_config(project, email=down, **local)
        assert main(["run", "--config", str(config), "--date", "2026-11-24"]) == 3
        assert hits == ["/ping/abc", "/ping/abc/fail"]
    finally:
        pinged.shutdown()
        pinged.server_close()
    # A health-check service that is down only warns.
    write_config(project, email={**email_section, "ping_url": f"http://127.0.0.1:{free_port()}/x"}, **local)
    capsys.readouterr()
    assert main(["run", "--config", str(config), "--date", "2026-11-23"]) == 0
    assert "warning: email.ping_url" in capsys.readouterr().err


def test_build_still_works_without_an_email_section_and_run_asks_for_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "config.yaml"
    assert main(["run", "--config", str(config), "--date", DAY]) == 2
    assert "email: section missing" in capsys.readouterr().err
    assert main(["build", "--config", str(config), "--date", DAY]) == 0
    assert not (project / "out" / DAY / "briefing.txt").exists()


# ---- exactly once, per recipient, under every fault ----------------------------------------


def unknown_line(message_id: str, recipients: list[str], reason: str) -> str:
    return (
        f"briefing: the {DAY} briefing (Message-ID {message_id}) may or may not have reached "
        f"{', '.join(recipients)}: {reason}; at most once, so it is not sent again by itself; "
        f"if it did not arrive, send it again to every recipient with: briefing send --date {DAY} --force"
    )


def message_id(project: Path) -> str:
    return str(sent_dates(project)[DAY][-1]["message_id"])


def test_a_state_that_cannot_be_written_stops_the_run_before_anything_is_sent(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    (project / "blocker").write_text("a file where the state's folder should be", encoding="utf-8")
    section = load_email(mail_config(project, server.port))
    config = write_config(project, email={**section, "state": "blocker/state.json"})
    for _ in range(3):  # before: three runs, three copies, each run exiting 1
        assert run(config) == 1
        assert capsys.readouterr().err == (
            f"briefing: {project / 'blocker' / 'state.json'}: cannot write the state file "
            f"({project / 'blocker'} is a file, not a folder); "
            "nothing was sent: make its folder writable (it records what was sent, so that no briefing "
            "goes out twice)\n"
        )
    assert server.recorder.greetings == 0 and server.recorder.transmitted == 0


@pytest.mark.parametrize("fault", ["drop", "stall"])
def test_no_answer_after_the_message_went_out_is_reported_once_and_never_resent_by_itself(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    server = serve()
    if fault == "drop":
        server.recorder.data_drop = True
    else:
        server.recorder.data_hold = 5  # past the client's 1 s timeout
    config = mail_config(project, server.port, timeout=1, retries=3)
    started = time.monotonic()
    assert run(config) == 3
    assert time.monotonic() - started < 30
    [line] = capsys.readouterr().err.splitlines()
    reason = "the connection broke after the message was sent, before the server confirmed it ("
    expected = unknown_line(message_id(project), EVERYONE, reason)
    assert line.startswith(expected[: expected.index(reason) + len(reason)])
    assert line.endswith(f"); {expected.split('; ', 1)[1]}")
    assert "check before sending it again" not in line
    assert server.recorder.transmitted == 1  # not retried: it may have arrived
    assert statuses(project) == dict.fromkeys(EVERYONE, "unknown")

    server.recorder.data_drop, server.recorder.data_hold = False, 0
    assert run(config) == 0  # the next run sends nothing, and says nothing
    assert capsys.readouterr().err == "" and server.recorder.transmitted == 1
    assert main(["send", "--config", str(config), "--date", DAY, "--force"]) == 0  # the one command
    assert server.recorder.transmitted == 2 and server.recorder.messages[-1].rcpt_tos == EVERYONE


KILLED_RUN = """
import sys
from briefing.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_after_the_message_went_out_is_not_followed_by_a_second_copy(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    server.recorder.data_hold = 30  # the server holds its answer; the run is killed meanwhile
    config = mail_config(project, server.port, timeout=60)
    command = [sys.executable, "-c", KILLED_RUN, "run", "--config", str(config), "--date", DAY]
    runner = subprocess.Popen(command, stderr=subprocess.PIPE)
    assert server.recorder.data_seen.wait(60)
    runner.kill()  # SIGKILL between the message and the server's answer: no cleanup at all
    runner.wait(10)
    assert statuses(project) == dict.fromkeys(EVERYONE, "sending")  # recorded before DATA

    server.recorder.data_hold = 0
    assert run(config) == 3  # finds the attempt in progress: one clear message, nothing sent
    reason = "the run sending it stopped after the message went out, before the server confirmed it"
    assert capsys.readouterr().err.splitlines() == [unknown_line(message_id(project), EVERYONE, reason)]
    assert server.recorder.transmitted == 1
    assert run(config) == 0 and capsys.readouterr().err == ""  # said once; later runs are quiet
    assert server.recorder.transmitted == 1
    assert main(["send", "--config", str(config), "--date", DAY, "--force"]) == 0
    assert server.recorder.transmitted == 2


def test_a_greylisted_recipient_is_retried_alone_within_the_run(project: Path, serve: Any) -> None:
    server = serve()
    server.recorder.refuse_once = {"editor@example.org": "451 4.7.1 Greylisted, try again later"}
    config = mail_config(project, server.port, retries=2)
    assert run(config) == 0
    first, second = server.recorder.messages
    assert first.rcpt_tos == ["desk@example.org", "archive@example.org"]
    assert second.rcpt_tos == ["editor@example.org"]  # the others are not sent it twice
    assert server.recorder.parsed(0)["Message-ID"] == server.recorder.parsed(1)["Message-ID"]
    assert delivered_to(project) == EVERYONE


def test_a_greylisted_recipient_is_reached_by_a_later_run_without_force(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve()
    server.recorder.refuse = {"editor@example.org": "451 4.7.1 Greylisted, try again later"}
    config = mail_config(project, server.port, retries=1)
    assert run(config) == 3
    assert capsys.readouterr().err.splitlines() == [
        "briefing: editor@example.org: not delivered yet: 451 4.7.1 Greylisted, try again later; the next "
        f"`briefing run` today (or `briefing send --date {DAY}`) tries again",
        f"briefing: the {DAY} briefing went to the other 2 recipient(s)",
    ]
    assert statuses(project)["editor@example.org"] == "deferred"
    first_id = server.recorder.parsed(0)["Message-ID"]

    server.recorder.refuse = {}  # the greylisting period is over
    assert run(config) == 0
    assert [m.rcpt_tos for m in server.recorder.messages] == [
        ["desk@example.org", "archive@example.org"],
        ["editor@example.org"],
    ]
    assert server.recorder.parsed(1)["Message-ID"] == first_id  # the same message, not a new briefing
    assert delivered_to(project) == EVERYONE
    assert run(config) == 0 and len(server.recorder.messages) == 2


def test_a_5xx_recipient_is_final_and_a_4xx_one_is_retried(project: Path, serve: Any) -> None:
    server = serve()
    server.recorder.refuse = {
        "editor@example.org": "550 5.1.1 No such user",
        "archive@example.org": "452 4.2.2 Mailbox full",
    }
    config = mail_config(project, server.port, retries=0)
    assert run(config) == 3
    assert statuses(project) == {
        "desk@example.org": "delivered",
        "editor@example.org": "refused",
        "archive@example.org": "deferred",
    }
    server.recorder.refuse = {"editor@example.org": "550 5.1.1 No such user"}
    assert run(config) == 0  # reaches the mailbox that was full; the refused address is not tried
    assert [m.rcpt_tos for m in server.recorder.messages] == [["desk@example.org"], ["archive@example.org"]]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"version": 2, "sent": {', "Expecting"),
        (b"\xff\xfe not utf-8 \x00", "codec can't decode"),
        (b"[" * 100_000 + b"]" * 100_000, "maximum recursion depth exceeded"),
        (b'{"version": 2, "sent": {"2026-11-26": "x"}}', "expected a list, found str"),
        (b'{"version": 2, "sent": {"2026-11-26": [{"message_id": 7}]}}', "recipients"),
        (b'{"version": 2, "sent": {"99999-01-01": []}}', "Invalid isoformat"),
        (b'"just a string"', "expected an object, found str"),
    ],
)
def test_a_damaged_state_of_any_form_stops_the_run_naming_the_file_and_the_fix(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    server = serve()
    config = mail_config(project, server.port)
    (project / "out").mkdir()
    (project / "out" / "state.json").write_bytes(content)
    assert run(config) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"briefing: {project / 'out' / 'state.json'}: the state file is damaged (")
    assert reason in line
    assert line.endswith("fix it or move it away (then every date counts as not sent)")
    assert server.recorder.greetings == 0


def test_a_version_1_state_still_counts_as_sent(project: Path, serve: Any) -> None:
    server = serve()
    config = mail_config(project, server.port)
    (project / "out").mkdir()
    old = {
        "version": 1,
        "sent": {
            DAY: [
                {
                    "message_id": "<old@example.org>",
                    "recipients": EVERYONE,
                    "refused": [],
                    "sent_at": "2026-11-26T06:30:00+01:00",
                    "subject": "Daily Briefing",
                }
            ]
        },
    }
    (project / "out" / "state.json").write_text(json.dumps(old), encoding="utf-8")
    assert run(config) == 0 and server.recorder.greetings == 0
    assert main(["run", "--config", str(config), "--date", "2026-11-24"]) == 0  # another day is sent
    state = json.loads((project / "out" / "state.json").read_text(encoding="utf-8"))
    assert (
        state["version"] == 2
        and state["sent"][DAY][0]["recipients"]["desk@example.org"]["status"] == "delivered"
    )
    assert delivered_to(project, "2026-11-24") == EVERYONE and len(server.recorder.messages) == 1


def test_a_slow_health_check_cannot_hold_up_the_run(project: Path, serve: Any) -> None:
    import http.server

    class Trickle(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    time.sleep(0.1)
                    self.wfile.write(b".")
                    self.wfile.flush()
            except OSError:
                pass

    slow = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    slow.daemon_threads = True
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    try:
        server = serve()
        section = load_email(mail_config(project, server.port))
        url = f"http://127.0.0.1:{slow.server_address[1]}/ping"
        fetch = {"allow_private_networks": True, "timeout": 1}
        config = write_config(project, email={**section, "ping_url": url}, fetch=fetch)
        started = time.monotonic()
        assert run(config) == 0
        assert time.monotonic() - started < 15  # build, send, and a ping cut off after 1 s
        assert len(server.recorder.messages) == 1
    finally:
        slow.shutdown()
        slow.server_close()


def test_a_state_that_fails_after_the_message_went_out_never_leads_to_a_second_copy(
    project: Path, serve: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.errors import StateError

    server = serve()
    config = mail_config(project, server.port)
    writes: list[str] = []
    real_save = SentLog.save

    def disk_full_at_the_end(log: SentLog, record: Any) -> None:
        writes.append(record.message_id)
        if len(writes) == 3:  # 1: the message, 2: "sending" before DATA, 3: the outcome
            raise StateError(f"{log.path}: cannot write the state file (No space left on device)")
        real_save(log, record)

    monkeypatch.setattr(SentLog, "save", disk_full_at_the_end)
    assert run(config) == 4  # sent, but not recorded: its own exit code
    assert capsys.readouterr().err == (
        f"briefing: {project / 'out' / 'state.json'}: cannot write the state file (No space left on device); "
        f"the {DAY} briefing went to {', '.join(EVERYONE)} (Message-ID {writes[0]}); it is recorded as "
        "being sent, so later runs will not send it again to them\n"
    )
    monkeypatch.setattr(SentLog, "save", real_save)
    assert run(config) == 3  # the record says "sending": reported once, not sent again
    assert "may or may not have reached" in capsys.readouterr().err
    assert len(server.recorder.messages) == 1
    assert run(config) == 0 and len(server.recorder.messages) == 1


def test_list_unsubscribe_is_sent_when_configured_with_one_click_for_https(project: Path) -> None:
    config = mail_config(project, 25)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "subject:",
            "list_unsubscribe: [mailto:leave@example.org, https://example.org/leave?u=1]\n  subject:",
            1,
        ),
        encoding="utf-8",
    )
    settings = load_config(config).email
    assert settings is not None
    outgoing = compose(
        settings,
        title='Morning, "Desk"',
        day=date(2026, 11, 26),
        text="t",
        html="<p>h</p>",
        now=datetime.now(UTC),
    )
    message = outgoing.message
    assert message["List-Unsubscribe"] == "<mailto:leave@example.org>, <https://example.org/leave?u=1>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == '"Morning, Desk" <morning-desk.example.org>'


def test_send_after_a_build_made_before_email_was_configured_says_so_not_never_built(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = project / "config.yaml"
    assert main(["build", "-q", "--config", str(plain), "--date", DAY]) == 0
    config = mail_config(project, free_port())
    assert main(["send", "--dry-run", "--config", str(config), "--date", DAY]) != 0
    error = capsys.readouterr().err
    assert "never built" not in error
    assert "built without the e-mail's parts" in error and f"briefing build --date {DAY}" in error
    assert len(error.strip().splitlines()) == 1
