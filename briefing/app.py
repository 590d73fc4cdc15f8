"""The application: what each command does, from a config to its result.

Every command the CLI offers is one function here. They take the run lock,
read the clock, the environment and the network through `Edges` (tests pass
their own), keep state through the `Store`, and return plain results that
`render.console` turns into text; none of them prints.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefing.config import (
    Config,
    FeedSource,
    FetchConfig,
    FileSource,
    OpmlSource,
    SummaryConfig,
    load_config,
    parse_config,
)
from briefing.errors import AlreadyRunning, BriefingError, ConfigError, SourceError, StateError
from briefing.locate import DEFAULT_CONFIG

# Delivery, rendering, the store and HTTP are imported where a command uses them: `briefing
# summarize` (and --help, init) start without them.
if TYPE_CHECKING:
    from briefing.deliver import Mailing
    from briefing.ingest.http import HttpClient
    from briefing.ingest.opml import OpmlFeed
    from briefing.ingest.window import Window
    from briefing.models import Briefing
    from briefing.pipeline import Listing, Summary
    from briefing.render import Options
    from briefing.store import HttpCache, Store

log = logging.getLogger(__name__)

PING_TIMEOUT = 10.0  # seconds; a slow health-check service must not hold up the run


def _client(fetch: FetchConfig, cache: HttpCache | None) -> HttpClient:
    from briefing.ingest.http import HttpClient

    return HttpClient(fetch, cache)


@dataclass(frozen=True, slots=True)
class Edges:
    """What a command reaches outside the process, besides the files under the output folder."""

    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    sleep: Callable[[float], None] = time.sleep
    http: Callable[[FetchConfig, HttpCache | None], HttpClient] = _client


def load(path: Path, *, algorithm: str | None = None) -> Config:
    """The config file, read once; `algorithm` overrides summary.algorithm."""
    config = load_config(path)
    if not algorithm:
        return config
    summary = {**config.summary.model_dump(exclude_unset=True), "algorithm": algorithm}
    return config.model_copy(update={"summary": SummaryConfig.model_validate(summary)})


def store_of(config: Config, briefings: Path | None = None) -> Store:
    from briefing.store import Store

    email = config.email
    state = config.resolve(email.state) if email and email.state else None
    return Store(config.resolve(config.output.dir), briefings=briefings, state=state)


def output_formats(config: Config) -> tuple[str, ...]:
    """output.formats, plus the text and HTML files the e-mail is made of when e-mail is configured."""
    from briefing.deliver import MAIL_FORMATS

    extra = MAIL_FORMATS if config.email else ()
    return tuple(dict.fromkeys((*config.output.formats, *extra)))


def today(config: Config, edges: Edges) -> date:
    return config.today(edges.now())


DayChoice = date | Literal["today", "yesterday"]


def briefing_day(config: Config, given: DayChoice | None, *, force: bool = False, edges: Edges) -> date:
    """`--date`: today or yesterday in the config's timezone, or a date; one in the future is
    refused (a briefing of news not yet written) unless `force`."""
    now = today(config, edges)
    if given is None or given == "today":
        return now
    if given == "yesterday":
        return now - timedelta(days=1)
    assert isinstance(given, date)
    if given > now and not force:
        raise ConfigError(
            f"--date {given} is in the future (today is {now} in {config.timezone}); "
            "pass --force to build it anyway"
        )
    return given


# ---- init and feeds export -----------------------------------------------------------------

EXAMPLE_CONFIG = "example-config.yaml"  # package data: the repository's config.yaml, shipped


def example_config() -> str:
    """The commented example config (the repository's config.yaml, shipped in the package)."""
    return resources.files("briefing").joinpath(EXAMPLE_CONFIG).read_text(encoding="utf-8")


def init(folder: Path) -> Path:
    """`briefing init`: the commented example config written to <folder>/config.yaml; an
    existing file is never overwritten."""
    target = folder / DEFAULT_CONFIG
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder}: is a file; `briefing init` needs a folder to write {DEFAULT_CONFIG} in")
    if target.exists() or target.is_symlink():
        raise ConfigError(f"{target}: already exists; not overwritten (edit it, or remove it first)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_new(target, example_config())
    except FileExistsError:
        raise ConfigError(
            f"{target}: already exists; not overwritten (edit it, or remove it first)"
        ) from None
    except OSError as error:
        raise StateError(f"{target}: cannot write ({error.strerror or error})") from None
    return target


def _write_new(target: Path, text: str) -> None:
    """Write a file that must not exist yet; no half-written file is left if it fails."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def export_feeds(config: Config) -> str:
    """`briefing feeds export`: the config's feeds (every feed of its opml: sources too) as OPML 2.0."""
    from briefing.ingest.opml import OpmlError, OpmlFeed, read_opml, write_opml

    feeds: dict[str, OpmlFeed] = {}
    for source in config.sources:
        if isinstance(source, FeedSource):
            feeds.setdefault(source.feed, OpmlFeed(source.feed, source.name))
        elif isinstance(source, OpmlSource):
            path = config.resolve(source.opml)
            try:
                listed = read_opml(path)
            except OpmlError as error:
                log.warning("%s: %s; its feeds are not in the export", path, error)
                continue
            for feed in listed:
                feeds.setdefault(feed.url, feed)
    if not feeds:
        log.warning("the config has no feed: sources; the OPML lists none")
    return write_opml(tuple(feeds.values()), config.title)


def write_file(target: Path, text: str) -> None:
    """A file the user named on the command line, written atomically."""
    from briefing.store import atomic_write

    if target.is_dir():
        raise ConfigError(f"{target}: is a folder; give a file name (e.g. {target / 'feeds.opml'})")
    try:
        atomic_write(target, text)
    except OSError as error:
        raise StateError(f"{target}: cannot write ({error.strerror or error})") from None


# ---- build ---------------------------------------------------------------------------------


def build(
    config: Config, *, day: date | None = None, out: Path | None = None, wait: float | None = 0, edges: Edges
) -> tuple[Path, ...]:
    """`briefing build`: the briefing for `day` (default: today) written to <out>/<date>/."""
    store = store_of(config, briefings=out)
    with store.lock(wait=wait, sleep=edges.sleep):
        return _build_files(config, store, day or today(config, edges), edges)


def _build_files(config: Config, store: Store, day: date, edges: Edges) -> tuple[Path, ...]:
    """Build the briefing and write its files; the caller holds the lock."""
    from briefing.memory import remember
    from briefing.pipeline import build_briefing
    from briefing.render import check_templates

    template_dir = _template_dir(config)
    formats = output_formats(config)
    check_templates(template_dir, formats)
    started = edges.now()
    memory = store.memory
    earlier = memory.recall(day, config.stories.memory_days)
    with _fetching(config, store, started, edges) as client:
        window = _window(config, store, started, day)
        briefing = build_briefing(config, day, window=window, client=client, earlier=earlier)
    briefing = replace(briefing, generated_at=generated_at(config, edges, started))
    clock = time.monotonic()
    files = _render(briefing, config, store.briefings_folder)
    written = tuple(store.write_briefing(day, files))
    log.info("written: %s in %.2fs", ", ".join(p.name for p in written), time.monotonic() - clock)
    # The archive is the site around the briefing, not what the user asked for: -v names it.
    for page in _write_archive(config, store, briefing, files):
        log.info("archive: %s", page)
    if config.stories.memory_days > 0:  # only once the files are safe: a rebuild of the day replaces it
        memory.record(day, remember(briefing))
    if config.window.since == "last-run":  # only that setting needs it; only once the files are safe
        store.remember_run(started)
    return written


def generated_at(config: Config, edges: Edges, started: datetime) -> datetime:
    """When the briefing was built, for briefing.json: the run's start in the config's zone, or
    `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention: byte-identical files)."""
    epoch = edges.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).astimezone(config.zone)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH: {epoch!r} is not a number of seconds since 1970") from None
    return started.astimezone(config.zone).replace(microsecond=0)


def _write_archive(
    config: Config, store: Store, briefing: Briefing, files: Mapping[str, str]
) -> tuple[Path, ...]:
    """The archive rebuilt with today's briefing: index.html, index.md, latest.html."""
    from briefing.render.archive import archive_day, render_archive
    from briefing.store.archive import BRIEFING_FILES

    today = archive_day(briefing, [name for name in BRIEFING_FILES if name in files])
    try:
        pages = render_archive(store.archive(today), _template_dir(config), render_options(config))
    except BriefingError:
        raise
    except Exception as error:  # a user's archive template can raise anything, like a briefing's
        log.debug("template failed", exc_info=True)
        raise ConfigError(f"template {_template_line(error)}: {type(error).__name__}: {error}") from None
    return tuple(store.write_pages(pages))


@contextmanager
def _fetching(config: Config, store: Store, now: datetime, edges: Edges) -> Iterator[HttpClient]:
    """The HTTP client of one command, with the store's cache, saved when the command is done."""
    cache = store.http_cache(now.date())
    client = edges.http(config.fetch, cache)
    try:
        yield client
    finally:
        cache.save()
        client.close()


def _window(config: Config, store: Store, now: datetime, day: date | None) -> Window:
    from briefing.ingest.window import window_for

    last = store.last_run() if config.window.since == "last-run" else None
    return window_for(config.window.since, config.zone, now, day, last)


def _template_dir(config: Config) -> Path | None:
    return config.resolve(config.templates) if config.templates else None


def _render(briefing: Briefing, config: Config, briefings: Path | None = None) -> dict[str, str]:
    """Every output file's text; a template that fails, whatever the error, is a ConfigError naming it."""
    from briefing.render import render

    try:
        options = render_options(config, briefings)
        return render(briefing, output_formats(config), _template_dir(config), options)
    except BriefingError:
        raise
    except Exception as error:  # a user's template can raise anything (TypeError from {{ x - 1 }})
        log.debug("template failed", exc_info=True)
        raise ConfigError(
            f"template {_template_line(error)}: {type(error).__name__}: {error}; fix the template "
            "(`briefing check` renders every template against a sample)"
        ) from None


def render_options(config: Config, briefings: Path | None = None) -> Options:
    """How the briefing is rendered, from `output:`: its locale, the run summary, the published address;
    and, when the briefings folder is known, the way from a day's folder to the article files."""
    from briefing.render import Options

    output = config.output
    files_from = ""
    if briefings is not None:
        day_folder = briefings.resolve() / "day"
        files_from = Path(os.path.relpath(config.base_dir.resolve(), day_folder)).as_posix() + "/"
    return Options(
        locale=output.locale,
        run_summary=output.show_run_summary,
        base_url=output.base_url,
        files_from=files_from,
        json_passages=output.json_passages,
    )


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


# ---- run and send --------------------------------------------------------------------------


def run(
    config: Config,
    *,
    build: bool = True,
    day: date | None = None,
    force: bool = False,
    dry_run: bool = False,
    wait: float | None = 0,
    edges: Edges,
) -> Mailing:
    """`briefing run`: build the briefing for `day` (default: today) and mail it, once; with
    `build` off, `briefing send`: mail the briefing already built in out/<date>/.

    Under the run lock; the health check (email.ping_url) hears how it went.
    """
    from briefing.deliver import Mail, mail_briefing, require_email, smtp_password

    email = require_email(config.email)
    ping_url = email.ping_url if not dry_run else None
    try:
        mail = Mail(
            email,
            config.title,
            smtp_password(email.smtp, edges.environ),
            config.resolve(email.smtp.ca_file) if email.smtp.ca_file else None,
            clock=lambda: edges.now().astimezone(config.zone),
            sleep=edges.sleep,
        )
        day = day or today(config, edges)
        store = store_of(config)
        with store.lock(wait=wait, sleep=edges.sleep):
            building = (lambda: _build_files(config, store, day, edges)) if build else None
            mailing = mail_briefing(mail, store, day, build=building, force=force, dry_run=dry_run)
    except AlreadyRunning:
        raise
    except BriefingError:
        ping(ping_url, ok=False, fetch=config.fetch, edges=edges)
        raise
    ping(ping_url, ok=True, fetch=config.fetch, edges=edges)
    return mailing


def ping(url: str | None, *, ok: bool, fetch: FetchConfig, edges: Edges) -> None:
    """Tell a health-check service (healthchecks.io style) how the run went; never raises.

    Through the one HTTP client: its deadline (at most PING_TIMEOUT), size limit and
    address check apply; a ping on a private address needs fetch.allow_private_networks.
    """
    if not url:
        return
    limits = fetch.model_copy(update={"timeout": min(fetch.timeout, PING_TIMEOUT), "per_host_delay": 0})
    target = url if ok else url.rstrip("/") + "/fail"
    client = edges.http(limits, None)
    try:
        client.get(target, use_cache=False)
    except SourceError as error:
        log.warning("email.ping_url: %s (the run itself is unaffected)", str(error).removesuffix("; skipped"))
    finally:
        client.close()


# ---- check ---------------------------------------------------------------------------------

# The sample `briefing check` renders the templates with: enough text for a story, its
# sources and the skipped list to all have something in them.
SAMPLE_ARTICLE = """Harbour reopens after the storm

The city harbour reopened to ships on Wednesday morning after divers checked every berth.
Harbour master Ana Petrović said the storm had moved two cranes and sunk a small boat.
Ferries to the islands will run on their winter timetable from Thursday, the operator said.
The council will pay for the repairs from its emergency fund, the mayor told reporters.

/Sample Wire/
"""


@dataclass(frozen=True, slots=True)
class Checked:
    sources: int
    topics: int
    unmatched: tuple[str, ...]  # file patterns that match no file yet
    recipients: int | None = None  # e-mail recipients; None: no email: section


def check(config: Config, *, edges: Edges) -> Checked:
    """`briefing check`: render every template `build` would use against a small sample briefing.

    A user template that raises (a filter on the wrong type, a missing key) fails
    here, with its name and line, rather than in the morning's run.
    """
    from briefing.ingest import files as file_sources
    from briefing.mail import compose
    from briefing.pipeline import build_briefing
    from briefing.render import check_templates

    day = today(config, edges)
    check_templates(_template_dir(config), output_formats(config))
    with tempfile.TemporaryDirectory(prefix="briefing-check-") as tmp:
        Path(tmp, "sample.txt").write_text(SAMPLE_ARTICLE, encoding="utf-8")
        Path(tmp, "unreadable.txt").write_text("", encoding="utf-8")  # listed under skipped
        sources = (FileSource(path=str(Path(tmp, "*.txt")), name="Sample"),)
        sample = config.model_copy(update={"sources": sources, "base_dir": Path(tmp)})
        top = logging.getLogger(__name__.partition(".")[0])
        level = top.level
        top.setLevel(logging.ERROR)  # the sample's own warnings are not the user's
        try:
            briefing = build_briefing(sample, day)
        finally:
            top.setLevel(level)
        _render(briefing, config)
    if config.email is not None:
        compose(config.email, title=config.title, day=day, text="text", html="<p>html</p>", now=edges.now())
    unmatched = tuple(
        source.path
        for source in config.sources
        if isinstance(source, FileSource) and not file_sources.expand(source.path, config.base_dir)
    )
    recipients = len(config.email.recipients()) if config.email is not None else None
    return Checked(len(config.sources), len(config.topics), unmatched, recipients)


# ---- stories and summarize -----------------------------------------------------------------


def stories(config: Config, *, files: Sequence[Path] = (), use_topics: bool = True, edges: Edges) -> Listing:
    """`briefing stories`: the day's stories with every passage and why it joined; `files`
    are read instead of the configured sources."""
    from briefing.pipeline import list_stories

    if files:
        config = config.model_copy(
            update={"sources": tuple(FileSource(path=str(p.resolve())) for p in files)}
        )
    store = store_of(config)
    now = edges.now()
    cache = store.http_cache(now.date())
    client = edges.http(config.fetch, cache)
    try:
        return list_stories(
            config, use_topics=use_topics, window=_window(config, store, now, None), client=client
        )
    finally:
        cache.save()
        client.close()


def summarize(
    config_path: Path | None,
    paths: Sequence[Path],
    *,
    algorithm: str | None = None,
    sentences: int | None = None,
    words: int | None = None,
) -> Summary:
    """`briefing summarize`: the given files summarised as one; settings not given come from
    the config's `summary:` when the config file exists."""
    from briefing.pipeline import summarise_articles

    files = tuple(FileSource.from_command_line(str(p.resolve())) for p in paths)
    if config_path is not None and config_path.exists():
        config = load_config(config_path)
    else:
        config = parse_config({"sources": [{"path": f.path} for f in files]}, base_dir=Path.cwd())
    summary = config.summary.model_dump(exclude_unset=True)
    if algorithm:
        summary["algorithm"] = algorithm
    if sentences or words:
        summary = {k: v for k, v in summary.items() if k not in {"sentences", "words", "ratio"}}
        summary["sentences" if sentences else "words"] = sentences or words
    config = config.model_copy(update={"sources": files, "summary": SummaryConfig.model_validate(summary)})
    return summarise_articles(config)
