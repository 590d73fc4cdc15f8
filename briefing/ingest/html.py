"""Main text of a local HTML (or rendered Markdown) file: title, headings, paragraphs.

A small block-level reader fed by lxml's HTML parser (libxml2, linear time on any
input; the standard library's html.parser is quadratic on crafted markup and
asserts on some declarations): it keeps the text of paragraphs, list items,
quotes and headings, and drops scripts, styles and page furniture (nav, header,
footer, aside, forms).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from briefing.errors import SourceError
from briefing.ingest.text import ParsedText, from_blocks

_BLOCKS = {
    "p",
    "li",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "td",
    "th",
    "div",
    "section",
    "article",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "svg",
    "iframe",
    "object",
    "figure",  # images and their captions and credits: not the article's prose
    "figcaption",
}
_SPACES = re.compile(r"\s+")


class _BlockReader:
    """An lxml parser target: start, end and data events in document order."""

    def __init__(self) -> None:
        self.title = ""
        self.blocks: list[tuple[str, str]] = []  # (kind: "p" | "h1".."h6", text)
        self._buffer: list[str] = []
        self._kind = "p"
        self._skip_depth = 0
        self._in_title = False

    def start(self, tag: Any, attrib: Any) -> None:
        tag = _name(tag)
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "br":
            self._buffer.append(" ")
        elif tag in _BLOCKS or tag in _HEADINGS:
            self._flush()
            self._kind = tag if tag in _HEADINGS else "p"

    def end(self, tag: Any) -> None:
        tag = _name(tag)
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCKS or tag in _HEADINGS:
            self._flush()

    def data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth:
            self._buffer.append(data)

    def comment(self, text: str) -> None:
        pass  # comments are not text

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._buffer)).strip()
        self._buffer = []
        if text:
            self.blocks.append((self._kind, text))
        self._kind = "p"


def _name(tag: Any) -> str:
    # Processing instructions and entities arrive as functions, not names.
    return tag.lower() if isinstance(tag, str) else ""


def parse_html(markup: str, name: str = "HTML") -> ParsedText:
    """The blocks of text in markup; SourceError (naming it) if the parser gives up."""
    reader = _BlockReader()
    if markup.strip():
        parser = etree.HTMLParser(target=reader, recover=True, no_network=True, remove_pis=True)
        try:
            # Text, not bytes: no <meta charset> can make libxml2 re-decode it.
            parser.feed(markup)
            parser.close()
        except (etree.LxmlError, ValueError, TypeError) as error:
            raise SourceError(f"{name}: cannot parse the HTML ({error}); skipped") from None
    title = _SPACES.sub(" ", reader.title).strip() or None
    blocks = list(reader.blocks)
    if blocks and blocks[0][0] == "h1":
        # The page's own headline is a better title than <title>, which often carries the site name.
        title = blocks.pop(0)[1]
    return from_blocks(title, ((text, kind in _HEADINGS) for kind, text in blocks))
