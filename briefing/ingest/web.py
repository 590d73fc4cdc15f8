"""Feeds and pages, fetched concurrently: each source → its articles of the window.

Sources run in a bounded thread pool (the HTTP client keeps one request per
host at a time); results come back in config order, so a run is deterministic
however the fetches interleave. A source that fails is skipped with one line.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from briefing.config import FeedSource, IngestConfig, UrlSource
from briefing.errors import SourceError
from briefing.ingest.feeds import FEED_TYPES, Entry, Feed, parse_feed
from briefing.ingest.http import Deadline, HttpClient
from briefing.ingest.metadata import shared_suffix, site_name, strip_site_suffix
from briefing.ingest.outlets import agrees, host_labels
from briefing.ingest.pages import Page, fetch_page
from briefing.ingest.text import ParsedText, article_from
from briefing.ingest.window import Window
from briefing.models import Article, SkipKind, Skipped
from briefing.progress import counter

log = logging.getLogger(__name__)

WebSource = FeedSource | UrlSource


@dataclass(frozen=True, slots=True)
class SourceResult:
    articles: tuple[Article, ...]  # ids not yet given: de-duplication numbers them
    skipped: tuple[Skipped, ...]
    failed: bool  # the source itself could not be read (not just some of its items)


def read_web_sources(
    sources: Sequence[WebSource],
    config: IngestConfig,
    window: Window,
    client: HttpClient,
    progress: bool = False,
    deadline: float | None = None,
) -> list[SourceResult]:
    """One result per source, in the order given.

    When `deadline` (time.monotonic()) passes, the requests in flight are ended,
    the sources not finished are skipped, and the results so far are returned.
    """
    results: list[SourceResult | None] = [None] * len(sources)
    pool = ThreadPoolExecutor(max_workers=config.fetch.concurrency, thread_name_prefix="fetch")
    futures: dict[Future[SourceResult], int] = {}
    try:
        with counter(len(sources), "fetching", "source", progress) as advance:
            futures = {
                pool.submit(_read_source, source, config, window, client, deadline): i
                for i, source in enumerate(sources)
            }
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                for future in as_completed(futures, timeout=remaining):
                    results[futures[future]] = future.result()
                    advance()
            except FuturesTimeout:
                reason = f"not read: {run_out(config)}"
                client.abort(run_out(config))
                for i, source in enumerate(sources):
                    if results[i] is None:
                        label = source_label(source)
                        log.warning("%s: %s; skipped", label, reason)
                        results[i] = SourceResult((), (Skipped(label, f"{label}: {reason}; skipped"),), True)
    except BaseException:  # Ctrl-C or SIGTERM (briefing.interrupts): end every fetch now
        client.abort("the run was interrupted", interrupted=True)
        raise
    finally:
        # Workers still running end at once (their requests were aborted); do not wait for them.
        pool.shutdown(wait=False, cancel_futures=True)
    return [r for r in results if r is not None]


def run_out(config: IngestConfig) -> str:
    return f"the run's time for sources (fetch.run_timeout: {config.fetch.run_timeout:g}s) ran out"


def source_label(source: WebSource) -> str:
    return source.feed if isinstance(source, FeedSource) else source.url


def _read_source(
    source: WebSource, config: IngestConfig, window: Window, client: HttpClient, run_deadline: float | None
) -> SourceResult:
    """Everything one source gives; any failure in it, of any kind, is this source's alone."""
    label = source_label(source)
    started = time.monotonic()
    deadline = Deadline(
        started + config.fetch.source_timeout,
        f"its source's time (fetch.source_timeout: {config.fetch.source_timeout:g}s) ran out",
    )
    if run_deadline is not None and run_deadline < deadline.at:
        deadline = Deadline(run_deadline, run_out(config))
    try:
        if isinstance(source, FeedSource):
            articles, skipped, in_window, total = _read_feed(source, config, window, client, deadline)
        else:
            articles, skipped, in_window, total = _read_page(source, config, window, client, deadline)
    except SourceError as error:
        # After Ctrl-C the run says only that it was interrupted, not why each source stopped.
        log.log(logging.DEBUG if client.interrupted else logging.WARNING, "%s", error)
        return SourceResult((), (Skipped(label, str(error)),), failed=True)
    except Exception as error:  # a bug or a parser tripped by hostile input: skip the source, not the run
        log.debug("%s: failed", label, exc_info=True)
        reason = f"{label}: cannot be read ({type(error).__name__}: {error}); skipped (-vv shows why)"
        log.warning("%s", reason)
        return SourceResult((), (Skipped(label, reason),), failed=True)
    log.debug(
        "%s: %d of %d items in the window, %d read, %.2fs",
        label,
        in_window,
        total,
        len(articles),
        time.monotonic() - started,
    )
    return SourceResult(tuple(articles), tuple(skipped), failed=False)


def _read_feed(
    source: FeedSource, config: IngestConfig, window: Window, client: HttpClient, deadline: Deadline
) -> tuple[list[Article], list[Skipped], int, int]:
    """The feed's articles of the window, what was skipped, the entries in the window, all entries."""
    response = client.get(source.feed, accept=FEED_TYPES, deadline=deadline)
    if response.from_cache:
        log.info("%s: not modified since the last run; using the cached copy", source.feed)
    feed = parse_feed(response.body, response.content_type, response.url, config.zone, source.max_items)
    name = source.name or site_name(feed.title, _site_url(feed, source.feed)) or _host(source.feed)
    suffix = shared_suffix([e.title for e in feed.entries])
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for what, reason in feed.unreadable:
        log.warning("%s", reason)
        skipped.append(Skipped(what, reason))
    late = 0
    in_window = 0
    for entry in feed.entries:
        if not window.contains(entry.published):
            continue
        in_window += 1
        entry = replace(entry, title=strip_site_suffix(entry.title, [name, suffix, _host(source.feed)]))
        if entry.published is None:
            log.info("%s: %r has no date; kept (undated)", source.feed, entry.title or entry.link)
        fetch = time.monotonic() < deadline.at
        late += not fetch and entry.teaser and source.full_text and bool(entry.link)
        try:
            articles.append(_entry_article(entry, name, source, config, client, deadline if fetch else None))
        except SourceError as error:
            log.log(logging.DEBUG if client.interrupted else logging.WARNING, "%s", error)
            skipped.append(Skipped(entry.link or source.feed, str(error)))
        except Exception as error:  # one entry's failure, whatever it is, skips that entry only
            log.debug("%s: entry failed", source.feed, exc_info=True)
            reason = f"{entry.link or source.feed}: cannot be read ({type(error).__name__}: {error}); skipped"
            log.warning("%s", reason)
            skipped.append(Skipped(entry.link or source.feed, reason))
    if late:
        log.warning("%s: %s; %d teaser entries keep the feed's own text", source.feed, deadline.why, late)
    return articles, skipped, in_window, len(feed.entries)


def _entry_article(
    entry: Entry,
    name: str,
    source: FeedSource,
    config: IngestConfig,
    client: HttpClient,
    deadline: Deadline | None,
) -> Article:
    """The entry as an article; `deadline` None: no time left to fetch its page."""
    text = entry.text
    if entry.teaser and source.full_text and entry.link and deadline is not None:
        try:
            page = fetch_page(client, entry.link, config.zone, origin=source.feed, deadline=deadline)
        except SourceError as error:
            if not text.paragraphs:
                raise
            log.warning("%s; kept the feed's teaser", str(error).removesuffix("; skipped"))
        else:
            if _words(page.text) > _words(text):
                text = page.text
    if not text.paragraphs:
        if not entry.title:
            what = entry.link or "an entry"
            hint = "" if source.full_text else "; set full_text: true to fetch the linked page"
            raise SourceError(f"{source.feed}: {what!r} has neither text nor title{hint}; skipped")
        # A headline alone is still the day's news: it counts, is credited and can title a story.
        text = ParsedText(None, None, (entry.title,), frozenset({0}))
    return _article(text, entry.title or text.title, name, entry.link, entry, config.language)


def _read_page(
    source: UrlSource, config: IngestConfig, window: Window, client: HttpClient, deadline: Deadline
) -> tuple[list[Article], list[Skipped], int, int]:
    page = _fetch(source, config, client, deadline)
    if not window.contains(page.published, page.date_only):
        when = f"{page.published:%Y-%m-%d}"
        reason = f"{source.url}: published {when}, outside the window ({window.describe()}); left out"
        log.info("%s", reason)
        return [], [Skipped(source.url, reason, SkipKind.OUT_OF_WINDOW)], 0, 1
    if page.published is None:
        log.info("%s: the page has no date; kept (undated)", source.url)
    name = source.name or _page_outlet(page, source.url)
    return [_article(page.text, page.text.title, name, source.url, page, config.language)], [], 1, 1


def _fetch(source: UrlSource, config: IngestConfig, client: HttpClient, deadline: Deadline) -> Page:
    # The page may name a canonical URL elsewhere (page.url); the user's own URL is the one shown.
    return fetch_page(client, source.url, config.zone, deadline=deadline)


def _page_outlet(page: Page, shown: str) -> str:
    """Who a configured page is credited to: its site name, unless that is another site's — the
    name agrees with the host of its canonical address, not with the host the reader is sent to
    (a syndicated article) — then that host's."""
    shown_labels, own_labels = host_labels(shown), host_labels(page.url)
    name = page.site_name
    if (
        name
        and agrees(name, shown_labels) is False
        and agrees(name, own_labels)
        and shown_labels != own_labels
    ):
        return _host(shown)
    return name or _host(shown)


def _site_url(feed: Feed, url: str) -> str:
    """The site a feed is of: the host most of its entries link to, else the feed's own."""
    hosts = Counter(urlsplit(e.link).hostname for e in feed.entries if e.link)
    hosts.pop(None, None)
    if not hosts:
        return url
    host = hosts.most_common(1)[0][0]
    return f"https://{host}/"


def _article(
    text: ParsedText, title: str | None, name: str, url: str | None, item: Entry | Page, language: str
) -> Article:
    return article_from(
        text, title=title, source=text.source or name, language=language, url=url, published=item.published
    )


def _words(text: ParsedText) -> int:
    return sum(len(p.split()) for p in text.paragraphs)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
