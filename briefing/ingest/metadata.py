"""What an article is called and where it is from: title, site name, date, readable text.

The same rules for a page however it arrives (a feed's link, `- url:`, a saved
`.html` file): mojibake repaired once (ftfy), a site name that is a name (never
a URL; from the page's metadata, then its domain), titles without the site's
suffix ("… | Reuters"), dates in any supported language.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import ftfy

from briefing.language import language_code, supported_languages

log = logging.getLogger(__name__)

# What separates a headline from the site's name in <title> and og:title.
_SUFFIX = re.compile(r"\s+[|–—·»:-]{1,2}\s+(?P<suffix>[^|–—·»]{1,60})$")
_PREFIX = re.compile(r"^(?P<prefix>[^|–—·»]{1,60}?)\s+[|–—·»-]{1,2}\s+")
_NOT_LETTERS = re.compile(r"[\W_]+")
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)|^[\w-]+(?:\.[\w-]+)+/", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Hosts of social networks: a page's `og:site_name` or author link pointing there is
# not the outlet's name (seen: "https://www.facebook.com/tagesspiegel").
_SOCIAL_HOSTS = re.compile(
    r"(?:^|\.)(?:facebook|fb|twitter|x|instagram|linkedin|youtube|tiktok|t|threads|mastodon|bsky)\.(?:com|me|net|social|app)$"
)


def repair(text: str) -> str:
    """Text with mojibake undone ("AdriÃ¡n" → "Adrián"); nothing else is changed.

    ftfy's `fix_encoding` only reverses wrong decodings that it can prove
    (curly quotes, dashes and accents stay as they are), so text that is right
    comes back unchanged.
    """
    if text.isascii():
        return text
    return str(ftfy.fix_encoding(text))


def repair_all(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(repair(text) for text in texts)


def site_name(
    raw: str | None, url: str | None, title_tag: str | None = None, headline: str | None = None
) -> str | None:
    """The outlet's name: the page's own (og:site_name, JSON-LD publisher …) unless it is a
    URL, else what its <title> adds to the headline ("Headline – Riverside Courier"), else
    the domain."""
    name = _SPACES.sub(" ", repair(raw or "")).strip()
    if name and not _URL_LIKE.match(name) and len(name) <= 80:
        return name
    return name_beside_headline(title_tag, headline) or domain(url)


def name_beside_headline(title_tag: str | None, headline: str | None) -> str | None:
    """'City council approves … – Riverside Courier' with that headline → 'Riverside Courier'."""
    if not title_tag or not headline:
        return None
    title, head = _SPACES.sub(" ", html.unescape(title_tag)).strip(), headline.strip()
    rest = None
    if title.lower().startswith(head.lower()):
        rest = re.match(r"^\s*[|–—·»:-]{1,2}\s*(.+)$", title[len(head) :])
    elif title.lower().endswith(head.lower()):
        rest = re.match(r"^(.+?)\s*[|–—·»:-]{1,2}\s*$", title[: len(title) - len(head)])
    if rest is None:
        return None
    name = rest.group(1).strip()
    return name if 0 < len(name.split()) <= 6 and not _URL_LIKE.match(name) else None


def domain(url: str | None) -> str | None:
    """'https://www.example.org/x' → 'example.org'; None for no URL, a file or a social network."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host or _SOCIAL_HOSTS.search(host):
        return None
    return host


def is_title(text: str | None) -> bool:
    """Whether a page's title is a headline: a CMS's name ("escenic") or a bare slug is not."""
    if not text:
        return False
    words = text.split()
    return len(words) >= 2 or (len(words) == 1 and text[:1].isupper() and len(text) > 3 and "_" not in text)


def strip_site_suffix(title: str, names: Sequence[str | None]) -> str:
    """The headline without the site's name after (or before) a separator: "Rates cut | Reuters".

    Only a part that names the site (its name or domain) is removed: a headline
    with a dash of its own ("Brexit - what happens next") is left alone.
    """
    keys = {_key(n) for n in names if n}
    keys |= {_key(n.split(".")[0]) for n in names if n and "." in n and " " not in n}
    keys.discard("")
    if not keys:
        return title
    for _ in range(3):  # "Story - Section | Site" at most; never a loop on crafted titles
        for pattern, group in ((_SUFFIX, "suffix"), (_PREFIX, "prefix")):
            match = pattern.search(title)
            if match and _names_site(match.group(group), keys):
                rest = (title[: match.start()] + title[match.end() :]).strip()
                if len(rest.split()) >= 2:
                    title = rest
                    break
        else:
            return title
    return title


def shared_suffix(titles: Sequence[str]) -> str | None:
    """A suffix after a separator that most titles of one source share: the site's name."""
    found = Counter(m.group("suffix").strip() for t in titles if (m := _SUFFIX.search(t)))
    if not found or len(titles) < 3:
        return None
    suffix, count = found.most_common(1)[0]
    return suffix if count >= max(3, 0.6 * len(titles)) else None


def _names_site(part: str, keys: set[str]) -> bool:
    key = _key(part)
    return bool(key) and any(key == k or (len(k) >= 4 and (k in key or key in k)) for k in keys)


def _key(text: str) -> str:
    return _NOT_LETTERS.sub("", text.lower())


# dateparser (htmldate's own date parser) reads dates in any supported language;
# feedparser reads only RFC 822 and ISO 8601, in English.
def parse_date(text: str | None, zone: ZoneInfo, languages: Sequence[str] | None = None) -> datetime | None:
    """A date written in one of the languages ("Seg, 24 Set 2018 10:32:00 -0300"), in `zone`."""
    if not text or not text.strip() or len(text) > 100:
        return None
    import dateparser

    codes = [language_code(name) for name in (languages or supported_languages())]
    try:
        parsed = dateparser.parse(
            text.strip(),
            languages=codes,
            settings={
                "TIMEZONE": str(zone),
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DAY_OF_MONTH": "first",
            },
        )
    except Exception:  # a date parser's bug must not cost the entry its text
        log.debug("cannot parse the date %r", text, exc_info=True)
        return None
    if not isinstance(parsed, datetime):
        return None
    return parsed.astimezone(zone)
