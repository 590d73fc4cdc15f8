"""Mail: a built briefing → one multipart/alternative message → the SMTP server.

`compose` makes the message (plain text first, HTML with its CSS inlined last);
`send` delivers it over STARTTLS or implicit TLS with certificate checks on,
retrying temporary failures (4xx, a dropped connection) with bounded backoff and
never retrying a permanent one (5xx, a bad certificate, a refused login).
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import css_inline

from briefing.config import (
    EmailConfig,
    SmtpConfig,
    SubjectError,
    header_problem,
    parse_address,
    render_subject,
)
from briefing.errors import ConfigError, DeliveryError

log = logging.getLogger("briefing.mail")

# Gmail clips a message whose HTML is larger than about 102 KB (Google's
# "Gmail clips messages larger than 102KB" help note); past it readers see "[Message clipped]".
GMAIL_CLIP_BYTES = 102 * 1024
MAX_RETRY_DELAY = 300.0  # seconds; no single wait is longer than this

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
class Delivery:
    """What the server accepted."""

    accepted: tuple[str, ...]
    refused: tuple[tuple[str, int, str], ...]  # (recipient, code, server's text)
    attempts: int


class _Temporary(Exception):
    """A failure worth retrying (4xx reply, connection lost before the message was sent)."""


class _Permanent(Exception):
    """A failure that retrying will not fix."""


def inline_css(html: str) -> str:
    """HTML with its <style> rules moved into style="" attributes; remote stylesheets are never fetched."""
    inliner = css_inline.CSSInliner(
        load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False
    )
    try:
        return inliner.inline(html)
    except (css_inline.InlineError, ValueError) as error:
        raise ConfigError(f"template briefing.html.j2: cannot inline its CSS for e-mail: {error}") from None


def compose(email: EmailConfig, *, title: str, day: date, text: str, html: str, now: datetime) -> Outgoing:
    """The message for one briefing; refuses header injection before anything is sent."""
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
    message_id = f"<briefing.{day.isoformat()}.{secrets.token_hex(8)}@{sender.domain}>"
    message["Message-ID"] = message_id
    # RFC 3834: tells vacation responders not to answer a daily automatic mail.
    message["Auto-Submitted"] = "auto-generated"

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
) -> Delivery:
    """Deliver one message; DeliveryError (one line) when the server did not take it."""
    if not outgoing.recipients:
        raise DeliveryError("no recipients: nothing was sent")
    context = tls_context(smtp, ca_file) if smtp.security != "none" else None
    where = f"{smtp.host}:{smtp.effective_port}"
    attempts = smtp.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            accepted, refused = _send_once(outgoing, smtp, password, context)
        except _Permanent as problem:
            raise DeliveryError(f"{where}: {problem}") from None
        except _Temporary as problem:
            if attempt == attempts:
                tries = f" (tried {attempts} times)" if attempts > 1 else ""
                raise DeliveryError(f"{where}: {problem}{tries}") from None
            delay = min(smtp.retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY)
            log.info(
                "%s: %s; retrying in %g s (attempt %d of %d)", where, problem, delay, attempt + 1, attempts
            )
            sleep(delay)
            continue
        return Delivery(accepted, refused, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _send_once(
    outgoing: Outgoing, smtp: SmtpConfig, password: str | None, context: ssl.SSLContext | None
) -> tuple[tuple[str, ...], tuple[tuple[str, int, str], ...]]:
    client = _connect(smtp, context)
    try:
        _greet(client, smtp, password, context)
        refused = _transfer(client, outgoing)
    except smtplib.SMTPResponseException as error:
        raise _classify(error.smtp_code, _reply_text(error.smtp_error), "the server replied") from None
    except ssl.SSLError as error:
        raise _Permanent(_tls_problem(error)) from None
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        raise _Temporary(f"connection lost: {error or type(error).__name__}") from None
    except smtplib.SMTPException as error:
        raise _Permanent(str(error)) from None
    finally:
        _close(client)
    accepted = tuple(r for r in outgoing.recipients if r not in {item[0] for item in refused})
    return accepted, refused


def _connect(smtp: SmtpConfig, context: ssl.SSLContext | None) -> smtplib.SMTP:
    try:
        if smtp.security == "ssl":
            return smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout, context=context)
        return smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
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


def _transfer(client: smtplib.SMTP, outgoing: Outgoing) -> tuple[tuple[str, int, str], ...]:
    """MAIL, RCPT, DATA by hand, so that a failure after the message went out is never retried."""
    code, reply = client.mail(outgoing.sender)
    if code != 250:
        client.rset()
        raise _classify(code, _reply_text(reply), f"sender {outgoing.sender} refused")
    refused: list[tuple[str, int, str]] = []
    for recipient in outgoing.recipients:
        code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            refused.append((recipient, code, _reply_text(reply)))
    if len(refused) == len(outgoing.recipients):
        client.rset()
        codes = {code for _, code, _ in refused}
        details = "; ".join(f"{r}: {c} {t}" for r, c, t in refused)
        problem = f"every recipient refused: {details}"
        raise (_Temporary if all(400 <= c < 500 for c in codes) else _Permanent)(problem)
    code, reply = client.docmd("DATA")
    if code != 354:
        client.rset()
        raise _classify(code, _reply_text(reply), "DATA refused")
    payload = re.sub(rb"(?m)^\.", b"..", outgoing.as_bytes())
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    try:
        client.send(payload + b".\r\n")
        code, reply = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        # The message may have been delivered: retrying could send it twice.
        raise _Permanent(
            f"the connection broke after the message was sent ({error or type(error).__name__}); "
            "it may have arrived: check before sending it again"
        ) from None
    if code != 250:
        raise _classify(code, _reply_text(reply), "message refused")
    return tuple(refused)


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
