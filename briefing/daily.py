"""The cron run: build a day's briefing once, mail it once, record that it went.

`run_daily` (`briefing run`) and `send_built` (`briefing send`) hold the run lock,
consult the state file before doing anything, and record a send only after the
server accepted it. The clock, the environment and `sleep` are passed in.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefing.config import Config, EmailConfig, FetchConfig, FileSource, SmtpConfig
from briefing.deliver import atomic_write, briefing_dir, write_files
from briefing.errors import BriefingError, ConfigError, DeliveryError, SourceError
from briefing.ingest.http import HttpClient
from briefing.ingest.window import remember_run
from briefing.mail import Delivery, Outgoing, compose, send
from briefing.state import (
    DONE,
    LOCK_FILE,
    STATE_FILE,
    SentRecord,
    StateError,
    ensure_writable,
    latest,
    run_lock,
    save_record,
)
from briefing.state import Outcome as StateOutcome

if TYPE_CHECKING:
    from briefing.models import Briefing

log = logging.getLogger("briefing.daily")

MAIL_FORMATS = ("txt", "html")  # the two parts of the message; written whenever e-mail is configured
EML_FILE = "briefing.eml"
PING_TIMEOUT = 10.0  # seconds; a slow health-check service must not hold up the run
INTERRUPTED = "the run sending it stopped after the message went out, before the server confirmed it"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run or send did for one briefing date."""

    day: date
    folder: Path
    status: Literal["sent", "already-sent", "dry-run"]
    record: SentRecord | None = None  # the new record, or the earlier one when already sent
    outgoing: Outgoing | None = None
    written: tuple[Path, ...] = ()


def output_formats(config: Config) -> tuple[str, ...]:
    """output.formats, plus the text and HTML files the e-mail is made of when e-mail is configured."""
    extra = MAIL_FORMATS if config.email else ()
    return tuple(dict.fromkeys((*config.output.formats, *extra)))


def out_dir(config: Config) -> Path:
    return config.resolve(config.output.dir)


def lock_path(folder: Path) -> Path:
    return folder / LOCK_FILE


def state_path(config: Config) -> Path:
    email = config.email
    return config.resolve(email.state) if email and email.state else out_dir(config) / STATE_FILE


def require_email(config: Config) -> EmailConfig:
    if config.email is None:
        raise ConfigError(
            "email: section missing; `briefing run` and `briefing send` mail the briefing: add an "
            "email: section (see the README) or use `briefing build`"
        )
    return config.email


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


def build_files(config: Config, day: date, folder: Path) -> tuple[Path, ...]:
    """Build the briefing and write its files to folder/<date>/ (what `briefing build` does)."""
    from briefing.pipeline import build_briefing
    from briefing.render import check_templates

    template_dir = config.resolve(config.templates) if config.templates else None
    formats = output_formats(config)
    check_templates(template_dir, formats)
    started = datetime.now(UTC)
    briefing = build_briefing(config, day, now=started)
    written = tuple(write_files(folder, day, _render(briefing, config)))
    remember_run(config, started)  # for window.since: last-run; only after the files are safe
    return written


# The sample `briefing check` renders the templates with: two sources' worth of text, so
# that topics, sources and the skipped list all have something in them.
SAMPLE_ARTICLE = """Harbour reopens after the storm

The city harbour reopened to ships on Wednesday morning after divers checked every berth.
Harbour master Ana Petrović said the storm had moved two cranes and sunk a small boat.
Ferries to the islands will run on their winter timetable from Thursday, the operator said.
The council will pay for the repairs from its emergency fund, the mayor told reporters.

/Sample Wire/
"""


def check_rendering(config: Config, day: date) -> None:
    """Render every template `build` would use against a small sample briefing.

    A user template that raises (a filter on the wrong type, a missing key) fails
    here, with its name and line, rather than in the morning's run.
    """
    from briefing.pipeline import build_briefing
    from briefing.render import check_templates

    template_dir = config.resolve(config.templates) if config.templates else None
    check_templates(template_dir, output_formats(config))
    with tempfile.TemporaryDirectory(prefix="briefing-check-") as tmp:
        Path(tmp, "sample.txt").write_text(SAMPLE_ARTICLE, encoding="utf-8")
        Path(tmp, "unreadable.txt").write_text("", encoding="utf-8")  # listed under skipped
        sources = (FileSource(path=str(Path(tmp, "*.txt")), name="Sample"),)
        sample = config.model_copy(update={"sources": sources, "base_dir": Path(tmp)})
        quiet = logging.getLogger("briefing")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # the sample's own warnings are not the user's
        try:
            briefing = build_briefing(sample, day, now=datetime.now(UTC))
        finally:
            quiet.setLevel(level)
        _render(briefing, config)
    if config.email is not None:
        compose(
            config.email, title=config.title, day=day, text="text", html="<p>html</p>", now=datetime.now(UTC)
        )


def _render(briefing: Briefing, config: Config) -> dict[str, str]:
    """Every output file's text; a template that fails, whatever the error, is a ConfigError naming it."""
    from briefing.render import render

    template_dir = config.resolve(config.templates) if config.templates else None
    try:
        return render(briefing, output_formats(config), template_dir)
    except BriefingError:
        raise
    except Exception as error:  # a user's template can raise anything (TypeError from {{ x - 1 }})
        log.debug("template failed", exc_info=True)
        where = _template_line(error)
        raise ConfigError(
            f"template {where}: {type(error).__name__}: {error}; fix the template "
            "(`briefing check` renders every template against a sample)"
        ) from None


def _template_line(error: BaseException) -> str:
    """'briefing.md.j2, line 12' from the traceback Jinja2 rewrites to point into the template."""
    found = "(unknown)"
    trace = error.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".css", ".html", ".txt", ".md")):
            found = f"{Path(name).name}, line {trace.tb_lineno}"
        trace = trace.tb_next
    return found


def run_daily(
    config: Config,
    *,
    now: datetime,
    day: date | None = None,
    force: bool = False,
    dry_run: bool = False,
    wait: float | None = 0,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Build and mail the briefing for `day` (default: today in the config's zone), once."""
    return _once(
        config,
        day or config.today(now),
        build=True,
        now=now,
        force=force,
        dry_run=dry_run,
        wait=wait,
        environ=environ,
        sleep=sleep,
    )


def send_built(
    config: Config,
    *,
    now: datetime,
    day: date,
    force: bool = False,
    dry_run: bool = False,
    wait: float | None = 0,
    environ: Mapping[str, str],
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Mail a briefing already built in out/<date>/, without rebuilding it."""
    return _once(
        config,
        day,
        build=False,
        now=now,
        force=force,
        dry_run=dry_run,
        wait=wait,
        environ=environ,
        sleep=sleep,
    )


def _once(
    config: Config,
    day: date,
    *,
    build: bool,
    now: datetime,
    force: bool,
    dry_run: bool,
    wait: float | None,
    environ: Mapping[str, str],
    sleep: Callable[[float], None],
) -> Outcome:
    """Under the run lock: (build and) mail `day`'s briefing to every recipient not yet reached.

    At most once per recipient and date: an address the message reached, refused
    for good, or may have reached (an attempt that never got its answer) is not sent
    to again unless `force`; one that was deferred is tried again, with the same message.
    """
    email = require_email(config)
    password = smtp_password(email.smtp, environ)
    with run_lock(lock_path(out_dir(config)), wait=wait, sleep=sleep):
        folder = briefing_dir(out_dir(config), day)
        path = state_path(config)
        earlier = None if force else latest(path, day)
        interrupted = earlier.having("sending") if earlier is not None else ()
        waiting = tuple(
            r
            for r in email.recipients()
            if earlier is None
            or (o := earlier.outcome(r)) is None
            or not (o.status in DONE or o.status == "sending")
        )
        if earlier is not None and not waiting and not interrupted:
            return Outcome(day, folder, "already-sent", record=earlier)
        if not dry_run:
            ensure_writable(path)  # before anything is built or sent: a send must be recordable
            if earlier is not None and interrupted:  # stopped between DATA and the answer: "unknown"
                stamp = _clock(config)
                earlier = earlier.updated(
                    {r: StateOutcome("unknown", stamp, INTERRUPTED) for r in interrupted}
                )
                save_record(path, earlier)
                if not waiting:
                    raise DeliveryError(_unknown_message(day, earlier, interrupted, INTERRUPTED))
        elif not waiting:
            return Outcome(day, folder, "already-sent", record=earlier)
        went_out = earlier is not None and bool(earlier.having("delivered", "unknown"))
        # Once anyone has it, later recipients get the very same briefing: no rebuild.
        written = build_files(config, day, out_dir(config)) if build and not went_out else ()
        outcome = _mail(
            config,
            email,
            day,
            folder,
            earlier=earlier,
            waiting=waiting,
            now=now,
            password=password,
            dry_run=dry_run,
            sleep=sleep,
            interrupted=interrupted,
        )
        return Outcome(day, folder, outcome.status, outcome.record, outcome.outgoing, written)


def _clock(config: Config) -> datetime:
    return datetime.now(UTC).astimezone(config.zone)


def _mail(
    config: Config,
    email: EmailConfig,
    day: date,
    folder: Path,
    *,
    earlier: SentRecord | None,
    waiting: tuple[str, ...],
    now: datetime,
    password: str | None,
    dry_run: bool,
    sleep: Callable[[float], None],
    interrupted: tuple[str, ...] = (),
) -> Outcome:
    parts = {}
    for fmt in MAIL_FORMATS:
        file = folder / f"briefing.{fmt}"
        try:
            parts[fmt] = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DeliveryError(
                f"{file}: not built yet; run `briefing run --date {day}` to build and send it"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise DeliveryError(f"{file}: cannot read: {error}") from None
    outgoing = compose(
        email,
        title=config.title,
        day=day,
        text=parts["txt"],
        html=parts["html"],
        now=now.astimezone(config.zone),
        message_id=earlier.message_id if earlier is not None else None,
    )
    outgoing = dataclasses.replace(outgoing, recipients=waiting)
    try:
        atomic_write(folder / EML_FILE, outgoing.as_bytes().decode("ascii"))
    except OSError as error:
        raise DeliveryError(f"{folder / EML_FILE}: cannot write ({error.strerror or error})") from None
    if dry_run:
        return Outcome(day, folder, "dry-run", outgoing=outgoing)
    path = state_path(config)
    record = earlier or SentRecord(day, outgoing.message_id, now.astimezone(config.zone), outgoing.subject)
    record = record.updated(
        {
            r: StateOutcome("deferred", _clock(config), "not sent yet")
            for r in waiting
            if not record.outcome(r)
        }
    )
    save_record(path, record)  # the message exists before any of it is sent
    current = [record]

    def before_data(accepted: tuple[str, ...]) -> None:
        # The attempt in progress, on disk before DATA: if this run dies before the
        # server's answer, the next one finds "sending" and does not send blindly.
        current[0] = current[0].updated({r: StateOutcome("sending", _clock(config)) for r in accepted})
        save_record(path, current[0])

    ca_file = config.resolve(email.smtp.ca_file) if email.smtp.ca_file else None
    delivery = send(
        outgoing, email.smtp, password=password, ca_file=ca_file, sleep=sleep, before_data=before_data
    )
    stamp = _clock(config)
    record = current[0].updated(
        {r.recipient: StateOutcome(r.status, stamp, r.reply) for r in delivery.results}
    )
    try:
        save_record(path, record)
    except StateError as error:
        reached = ", ".join(delivery.accepted) or "no one"
        raise StateError(
            f"{error}; the {day} briefing went to {reached} (Message-ID {record.message_id}); it is "
            "recorded as being sent, so later runs will not send it again to them"
        ) from None
    _report(config, day, folder, record, delivery, interrupted)
    return Outcome(day, folder, "sent", record=record, outgoing=outgoing)


def _report(
    config: Config,
    day: date,
    folder: Path,
    record: SentRecord,
    delivery: Delivery,
    interrupted: tuple[str, ...],
) -> None:
    """DeliveryError with one line per recipient not reached and what to do, if there is any."""
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
    smtp = config.email.smtp if config.email else None
    where = f"{smtp.host}:{smtp.effective_port}: " if smtp else ""
    if deferred and not delivery.accepted and len({r.reply for r in deferred}) == 1:
        # One reason for everyone (server down, message refused): one line.
        reply = (
            deferred[0].reply
            if deferred[0].reply.startswith(where) or not where
            else where + deferred[0].reply
        )
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


def ping(url: str | None, *, ok: bool, settings: FetchConfig | None = None) -> None:
    """Tell a health-check service (healthchecks.io style) how the run went; never raises.

    Through the one HTTP client: its deadline (at most PING_TIMEOUT), size limit and
    address check apply; a ping on a private address needs fetch.allow_private_networks.
    """
    if not url:
        return
    base = settings or FetchConfig()
    limits = base.model_copy(update={"timeout": min(base.timeout, PING_TIMEOUT), "per_host_delay": 0})
    target = url if ok else url.rstrip("/") + "/fail"
    client = HttpClient(limits)
    try:
        client.get(target, use_cache=False)
    except SourceError as error:
        log.warning("email.ping_url: %s (the run itself is unaffected)", str(error).removesuffix("; skipped"))
    finally:
        client.close()
