"""The same story from several sources, kept once with every source credited.

Two articles are the same story when their canonical URLs match (scheme,
`www.`, fragments and tracking parameters such as utm_* and fbclid ignored),
or, for texts of at least MIN_COMPARED_WORDS words, when their texts are
identical or near-identical: a
Jaccard resemblance of word 5-shingles of at least 0.8 (Broder, "On the
resemblance and containment of documents", 1997). Candidates are found with
MinHash signatures and LSH banding, then checked exactly, so the cost stays
near linear in the number of articles.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from briefing.language import word_print
from briefing.models import Article

SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.8  # Jaccard resemblance at which two texts are one story
MIN_SHINGLES = 8  # fewer shingles than this are too few to judge resemblance
# Texts shorter than this are never called the same story by their text (only by their
# URL): a feed whose every description is "Leer", or a lone headline, says nothing about
# whether two entries tell one story. As many words as MIN_SHINGLES shingles need.
MIN_COMPARED_WORDS = SHINGLE_WORDS + MIN_SHINGLES - 1
_BANDS, _ROWS = 16, 4  # 64 hashes; P(candidate | J=0.8) = 1-(1-0.8^4)^16 ≈ 0.9998
# Query parameters that say how a reader came, not which page: dropped from a URL before it is compared.
_TRACKING_NAMES = (
    "fbclid gclid dclid gbraid wbraid msclkid yclid igshid mc_cid mc_eid _ga _gl _hsenc _hsmi mkt_tok "
    "ref ref_src referrer cmpid ocid smid spm at_medium at_campaign s_cid wt.mc_id ito"
)
TRACKING_PARAMETERS = frozenset(_TRACKING_NAMES.split())
_TRACKING_FAMILIES = re.compile(r"^(?:utm_[a-z_]+|at_custom\d*)$", re.IGNORECASE)
_rng = np.random.default_rng(20260601)  # fixed: the same text always gets the same signature
_MULTIPLIERS = _rng.integers(1, 2**63, size=_BANDS * _ROWS, dtype=np.uint64) | np.uint64(1)
_OFFSETS = _rng.integers(0, 2**63, size=_BANDS * _ROWS, dtype=np.uint64)
# A shingle's hash mixes its words' hashes, one odd multiplier per place (wrapping in 64 bits):
# each word is hashed once, and a text's shingles are hashed in one vector operation.
_PLACES = _rng.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)


def _is_tracking(name: str) -> bool:
    return name.lower() in TRACKING_PARAMETERS or bool(_TRACKING_FAMILIES.match(name))


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters (utm_*, fbclid, …); everything else kept as it was."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def canonical_url(url: str) -> str:
    """A key for 'the same page': host without www., path without trailing /, no tracking."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit(("", host, path, urlencode(query), ""))


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A candidate that was merged into an article kept earlier."""

    candidate: Article
    kept_id: str
    kept_as: str  # the kept article's file or URL, as a user knows it
    why: str  # "same URL", "same text" or "near-identical text (J=0.91)"


# Hex digits of an article's id: 40 bits, so that two articles of one day (even of a year of
# days) share an id with odds far below one in a million; a clash is still resolved (`-2`).
ID_DIGITS = 10


def article_key(url: str | None, fingerprint: str) -> str:
    """What makes an article the same article on any day: its address (compared as for
    duplicates), else the words of its text."""
    return f"url:{canonical_url(url)}" if url else f"text:{fingerprint}"


def article_id(key: str, taken: set[str]) -> str:
    """A short id made from the article's key ("a3f9c2b1d7e"), unique among `taken`: the same
    article gets the same id every day, wherever it stands in the run."""
    base = "a" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_DIGITS]
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    taken.add(ident)
    return ident


@dataclass(frozen=True, slots=True)
class TextPrint:
    """What an article's text is compared by: made per article, anywhere (see `text_print`)."""

    words: int
    fingerprint: str  # of its words: the same text
    shingles: np.ndarray  # sorted distinct word 5-shingle hashes: near-identical text
    bands: tuple[tuple[int, bytes], ...]  # its MinHash signature's LSH bands (none if too short)


def text_print(article: Article) -> TextPrint:
    words, fingerprint = word_print(article.paragraphs)
    shingles = _shingles(words)
    comparable = len(words) >= MIN_COMPARED_WORDS and len(shingles) >= MIN_SHINGLES
    return TextPrint(len(words), fingerprint, shingles, tuple(_bands(shingles)) if comparable else ())


def deduplicate(
    candidates: Sequence[Article], prints: Sequence[TextPrint] | None = None
) -> tuple[tuple[Article, ...], tuple[Duplicate, ...]]:
    """Articles in order, each with its stable id (article_id); each duplicate merged into the
    first of its story. `prints`: each candidate's text_print, if made already."""
    kept: list[Article] = []
    duplicates: list[Duplicate] = []
    by_url: dict[str, int] = {}
    by_text: dict[str, int] = {}
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    shingle_sets: list[np.ndarray] = []
    ids: set[str] = set()
    for number, candidate in enumerate(candidates):
        urls = [canonical_url(candidate.url)] if candidate.url else []
        made = prints[number] if prints is not None else text_print(candidate)
        fingerprint, shingles, bands = made.fingerprint, made.shingles, made.bands
        match, why = None, ""
        for key in urls:
            if key in by_url:
                match, why = by_url[key], "same URL"
                break
        comparable = made.words >= MIN_COMPARED_WORDS
        if match is None and comparable and fingerprint in by_text:
            match, why = by_text[fingerprint], "same text"
        if match is None:
            match, why = _near(shingles, bands, buckets, shingle_sets)
        if match is not None:
            kept[match] = _credit(kept[match], candidate)
            duplicates.append(Duplicate(candidate, kept[match].id, _where(kept[match]), why))
            continue
        index = len(kept)
        ident = article_id(article_key(candidate.url, fingerprint), ids)
        kept.append(replace(candidate, id=ident, fingerprint=fingerprint))
        shingle_sets.append(shingles)
        for key in urls:
            by_url.setdefault(key, index)
        if comparable:
            by_text.setdefault(fingerprint, index)
        for band in bands:
            buckets[band].append(index)
    return tuple(kept), tuple(duplicates)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The resemblance of two shingle sets (sorted arrays of distinct hashes)."""
    if not a.size and not b.size:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def _near(
    shingles: np.ndarray,
    bands: Sequence[tuple[int, bytes]],
    buckets: dict[tuple[int, bytes], list[int]],
    shingle_sets: list[np.ndarray],
) -> tuple[int | None, str]:
    seen: set[int] = set()
    for band in bands:
        for index in buckets.get(band, ()):
            if index in seen:
                continue
            seen.add(index)
            resemblance = jaccard(shingles, shingle_sets[index])
            if resemblance >= NEAR_DUPLICATE:
                return index, f"near-identical text (J={resemblance:.2f})"
    return None, ""


def _credit(kept: Article, other: Article) -> Article:
    """The kept article, crediting the other's source too; a date or URL it lacked is taken."""
    names = [kept.source, *kept.also_in]
    also = (*kept.also_in, other.source) if other.source not in names else kept.also_in
    return replace(
        kept,
        also_in=also,
        published=kept.published or other.published,
        url=kept.url or other.url,
    )


def _shingles(words: list[str]) -> np.ndarray:
    """The distinct hashes of a text's word 5-shingles (of the whole text, when it is shorter),
    sorted: a set, as a tenth of the memory a set of Python ints takes."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    codes = np.fromiter(map(_hash, words), dtype=np.uint64, count=len(words))
    count = max(1, len(words) - SHINGLE_WORDS + 1)
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for place, multiplier in enumerate(_PLACES[: min(SHINGLE_WORDS, len(words))]):
            mixed += codes[place : place + count] * multiplier
    return np.unique(mixed)


class _WordHashes(dict[str, int]):
    """Each word's 64-bit hash, made once: looked up by dict.__getitem__ (C, no wrapper call),
    forgotten all at once past WORD_HASHES words (a long-lived process reads many days)."""

    def __missing__(self, word: str) -> int:
        if len(self) >= WORD_HASHES:
            self.clear()
        hashed = self[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        return hashed


WORD_HASHES = 200_000
_hash = _WordHashes().__getitem__
_BAND_CHUNK = 2048


def _bands(shingles: np.ndarray) -> list[tuple[int, bytes]]:
    """MinHash signature (multiply-shift hashing, wrapping in 64 bits) cut into LSH bands."""
    signature = np.full(len(_MULTIPLIERS), np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(shingles), _BAND_CHUNK):  # a long text in pieces that stay in cache
            hashed = shingles[None, start : start + _BAND_CHUNK] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]
            np.minimum(signature, hashed.min(axis=1), out=signature)
    return [(band, signature[band * _ROWS : (band + 1) * _ROWS].tobytes()) for band in range(_BANDS)]


def _where(article: Article) -> str:
    """How a user knows an article: its file, else its URL, else its title."""
    return article.path or article.url or repr(article.title)
