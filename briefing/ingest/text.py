"""Turning raw text into paragraphs: decoding, hard-wrapped lines, titles, source tags.

Shared by every kind of source; nothing here touches the file system or network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from briefing.errors import SourceError

# A source tag as news wires print it: "/Telegraph/" alone, leading or trailing a paragraph.
_TAG = r"/(?P<tag>[A-Z][\w.&'’ -]{1,38}[\w.])/"
_LEADING_TAG = re.compile(rf"^{_TAG}(?=\S)")
_TRAILING_TAG = re.compile(rf"(?:^|\s){_TAG}$")
_ONLY_TAG = re.compile(rf"^{_TAG}$")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_SPACES = re.compile(r"\s+")
# Sentence-final punctuation, possibly followed by closing quotes or brackets.
_FINAL = re.compile(r"[.!?…](?:[\"'”’»)\]]*)$")
HEADLINE_MAX_WORDS = 25


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool  # True when the bytes were not UTF-8 and the encoding was detected


# Legacy single-byte encodings that texts in each language were written in. Detection
# is limited to these, or a lone "£" (0xA3) in English text reads as Japanese.
_WESTERN = ("cp1252", "latin_1", "iso8859_15", "mac_roman")
LEGACY_ENCODINGS: dict[str, tuple[str, ...]] = {
    **{
        language: _WESTERN
        for language in ("english", "french", "german", "italian", "spanish", "portuguese", "swedish")
    },
    "czech": ("cp1250", "iso8859_2", "mac_latin2"),
    "polish": ("cp1250", "iso8859_2", "mac_latin2"),
    "greek": ("cp1253", "iso8859_7"),
}


def decode(data: bytes, name: str, language: str = "english") -> Decoded:
    """UTF-8 if it is; else the encoding detected among the language's usual ones; never binary data."""
    if not data.strip():
        raise SourceError(f"{name}: file is empty; skipped")
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(f"{name}: looks like a binary file, not text; skipped")
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", guessed=False)
    except UnicodeDecodeError:
        pass
    candidates = LEGACY_ENCODINGS.get(language)
    best = from_bytes(data, cp_isolation=list(candidates) if candidates else None).best()
    if best is None:
        raise SourceError(f"{name}: cannot detect the text encoding; save it as UTF-8")
    text = str(best)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text) / 100:
        raise SourceError(f"{name}: looks like a binary file, not text; skipped")
    return Decoded(text, best.encoding, guessed=True)


def is_headline_like(text: str) -> bool:
    """A short line that does not end like a sentence: a headline or a truncated one."""
    return len(text.split()) <= HEADLINE_MAX_WORDS and not _FINAL.search(text)


def ends_like_sentence(text: str) -> bool:
    return bool(_FINAL.search(text.rstrip()))


@dataclass(frozen=True, slots=True)
class ParsedText:
    title: str | None
    source: str | None
    paragraphs: tuple[str, ...]
    headline_paragraphs: frozenset[int]


def parse_plain_text(text: str) -> ParsedText:
    """Paragraphs are separated by blank lines; lines inside one are re-joined.

    The first paragraph is the title when it is one line that reads like a headline;
    a first line that runs on into the next is text. Source tags such as
    `/Telegraph/` name the source and are removed from the text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip("\n") for b in _BLANK_LINE.split(text)]
    blocks = [b for b in blocks if b.strip()]
    source: str | None = None
    paragraphs: list[str] = []
    single_line: list[bool] = []
    for block in blocks:
        paragraph = _SPACES.sub(" ", block).strip()
        paragraph, tag = strip_source_tag(paragraph)
        if tag and source is None:
            source = tag
        if paragraph:
            paragraphs.append(paragraph)
            single_line.append("\n" not in block.strip())
    title = None
    if paragraphs and single_line[0] and is_headline_like(paragraphs[0]):
        title = paragraphs.pop(0)
        single_line.pop(0)
    headlines = frozenset(i for i, p in enumerate(paragraphs) if single_line[i] and is_headline_like(p))
    return ParsedText(title, source, tuple(paragraphs), headlines)


def strip_source_tag(paragraph: str) -> tuple[str, str | None]:
    """Remove a leading, trailing or lone `/Source/` tag; return (text, source)."""
    for pattern in (_ONLY_TAG, _LEADING_TAG, _TRAILING_TAG):
        match = pattern.search(paragraph)
        if match:
            rest = (paragraph[: match.start()] + paragraph[match.end() :]).strip()
            return rest, match.group("tag").strip()
    return paragraph, None


def clip_title(text: str, max_chars: int = 90) -> str:
    """A title made from the opening of the text, cut at a word boundary."""
    first = text.strip()
    if len(first) <= max_chars:
        return first
    cut = first[:max_chars].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"
