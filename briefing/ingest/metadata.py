"""What an article is called and where it is from: title, site name, date, readable text.

The same rules for a page however it arrives (a feed's link, `- url:`, a saved
`.html` file): mojibake repaired once (ftfy), a site name that is a name (never
a URL; from the page's metadata, then its domain), titles without the site's
suffix ("… | Reuters"), dates in any supported language.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import ftfy

from briefing.ingest.outlets import outlet_name
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
    raw: str | None,
    url: str | None,
    title_tag: str | None = None,
    headline: str | None = None,
    more: Sequence[str] = (),
) -> str | None:
    """The outlet's name among what the page calls its site — its own (og:site_name, JSON-LD
    publisher …; never a URL), the `more` names its metadata gives, what its <title> adds to the
    headline ("Headline – Riverside Courier") — each cleaned of slogans, places and legal forms
    (ingest/outlets.py): the first that agrees with the host of `url`, else the first; else the
    domain."""
    names = [name for name in (_as_name(raw), *(_as_name(m) for m in more)) if name]
    beside = name_beside_headline(title_tag, headline)
    return outlet_name([*names, beside], url) or domain(url)


def _as_name(raw: str | None) -> str | None:
    name = _SPACES.sub(" ", repair(raw or "")).strip()
    return name if name and not _URL_LIKE.match(name) and len(name) <= 80 else None


_META_TAG = re.compile(r"<meta\s[^>]{0,2000}>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD = re.compile(
    r"""<script[^>]+type\s*=\s*["']application/ld\+json["'][^>]*>(.{0,200000}?)</script>""",
    re.IGNORECASE | re.DOTALL,
)
_SITE_META = ("og:site_name", "application-name", "al:ios:app_name", "al:android:app_name")
_CANONICAL_LINK = re.compile(r"<link\s[^>]{0,2000}>", re.IGNORECASE)


def _tags(pattern: re.Pattern[str], markup: str) -> Iterable[dict[str, str]]:
    """The attributes of each tag the pattern finds in the page's first 300,000 characters."""
    for tag in pattern.finditer(markup[:300_000]):
        yield {
            m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
            for m in _ATTRIBUTE.finditer(tag.group())
        }


def site_names_in(markup: str) -> tuple[str, ...]:
    """Every name a page's metadata gives its site, in order: og:site_name, application-name,
    app names, then the publisher (and the site) of its JSON-LD; for ingest/outlets.py to pick
    the one its host agrees with."""
    names: list[str] = []
    for attrs in _tags(_META_TAG, markup):
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        if key in _SITE_META and attrs.get("content", "").strip():
            names.append(attrs["content"].strip())
    for block in _JSON_LD.finditer(markup[:1_000_000]):
        try:
            data = json.loads(block.group(1))
        except (ValueError, RecursionError):
            continue
        names.extend(_publishers(data, 0))
    return tuple(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip()))


def _publishers(data: object, depth: int) -> list[str]:
    """The names of `publisher` (and `isPartOf`/WebSite) objects anywhere in JSON-LD, at most 8 deep."""
    if depth > 8:
        return []
    found: list[str] = []
    if isinstance(data, list):
        for item in data[:50]:
            found.extend(_publishers(item, depth + 1))
    elif isinstance(data, dict):
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(k in ("NewsMediaOrganization", "WebSite") for k in kinds) and isinstance(
            data.get("name"), str
        ):
            found.append(data["name"])
        for key in ("publisher", "isPartOf", "sourceOrganization", "@graph"):
            value = data.get(key)
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                found.append(value["name"])
            if value is not None:
                found.extend(_publishers(value, depth + 1))
    return found


def canonical_url(markup: str) -> str | None:
    """The page's own public address: <link rel="canonical">, else og:url; http(s) only."""
    for attrs in _tags(_CANONICAL_LINK, markup):
        if "canonical" in attrs.get("rel", "").lower().split() and _is_web(attrs.get("href")):
            return attrs["href"].strip()
    for attrs in _tags(_META_TAG, markup):
        if (attrs.get("property") or attrs.get("name") or "").lower() == "og:url" and _is_web(
            attrs.get("content")
        ):
            return attrs["content"].strip()
    return None


def _is_web(url: str | None) -> bool:
    parts = urlsplit((url or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


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


# Titles that name the software or the page's place in the site, never a story. A CMS whose
# name is also an ordinary word ("Ghost", a film's title) is told only by the page's generator.
_NOT_HEADLINES = frozenset(
    (
        "escenic",
        "wordpress",
        "drupal",
        "joomla",
        "typo3",
        "brightspot",
        "sitecore",
        "umbraco",
        "contao",
        "arc xp",
        "untitled",
        "untitled document",
        "new page",
        "home",
        "homepage",
        "home page",
        "index",
        "default",
        "startseite",
        "accueil",
        "inicio",
        "portada",
        "início",
        "pagina iniziale",
    )
)


def software_names(markup: str) -> tuple[str, ...]:
    """The names of the software a page says made it (<meta name="generator">), lower case:
    "Escenic Content Engine 7.4" gives "escenic content engine 7.4" and "escenic"."""
    names: list[str] = []
    for attrs in _tags(_META_TAG, markup):
        if (attrs.get("name") or "").lower() == "generator" and attrs.get("content", "").strip():
            full = attrs["content"].strip().casefold()
            names += [full, full.split()[0]]
    return tuple(dict.fromkeys(names))


def is_title(text: str | None, software: Sequence[str] = ()) -> bool:
    """Whether a page's title is a headline: a CMS's name ("escenic", the page's own
    generator's), a site's "Home" or a bare slug is not."""
    if not text:
        return False
    key = text.strip().casefold()
    if key in _NOT_HEADLINES or key in software:
        return False
    words = text.split()
    return len(words) >= 2 or (len(words) == 1 and text[:1].isupper() and len(text) > 3 and "_" not in text)


def strip_site_suffix(title: str, names: Sequence[str | None]) -> str:
    """The headline without the site's name after (or before) a separator: "Rates cut | Reuters",
    and without a date the site adds there ("… | DW | 23.05.2011").

    Only a part that names the site (its name or domain) or is a date is removed: a
    headline with a dash of its own ("Brexit - what happens next") is left alone.
    """
    keys = {_key(n) for n in names if n}
    keys |= {_key(n.split(".")[0]) for n in names if n and "." in n and " " not in n}
    keys.discard("")
    if not keys:
        return title
    for _ in range(3):  # "Story - Section | Site" at most; never a loop on crafted titles
        for pattern, group in ((_SUFFIX, "suffix"), (_PREFIX, "prefix")):
            match = pattern.search(title)
            if match and (_names_site(match.group(group), keys) or _is_date(match.group(group))):
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


_DATE_ONLY = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _is_date(part: str) -> bool:
    """A part that is only a date in digits ("23.05.2011", "2024-06-12"): never a headline's."""
    return bool(_DATE_ONLY.fullmatch(part.strip()))


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
