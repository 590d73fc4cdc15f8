"""Deliver: a built briefing → e-mail, at most once per recipient and day.

`mail_briefing` consults the state before doing anything, proves a send can be
recorded before anything is built or sent, records the attempt before DATA and
each recipient's outcome after it. The caller holds the run lock and passes in
the clock, the state (`SentLog`) and the briefing folder (`Store`); the files
themselves are written by the store.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from briefing.config import EmailConfig, SmtpConfig
from briefing.errors import ConfigError, DeliveryError, NotBuilt, NotRecorded, StateError
from briefing.mail import Delivery, Outgoing, compose, send
from briefing.render import FILE_NAMES
from briefing.store import Store
from briefing.store.sent import DONE, Outcome, SentLog, SentRecord

log = logging.getLogger(__name__)

# The two parts of the message (the plain text, the HTML for mail clients); written whenever
# e-mail is configured, as briefing.txt and briefing.mail.html.
MAIL_FORMATS = ("txt", "mail")
INTERRUPTED = "the run sending it stopped after the message went out, before the server confirmed it"


@dataclass(frozen=True, slots=True)
class Mailing:
    """What a run or send did for one briefing date."""

    day: date
    folder: Path
    status: Literal["sent", "already-sent", "dry-run"]
    record: SentRecord | None = None  # the new record, or the earlier one when already sent
    outgoing: Outgoing | None = None
    written: tuple[Path, ...] = ()  # the briefing's files, when this run built them


def require_email(email: EmailConfig | None) -> EmailConfig:
    if email is None:
        raise ConfigError(
            "email: section missing; `briefing run` and `briefing send` mail the briefing: add an "
            "email: section (see the README) or use `briefing build`"
        )
    return email


def smtp_password(smtp: SmtpConfig, environ: Mapping[str, str]) -> str | None:
    """The password from the environment variable the config names; checked before any work."""
    if not smtp.password_env:
        return None
    password = environ.get(smtp.password_env)
    if not password:
        raise ConfigError(
            f"email.smtp.password_env: the environment variable {smtp.password_env} is not set; "
            "set it in the crontab line or the systemd unit (never in config.yaml)"
        )
    return password


@dataclass(frozen=True, slots=True)
class Mail:
    """Everything one mailing needs besides the briefing: settings, secrets, the clock."""

    email: EmailConfig
    title: str  # the briefing's title, for the subject
    password: str | None
    ca_file: Path | None
    clock: Callable[[], datetime]  # now, in the configured zone
    sleep: Callable[[float], None] = time.sleep


def mail_briefing(
    mail: Mail,
    store: Store,
    day: date,
    *,
    build: Callable[[], tuple[Path, ...]] | None,
    force: bool = False,
    dry_run: bool = False,
) -> Mailing:
    """(Build and) mail `day`'s briefing to every recipient not yet reached; the caller holds the lock.

    At most once per recipient and date: an address the message reached, refused
    for good, or may have reached (an attempt that never got its answer) is not sent
    to again unless `force`; one that was deferred is tried again, with the same message.
    `build` makes the briefing's files; None mails the files already built.
    """
    folder, sent = store.briefing_dir(day), store.sent
    earlier = None if force else sent.latest(day)
    interrupted = earlier.having("sending") if earlier is not None else ()
    waiting = tuple(
        r
        for r in mail.email.recipients()
        if earlier is None
        or (o := earlier.outcome(r)) is None
        or not (o.status in DONE or o.status == "sending")
    )
    if earlier is not None and not waiting and not interrupted:
        return Mailing(day, folder, "already-sent", record=earlier)
    if not dry_run:
        sent.ensure_writable()  # before anything is built or sent: a send must be recordable
        if earlier is not None and interrupted:  # stopped between DATA and the answer: "unknown"
            stamp = mail.clock()
            earlier = earlier.updated({r: Outcome("unknown", stamp, INTERRUPTED) for r in interrupted})
            sent.save(earlier)
            if not waiting:
                raise DeliveryError(_unknown_message(day, earlier, interrupted, INTERRUPTED))
    elif not waiting:
        return Mailing(day, folder, "already-sent", record=earlier)
    went_out = earlier is not None and bool(earlier.having("delivered", "unknown"))
    # Once anyone has it, later recipients get the very same briefing: no rebuild.
    written = build() if build is not None and not went_out else ()
    outgoing = _compose(mail, store, day, earlier, waiting)
    if dry_run:
        return Mailing(day, folder, "dry-run", outgoing=outgoing, written=written)
    record = _send(mail, sent, day, outgoing, earlier, waiting)
    _report(mail.email.smtp, day, folder, record, interrupted)
    return Mailing(day, folder, "sent", record=record.record, outgoing=outgoing, written=written)


def _waiting(earlier: SentRecord | None, recipient: str) -> bool:
    """Whether the recipient is still to be sent the briefing: nothing recorded, or deferred."""
    outcome = earlier.outcome(recipient) if earlier is not None else None
    return outcome is None or not (outcome.status in DONE or outcome.status == "sending")


def _compose(
    mail: Mail, store: Store, day: date, earlier: SentRecord | None, waiting: tuple[str, ...]
) -> Outgoing:
    """The message from the built text and HTML (the same Message-ID as an earlier attempt), kept
    next to the briefing as briefing.eml."""
    parts = {}
    for fmt in MAIL_FORMATS:
        text = store.read_part(day, FILE_NAMES[fmt])
        if text is None:
            raise NotBuilt(_not_built(store, day, FILE_NAMES[fmt]))
        parts[fmt] = text
    outgoing = compose(
        mail.email,
        title=mail.title,
        day=day,
        text=parts["txt"],
        html=parts["mail"],
        now=mail.clock(),
        message_id=earlier.message_id if earlier is not None else None,
    )
    outgoing = dataclasses.replace(outgoing, recipients=waiting)
    store.write_message(day, outgoing.as_bytes())
    return outgoing


def _not_built(store: Store, day: date, missing: str) -> str:
    """Why the day's message cannot be made: the day was never built, or it was built without the
    e-mail's parts (before `email:` was configured, or by an earlier version)."""
    folder = store.briefing_dir(day)
    again = f"`briefing build --date {day}`, or `briefing run --date {day}` to build and send it"
    built = store.built_files(day)
    if not built:
        return (
            f"the {day} briefing was never built ({folder / missing} is not there); build it first: {again}"
        )
    return (
        f"the {day} briefing in {folder} ({', '.join(built)}) was built without the e-mail's parts "
        f"({missing} is not there: they are written only when `email:` is configured); "
        f"build it again: {again}"
    )


@dataclass(frozen=True, slots=True)
class _Sent:
    record: SentRecord
    delivery: Delivery


def _send(
    mail: Mail,
    sent: SentLog,
    day: date,
    outgoing: Outgoing,
    earlier: SentRecord | None,
    waiting: tuple[str, ...],
) -> _Sent:
    """Send to the recipients waiting, recording the message, the attempt and every outcome."""
    record = earlier or SentRecord(day, outgoing.message_id, mail.clock(), outgoing.subject)
    record = record.updated(
        {r: Outcome("deferred", mail.clock(), "not sent yet") for r in waiting if not record.outcome(r)}
    )
    sent.save(record)  # the message exists before any of it is sent
    current = [record]

    def before_data(accepted: tuple[str, ...]) -> None:
        # The attempt in progress, on disk before DATA: if this run dies before the
        # server's answer, the next one finds "sending" and does not send blindly.
        current[0] = current[0].updated({r: Outcome("sending", mail.clock()) for r in accepted})
        sent.save(current[0])

    delivery = send(
        outgoing,
        mail.email.smtp,
        password=mail.password,
        ca_file=mail.ca_file,
        sleep=mail.sleep,
        before_data=before_data,
    )
    stamp = mail.clock()
    record = current[0].updated({r.recipient: Outcome(r.status, stamp, r.reply) for r in delivery.results})
    try:
        sent.save(record)
    except StateError as error:
        reached = ", ".join(delivery.accepted) or "no one"
        raise NotRecorded(
            f"{error}; the {day} briefing went to {reached} (Message-ID {record.message_id}); it is "
            "recorded as being sent, so later runs will not send it again to them"
        ) from None
    return _Sent(record, delivery)


def _report(smtp: SmtpConfig, day: date, folder: Path, sent: _Sent, interrupted: tuple[str, ...]) -> None:
    """DeliveryError with one line per recipient not reached and what to do, if there is any."""
    record, delivery = sent.record, sent.delivery
    lines: list[str] = []
    if interrupted:
        lines.append(
            _unknown_message(
                day, record, interrupted, "the run sending it stopped before the server confirmed it"
            )
        )
    unknown = delivery.having("unknown")
    if unknown:
        lines.append(_unknown_message(day, record, tuple(r.recipient for r in unknown), unknown[0].reply))
    refused = delivery.having("refused")
    lines += [
        f"{r.recipient}: refused by the server: {r.reply}; not tried again for this briefing" for r in refused
    ]
    deferred = delivery.having("deferred")
    again = f"the next `briefing run` today (or `briefing send --date {day}`) tries again"
    where = f"{smtp.host}:{smtp.effective_port}: "
    if deferred and not delivery.accepted and len({r.reply for r in deferred}) == 1:
        # One reason for everyone (server down, message refused): one line.
        reply = deferred[0].reply if deferred[0].reply.startswith(where) else where + deferred[0].reply
        lines.append(f"{reply}; the {day} briefing is kept in {folder} and not sent yet: {again}")
    else:
        lines += [f"{r.recipient}: not delivered yet: {r.reply}; {again}" for r in deferred]
    if not lines:
        return
    if delivery.accepted and (refused or deferred or unknown or interrupted):
        lines.append(f"the {day} briefing went to the other {len(delivery.accepted)} recipient(s)")
    raise DeliveryError("\n".join(lines))


def _unknown_message(day: date, record: SentRecord, recipients: tuple[str, ...], reason: str) -> str:
    return (
        f"the {day} briefing (Message-ID {record.message_id}) may or may not have reached "
        f"{', '.join(recipients)}: {reason}; at most once, so it is not sent again by itself; "
        f"if it did not arrive, send it again to every recipient with: briefing send --date {day} --force"
    )
