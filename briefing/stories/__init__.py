"""Group: every passage of every article → stories, found from the data.

1. Segments. Each article is cut where it changes story (segments.py): at its
   in-text headlines, where its vocabulary changes, and where a configured
   topic changes. Most articles are one segment.
2. Stories. Segments are grouped by average linkage (linkage.py) over TF-IDF
   vectors of their shared vocabulary: two groups are one story while their
   segments are, on average, several times more alike than two segments of the
   day typically are (small groups a little more, see MARGIN_SHARE). Nothing caps
   the number of stories; a segment like no other is a story of its own.
3. One event each. A story of several articles that splits cleanly in two (each
   half much more alike inside than across) is two stories (cohesion.py).
4. Names and order. A story is titled by its most representative headline
   (titles.py; once summarised, by the headline of the article its summary
   quotes most) and ranked by the outlets that carried it, then its articles,
   then its newest article, the top places spread over the day's subjects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import scipy.sparse as sp

from briefing.language import content_stems, stemmer, stop_words, words
from briefing.models import Article, Cohesion, Evidence, Passage, PassageKind, Story
from briefing.stories.cohesion import split_events
from briefing.stories.linkage import average_linkage
from briefing.stories.segments import Segment, cut_segments
from briefing.stories.titles import (
    PHRASE_END_SENTENCES,
    hanging_words,
    headline_vectors,
    heaviest,
    key_terms,
    phrase,
    ranked_headlines,
    unique_ids,
    usual_form,
)
from briefing.vectors import count_matrix, membership, normalise_rows

__all__ = ["Story", "find_stories", "rank_stories", "story_threshold"]

# Two groups of segments are one story while their average cosine is this many
# times the day's median cosine between two articles, within the bounds below. On
# DUC 2006 (1,250 articles, median 0.034) and on BBC days of 60 to 1,250 articles
# (median 0.027-0.033) the lower bound decides; a day of one subject raises it.
OVER_TYPICAL = 3.0
# Never lower: below it, groups become piles of articles on one subject; a merge
# above it that is two events is caught by the split test (cohesion.py) …
MIN_SIMILARITY = 0.12
# … and never higher: two reports of one event by different outlets share more than this.
MAX_SIMILARITY = 0.25
# Small groups must be more alike than large ones: an average over few pairs of
# segments is a noisy one. Two groups of m and n segments join at the threshold plus
# this share of it divided by sqrt(m × n): two single articles need half again as much.
MARGIN_SHARE = 0.5
# The median is taken over at most this many pairs, drawn with a fixed seed.
SAMPLE_PAIRS = 20_000
# The top places of the briefing that are spread over subjects: more than anyone reads.
DIVERSE_PICKS = 50
# Stems kept to know a story again on a later day: enough to tell it from its neighbours.
SIGNATURE_TERMS = 100
# Terms shown for why a passage belongs to its story.
TYING_TERMS = 5
# Words of a sentence worth making a title from.
MIN_PHRASE_WORDS = 6


def find_stories(
    articles: Sequence[Article],
    passages: Sequence[Sequence[Passage]],
    *,
    cuts: Mapping[int, Collection[int]] | None = None,
    similarity: float | None = None,
    threads: int = 1,
) -> tuple[Story, ...]:
    """The day's stories, most important first.

    `passages` are each article's passages in reading order; `cuts` maps an
    article's number to passage indices that must start a new segment;
    `similarity` fixes the average cosine at which groups are one story
    (None: from the day, see `story_threshold`); `threads` find the similar segments
    (the stories are the same for any number).
    """
    flat = [p for ps in passages for p in ps]
    if not flat:
        return ()
    article_of = np.repeat(np.arange(len(passages)), [len(ps) for ps in passages])
    language = [articles[int(a)].language for a in article_of]
    headlines = [a.title if a.title and not a.title_from_text else "" for a in articles]
    stems, surface = _read(flat, language)
    title_stems = [content_stems(h, a.language) for h, a in zip(headlines, articles, strict=True)]
    counts, vocab = count_matrix([*stems, *title_stems])
    n = len(flat)
    # The stories' vector space: idf over the day's articles (each with its title).
    starts = np.concatenate([[0], np.cumsum([len(ps) for ps in passages])])
    article_rows = [[*range(starts[k], starts[k + 1]), n + k] for k in range(len(passages))]
    article_counts = sp.csr_matrix(membership(article_rows, counts.shape[0]) @ counts)
    weights = _idf(article_counts)
    threshold = story_threshold(_weighted(article_counts, weights)) if similarity is None else similarity
    segments = cut_segments(passages, counts[:n], headlines, weights, threshold, cuts)

    # A segment is its passages, plus its article's title when it opens the article.
    rows_of = [[*s.rows, *([n + s.article] if s.opens_article else [])] for s in segments]
    vectors = _weighted(sp.csr_matrix(membership(rows_of, counts.shape[0]) @ counts), weights)
    # The margin never lifts the bar above MAX_SIMILARITY: any two reports of one event clear that.
    margin = max(0.0, min(MARGIN_SHARE * threshold, MAX_SIMILARITY - threshold))
    labels = average_linkage(vectors, threshold, margin, threads)

    passage_vectors = _weighted(sp.csr_matrix(counts[:n]), weights)
    stem_of = [""] * len(vocab)
    for term, column in vocab.items():
        stem_of[column] = term

    @cache
    def hanging(lang: str) -> frozenset[str]:
        """The words a headline in `lang` cannot end on, from the day's sentences in it."""
        sentences = [
            s.text
            for p, passage_language in zip(flat, language, strict=True)
            if passage_language == lang and p.kind is PassageKind.BODY
            for s in p.sentences
            if s.complete
        ]
        step = max(1, len(sentences) // PHRASE_END_SENTENCES)
        return hanging_words(sentences[::step], stop_words(lang))

    day = _Day(
        flat, articles, sp.csr_matrix(counts[:n]), passage_vectors, stem_of, vocab, weights, surface, hanging
    )
    linked: list[list[int]] = [[] for _ in range(int(labels.max()) + 1)]
    for number, label in enumerate(labels.tolist()):
        linked[label].append(number)
    events, cohesion = split_events(linked, vectors, [s.article for s in segments])
    groups, cohesion = _undo_lone_cuts(events, cohesion, segments)
    centroids = normalise_rows(sp.csr_matrix(membership(groups, len(segments)) @ vectors))
    found = [
        replace(_story([segments[k] for k in group], centroids[label], day), cohesion=cohesion[label])
        for label, group in enumerate(groups)
    ]
    ranked = [found[k] for k in rank_stories(found, centroids)]
    ids = unique_ids([story.title for story in ranked])
    return tuple(replace(story, id=ident) for story, ident in zip(ranked, ids, strict=True))


def _undo_lone_cuts(
    groups: Sequence[Sequence[int]], cohesion: Sequence[Cohesion | None], segments: Sequence[Segment]
) -> tuple[list[list[int]], list[Cohesion | None]]:
    """The groups with each article cut that found no second event undone.

    A cut that is not firm (Segment.firm) stands only if a side of it shares a story
    with another article; when both sides are stories of this article alone, the
    article stayed on one subject and is one story again. Groups keep their order.
    """
    group_of = {k: g for g, group in enumerate(groups) for k in group}
    alone = [len({segments[k].article for k in group}) == 1 for group in groups]
    parent = list(range(len(groups)))

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    for k, segment in enumerate(segments):
        if segment.firm or k == 0:
            continue
        before, after = group_of[k - 1], group_of[k]
        if before != after and alone[before] and alone[after]:
            first, second = sorted((root(before), root(after)))
            parent[second] = first
    if all(parent[g] == g for g in range(len(groups))):
        return [list(group) for group in groups], list(cohesion)
    joined: dict[int, list[int]] = {}
    for g, group in enumerate(groups):
        joined.setdefault(root(g), []).extend(group)
    kept = sorted(joined)
    return [sorted(joined[g]) for g in kept], [cohesion[g] for g in kept]


def story_threshold(vectors: sp.csr_matrix) -> float:
    """The average cosine at which two groups are one story, from the day's typical cosine."""
    rows = np.flatnonzero(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel() > 0)
    if len(rows) < 2:
        return MAX_SIMILARITY
    pairs = len(rows) * (len(rows) - 1) // 2
    if pairs <= SAMPLE_PAIRS:
        first, second = np.triu_indices(len(rows), 1)
    else:
        rng = np.random.default_rng(0)  # fixed: the same day always gets the same threshold
        first = rng.integers(0, len(rows), SAMPLE_PAIRS)
        second = rng.integers(0, len(rows) - 1, SAMPLE_PAIRS)
        second = second + (second >= first)  # never a row with itself
    dots = np.asarray(vectors[rows[first]].multiply(vectors[rows[second]]).sum(axis=1)).ravel()
    typical = float(np.median(dots))
    return float(np.clip(OVER_TYPICAL * typical, MIN_SIMILARITY, MAX_SIMILARITY))


def _idf(unit_counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency over the units (rows), as scikit-learn computes it."""
    total = unit_counts.shape[0]
    df = np.bincount(unit_counts.indices, minlength=unit_counts.shape[1])
    weights: np.ndarray = np.log((1.0 + total) / (1.0 + df)) + 1.0
    return weights


def _weighted(counts: sp.csr_matrix, weights: np.ndarray) -> sp.csr_matrix:
    """Sub-linear tf × the given term weights, rows L2-normalised."""
    matrix = counts.astype(np.float64, copy=True)
    matrix.data = 1.0 + np.log(matrix.data)
    matrix = sp.csr_matrix(matrix @ sp.diags(weights))
    matrix.eliminate_zeros()
    return normalise_rows(matrix)


@dataclass(frozen=True, slots=True)
class _Day:
    """What every story of the day is described from."""

    flat: Sequence[Passage]
    articles: Sequence[Article]
    counts: sp.csr_matrix  # one row per passage: its stems' counts
    passage_vectors: sp.csr_matrix  # one row per passage, in the stories' space
    stem_of: Sequence[str]  # column → stem
    vocab: dict[str, int]
    weights: np.ndarray
    surface: dict[str, str]  # stem → how the text spells it
    hanging: Callable[[str], frozenset[str]]  # language → the words a headline cannot end on


def _read(flat: Sequence[Passage], language: Sequence[str]) -> tuple[list[list[str]], dict[str, str]]:
    """Each passage's content stems (none for a byline), and the usual spelling of every stem."""
    stems: list[list[str]] = []
    seen: dict[str, Counter[str]] = {}
    stem_of: dict[str, dict[str, str | None]] = {}  # per language: word → stem (None: not a term)
    for passage, lang in zip(flat, language, strict=True):
        if passage.kind is PassageKind.BYLINE:
            stems.append([])
            continue
        known = stem_of.setdefault(lang, {})
        found = words(passage.text)
        new = [w for w in found if w not in known]
        if new:
            stop, stem = stop_words(lang), stemmer(lang)
            for word in new:
                known[word] = stem(word) if len(word) > 1 and word.lower() not in stop else None
        pairs = [(w, term) for w in found if (term := known[w]) is not None]
        kept = [w for w, _ in pairs]
        stems.append([term for _, term in pairs])
        seen.setdefault(lang, Counter()).update(kept)
    forms: dict[str, dict[str, int]] = {}
    for lang, counts in seen.items():
        stem = stemmer(lang)
        for word, count in counts.items():
            forms.setdefault(stem(word), {})[word] = count
    return stems, {term: usual_form(spellings) for term, spellings in forms.items()}


def _story(segments: Sequence[Segment], centroid_row: sp.csr_matrix, day: _Day) -> Story:
    rows = sorted(r for s in segments for r in s.rows)
    centroid = centroid_row.toarray().ravel()
    mine = [day.flat[r] for r in rows]
    first: dict[int, Segment] = {}
    for segment in sorted(segments, key=lambda s: s.rows):
        first.setdefault(segment.article, segment)
    member_articles = tuple(day.articles[number] for number in first)
    language = _majority([a.language for a in member_articles])
    own = sp.csr_matrix(day.passage_vectors[rows])
    closeness = np.asarray((own @ centroid_row.T).todense()).ravel()
    evidence = tuple(
        Evidence(round(float(c), 4), terms)
        for c, terms in zip(closeness.tolist(), _tying_terms(own, centroid, day), strict=True)
    )

    def headline_closeness(texts: Sequence[str]) -> np.ndarray:
        matrix = headline_vectors(texts, lambda t: content_stems(t, language), day.vocab, day.weights)
        return np.asarray((matrix @ centroid_row.T).todense()).ravel()

    titled = [s for s in segments if s.headline]
    choices = tuple(
        (day.articles[titled[index].article].id, text)
        for index, text in ranked_headlines(
            [s.headline for s in titled], headline_closeness, day.surface, language, day.hanging(language)
        )
    )
    title = choices[0][1] if choices else phrase(_central_sentence(mine, closeness), stop_words(language))
    sources = tuple(dict.fromkeys(name for a in member_articles for name in (a.source, *a.also_in)))
    published = [a.published for a in member_articles if a.published is not None]
    return Story(
        id="",
        title=title or member_articles[0].title,
        terms=key_terms(centroid, day.stem_of, day.surface),
        passages=tuple(mine),
        evidence=evidence,
        article_ids=tuple(a.id for a in member_articles),
        headlines=tuple(segment.headline or day.articles[n].title for n, segment in first.items()),
        headline_choices=choices,
        sources=sources,
        newest=max(published) if published else None,
        language=language,
        signature=_signature(day.counts[rows], centroid, day.stem_of),
    )


def _signature(
    counts: sp.csr_matrix, centroid: np.ndarray, stem_of: Sequence[str]
) -> tuple[tuple[str, int], ...]:
    """The story's SIGNATURE_TERMS most telling stems (by their weight in it), with their counts
    in its passages (`counts`: one row per passage)."""
    order = heaviest(centroid, SIGNATURE_TERMS)
    totals = np.asarray(counts[:, order].sum(axis=0)).ravel()
    return tuple((stem_of[c], int(total)) for c, total in zip(order, totals.tolist(), strict=True))


def _tying_terms(rows: sp.csr_matrix, centroid: np.ndarray, day: _Day) -> list[tuple[str, ...]]:
    """For each passage (row), the TYING_TERMS terms that tie it to its story most: its
    weight × the story's, largest first (between equals, the first stored)."""
    row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
    contributions = rows.data * centroid[rows.indices]
    order = np.lexsort((-contributions, row_of))  # by row, then largest first; stable
    order = order[contributions[order] > 0]
    firsts = np.searchsorted(row_of[order], np.arange(rows.shape[0] + 1))
    columns = rows.indices[order].tolist()
    return [
        tuple(day.surface.get(day.stem_of[c], day.stem_of[c]) for c in columns[a : min(b, a + TYING_TERMS)])
        for a, b in zip(firsts[:-1].tolist(), firsts[1:].tolist(), strict=True)
    ]


def _central_sentence(passages: Sequence[Passage], closeness: np.ndarray) -> str:
    """The first whole sentence of the body passage closest to the story's centroid."""
    for index in np.argsort(-closeness, kind="stable"):
        for sentence in passages[int(index)].sentences:
            if sentence.complete and len(sentence.text.split()) >= MIN_PHRASE_WORDS:
                return sentence.text
    return ""


def _majority(values: Sequence[str]) -> str:
    """The most frequent value; between equals, the first seen."""
    counts = Counter(values)
    best: str = max(counts, key=lambda v: (counts[v], -values.index(v)))
    return best


def rank_stories(stories: Sequence[Story], centroids: sp.csr_matrix) -> list[int]:
    """The order of importance: most outlets first, then most articles, then the newest.

    The first DIVERSE_PICKS places are spread over the day's subjects: each goes to the
    story with the most coverage (its outlets plus its articles) once that coverage is
    discounted by its likeness to the closest story already placed (× 1 - the cosine of
    their centroids), so the top of the briefing is not six stories of one subject
    while another subject's big story waits. Between equals, the order of importance
    decides, then the longer story. The rest follow in the order of importance.
    """

    def importance(k: int) -> tuple[int, int, float, int, int]:
        story = stories[k]
        newest = story.newest.timestamp() if story.newest is not None else float("-inf")
        return (-len(story.sources), -len(story.article_ids), -newest, -length[k], k)

    length = [sum(len(p.sentences) for p in story.passages) for story in stories]
    left = sorted(range(len(stories)), key=importance)
    coverage = np.array([len(story.sources) + len(story.article_ids) for story in stories], dtype=float)
    closest = np.zeros(len(stories))  # each story's highest similarity to a story already placed
    order: list[int] = []
    while left and len(order) < DIVERSE_PICKS:
        scores = coverage[left] * (1.0 - closest[left])
        pick = left.pop(int(np.argmax(np.round(scores, 6))))  # the first best: importance breaks ties
        order.append(pick)
        similar = np.asarray((centroids @ centroids[pick].T).todense()).ravel()
        np.maximum(closest, similar, out=closest)
    return [*order, *left]
