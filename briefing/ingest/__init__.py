"""Ingest: every configured source → Articles, plus the sources that were skipped.

Files are read in order; feeds and pages are fetched concurrently (ingest.web)
and kept to the run's time window (ingest.window); the same story from several
sources is kept once with every source credited (ingest.dedupe). One bad
source or file never stops the others: it is logged, recorded as `Skipped`,
and the briefing is built from the rest.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from briefing.boilerplate import is_furniture
from briefing.config import FeedSource, FileSource, IngestConfig, OpmlSource
from briefing.errors import SourceError
from briefing.ingest import files
from briefing.ingest.datelines import DATELINE_PARAGRAPHS, strip_dateline
from briefing.ingest.dedupe import TextPrint, deduplicate, strip_tracking, text_print
from briefing.ingest.metadata import repair, repair_all
from briefing.ingest.notices import notice_in
from briefing.ingest.opml import OpmlError, read_opml
from briefing.ingest.text import (
    ParsedText,
    article_from,
    rewrite_paragraphs,
    strip_codes,
    strip_link_intro,
    strip_read_more,
)
from briefing.ingest.window import EVERYTHING, Window
from briefing.language import (
    AUTO,
    DETECT_CHARS,
    Spans,
    guess_language,
    majority_language,
    paragraph_spans,
    remember_spans,
)
from briefing.models import Article, SkipKind, Skipped
from briefing.parallel import ordered_map, worker_count

# Feeds and pages (HTTP, feedparser, trafilatura) are imported when a day has one: a day of
# files starts without them.
if TYPE_CHECKING:
    from briefing.ingest.http import HttpClient
    from briefing.ingest.web import SourceResult, WebSource

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ingested:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    sources: int = 0  # sources configured
    failed_sources: int = 0  # sources of which not one item could be read

    @property
    def every_source_failed(self) -> bool:
        return self.sources > 0 and self.failed_sources == self.sources


def ingest(
    config: IngestConfig,
    *,
    window: Window = EVERYTHING,
    client: HttpClient | None = None,
    progress: bool | None = None,
) -> Ingested:
    """Every source's articles (feeds and pages: those in `window`), read with `client`.

    Without a client, one with an in-memory cache is made for the call; with one, saving
    its cache is the caller's business.
    """
    candidates: list[Article] = []
    skipped: list[Skipped] = []
    failed = 0

    def skip(source: str, reason: str, kind: SkipKind = SkipKind.FAILED) -> None:
        log.warning("%s", reason)
        skipped.append(Skipped(source=source, reason=reason, kind=kind))

    deadline = time.monotonic() + config.fetch.run_timeout
    sources: list[FileSource | WebSource] = []
    for source in config.sources:
        if isinstance(source, OpmlSource):
            feeds, problems = _opml_feeds(source, config.base_dir)
            for reason in problems:
                skip(source.opml, reason)
            failed += not feeds
            sources.extend(feeds)
        else:
            sources.append(source)
    web = [s for s in sources if not isinstance(s, FileSource)]
    fetched = iter(_read_web(config, web, window, client, progress, deadline) if web else [])
    for source in sources:
        if not isinstance(source, FileSource):
            result = next(fetched)
            candidates.extend(result.articles)
            skipped.extend(result.skipped)
            failed += result.failed
            continue
        try:
            found = list(files.iter_files(source.path, config.base_dir))
        except (OSError, ValueError, RecursionError) as error:
            skip(source.path, f"{source.path}: cannot list files ({error}); skipped")
            failed += 1
            continue
        if not found:
            skip(source.path, f"{source.path}: matched no files; check {source.given_in}")
            failed += 1
            continue
        read = 0
        for path, shown in found:
            if time.monotonic() > deadline:
                from briefing.ingest.web import run_out

                skip(shown, f"{shown}: not read: {run_out(config)}; skipped")
                continue
            try:
                parsed = files.read_file(path, shown, config.language)
                candidates.append(_article(parsed, path, shown, source.name, config))
            except SourceError as error:
                skip(shown, str(error))
                continue
            except Exception as error:  # any failure inside one file is that file's alone
                log.debug("%s: failed", shown, exc_info=True)
                skip(shown, f"{shown}: cannot be read ({type(error).__name__}: {error}); skipped")
                continue
            read += 1
        failed += read == 0
        log.info("%s: %d of %d files read", source.path, read, len(found))
    prepared = []
    prepare = partial(_prepare, language=config.language)
    for ready in ordered_map(prepare, candidates, worker_count(config.workers)):
        if ready.notice is None:
            prepared.append(ready)
            continue
        where = ready.article.path or ready.article.url or repr(ready.article.title)
        skip(
            where,
            f"{where}: not an article (the site's notice {ready.notice[:80]!r}); skipped",
            SkipKind.NOT_AN_ARTICLE,
        )
    articles, duplicates = deduplicate(*_in_their_languages(prepared, config))
    for duplicate in duplicates:
        item = duplicate.candidate
        where = item.path or item.url or repr(item.title)
        reason = f"{where}: {duplicate.why} as {duplicate.kept_as}; kept once"
        if item.path:  # a file: warned about, as it always was
            skip(item.path, reason, SkipKind.DUPLICATE)
        else:  # a feed's or page's: its outlet is credited on the one kept ("also in")
            log.info(
                "%s (%s): %s as %s; kept once, both sources credited",
                where,
                item.source,
                duplicate.why,
                duplicate.kept_as,
            )
            skipped.append(Skipped(where, f"{reason}, {item.source} credited", SkipKind.DUPLICATE))
    configured = len(sources) + sum(isinstance(s, OpmlSource) for s in config.sources)
    log.info(
        "sources: %d read, %d failed; %d articles (%d skipped, %d duplicates kept once)",
        configured - failed,
        failed,
        len(articles),
        len(skipped),
        len(duplicates),
    )
    return Ingested(articles, tuple(skipped), sources=configured, failed_sources=failed)


def _opml_feeds(source: OpmlSource, base_dir: Path) -> tuple[list[FeedSource], list[str]]:
    """Every feed an `opml:` source lists, as feed sources; and why the file, or a feed in it,
    cannot be read (a broken OPML file is a skipped source, never a failed run)."""
    path = Path(source.opml).expanduser()
    try:
        listed = read_opml(path if path.is_absolute() else base_dir / path)
    except OpmlError as error:
        return [], [f"{source.opml}: {error}; skipped"]
    feeds: list[FeedSource] = []
    problems: list[str] = []
    for feed in listed:
        try:
            feeds.append(
                FeedSource(
                    feed=feed.url, name=feed.title, full_text=source.full_text, max_items=source.max_items
                )
            )
        except ValidationError:
            problems.append(f"{source.opml}: feed {feed.url!r} is not an http:// or https:// URL; skipped")
    log.debug("%s: %d feeds", source.opml, len(feeds))
    return feeds, problems


def _read_web(
    config: IngestConfig,
    sources: Sequence[WebSource],
    window: Window,
    client: HttpClient | None,
    progress: bool | None,
    deadline: float,
) -> list[SourceResult]:
    from briefing.ingest.http import HttpClient
    from briefing.ingest.web import read_web_sources

    log.info("window: %s", window.describe())
    if progress is None:
        # A bar only for a person at a terminal: never under cron, never with -q.
        progress = sys.stderr.isatty() and log.getEffectiveLevel() <= logging.WARNING
    if client is not None:
        return read_web_sources(sources, config, window, client, progress, deadline)
    own = HttpClient(config.fetch)
    try:
        return read_web_sources(sources, config, window, own, progress, deadline)
    finally:
        own.close()


def _article(parsed: ParsedText, path: Path, shown: str, name: str | None, config: IngestConfig) -> Article:
    """A file's article. Its source: the source tag in its text, then the source entry's
    `name`, then the site name of a saved page, then the name of its folder."""
    return article_from(
        parsed,
        title=parsed.title,
        source=parsed.source or name or parsed.site_name or _folder_name(path),
        language=config.language,
        path=shown,
        url=strip_tracking(parsed.url) if parsed.url else None,  # a saved page's canonical address
        published=parsed.published.astimezone(config.zone) if parsed.published else None,
    )


def _folder_name(path: Path) -> str:
    # No outlet named anywhere: the folder the file was filed in says more than its file name.
    return path.resolve().parent.name or "files"


def _readable(article: Article) -> Article:
    """Mojibake repaired (once, for every kind of source), entities read and typesetting
    codes ("&UR;") dropped, "read more" links and teaser tails dropped, and a wire
    dateline taken off the opening paragraphs."""
    paragraphs = [strip_codes(p) for p in repair_all(article.paragraphs)]
    for number in range(min(DATELINE_PARAGRAPHS, len(paragraphs))):
        paragraphs[number] = strip_dateline(paragraphs[number])
    text = ParsedText(article.title, None, tuple(paragraphs), article.headline_paragraphs)
    text, _ = rewrite_paragraphs(text, strip_read_more)
    if text.paragraphs:
        *body, last = text.paragraphs
        text = replace(text, paragraphs=(*body, strip_link_intro(last)))
        text, _ = rewrite_paragraphs(text, lambda p: p)  # drops the last one if nothing is left
    title = strip_codes(repair(article.title))
    return replace(
        article,
        title=title,
        source=repair(article.source),
        paragraphs=text.paragraphs or (title,),
        headline_paragraphs=text.headline_paragraphs if text.paragraphs else frozenset({0}),
    )


def _opening(article: Article) -> str:
    """The title and the first paragraphs, as much as language detection reads."""
    parts, size = [article.title], len(article.title)
    for paragraph in article.paragraphs:
        if size >= DETECT_CHARS:
            break
        parts.append(paragraph)
        size += len(paragraph) + 1
    return " ".join(parts)


def _without_furniture(article: Article) -> Article:
    """The article without paragraphs that are only page furniture (cookie banners, sign-up
    forms, template code, placeholder text): not even its passages."""
    text = ParsedText(article.title, None, article.paragraphs, article.headline_paragraphs)
    text, changed = rewrite_paragraphs(text, lambda p: "" if is_furniture(p, article.language) else p)
    if not changed or not text.paragraphs:
        return article
    return replace(article, paragraphs=text.paragraphs, headline_paragraphs=text.headline_paragraphs)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A candidate made readable (in whichever process): what the rest of ingest needs."""

    article: Article  # without its page furniture, unless its language waits for the day's
    notice: str | None  # the site's notice it is instead of an article, if it is one
    language: str | None  # configured or detected; None: too short to tell
    spans: tuple[Spans, ...]  # its paragraphs' sentences, once its language is known
    pid: int  # the process that split them
    text: TextPrint | None  # what de-duplication compares, once its text is final


def _prepare(candidate: Article, language: str) -> _Prepared:
    """One candidate's work that needs no other article: readable text, whether it is a
    notice, its language (`language`, or detected with `auto`), no page furniture."""
    article = _readable(candidate)
    notice = notice_in(article.title, article.paragraphs)
    told = None if notice is not None else language if language != AUTO else guess_language(_opening(article))
    if told is None:
        return _Prepared(article, notice, None, (), os.getpid(), None)
    article = _without_furniture(replace(article, language=told))
    spans = paragraph_spans(article.paragraphs, told)
    return _Prepared(article, None, told, spans, os.getpid(), text_print(article))


def _in_their_languages(
    prepared: list[_Prepared], config: IngestConfig
) -> tuple[list[Article], list[TextPrint]]:
    """Each article with its language: the configured one, or with `language: auto` the one
    detected in its title and text; one too short to tell takes the run's most common.
    And each one's text print."""
    usual = majority_language(p.language for p in prepared) if config.language == AUTO else config.language
    articles, prints = [], []
    for item in prepared:
        if config.language == AUTO:
            where = item.article.path or item.article.url
            log.debug("%s: language %s", where, item.language or f"not told; {usual} taken")
        if item.language is None or item.text is None:
            articles.append(_without_furniture(replace(item.article, language=usual)))
            prints.append(text_print(articles[-1]))
            continue
        if item.pid != os.getpid():  # split by a worker: segment need not split it again
            remember_spans(item.article.paragraphs, item.language, item.spans)
        articles.append(item.article)
        prints.append(item.text)
    return articles, prints
