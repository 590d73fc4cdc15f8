"""Mail: a built briefing → one multipart/alternative message → the SMTP server.

`compose` makes the message (plain text first, HTML with its CSS inlined last);
`send` delivers it over STARTTLS or implicit TLS with certificate checks on, and
says what became of it for each recipient. Temporary failures (4xx, a dropped
connection before the message went out) are retried with bounded backoff, for
the recipients still waiting only; permanent ones (5xx to RCPT for that address,
a bad certificate, a refused login for all) are not. Just before DATA a callback
lets the caller record the attempt, so that an outcome never learnt (the
connection breaks after the message went out) is known to be unknown.
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

import css_inline

from briefing.config import (
    EmailConfig,
    SmtpConfig,
    header_problem,
    parse_address,
    render_subject,
)
from briefing.deadline import SocketWatch
from briefing.errors import ConfigError, DeliveryError, SubjectError

log = logging.getLogger(__name__)

# Gmail clips a message whose HTML is larger than about 102 KB (Google's
# "Gmail clips messages larger than 102KB" help note); past it readers see "[Message clipped]".
GMAIL_CLIP_BYTES = 102 * 1024
MAX_RETRY_DELAY = 300.0  # seconds; no single wait is longer than this
# A whole attempt (connect to QUIT) may take this many times smtp.timeout: each reply is
# bounded by the timeout, and this bounds a server that trickles them.
ATTEMPT_TIMEOUTS = 10

# CRLF line endings, and 7bit transfer so that the email package picks
# quoted-printable for mostly-ASCII parts (base64 only where it is shorter).
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A composed message with its envelope."""

    message: EmailMessage
    sender: str  # envelope MAIL FROM: the bare address
    recipients: tuple[str, ...]  # envelope RCPT TO: To, Cc and Bcc, each once
    message_id: str
    subject: str
    html_bytes: int  # size of the inlined HTML, for Gmail's clipping limit

    def as_bytes(self) -> bytes:
        """The message exactly as it goes on the wire (CRLF line endings, 7-bit)."""
        return self.message.as_bytes(policy=MAIL_POLICY)


@dataclass(frozen=True, slots=True)
class Result:
    """What became of the message for one recipient."""

    recipient: str
    status: Literal["delivered", "refused", "deferred", "unknown"]
    reply: str  # the server's reply ("550 5.1.1 No such user"), or what went wrong


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of the message, recipient by recipient, after every attempt."""

    results: tuple[Result, ...]
    attempts: int
    problem: str = ""  # the last failure of a whole attempt (server down, TLS, login …), if any

    def having(self, status: str) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.status == status)

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(r.recipient for r in self.having("delivered"))


class _Temporary(Exception):
    """A failure worth retrying (4xx reply, connection lost before the message was sent)."""


class _Permanent(Exception):
    """A failure that retrying will not fix."""


class _Unknown(Exception):
    """The message went out but its answer never came: it may or may not have arrived."""

    def __init__(self, reason: str, recipients: tuple[str, ...]) -> None:
        super().__init__(reason)
        self.reason, self.recipients = reason, recipients


def inline_css(html: str) -> str:
    """HTML with its <style> rules moved into style="" attributes; remote stylesheets are never fetched."""
    inliner = css_inline.CSSInliner(
        load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False
    )
    try:
        return inliner.inline(html)
    except (css_inline.InlineError, ValueError) as error:
        raise ConfigError(f"template briefing.html.j2: cannot inline its CSS for e-mail: {error}") from None


def list_headers(email: EmailConfig, title: str, domain: str) -> dict[str, str]:
    """List-Id (RFC 2919), always: mail clients group and filter the briefing by it; with
    `email.list_unsubscribe`, List-Unsubscribe (RFC 2369) and, for an https address, the
    one-click List-Unsubscribe-Post (RFC 8058) that Gmail and Yahoo ask of bulk senders."""
    label = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "briefing"
    phrase = re.sub(r'["\\\r\n]', "", title).strip()
    headers = {"List-Id": f'"{phrase}" <{label}.{domain}>' if phrase else f"<{label}.{domain}>"}
    if email.list_unsubscribe:
        headers["List-Unsubscribe"] = ", ".join(f"<{where}>" for where in email.list_unsubscribe)
        if any(where.startswith("https://") for where in email.list_unsubscribe):
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def compose(
    email: EmailConfig,
    *,
    title: str,
    day: date,
    text: str,
    html: str,
    now: datetime,
    message_id: str | None = None,
) -> Outgoing:
    """The message for one briefing; refuses header injection before anything is sent.

    `message_id`: the Message-ID of an earlier attempt at the same briefing, so that a
    recipient reached later (after greylisting) gets the same message as the others.
    """
    try:
        subject = render_subject(email.subject, title=title, day=day).strip()
    except SubjectError as error:
        raise ConfigError(f"email.subject: cannot make the subject: {error}") from None
    problem = header_problem(subject)
    if problem is not None:
        raise ConfigError(f"email.subject: the subject {subject!r} {problem}; check title")
    sender = parse_address(email.sender)
    recipients = email.recipients()

    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject
    message["From"] = str(sender)
    if email.to:
        message["To"] = ", ".join(email.to)
    if email.cc:
        message["Cc"] = ", ".join(email.cc)
    if not email.to and not email.cc:
        message["To"] = "undisclosed-recipients:;"
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Date"] = format_datetime(now)
    # Short enough to stay on one header line; random part from `secrets`, as make_msgid's is.
    message_id = message_id or f"<briefing.{day.isoformat()}.{secrets.token_hex(8)}@{sender.domain}>"
    message["Message-ID"] = message_id
    # RFC 3834: tells vacation responders not to answer a daily automatic mail.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in list_headers(email, title, sender.domain).items():
        message[name] = value

    inlined = inline_css(html)
    html_bytes = len(inlined.encode("utf-8"))
    if html_bytes > GMAIL_CLIP_BYTES:
        log.warning(
            "the HTML part is %d KB, over Gmail's %d KB limit: Gmail will clip it "
            "(fewer topics or summary.sentences make it smaller)",
            html_bytes // 1024,
            GMAIL_CLIP_BYTES // 1024,
        )
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(inlined, subtype="html", charset="utf-8")
    return Outgoing(message, sender.addr_spec, recipients, message_id, subject, html_bytes)


def tls_context(smtp: SmtpConfig, ca_file: Path | None) -> ssl.SSLContext:
    """Certificate and host name checked (the system's CAs, plus ca_file), unless tls_verify is off."""
    context = ssl.create_default_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as error:
            raise ConfigError(f"email.smtp.ca_file: {ca_file}: cannot load certificates: {error}") from None
    if not smtp.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def send(
    outgoing: Outgoing,
    smtp: SmtpConfig,
    *,
    password: str | None = None,
    ca_file: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before_data: Callable[[tuple[str, ...]], None] = lambda recipients: None,
) -> Delivery:
    """Deliver one message to its envelope recipients; the outcome for each.

    Recipients deferred (4xx) are tried again on the next attempt, alone; a recipient
    refused (5xx) is not. `before_data(recipients)` runs after the server accepted
    the recipients and before the message goes out: if it raises, nothing is sent.
    """
    if not outgoing.recipients:
        raise DeliveryError("no recipients: nothing was sent")
    context = tls_context(smtp, ca_file) if smtp.security != "none" else None
    where = f"{smtp.host}:{smtp.effective_port}"
    final: dict[str, Result] = {}
    waiting = list(outgoing.recipients)
    last: dict[str, Result] = {r: Result(r, "deferred", "not sent yet") for r in waiting}
    problem = ""
    attempts = smtp.retries + 1
    attempt = 0
    while waiting and attempt < attempts:
        attempt += 1
        if attempt > 1:
            delay = min(smtp.retry_delay * 2 ** (attempt - 2), MAX_RETRY_DELAY)
            log.info(
                "%s: %s; retrying %d recipient(s) in %g s (attempt %d of %d)",
                where,
                problem or "deferred",
                len(waiting),
                delay,
                attempt,
                attempts,
            )
            sleep(delay)
        try:
            results = _send_once(
                replace(outgoing, recipients=tuple(waiting)), smtp, password, context, before_data
            )
        except _Permanent as failure:
            problem = f"{where}: {failure}"
            last.update({r: Result(r, "deferred", problem) for r in waiting})
            break
        except _Temporary as failure:
            problem = f"{where}: {failure}"
            last.update({r: Result(r, "deferred", problem) for r in waiting})
            continue
        problem = ""
        for result in results:
            if result.status == "deferred":
                last[result.recipient] = result
            else:
                final[result.recipient] = result
        waiting = [r for r in waiting if r not in final]
        if any(r.status == "deferred" and r.reply.startswith("message refused: 5") for r in results):
            break  # the message itself was refused for good: another attempt today would be refused too
    if problem and attempt > 1:
        problem = f"{problem} (tried {attempt} times)"
        last.update({r: Result(r, "deferred", problem) for r in waiting})
    ordered = tuple(final.get(r) or last[r] for r in outgoing.recipients)
    return Delivery(ordered, attempt, problem)


class _WatchedSMTP(smtplib.SMTP):
    """SMTP whose socket is registered with its attempt's deadline as soon as it exists."""

    def __init__(self, watch: SocketWatch, host: str, port: int, timeout: float) -> None:
        self.watch = watch  # before super().__init__ connects
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self.watch.watch(sock)
        return sock  # type: ignore[no-any-return]


class _WatchedSMTPSSL(smtplib.SMTP_SSL):
    def __init__(
        self, watch: SocketWatch, host: str, port: int, timeout: float, context: ssl.SSLContext | None
    ) -> None:
        self.watch = watch
        super().__init__(host, port, timeout=timeout, context=context)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self.watch.watch(sock)
        return sock  # type: ignore[no-any-return]


def _send_once(
    outgoing: Outgoing,
    smtp: SmtpConfig,
    password: str | None,
    context: ssl.SSLContext | None,
    before_data: Callable[[tuple[str, ...]], None],
) -> tuple[Result, ...]:
    """One connection: the outcome for each recipient, or _Temporary/_Permanent for all."""
    with SocketWatch(time.monotonic() + smtp.timeout * ATTEMPT_TIMEOUTS) as watch:
        client = _connect(smtp, context, watch)
        try:
            _greet(client, smtp, password, context)
            return _transfer(client, outgoing, before_data)
        except _Unknown as unknown:
            return tuple(Result(r, "unknown", unknown.reason) for r in unknown.recipients)
        except smtplib.SMTPResponseException as error:
            raise _classify(error.smtp_code, _reply_text(error.smtp_error), "the server replied") from None
        except ssl.SSLError as error:
            raise _Permanent(_tls_problem(error)) from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            if watch.expired:
                raise _Temporary(f"no answer within {smtp.timeout * ATTEMPT_TIMEOUTS:g}s") from None
            raise _Temporary(f"connection lost: {error or type(error).__name__}") from None
        except smtplib.SMTPException as error:
            raise _Permanent(str(error)) from None
        finally:
            _close(client)


def _connect(smtp: SmtpConfig, context: ssl.SSLContext | None, watch: SocketWatch) -> smtplib.SMTP:
    try:
        if smtp.security == "ssl":
            return _WatchedSMTPSSL(watch, smtp.host, smtp.effective_port, smtp.timeout, context)
        return _WatchedSMTP(watch, smtp.host, smtp.effective_port, smtp.timeout)
    except ssl.SSLError as error:
        raise _Permanent(_tls_problem(error)) from None
    except smtplib.SMTPResponseException as error:
        raise _classify(error.smtp_code, _reply_text(error.smtp_error), "greeting refused") from None
    except (smtplib.SMTPException, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise _Temporary(f"cannot connect: {reason}") from None


def _greet(
    client: smtplib.SMTP, smtp: SmtpConfig, password: str | None, context: ssl.SSLContext | None
) -> None:
    client.ehlo()
    if smtp.security == "starttls":
        if not client.has_extn("starttls"):
            raise _Permanent(
                "the server does not offer STARTTLS, and security: starttls never falls back to "
                "plain text; use the server's TLS port with security: ssl, or fix the server"
            )
        client.starttls(context=context)
        client.ehlo()
    if smtp.username:
        if not client.has_extn("auth"):
            raise _Permanent(
                "the server offers no login (AUTH); remove email.smtp.username or fix the server"
            )
        try:
            client.login(smtp.username, password or "")
        except smtplib.SMTPAuthenticationError as error:
            reply = _reply_text(error.smtp_error)
            problem = (
                f"login as {smtp.username!r} refused: {error.smtp_code} {reply}; "
                f"check the password in ${smtp.password_env}"
            )
            raise (_Temporary if 400 <= error.smtp_code < 500 else _Permanent)(problem) from None


def _transfer(
    client: smtplib.SMTP, outgoing: Outgoing, before_data: Callable[[tuple[str, ...]], None]
) -> tuple[Result, ...]:
    """MAIL, RCPT, DATA by hand: per-recipient replies, and nothing retried once the message went out."""
    code, reply = client.mail(outgoing.sender)
    if code != 250:
        client.rset()
        raise _classify(code, _reply_text(reply), f"sender {outgoing.sender} refused")
    results: dict[str, Result] = {}
    accepted: list[str] = []
    for recipient in outgoing.recipients:
        code, reply = client.rcpt(recipient)
        text = f"{code} {_reply_text(reply)}".rstrip()
        if code in (250, 251):
            accepted.append(recipient)
        elif 400 <= code < 500:
            results[recipient] = Result(recipient, "deferred", text)  # greylisting, mailbox busy …
        else:
            results[recipient] = Result(recipient, "refused", text)
    if not accepted:
        client.rset()
        return tuple(results[r] for r in outgoing.recipients)
    before_data(tuple(accepted))  # if this raises (state not writable), nothing has been sent
    code, reply = client.docmd("DATA")
    if code != 354:
        client.rset()
        raise _classify(code, _reply_text(reply), "DATA refused")
    payload = re.sub(rb"(?m)^\.", b"..", outgoing.as_bytes())
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    try:
        client.send(payload + b".\r\n")
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        # sendall failed: the final "." never left, so the server cannot have taken the message.
        raise _Temporary(
            f"connection lost while sending the message: {error or type(error).__name__}"
        ) from None
    try:
        code, reply = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        why = f"{error or type(error).__name__}" if str(error) else "no reply"
        raise _Unknown(
            f"the connection broke after the message was sent, before the server confirmed it ({why})",
            tuple(accepted),
        ) from None
    text = f"{code} {_reply_text(reply)}".rstrip()
    for recipient in accepted:
        if code == 250:
            results[recipient] = Result(recipient, "delivered", text)
        else:  # 4xx: try again; 5xx: the message itself refused (kept for the next run, reported)
            results[recipient] = Result(recipient, "deferred", f"message refused: {text}")
    return tuple(results[r] for r in outgoing.recipients)


def _close(client: smtplib.SMTP) -> None:
    """QUIT politely; a failure here cannot undo a delivery, so it is ignored."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _classify(code: int, text: str, what: str) -> _Temporary | _Permanent:
    problem = f"{what}: {code} {text}".rstrip()
    return _Temporary(problem) if 400 <= code < 500 else _Permanent(problem)


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _tls_problem(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"the server's certificate was rejected ({error.verify_message or error.reason}); "
            "set email.smtp.ca_file to the CA that signed it, or for a test server only tls_verify: false"
        )
    return f"TLS failed: {error.reason or error}"
