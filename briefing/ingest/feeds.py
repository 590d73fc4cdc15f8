"""RSS (0.9x, 1.0, 2.0) and Atom feeds → entries: title, link, published time, text.

Feed bytes are untrusted. Before feedparser sees them, any XML entity
declaration (billion laughs, external entities) is refused; feedparser gets a
stream, never a string it might take for a file name or URL.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import defusedxml
import feedparser
from defusedxml.ElementTree import fromstring as defused_fromstring

from briefing.boilerplate import is_caption
from briefing.errors import SourceError
from briefing.ingest.dedupe import strip_tracking
from briefing.ingest.html import parse_html
from briefing.ingest.metadata import parse_date, repair
from briefing.ingest.text import ParsedText, rewrite_paragraphs, strip_read_more

log = logging.getLogger(__name__)

# An entity declaration, in whatever case or spacing; legitimate feeds have none.
_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_ROOT_TAG = re.compile(r"<[A-Za-z_]")
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
# A feed body this short, or ending like this, is a teaser for the linked page.
TEASER_WORDS = 120
_TEASER_END = re.compile(
    r"(…|\.\.\.|\[…\]|\[\.\.\.\]|read more\W*|continue reading\W*|more\W*)$", re.IGNORECASE
)
_MEDIA_RSS = "http://search.yahoo.com/mrss/"
FEED_TYPES = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    link: str | None
    published: datetime | None  # in the configured zone
    text: ParsedText  # the entry's own body (may be empty)
    teaser: bool  # the body is only a teaser for the linked page


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    entries: tuple[Entry, ...]
    unreadable: tuple[tuple[str, str], ...] = ()  # (entry's link or title, why) of entries skipped


def refuse_entities(body: bytes, name: str) -> None:
    """SourceError if the document declares XML entities (expansion or external-entity attacks)."""
    text = _as_text(body)
    root = _ROOT_TAG.search(text)
    prolog = text[: root.start()] if root else text  # declarations can only stand before the root
    if _ENTITY_DECLARATION.search(prolog):
        raise SourceError(
            f"{name}: feed declares XML entities (entity-expansion or external-entity attack); refused"
        )
    try:
        defused_fromstring(body)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise SourceError(
            f"{name}: feed declares XML entities (entity-expansion or external-entity attack); refused"
        ) from None
    except (SyntaxError, LookupError, ValueError):
        # Not well-formed, or in an encoding expat does not know (encoding="x-nope"):
        # feedparser's lenient parser may still read it, or will say it is no feed.
        pass


def parse_feed(body: bytes, content_type: str, url: str, zone: ZoneInfo, max_items: int) -> Feed:
    """The feed's title and its newest `max_items` entries; SourceError if it is no feed.

    Any failure inside a parser is this feed's failure (SourceError), and any failure
    reading one entry is that entry's: it is listed in `unreadable`, the rest are read.
    """
    try:
        refuse_entities(body, url)
        # A stream, not bytes: feedparser would try to open a bytes value as a file name.
        # No sanitising or URI rewriting: entry bodies are only ever read for their text
        # (by parse_html), and feedparser's sgmllib-based rewriters are slow on crafted markup.
        result: Any = feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-type": content_type or "application/xml", "content-location": url},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        items = list(result.get("entries") or [])
        if not result.get("version") and not items:
            kind = (content_type or "unknown type").split(";")[0]
            raise SourceError(f"{url}: not an RSS or Atom feed ({kind}); skipped")
        title = _plain(_text(result.get("feed", {}).get("title"))) or None
    except SourceError:
        raise
    except Exception as error:  # untrusted input may trip any parser bug; it must not stop the run
        log.debug("%s: feedparser failed", url, exc_info=True)
        raise SourceError(f"{url}: cannot parse the feed ({type(error).__name__}); skipped") from None
    entries: list[Entry] = []
    unreadable: list[tuple[str, str]] = []
    # Media RSS captions (media:description) come out of feedparser as an entry's plain-text
    # content; RSS has no other plain-text content, so in an RSS feed that declares Media RSS
    # it is a caption whether or not the entry names its image through media:content.
    captions = (
        str(result.get("version") or "").startswith("rss")
        and _MEDIA_RSS in (result.get("namespaces") or {}).values()
    )
    for number, item in enumerate(items[:max_items], start=1):
        try:
            entries.append(_entry(item, zone, url, captions))
        except Exception as error:  # one entry's failure, whatever it is, skips that entry only
            log.debug("%s: entry %d failed", url, number, exc_info=True)
            what = _entry_name(item) or f"entry {number}"
            reason = str(error) if isinstance(error, SourceError) else f"{type(error).__name__}: {error}"
            unreadable.append((what, f"{url}: {what!r} cannot be read ({reason}); skipped"))
    return Feed(title, tuple(entries), tuple(unreadable))


def _entry(item: Any, zone: ZoneInfo, url: str, captions: bool = False) -> Entry:
    text, cut = _best_text(item, url, captions)
    words = sum(len(p.split()) for p in text.paragraphs)
    last = text.paragraphs[-1] if text.paragraphs else ""
    link = _text(item.get("link")).strip() or None
    if link is not None and not link.lower().startswith(("http://", "https://")):
        link = None  # javascript:, file:, mailto: … are never followed
    elif link is not None:
        link = strip_tracking(link)
    return Entry(
        title=repair(_plain(_text(item.get("title")))),
        link=link,
        published=_published(item, zone),
        text=ParsedText(None, text.source, text.paragraphs, text.headline_paragraphs),
        teaser=cut or words < TEASER_WORDS or bool(_TEASER_END.search(last)),
    )


def _best_text(item: Any, url: str, captions: bool = False) -> tuple[ParsedText, bool]:
    """The entry's prose: of its content and its description (summary), the one with the
    most words of text once captions, credits and "read more" links are set aside;
    True when a teaser's tail was cut.

    feedparser files an image's `media:description` under `content` too, as plain
    text: in an entry that carries media, or of a feed whose plain-text content can
    only be Media RSS (`captions`), plain-text content is that caption.
    """
    has_media = captions or bool(item.get("media_content") or item.get("media_thumbnail"))
    candidates: list[str] = []
    for content in item.get("content") or []:
        if not isinstance(content, dict):
            continue
        if has_media and content.get("type") == "text/plain":
            continue
        candidates.append(_text(content.get("value")))
    candidates.append(_text(item.get("summary")))
    best, best_cut, best_words = ParsedText(None, None, (), frozenset()), False, -1
    for body in candidates:
        if not body.strip():
            continue
        parsed, _ = rewrite_paragraphs(parse_html(body, url), repair)
        parsed, cut = rewrite_paragraphs(parsed, strip_read_more)
        parsed, _ = rewrite_paragraphs(parsed, lambda p: "" if is_caption(p) else p)
        prose = sum(len(p.split()) for p in parsed.paragraphs)
        if prose > best_words:
            best, best_cut, best_words = parsed, cut, prose
    return best, best_cut


def _entry_name(item: Any) -> str:
    try:
        return _text(item.get("link")) or _plain(_text(item.get("title")))
    except Exception:  # the entry is already broken; its name is only for the message
        return ""


def _text(value: object) -> str:
    """A feed field as text: feedparser gives None (or no key) for fields it could not read."""
    return value if isinstance(value, str) else ""


def _published(item: Any, zone: ZoneInfo) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # The raw keys: FeedParserDict.get maps updated_parsed to published_parsed, with a warning.
        parsed = dict.get(item, key) if isinstance(item, dict) else None
        if parsed:
            # feedparser normalises every date format to a UTC struct_time; a date no
            # datetime can hold (year 0, year 99999) counts as no date.
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC).astimezone(zone)
            except (ValueError, OverflowError, OSError, TypeError):
                return None
    for key in ("published", "updated", "created"):
        # A date feedparser could not read (it knows English RFC 822 and ISO 8601 only):
        # "Seg, 24 Set 2018 10:32:00 -0300" in a Portuguese feed.
        raw = dict.get(item, key) if isinstance(item, dict) else None
        if isinstance(raw, str) and raw.strip():
            return parse_date(raw, zone)
    return None


def _plain(text: str) -> str:
    return _SPACES.sub(" ", _TAGS.sub("", text)).strip()


def _as_text(body: bytes) -> str:
    """The document as text for the declaration check, whatever its encoding family."""
    head = body[:4]
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\x00<\x00?", "utf-16-be"),
        (b"<\x00?\x00", "utf-16-le"),
    ):
        if head.startswith(bom):
            return body.decode(codec, errors="replace")
    return body.decode("latin-1")
