"""The cron run: build a day's briefing once, mail it once, record that it went.

`run_daily` (`briefing run`) and `send_built` (`briefing send`) hold the run lock,
consult the state file before doing anything, and record a send only after the
server accepted it. The clock, the environment and `sleep` are passed in.
"""

from __future__ import annotations

import logging
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefing.config import Config, EmailConfig, FileSource, SmtpConfig
from briefing.deliver import atomic_write, briefing_dir, write_files
from briefing.errors import BriefingError, ConfigError, DeliveryError
from briefing.ingest.window import remember_run
from briefing.mail import Delivery, Outgoing, compose, send
from briefing.state import LOCK_FILE, STATE_FILE, SentRecord, last_sent, record_sent, run_lock

if TYPE_CHECKING:
    from briefing.models import Briefing

log = logging.getLogger("briefing.daily")

MAIL_FORMATS = ("txt", "html")  # the two parts of the message; written whenever e-mail is configured
EML_FILE = "briefing.eml"
PING_TIMEOUT = 10.0  # seconds; a slow health-check service must not hold up the run


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
        return render(briefing, output_formats(config), template_dir, config.language)
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
    """Under the run lock: nothing if `day` was sent (unless forced), else (build and) mail it."""
    email = require_email(config)
    password = smtp_password(email.smtp, environ)
    with run_lock(lock_path(out_dir(config)), wait=wait, sleep=sleep):
        folder = briefing_dir(out_dir(config), day)
        earlier = last_sent(state_path(config), day)
        if earlier is not None and not force:
            return Outcome(day, folder, "already-sent", record=earlier)
        written = build_files(config, day, out_dir(config)) if build else ()
        outcome = _mail(config, email, day, folder, now=now, password=password, dry_run=dry_run, sleep=sleep)
        return Outcome(day, folder, outcome.status, outcome.record, outcome.outgoing, written)


def _mail(
    config: Config,
    email: EmailConfig,
    day: date,
    folder: Path,
    *,
    now: datetime,
    password: str | None,
    dry_run: bool,
    sleep: Callable[[float], None],
) -> Outcome:
    parts = {}
    for fmt in MAIL_FORMATS:
        path = folder / f"briefing.{fmt}"
        try:
            parts[fmt] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DeliveryError(
                f"{path}: not built yet; run `briefing run --date {day}` to build and send it"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise DeliveryError(f"{path}: cannot read: {error}") from None
    outgoing = compose(
        email,
        title=config.title,
        day=day,
        text=parts["txt"],
        html=parts["html"],
        now=now.astimezone(config.zone),
    )
    try:
        atomic_write(folder / EML_FILE, outgoing.as_bytes().decode("ascii"))
    except OSError as error:
        raise DeliveryError(f"{folder / EML_FILE}: cannot write ({error.strerror or error})") from None
    if dry_run:
        return Outcome(day, folder, "dry-run", outgoing=outgoing)
    ca_file = config.resolve(email.smtp.ca_file) if email.smtp.ca_file else None
    try:
        delivery = send(outgoing, email.smtp, password=password, ca_file=ca_file, sleep=sleep)
    except DeliveryError as error:
        raise DeliveryError(
            f"{error}; the {day} briefing is kept in {folder} and not marked sent: "
            f"`briefing send --date {day}` sends it"
        ) from None
    record = SentRecord(
        day=day,
        message_id=outgoing.message_id,
        recipients=delivery.accepted,
        sent_at=now.astimezone(config.zone),
        subject=outgoing.subject,
        refused=tuple(r for r, _, _ in delivery.refused),
    )
    record_sent(state_path(config), record)
    _report_refused(delivery, day)
    return Outcome(day, folder, "sent", record=record, outgoing=outgoing)


def _report_refused(delivery: Delivery, day: date) -> None:
    if not delivery.refused:
        return
    lines = [f"{who}: refused by the server: {code} {text}" for who, code, text in delivery.refused]
    lines.append(
        f"the {day} briefing went to the other {len(delivery.accepted)} recipient(s) and is recorded as "
        "sent; fix the refused addresses in email: for the next briefing"
    )
    raise DeliveryError("\n".join(lines))


def ping(url: str | None, *, ok: bool, timeout: float = PING_TIMEOUT) -> None:
    """Tell a health-check service (healthchecks.io style) how the run went; never raises."""
    if not url:
        return
    target = url if ok else url.rstrip("/") + "/fail"
    try:
        with urllib.request.urlopen(target, timeout=timeout) as response:
            response.read(1024)
    except (OSError, ValueError, urllib.error.URLError) as error:
        log.warning("email.ping_url: %s: %s (the run itself is unaffected)", target, error)
