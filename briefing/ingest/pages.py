"""Web pages → main text, title, date and site name, with trafilatura.

Pages are untrusted: they arrive size- and time-limited from `http.HttpClient`,
are decoded by their declared charset (HTTP header, then `<meta>`), and only
their text is kept; nothing they link to is ever fetched.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from trafilatura import bare_extraction

from briefing.errors import SourceError
from briefing.ingest.html import parse_html
from briefing.ingest.http import Deadline, HttpClient
from briefing.ingest.text import ParsedText, decode, is_headline_like, strip_source_tag

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# htmldate's format: a time when the page gives one, else a bare date.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# trafilatura's own minimum for a main text (MIN_EXTRACTED_SIZE, 250) plus room for a title.
MIN_MAIN_TEXT = 400
log = logging.getLogger("briefing")


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
    title = _clean(getattr(document, "title", None))
    lines = [_clean(line) for line in text.split("\n")]
    if lines and title and lines[0] == title:
        lines.pop(0)
    source = None
    paragraphs: list[str] = []
    headlines: set[int] = set()
    for line in lines:
        line, tag = strip_source_tag(line)
        source = source or tag
        if not line:
            continue
        if is_headline_like(line) and len(line.split()) <= 12:
            headlines.add(len(paragraphs))
        paragraphs.append(line)
    if not paragraphs:
        raise SourceError(f"{url}: no article text found on the page; skipped")
    published, date_only = _published(getattr(document, "date", None), zone)
    canonical = getattr(document, "url", None)
    return Page(
        url=canonical
        if isinstance(canonical, str) and canonical.startswith(("http://", "https://"))
        else url,
        text=ParsedText(title or None, source, tuple(paragraphs), frozenset(headlines)),
        site_name=_clean(getattr(document, "sitename", None)) or None,
        published=published,
        date_only=date_only,
    )


def parse_saved_page(html: str, name: str) -> ParsedText:
    """A local HTML file: the article trafilatura finds in it, else every text block.

    Below about MIN_MAIN_TEXT characters trafilatura falls back to a rough
    baseline (it keeps menus), so a small or bare page goes to the block reader.
    """
    try:
        page = extract_page(html, name, ZoneInfo("UTC"))
    except SourceError:
        return parse_html(html)
    if sum(len(p) for p in page.text.paragraphs) < MIN_MAIN_TEXT:
        return parse_html(html)
    return page.text


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


def _published(value: object, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    """htmldate gives '2026-11-25T08:30:00+0100', or '2026-11-25T00:00:00' for a bare day."""
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
            # A day without a time: noon keeps it on that day in any reading of the window.
            return datetime.combine(stamp.date(), time(12), zone), True
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(zone), False


def _clean(value: object) -> str:
    return _SPACES.sub(" ", value).strip() if isinstance(value, str) else ""
