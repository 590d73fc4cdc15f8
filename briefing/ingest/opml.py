"""OPML, the list of feeds every feed reader exports and imports: read (`- opml:` sources) and
written (`briefing feeds export`).

Read with defusedxml (no entity expansion, no external entities, no DTD fetched) and
size-limited; written as OPML 2.0 (http://opml.org/spec2.opml) with the standard library,
without a creation date so that the same feeds always give the same file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# An export of a thousand subscriptions is about 250 kB; the limit only catches a wrong file.
MAX_OPML_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: the feed's URL and the name the reader showed it under."""

    url: str
    title: str | None = None


class OpmlError(ValueError):
    """The file cannot be read as a list of feeds; the message says why, in a reader's words."""


def read_opml(path: Path) -> tuple[OpmlFeed, ...]:
    """Every feed listed in the file (in any folder of it), each URL once, in the file's order."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except FileNotFoundError:
        raise OpmlError("no such file") from None
    except OSError as error:
        raise OpmlError(f"cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"over {MAX_OPML_BYTES // 1_048_576} MiB; a list of feeds is far smaller")
    try:
        root = fromstring(data)
    except DefusedXmlException:
        raise OpmlError("declares XML entities or a DTD, which are refused") from None
    except ET.ParseError as error:
        line, column = error.position
        raise OpmlError(f"not well-formed XML (line {line}, column {column + 1})") from None
    if _local(root.tag) != "opml":
        raise OpmlError(f"not an OPML file (its root element is <{_local(root.tag)}>, not <opml>)")
    feeds: dict[str, OpmlFeed] = {}
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        # Readers spell the attribute xmlUrl (the spec), xmlURL or xmlurl.
        attributes = {name.lower(): value.strip() for name, value in outline.attrib.items()}
        url = attributes.get("xmlurl")
        if not url:
            continue  # a folder, or a link that is not a feed
        title = attributes.get("title") or attributes.get("text") or None
        feeds.setdefault(url, OpmlFeed(url, title))
    if not feeds:
        raise OpmlError("lists no feeds (no <outline> with an xmlUrl)")
    return tuple(feeds.values())


def write_opml(feeds: Sequence[OpmlFeed], title: str) -> str:
    """The feeds as an OPML 2.0 document, one <outline type="rss"> each."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = feed.title or feed.url
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _local(tag: object) -> str:
    """A tag without its namespace ('{ns}opml' → 'opml'); comments and processing instructions → ''."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
