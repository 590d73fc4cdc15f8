"""Web pages → main text, title, date and site name, with trafilatura.

Pages are untrusted: they arrive size- and time-limited from `http.HttpClient`,
are decoded by their declared charset (HTTP header, then `<meta>`), and only
their text is kept; nothing they link to is ever fetched.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from briefing.errors import SourceError
from briefing.ingest.html import parse_html
from briefing.ingest.http import Deadline, HttpClient
from briefing.ingest.metadata import (
    canonical_url,
    domain,
    is_title,
    repair,
    site_name,
    site_names_in,
    software_names,
    strip_site_suffix,
)
from briefing.ingest.text import ParsedText, decode, from_blocks, is_short_headline

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# htmldate's format: a time when the page gives one, else a bare date.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# trafilatura's own minimum for a main text (MIN_EXTRACTED_SIZE, 250) plus room for a title.
MIN_MAIN_TEXT = 400
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # the page's canonical URL when it names one, else the URL fetched
    text: ParsedText
    site_name: str | None
    published: datetime | None
    date_only: bool  # the page gave a day but no time


def declared_charset(body: bytes, content_type: str) -> str | None:
    """The charset the server or the page declares, if Python knows it."""
    found = _HEADER_CHARSET.search(content_type or "")
    name = found.group(1) if found else None
    if name is None:
        meta = _CHARSET.search(body[:4096])
        name = meta.group(1).decode("ascii") if meta else None
    if name is None:
        return None
    try:
        codec = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # rot13, base64, zlib … are codecs too, but not text encodings: never decode a page with them.
    return codec.name if getattr(codec, "_is_text_encoding", True) else None


def decode_page(body: bytes, content_type: str, name: str) -> str:
    charset = declared_charset(body, content_type)
    if charset is not None:
        try:
            return body.decode(charset)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass  # the declaration lies; fall back to detection
    return decode(body, name).text


def extract_page(html: str, url: str, zone: ZoneInfo) -> Page:
    """Main text and metadata of one page; SourceError when it has no article text."""
    # Imported here: trafilatura's start-up (0.1 s) is paid only by a run that reads a page.
    from trafilatura import bare_extraction

    try:
        document = bare_extraction(
            html,
            url=url if url.startswith(("http://", "https://")) else None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={
                "outputformat": _DATE_FORMAT,
                "original_date": True,
                "extensive_search": False,
            },
        )
    except Exception as error:  # untrusted markup may trip any parser bug; one page must not stop the run
        log.debug("%s: trafilatura failed", url, exc_info=True)
        raise SourceError(f"{url}: cannot extract the page ({type(error).__name__}); skipped") from None
    text = (getattr(document, "text", None) or "").strip()
    if document is None or not text:
        raise SourceError(f"{url}: no article text found on the page; skipped")
    canonical = getattr(document, "url", None)
    if not (isinstance(canonical, str) and canonical.startswith(("http://", "https://"))):
        canonical = None
    title = repair(_clean(getattr(document, "title", None)))
    site = site_name(
        _clean(getattr(document, "sitename", None)),
        canonical or url,
        _title_tag(html),
        title,
        site_names_in(html),
    )
    lines = [repair(_clean(line)) for line in text.split("\n")]
    if lines and title and lines[0] == title:
        lines.pop(0)
    made_by = software_names(html)
    title = strip_site_suffix(title, [site, domain(canonical or url)]) if is_title(title, made_by) else ""
    parsed = from_blocks(title or None, ((line, is_short_headline(line)) for line in lines))
    if not parsed.paragraphs:
        raise SourceError(f"{url}: no article text found on the page; skipped")
    published, date_only = _published(getattr(document, "date", None), zone, html)
    return Page(
        url=canonical or url,
        text=parsed,
        site_name=site,
        published=published,
        date_only=date_only,
    )


def parse_saved_page(html: str, name: str, zone: ZoneInfo | None = None) -> ParsedText:
    """A local HTML file: the article trafilatura finds in it, else every text block;
    with the same title, site name and date as the page fetched from the web.

    Below about MIN_MAIN_TEXT characters trafilatura falls back to a rough
    baseline (it keeps menus), so a small or bare page goes to the block reader.
    """
    zone = zone or ZoneInfo("UTC")
    try:
        page = extract_page(html, name, zone)
    except SourceError:
        page = None
    url = canonical_url(html)  # its public address: what a reader's link goes to
    if page is not None and sum(len(p) for p in page.text.paragraphs) >= MIN_MAIN_TEXT:
        return replace(page.text, site_name=page.site_name, published=page.published, url=url)
    blocks = parse_html(html, name)
    site, published, title = _page_metadata(html, zone)
    if page is not None:
        site, published, title = page.site_name, page.published, page.text.title
    return replace(
        blocks,
        title=strip_site_suffix(blocks.title, [site])
        if blocks.title and is_title(blocks.title, software_names(html))
        else title,
        site_name=site,
        published=published,
        url=url,
    )


def _page_metadata(html: str, zone: ZoneInfo) -> tuple[str | None, datetime | None, str | None]:
    """Site name, date and title from a page's metadata alone (for a page with little text)."""
    from trafilatura.metadata import extract_metadata

    try:
        meta = extract_metadata(
            html, date_config={"outputformat": _DATE_FORMAT, "original_date": True, "extensive_search": False}
        )
    except Exception:  # metadata is a nicety: a parser's failure here costs only it
        log.debug("metadata extraction failed", exc_info=True)
        return None, None, None
    found = getattr(meta, "url", None)
    canonical = found if isinstance(found, str) and found.startswith(("http://", "https://")) else None
    raw_title = repair(_clean(getattr(meta, "title", None)))
    site = site_name(
        _clean(getattr(meta, "sitename", None)), canonical, _title_tag(html), raw_title, site_names_in(html)
    )
    title = (
        strip_site_suffix(raw_title, [site, domain(canonical)])
        if is_title(raw_title, software_names(html))
        else None
    )
    published, _ = _published(getattr(meta, "date", None), zone, html)
    return site, published, title or None


def fetch_page(
    client: HttpClient,
    url: str,
    zone: ZoneInfo,
    *,
    origin: str | None = None,
    deadline: Deadline | None = None,
) -> Page:
    """A page's main text; `origin` is the configured feed it was linked from, if any."""
    response = client.get(
        url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", origin=origin, deadline=deadline
    )
    kind = response.content_type.split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES and not kind.startswith("text/"):
        raise SourceError(f"{url}: is {kind}, not a web page; skipped")
    return extract_page(decode_page(response.body, response.content_type, url), response.url, zone)


# A publication time the page states in its metadata (Open Graph, JSON-LD, Dublin Core).
_STATED_TIME = re.compile(
    r"(?:published_time|datePublished|dc\.date|pubdate|publish_date|date)[\"']?\s*"
    r"(?:content\s*=\s*|:\s*)[\"'](\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d))[\"']",
    re.IGNORECASE,
)


def _stated_time(html: str, day: date) -> datetime | None:
    """The page's own timestamp for that day, when its metadata gives one with a time zone."""
    for found in _STATED_TIME.finditer(html[:300_000]):
        try:
            stamp = datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))
        except ValueError:
            continue
        if stamp.date() == day:
            return stamp
    return None


def _published(value: object, zone: ZoneInfo, html: str = "") -> tuple[datetime | None, bool]:
    """htmldate gives '2026-11-25T08:30:00+0100', or '2026-11-25T00:00:00' for a bare day;
    a bare day (htmldate prefers a date in the URL) takes the time the page's metadata
    states for that day, if it states one."""
    if not isinstance(value, str) or not value:
        return None, False
    try:
        stamp = datetime.strptime(value, _DATE_FORMAT)
    except ValueError:
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            return None, False
    if stamp.tzinfo is None:
        if stamp.time() == time(0):
            stated = _stated_time(html, stamp.date()) if html else None
            if stated is not None:
                return stated.astimezone(zone), False
            # A day without a time: noon keeps it on that day in any reading of the window.
            return datetime.combine(stamp.date(), time(12), zone), True
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(zone), False


_TITLE_TAG = re.compile(r"<title[^>]*>([^<]{1,400})</title>", re.IGNORECASE)


def _title_tag(html: str) -> str | None:
    found = _TITLE_TAG.search(html[:100_000])
    return repair(found.group(1)) if found else None


def _clean(value: object) -> str:
    return _SPACES.sub(" ", value).strip() if isinstance(value, str) else ""
