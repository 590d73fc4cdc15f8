"""What a story is called: its most representative headline, its key terms, its id.

Before it is summarised, a story is titled by its headline closest to its
centroid, so a page-section heading ("More news from …") or a headline of
another story never wins; a headline in capitals is given the case its words
have in the text. A headline is shown as its outlet wrote it unless it is cut
off: it ends in "…" or a comma, or in a word that leaves a phrase hanging
("Israel Has Differences on"). Which words leave a phrase hanging is learnt
from the day's own sentences (`hanging_words`), so "Nadal puts Spain 2-0 up"
stays whole in any language. With no headline at all, the title is the opening
of the story's most central sentence, cut at a word boundary. Once summarised, a
story shown whole takes the headline of the article its summary quotes most, so
the title tells what the summary says (`title_of_summary`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from briefing.language import stemmer, stop_words, words

# A headline reads as a title when it is short and not cut off mid-phrase.
TITLE_MAX_WORDS = 16
# A headline stands for the story only if it shares some of its vocabulary: a
# cosine with the centroid below this is a page heading or another story's line.
MIN_HEADLINE_SIMILARITY = 0.05
# A title made from a sentence is cut at a word boundary near this many characters.
PHRASE_CHARS = 80
KEY_TERMS = 5
_SLUG_WORDS = 6
# A stop word can end a headline when at least this share of its uses in the day's
# sentences end one. On the 2,225 BBC articles the words that leave a phrase hanging end
# under 0.5 % of theirs ("the" 0.0 %, "of" 0.02 %, "and" 0.01 %, "in" 0.26 %), those
# that close one 1-20 % ("more" 1.2 %, "you" 2.2 %, "up" 3.2 %, "them" 15 %, "again" 20 %).
PHRASE_END_SHARE = 0.01
# A word is judged only once the day has used it often enough for that share to be one
# sentence end: a word used less (on a small day, "sein", "up", "go") ends a headline whole,
# as its outlet wrote it.
PHRASE_END_USES = round(1 / PHRASE_END_SHARE)
# The day's sentences read for it, evenly spaced: enough to tell, cheap on any day.
PHRASE_END_SENTENCES = 10_000
# Tokens with their digits ("2-0", "£5.05" → "5", "05"): a headline ending in a number is whole.
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def usual_form(forms: dict[str, int]) -> str:
    """The spelling to show for a stem, from how often each spelling was seen.

    A word seen in lower case anywhere is shown in lower case (a capital at the start of a
    sentence means nothing); a name, never seen so, keeps its capital.
    """
    lower = {form: n for form, n in forms.items() if form.islower()}
    chosen = lower or forms
    return max(chosen, key=chosen.__getitem__)  # between equals, the first seen


def key_terms(centroid: np.ndarray, stem_of: Sequence[str], surface: dict[str, str]) -> tuple[str, ...]:
    """The stems that weigh most in the story, as the text spells them."""
    return tuple(surface.get(stem_of[c], stem_of[c]) for c in heaviest(centroid, KEY_TERMS))


def heaviest(weights: np.ndarray, count: int) -> list[int]:
    """The columns of the `count` largest positive weights, largest first, between equals the
    first column (as a stable sort of all of them would give, without sorting the day's terms)."""
    positive = np.flatnonzero(weights > 0)
    order = positive[np.argsort(-weights[positive], kind="stable")[:count]]
    return [int(c) for c in order]


def hanging_words(sentences: Iterable[str], stop: frozenset[str]) -> frozenset[str]:
    """The stop words that leave a phrase hanging: those used PHRASE_END_USES times or more in
    `sentences` that end fewer than PHRASE_END_SHARE of their uses, so a headline ending in one
    was cut off."""
    sentences = list(sentences)
    uses: Counter[str] = Counter()
    for chunk, count in Counter("\n".join(sentences).lower().split()).items():
        for token in _TOKEN.findall(chunk):  # once per distinct chunk: "2-0", "up.", "(up"
            if token in stop:
                uses[token] += count
    # A sentence's last token is in its last few characters (a longer word is no stop word).
    lasts = (_TOKEN.findall(sentence[-24:].lower()) for sentence in sentences)
    ends = Counter(found[-1] for found in lasts if found)
    return frozenset(w for w in stop if uses[w] >= PHRASE_END_USES and ends[w] < PHRASE_END_SHARE * uses[w])


def ranked_headlines(
    headlines: Sequence[str],
    closeness: Callable[[Sequence[str]], np.ndarray],
    surface: dict[str, str],
    language: str,
    hanging: frozenset[str] | None = None,
) -> list[tuple[int, str]]:
    """The headlines that can title the story, best first, each as shown: (its index, title).

    `closeness` gives each headline's cosine with the story's centroid. Headlines that
    read as titles come first, closest first; then headlines cut off mid-phrase, shown up
    to their last full word and marked as cut; a headline too unlike the story (a page
    heading, another story's line) is never a title. `hanging` are the words a headline
    cannot end on (`hanging_words`; None: every stop word of the language).
    """
    hanging = stop_words(language) if hanging is None else hanging
    texts = [" ".join(h.split()) for h in headlines]
    first_of = {text: index for index, text in reversed(list(enumerate(texts))) if _has_words(text)}
    candidates = sorted(first_of, key=first_of.__getitem__)
    if not candidates:
        return []
    score = closeness(candidates)
    related = [(float(s), -first_of[h], h) for h, s in zip(candidates, score, strict=True)]
    related = sorted((r for r in related if r[0] >= MIN_HEADLINE_SIMILARITY), reverse=True)
    whole = [(-r[1], _unshout(r[2], surface, language)) for r in related if _reads_as_title(r[2], hanging)]
    cut = [(-r[1], _cut_back(r[2], hanging)) for r in related if not _reads_as_title(r[2], hanging)]
    return [*whole, *((index, _unshout(text, surface, language)) for index, text in cut if text)]


def title_of_summary(
    choices: Sequence[tuple[str, str]], quoted: Sequence[str], best_sentence: str, language: str
) -> str:
    """The title that tells the summary: the headline of the article it quotes most.

    `choices` are the story's (article id, title) headlines, best first; `quoted` the
    article of each summary sentence; `best_sentence` the summary's best-ranked
    sentence. Between articles quoted as often, the better headline wins; a headline
    whose article the summary does not quote is never the title: with none left, the
    title is a phrase of the best sentence.
    """
    counts = Counter(quoted)
    best = max(
        ((counts[article], -rank, title) for rank, (article, title) in enumerate(choices) if counts[article]),
        default=None,
    )
    if best is not None:
        return best[2]
    return phrase(best_sentence, stop_words(language))


def phrase(sentence: str, stop: frozenset[str], limit: int = PHRASE_CHARS) -> str:
    """The opening of a sentence as a title: cut at a word boundary, never on a stop word."""
    text = " ".join(sentence.split()).rstrip(".!?;:,")
    if len(text) <= limit:
        return text
    return _cut_back(text[:limit].rsplit(" ", 1)[0], stop) or text[:limit]


def slug(title: str) -> str:
    found = re.findall(r"[^\W_]+", title.lower())[:_SLUG_WORDS]
    return "-".join(found)[:60].strip("-") or "story"


def unique_ids(titles: Sequence[str]) -> list[str]:
    taken: set[str] = set()
    ids = []
    for title in titles:
        base = slug(title)
        ident, number = base, 2
        while ident in taken:
            ident, number = f"{base}-{number}", number + 1
        taken.add(ident)
        ids.append(ident)
    return ids


def headline_vectors(
    texts: Sequence[str], stems: Callable[[str], list[str]], vocab: dict[str, int], weights: np.ndarray
) -> sp.csr_matrix:
    """Headlines in the stories' vector space (sub-linear tf × the stories' term weights)."""
    indptr, indices, data = [0], [], []
    for text in texts:
        counts = Counter(vocab[s] for s in stems(text) if s in vocab)
        for column, count in sorted(counts.items()):
            indices.append(column)
            data.append((1.0 + np.log(count)) * weights[column])
        indptr.append(len(indices))
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(texts), len(vocab)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _has_words(text: str) -> bool:
    """At least two words of letters: not a wire code such as "&HT;" or a lone name."""
    return len([w for w in words(text) if len(w) > 1]) >= 2


def _reads_as_title(text: str, hanging: frozenset[str]) -> bool:
    return (
        len(text.split()) <= TITLE_MAX_WORDS
        and not text.rstrip().endswith(("…", "...", ",", ":", ";", "-", "–", "—"))
        and bool(words(text))
        and not _hangs(text, hanging)
    )


def _hangs(text: str, hanging: frozenset[str]) -> bool:
    """Does the text end in a word that leaves it hanging? A word in capitals in a headline
    that is not all capitals is a name ("US"), not the stop word it spells."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return True
    last = tokens[-1]
    if len(last) > 1 and last.isupper() and not text.isupper():
        return False
    return last.lower() in hanging


def _cut_back(text: str, hanging: frozenset[str]) -> str:
    """A headline cut off mid-phrase, shown up to its last word that does not hang, with "…"."""
    tokens = text.rstrip(" .…,:;-–—").split()[:TITLE_MAX_WORDS]
    while tokens and _hangs(tokens[-1], hanging):
        tokens.pop()
    if len(tokens) < 2:
        return ""
    return " ".join(tokens).rstrip(".,:;-–—") + "…"


def _unshout(text: str, surface: dict[str, str], language: str) -> str:
    """A headline in capitals gets the case its words have in the story's text."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    stem = stemmer(language)

    def recase(match: re.Match[str]) -> str:
        word = match.group(0)
        known = surface.get(stem(word))
        if known is not None and known.lower() == word.lower():
            return known
        return word.lower()

    recased = re.sub(r"[^\W\d_]+", recase, text)
    return recased[:1].upper() + recased[1:]
