"""Turning raw text into paragraphs: decoding, hard-wrapped lines, titles, source tags.

Shared by every kind of source; nothing here touches the file system or network.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from charset_normalizer import from_bytes

from briefing.errors import SourceError
from briefing.language import CLOSING_MARKS, split_sentences
from briefing.models import Article

# A source tag as news wires print it: "/Telegraph/" alone, leading or trailing a paragraph.
_TAG = r"/(?P<tag>[A-Z][\w.&'’ -]{1,38}[\w.])/"
_LEADING_TAG = re.compile(rf"^{_TAG}(?=\S)")
_TRAILING_TAG = re.compile(rf"(?:^|\s){_TAG}$")
_ONLY_TAG = re.compile(rf"^{_TAG}$")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
# Sentence-final punctuation, possibly followed by closing quotes or brackets.
_FINAL_MARKS = (".", "!", "?", "…")  # a sentence ends with one, then perhaps quotes or brackets
HEADLINE_MAX_WORDS = 25
# A line with no sentence ending and at most this many words is a headline even inside a
# page's or a file's running text (a subhead); longer ones are text that lost its full stop.
SHORT_HEADLINE_WORDS = 12


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool  # True when the bytes were not UTF-8 and the encoding was detected


# Legacy single-byte encodings that texts in each language were written in. Detection
# is limited to these, or a lone "£" (0xA3) in English text reads as Japanese.
_WESTERN = ("cp1252", "latin_1", "iso8859_15", "mac_roman")
LEGACY_ENCODINGS: dict[str, tuple[str, ...]] = {
    # `language: auto`: any of the supported languages' encodings.
    "auto": (*_WESTERN, "cp1250", "iso8859_2", "cp1253", "iso8859_7"),
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
    return len(text.split()) <= HEADLINE_MAX_WORDS and not _ends_final(text)


def is_short_headline(text: str) -> bool:
    """A line short enough to be a headline wherever it stands, even with no mark-up saying so."""
    return is_headline_like(text) and len(text.split()) <= SHORT_HEADLINE_WORDS


def ends_like_sentence(text: str) -> bool:
    return _ends_final(text.rstrip())


def _ends_final(text: str) -> bool:
    """Whether the text ends in . ! ? or …, then only closing quotes or brackets (and at most
    one line break): the search of `[.!?…][closers]*$`, without trying every character."""
    rest = text.removesuffix("\n").rstrip(CLOSING_MARKS)
    return rest[-1:] in _FINAL_MARKS


@dataclass(frozen=True, slots=True)
class ParsedText:
    title: str | None
    source: str | None  # a source tag in the text ("/Telegraph/")
    paragraphs: tuple[str, ...]
    headline_paragraphs: frozenset[int]
    site_name: str | None = None  # a saved page's own metadata, as for pages fetched
    published: datetime | None = None
    url: str | None = None  # a saved page's public address (its canonical URL), if it names one


def from_blocks(title: str | None, blocks: Iterable[tuple[str, bool]]) -> ParsedText:
    """Blocks of text (each with whether it is a heading) → paragraphs: source tags such as
    `/Telegraph/` taken out (the first names the source), empty blocks dropped, headings marked."""
    source = None
    paragraphs: list[str] = []
    headlines: set[int] = set()
    for block, heading in blocks:
        text, tag = strip_source_tag(block)
        source = source or tag
        if not text:
            continue
        if heading:
            headlines.add(len(paragraphs))
        paragraphs.append(text)
    return ParsedText(title, source, tuple(paragraphs), frozenset(headlines))


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
        paragraph = " ".join(block.split())
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
    if "/" not in paragraph:  # (most paragraphs: no pattern need search them)
        return paragraph, None
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


# "Read more" links and teaser tails, as feeds and pages print them in each supported
# language. A multi-word phrase is recognised anywhere at a paragraph's end; a lone word
# ("More", "Leer", "Suite") only standing alone, bracketed or with an arrow or ellipsis.
_READ_MORE_PHRASES = (
    # english
    "read more|read the full story|read the full article|read full story|read full article|"
    "continue reading(?: the main story)?|keep reading|read on|click here to read more|view full article|"
    "full story|more here|"
    # a developing story's promise of more ("More to follow.", "Más información en breve.")
    "more to follow|more details to follow|updates to follow|this story (?:is developing|will be updated)|"
    "developing story|weitere informationen folgen|mehr in kürze|dieser artikel wird aktualisiert|"
    "plus d['’]informations à venir|plus d['’]informations à suivre|plus de détails à venir|"
    "article en cours d['’]actualisation|más información en breve|noticia en desarrollo|"
    "ampliaremos información|ampliaremos|mais informações em breve|notícia em atualização|"
    "notizia in aggiornamento|aggiornamenti a seguire|seguiranno aggiornamenti|"
    # german
    "weiterlesen|hier weiterlesen|mehr lesen|mehr erfahren|mehr dazu|zum artikel|artikel lesen|"
    "den ganzen artikel lesen|lesen sie mehr|lesen sie weiter|"
    # french
    "lire la suite|lire plus|en savoir plus|lire l['’]article|voir la suite|"
    # spanish
    "seguir leyendo|sigue leyendo|siga leyendo|continuar leyendo|leer más|leer mas|ver más|más información|"
    "leer (?:el )?artículo completo|leer la nota completa|lee la nota completa|"
    # portuguese
    "leia mais|continue lendo|continuar lendo|ler mais|saiba mais|continuar a ler|leia a matéria completa|"
    # italian
    "continua a leggere|leggi tutto|leggi di più|leggi l['’]articolo|"
    # polish, czech, swedish, greek
    "czytaj więcej|czytaj dalej|číst dál|číst více|celý článek|läs mer|läs hela artikeln|fortsätt läsa|"
    "διαβάστε περισσότερα|διαβάστε τη συνέχεια|περισσότερα"
)
_READ_MORE_WORDS = "more|mehr|suite|leer|leia|leggi|więcej|více|continue|continuar|continua"
_ARROWS = r"(?:\.\.\.|…|»|›|→|>>|>|\[…\]|\[\.\.\.\])"
_QUOTED_TITLE = r"(?:\s*[:–—-]?\s*[\"“‘«].{1,200}?[\"”’»])?"
_TAIL = re.compile(
    rf"(?:^|(?<=[.!?…:\"”’»)])\s+|\s+(?=[\[(]))"  # at the start, or after a sentence or before a bracket
    rf"[\[(«<]?\s*{_ARROWS}?\s*(?:"
    rf"(?:{_READ_MORE_PHRASES}){_QUOTED_TITLE}\s*{_ARROWS}?\s*[.:]?"
    rf"|(?:{_READ_MORE_WORDS})(?:\s*{_ARROWS}|(?=\s*[\])»>]))"
    rf"|(?:{_READ_MORE_WORDS})\s*$"
    rf")\s*[\])»>]?\s*$",
    re.IGNORECASE,
)
# Blog software's own tail ("The post X appeared first on Y."), in the languages WordPress prints it.
_APPEARED_FIRST = re.compile(
    r"(?:^|\s+)(?:the post|der beitrag|l['’]article|la entrada|o post|l['’]articolo|el artículo)\s.{1,300}?"
    r"\s(?:appeared first on|erschien zuerst auf|est apparu en premier sur|se publicó primero en|"
    r"apareceu primeiro em|sembra essere il primo su|proviene da)\s.{1,120}$",
    re.IGNORECASE,
)
# "[…]" closing a teaser: nothing after a whole sentence; "…" after a cut one.
_LONE_ELLIPSIS = re.compile(r"(?P<end>[.!?][\"'”’»)]*)?\s*(?:\[…\]|\[\.\.\.\]|\(…\)|\(\.\.\.\))\s*$")
# A link to another article: "Read more: …", "Lesen Sie auch: …", "Lire aussi : …".
_RELATED = re.compile(
    r"^[\[(]?(?:read more|read also|see also|related|more on this|"
    r"lesen sie auch|mehr zum thema|auch interessant|lire aussi|à lire aussi|a lire aussi|voir aussi|"
    r"lea también|leer también|lee también|le puede interesar|te puede interesar|"
    r"leia também|veja também|leggi anche|czytaj też|czytaj także|čtěte také|läs också)"
    r"\s*[:：»›→-]",
    re.IGNORECASE,
)
RELATED_MAX_WORDS = 25
# The heading of a box of links to other articles, standing alone.
_RELATED_HEADING = re.compile(
    r"^(?:read next|related|related (?:stories|articles|content)|more on this(?: story)?|most read|"
    r"recommended(?: for you)?|lesen sie auch|mehr zum thema|das könnte sie auch interessieren|"
    r"auch interessant|meistgelesen|lire aussi|à lire aussi|sur le même sujet|les plus lus|"
    r"te puede interesar|le puede interesar|relacionad[ao]s|noticias relacionadas|lo más leído|"
    r"leia também|veja também|mais lidas|leggi anche|i più letti|czytaj też|najczęściej czytane|"
    r"čtěte také|nejčtenější|läs också|mest läst)\s*:?$",
    re.IGNORECASE,
)


# Where each tail can start, for a search that tries only there (the tails' expressions
# are long alternations that would otherwise be tried at every character): the blog
# tail's closing words, and a space after a sentence or before a bracket (see _TAIL).
_APPEARED_WORDS = re.compile(
    r"\s(?:appeared first on|erschien zuerst auf|est apparu en premier sur|se publicó primero en|"
    r"apareceu primeiro em|sembra essere il primo su|proviene da)\s",
    re.IGNORECASE,
)
_TAIL_START = re.compile(r"\s(?:(?<=[.!?…:\"”’»)]\s)|(?=\s*[\[(]))")
_ELLIPSIS_ENDS = ("…]", "...]", "…)", "...)")


def _without_tail(text: str) -> str:
    """`_cut_end(_TAIL, text, "")`, trying only the places where the tail can start."""
    start = max(0, len(text) - _TAIL_CHARS)
    places = (found.start() for found in _TAIL_START.finditer(text, start))
    for place in itertools.chain([0] if start == 0 else [], places):  # in order: the first is search's
        found = _TAIL.match(text, place)
        if found:
            return text[: found.start()]
    return text


def strip_read_more(paragraph: str) -> str:
    """The paragraph without a "read more" link or teaser tail; "" when it was nothing else."""
    text = paragraph
    if _APPEARED_WORDS.search(text, max(0, len(text) - _TAIL_CHARS)):
        text = _cut_end(_APPEARED_FIRST, text, "")
    text = _without_tail(text).strip()
    if text.endswith(_ELLIPSIS_ENDS):
        ellipsis = _LONE_ELLIPSIS.search(text, max(0, len(text) - _TAIL_CHARS))
        if ellipsis:
            text = text[: ellipsis.start()] + (ellipsis.group("end") or "…")
    if text == "…" or _RELATED_HEADING.match(text):
        return ""
    if _RELATED.match(text) and len(text.split()) <= RELATED_MAX_WORDS:
        return ""
    return text


# The last words of a text that introduce a link no longer there ("Seguir leyendo:",
# "Mehr dazu:", "Video:"): a short line ending in a colon, with nothing after it.
LINK_INTRO_WORDS = 4
_LINK_INTRO = re.compile(r"(?:^|(?<=[.!?…\"”’»)])\s+)[^.!?:]{1,60}:\s*$")


# An entity left in the text: a known one ("&#233;", "&amp;" in a plain-text file) is its
# character; an unknown one is a typesetting code of the wire ("&UR;", "&QL;", "&HT;"), dropped.
_ENTITY = re.compile(r"&#?[A-Za-z0-9]{1,10};")
_SPACES_RUN = re.compile(r"[ \t]{2,}")


def strip_codes(text: str) -> str:
    """The text with entities read and typesetting codes dropped (unchanged if it has none)."""
    if "&" not in text or not _ENTITY.search(text):
        return text

    def read(found: re.Match[str]) -> str:
        character = html.unescape(found.group(0))
        if character != found.group(0):
            return character
        # an unknown one stands alone as a code does; inside a word ("AT&T;") it is text
        alone = found.start() == 0 or not text[found.start() - 1].isalnum()
        return "" if alone else found.group(0)

    return _SPACES_RUN.sub(" ", _ENTITY.sub(read, text)).strip()


def strip_link_intro(last: str) -> str:
    """A text's last paragraph without a closing line that only introduced a link."""
    found = _LINK_INTRO.search(last, max(0, len(last) - _TAIL_CHARS))
    if found is None or len(found.group(0).split()) > LINK_INTRO_WORDS:
        return last
    return last[: found.start()].strip()


# Tails are short: only a paragraph's last characters are searched, so a long paragraph
# costs no more than a short one.
_TAIL_CHARS = 600


def _cut_end(pattern: re.Pattern[str], text: str, replacement: str) -> str:
    found = pattern.search(text, max(0, len(text) - _TAIL_CHARS))
    return text[: found.start()] + replacement if found else text


def rewrite_paragraphs(text: ParsedText, rewrite: Callable[[str], str]) -> tuple[ParsedText, bool]:
    """Each paragraph rewritten (dropped when it becomes ""), headline marks kept in step;
    True when anything changed."""
    kept: list[str] = []
    headlines: set[int] = set()
    changed = False
    for index, paragraph in enumerate(text.paragraphs):
        new = rewrite(paragraph)
        changed = changed or new != paragraph
        if new:
            if index in text.headline_paragraphs:
                headlines.add(len(kept))
            kept.append(new)
    return replace(text, paragraphs=tuple(kept), headline_paragraphs=frozenset(headlines)), changed


def article_from(
    text: ParsedText,
    *,
    title: str | None,
    source: str,
    language: str,
    path: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
) -> Article:
    """The article of a parsed text (ids are given later, by de-duplication).

    With no title, the opening of its first sentence is the title: with `language: auto`
    the article's language is told later, and any model finds a first sentence's end
    well enough for a title, which is clipped anyway.
    """
    if not title:
        first = split_sentences(text.paragraphs[0], language)
        title_from_text, title = True, clip_title(first[0] if first else text.paragraphs[0])
    else:
        title_from_text = False
    return Article(
        id="",
        title=title,
        source=source,
        paragraphs=text.paragraphs,
        path=path,
        url=url,
        published=published,
        headline_paragraphs=text.headline_paragraphs,
        title_from_text=title_from_text,
    )
