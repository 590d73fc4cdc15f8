"""Outlet names: what a site calls itself in its metadata, made the name a reader knows it by.

Metadata names carry more than the name — a slogan after a separator ("BioBioChile - La
Red de Prensa Más Grande de Chile"), a section ("World news | The Guardian"), a place
("SPIEGEL ONLINE, Hamburg, Germany"), the publishing company's legal form ("Ediciones EL
PAÍS S.L.") — and are sometimes another site's (a syndicated page). The rules are general:
separators, the legal forms of company law in the supported languages' countries, place
names from CLDR (through Babel), and agreement between a name and the host it is served
from ("EL PAÍS" and elpais.com, "Süddeutsche Zeitung" and sz.de, "New York Times" and
nytimes.com). Nothing here knows any outlet by name.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from urllib.parse import urlsplit

# What separates a name from a slogan or a section: " - ", " | ", " – ", " — ", " · ", " » ", " : ".
_SEPARATOR = re.compile(r"\s+[-|–—·»:]{1,2}\s+")
_WORD = re.compile(r"[^\W_]+")
# A part that is only a date or a number ("23.05.2011", "2024-06-12"): never a name.
_DATE_PART = re.compile(r"\d{1,4}(?:[./-]\d{1,4}){0,2}")
# Legal forms of companies (and their usual spellings) in the countries of the supported
# languages, from their company laws: a name that ends in one is the publisher's company.
_LEGAL_FORM_NAMES = (
    "GmbH & Co. KGaA|GmbH & Co. KG|GmbH & Co KG|gGmbH|GmbH|mbH|AG|KGaA|KG|OHG|e.V.|eG|SE|"  # de
    "S.L.U.|S.L.|SL|S.A.U.|S.A.|SA|S.A.S.|SAS|SASU|SARL|S.à r.l.|EURL|SCOP|"  # es, fr
    "S.p.A.|SpA|S.r.l.|Srl|S.a.s.|S.n.c.|"  # it
    "Ltda.|Ltda|Lda.|Lda|S/A|EIRELI|"  # pt
    "Ltd.|Ltd|Limited|PLC|plc|LLP|LLC|L.L.C.|Inc.|Inc|Corp.|Corp|Corporation|Co.|Pty Ltd|Pty. Ltd.|"  # en
    "AB|AB (publ)|A/S|ASA|Oy|Oyj|B.V.|BV|N.V.|NV|"  # sv, nordic, nl
    "sp. z o.o.|Sp. z o.o.|S.A.|spółka z o.o.|"  # pl
    "s.r.o.|spol. s r.o.|a.s.|"  # cs
    "Α.Ε.|ΑΕ|Ε.Π.Ε.|ΕΠΕ|Ο.Ε.|Μ.Ι.Κ.Ε."  # el
)
_LEGAL_FORMS = sorted(set(_LEGAL_FORM_NAMES.split("|")), key=len, reverse=True)  # longest first
_LEGAL_FORM = re.compile(r"(?:,\s*|\s+)(?:" + "|".join(re.escape(f) for f in _LEGAL_FORMS) + r")$")
# Words that name a publishing company rather than its paper ("Ediciones", "Verlag"): dropped
# from the ends of a company's name (one with a legal form) when no host says which words are the
# outlet's. In each supported language.
_COMPANY_NAMES = """
    ediciones editorial editora edições edicoes éditions editions edizioni editrice editoriale
    verlag verlagsgruppe verlagshaus mediengruppe medienhaus zeitungsverlag medien
    media group grupo gruppo groupe publishing publications publishers holding holdings
    communications comunicación comunicacao comunicação wydawnictwo vydavatelství förlag förlaget
    """
# Second-level labels under a country's code that are not the site's own (bbc.co.uk, uol.com.br).
_SECOND_LEVEL = frozenset(
    ("co", "com", "org", "net", "gov", "gob", "edu", "ac", "or", "ne", "nic", "info", "biz")
)
_GERMAN_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# A word of a name may stand in a host by its initial, whole, or by its first few letters
# ("20min" for "20 Minuten"): shorter pieces would let any name agree with any host.
_MIN_PIECE = 3


def host_labels(url: str | None) -> tuple[str, ...]:
    """The labels of a URL's host that can name the site, folded: https://www.bbc.co.uk/news →
    ("bbc",); none for no URL, an IP address or localhost (which say nothing about a name)."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return ()
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return ()
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return ()
    labels = labels[:-1]  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    folded = [_fold(label) for label in labels if label not in {"www", "m", "amp", "mobile"}]
    return tuple(label for label in folded if len(label) >= 2)


def agrees(name: str, labels: Sequence[str]) -> bool | None:
    """Whether a name is the name of the host with these labels ("EL PAÍS", elpais.com): some
    label is spelt by the name's words in order, each by its initial, whole or its first few
    letters, or one contains the other; None when it cannot be told (no host, a name in
    another script)."""
    if not labels:
        return None
    spellings = [words for words in _word_spellings(name) if words]
    if not spellings:
        return None
    for words in spellings:
        joined = "".join(words)
        for label in labels:
            if _spelt_by(label, tuple(words)):
                return True
            if (
                len(joined) >= _MIN_PIECE + 1
                and len(label) >= _MIN_PIECE + 1
                and (label in joined or joined in label)
            ):
                return True
    return False


def clean_outlet(name: str, labels: Sequence[str] = ()) -> str:
    """The outlet's name in a site name: without a slogan or section after a separator, places
    after commas, the company's legal form; the part that agrees with the host when one does."""
    name = " ".join(name.split())
    pieces = _SEPARATOR.split(name)
    separators = _SEPARATOR.findall(name)
    # dates and numbers are never a name ("DW | 23.05.2011"), nor the separator before them
    kept = [(sep, part) for sep, part in zip(["", *separators], pieces, strict=True) if part.strip()]
    kept = [(sep, part) for sep, part in kept if not _DATE_PART.fullmatch(part.strip())]
    if not kept:
        return name
    parts = [part for _, part in kept]
    chosen = _choose(parts, labels)
    if chosen is None:  # nothing tells the name from the rest: all of it, as the site wrote it
        chosen = "".join(sep + part for sep, part in kept).strip()
    chosen = _without_places(chosen, labels)
    return _without_company(chosen, labels)


def outlet_name(candidates: Iterable[str | None], url: str | None) -> str | None:
    """The outlet among what a page calls its site (og:site_name, its publisher, what its
    <title> adds to the headline), each cleaned: the first that agrees with the host of `url`,
    else the first."""
    labels = host_labels(url)
    cleaned = [clean_outlet(c, labels) for c in candidates if c and c.strip()]
    cleaned = [c for c in cleaned if c]
    for candidate in cleaned:
        if agrees(candidate, labels):
            return candidate
    return cleaned[0] if cleaned else None


def _choose(parts: Sequence[str], labels: Sequence[str]) -> str | None:
    """Of the parts between separators, the one that agrees with the host; without one, the
    first when the rest reads like a slogan (a longer phrase); else None (cannot tell)."""
    if len(parts) == 1:
        return parts[0]
    for part in parts:
        if agrees(part, labels):
            return part
    first, rest = parts[0], parts[1:]
    if len(first.split()) <= 4 and all(len(p.split()) >= 4 for p in rest):
        return first
    return None


def _without_places(name: str, labels: Sequence[str]) -> str:
    """'SPIEGEL ONLINE, Hamburg, Germany' → 'SPIEGEL ONLINE': trailing parts after commas that
    are a country (CLDR's names in the supported languages), or a place before one, or that the
    host disowns when the first part is its name."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 1:
        return name
    first_agrees = agrees(parts[0], labels)
    kept = list(parts)
    while len(kept) > 1:
        last = kept[-1]
        if _is_country(last) or (first_agrees and not agrees(last, labels)):
            kept.pop()
            # a city or region before the country: one to three capitalised words
            if len(kept) > 1 and _is_place_name(kept[-1]):
                kept.pop()
            continue
        break
    return ", ".join(kept)


def _without_company(name: str, labels: Sequence[str]) -> str:
    """'Ediciones EL PAÍS S.L.' → 'EL PAÍS': a company's name without its legal form, and
    without the words around the outlet's own name (those the host does not need, else the
    publishing words of _COMPANY_WORDS)."""
    stripped = name
    while True:
        found = _LEGAL_FORM.search(stripped)
        if not found or found.start() == 0:
            break
        stripped = stripped[: found.start()].rstrip(" ,")
    if stripped == name:
        return name
    words = stripped.split()
    if agrees(stripped, labels):
        # the shortest run of its words that still spells the host
        best = words
        for start in range(len(words)):
            for end in range(len(words), start, -1):
                run = words[start:end]
                if len(run) < len(best) and any(
                    _spelt_by(lb, tuple(_fold_words(" ".join(run)))) for lb in labels
                ):
                    best = run
        return " ".join(best)
    while len(words) > 1 and _fold(words[0]) in _company_words():
        words = words[1:]
    while len(words) > 1 and _fold(words[-1]) in _company_words():
        words = words[:-1]
    return " ".join(words)


@cache
def _company_words() -> frozenset[str]:
    return frozenset(_fold(word) for word in _COMPANY_NAMES.split())


@cache
def _countries() -> frozenset[str]:
    """Country and territory names in the supported languages (and English), folded, from CLDR."""
    from babel import Locale

    from briefing.language import language_code, supported_languages

    names: set[str] = set()
    for code in {"en", *(language_code(lang) for lang in supported_languages())}:
        try:
            territories = Locale.parse(code).territories
        except (ValueError, LookupError):
            continue
        names.update(_fold(str(n)) for key, n in territories.items() if not str(key).isdigit())
    return frozenset(n for n in names if n)


def _is_country(part: str) -> bool:
    return _fold(part) in _countries()


def _is_place_name(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not any(c.isdigit() for c in part)


def _spelt_by(label: str, words: tuple[str, ...]) -> bool:
    """Whether `label` is made of the words in order, each skipped or giving its initial, itself
    whole, or its first _MIN_PIECE or more letters, with nothing of the label left over."""
    return _spell(label, words, 0, 0)


@cache
def _spell(label: str, words: tuple[str, ...], at: int, index: int) -> bool:
    if at == len(label):
        return True
    if index == len(words):
        return False
    word = words[index]
    if _spell(label, words, at, index + 1):  # the word is not in the host ("der", "the", "online")
        return True
    rest = label[at:]
    lengths = {1, len(word), *range(_MIN_PIECE, len(word))}
    return any(
        n <= len(rest) and rest[:n] == word[:n] and _spell(label, words, at + n, index + 1)
        for n in sorted(lengths, reverse=True)
        if n <= len(word)
    )


def _word_spellings(name: str) -> list[list[str]]:
    """The name's words folded to ASCII, once plainly ("sud") and once as German writes umlauts
    in hosts ("sued"); only words in Latin letters or digits."""
    plain = _fold_words(name)
    german = _fold_words(name.lower().translate(_GERMAN_FOLDS))
    return [plain] if plain == german else [plain, german]


def _fold_words(text: str) -> list[str]:
    words = [_fold(w) for w in _WORD.findall(text)]
    return [w for w in words if w]


def _fold(text: str) -> str:
    """Lower case, accents dropped, only ASCII letters and digits: 'PAÍS' → 'pais'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())
