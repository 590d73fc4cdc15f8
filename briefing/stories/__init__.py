"""Group: every passage of every article → stories, found from the data.

1. Segments. Each article is cut where it changes story (segments.py): at its
   in-text headlines, where its vocabulary changes, and where a configured
   topic changes. Most articles are one segment.
2. Stories. Segments are grouped by average linkage (linkage.py) over TF-IDF
   vectors of their shared vocabulary: two groups are one story while their
   segments are, on average, several times more alike than two segments of the
   day typically are. Nothing caps the number of stories; a segment like no
   other is a story of its own.
3. Names and order. A story is titled by its most representative headline
   (titles.py) and ranked by the outlets that carried it, then its articles,
   then its newest article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from briefing.language import content_stems
from briefing.models import Article, Evidence, Passage, PassageKind, Story
from briefing.stories.linkage import average_linkage
from briefing.stories.segments import Segment, cut_segments
from briefing.stories.titles import (
    choose_title,
    headline_vectors,
    key_terms,
    surface_forms,
    unique_ids,
)
from briefing.vectors import count_matrix, membership, normalise_rows

__all__ = ["Story", "find_stories", "story_threshold"]

# Two groups of segments are one story while their average cosine is this many
# times the day's median cosine between two segments, within the bounds below.
# Measured (benchmarks/stories.py): on DUC 2006 (1,250 articles, median 0.037) and
# on 60-article BBC days (median 0.055) it keeps topics whole and categories apart
# better than any fixed threshold.
OVER_TYPICAL = 4.0
# Never lower: on a big day of one outlet's news (1,250 BBC articles, median 0.030),
# groups below 0.15 become piles of stories on one subject …
MIN_SIMILARITY = 0.15
# … and never higher: two reports of one event by different outlets share more than this.
MAX_SIMILARITY = 0.25
# The median is taken over at most this many pairs, drawn with a fixed seed.
SAMPLE_PAIRS = 20_000
# Words of a sentence worth making a title from.
MIN_PHRASE_WORDS = 6


def find_stories(
    articles: Sequence[Article],
    passages: Sequence[Sequence[Passage]],
    *,
    cuts: Mapping[int, Collection[int]] | None = None,
    similarity: float | None = None,
) -> tuple[Story, ...]:
    """The day's stories, most important first.

    `passages` are each article's passages in reading order; `cuts` maps an
    article's number to passage indices that must start a new segment;
    `similarity` fixes the average cosine at which groups are one story
    (None: from the day, see `story_threshold`).
    """
    flat = [p for ps in passages for p in ps]
    if not flat:
        return ()
    article_of = np.repeat(np.arange(len(passages)), [len(ps) for ps in passages])
    language = [articles[int(a)].language for a in article_of]
    headlines = [a.title if a.title and not a.title_from_text else "" for a in articles]
    stems = [
        content_stems(p.text, lang) if p.kind is not PassageKind.BYLINE else []
        for p, lang in zip(flat, language, strict=True)
    ]
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
    labels = average_linkage(vectors, threshold)

    passage_vectors = _weighted(sp.csr_matrix(counts[:n]), weights)
    stem_of = [""] * len(vocab)
    for term, column in vocab.items():
        stem_of[column] = term
    found = [
        _story(
            [segments[k] for k in np.flatnonzero(labels == label)],
            vectors[np.flatnonzero(labels == label)],
            flat,
            articles,
            passage_vectors,
            (stem_of, vocab, weights),
        )
        for label in range(int(labels.max()) + 1)
    ]
    found.sort(key=_importance)  # stable: equals stay in reading order
    ids = unique_ids([story.title for story in found])
    return tuple(replace(story, id=ident) for story, ident in zip(found, ids, strict=True))


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


def _story(
    segments: Sequence[Segment],
    vectors: sp.csr_matrix,
    flat: Sequence[Passage],
    articles: Sequence[Article],
    passage_vectors: sp.csr_matrix,
    space: tuple[list[str], dict[str, int], np.ndarray],
) -> Story:
    stem_of, vocab, weights = space
    rows = sorted(r for s in segments for r in s.rows)
    centroid_row = normalise_rows(sp.csr_matrix(vectors.sum(axis=0)))
    centroid = centroid_row.toarray().ravel()
    mine = [flat[r] for r in rows]
    first: dict[int, Segment] = {}
    for segment in sorted(segments, key=lambda s: s.rows):
        first.setdefault(segment.article, segment)
    member_articles = tuple(articles[number] for number in first)
    language = _majority([a.language for a in member_articles])
    surface = surface_forms(mine, language)
    closeness = np.asarray((passage_vectors[rows] @ centroid_row.T).todense()).ravel()
    evidence = tuple(
        Evidence(round(float(c), 4), _tying_terms(passage_vectors[r], centroid, stem_of, surface))
        for r, c in zip(rows, closeness, strict=True)
    )

    def headline_closeness(texts: Sequence[str]) -> np.ndarray:
        matrix = headline_vectors(texts, lambda t: content_stems(t, language), vocab, weights)
        return np.asarray((matrix @ centroid_row.T).todense()).ravel()

    title = choose_title(
        [s.headline for s in segments if s.headline],
        headline_closeness,
        _central_sentence(mine, closeness),
        surface,
        language,
    )
    sources = tuple(dict.fromkeys(name for a in member_articles for name in (a.source, *a.also_in)))
    published = [a.published for a in member_articles if a.published is not None]
    return Story(
        id="",
        title=title or member_articles[0].title,
        terms=key_terms(centroid, stem_of, surface),
        passages=tuple(mine),
        evidence=evidence,
        article_ids=tuple(a.id for a in member_articles),
        headlines=tuple(segment.headline or articles[number].title for number, segment in first.items()),
        sources=sources,
        newest=max(published) if published else None,
        language=language,
    )


def _tying_terms(
    row: sp.csr_matrix, centroid: np.ndarray, stem_of: Sequence[str], surface: dict[str, str]
) -> tuple[str, ...]:
    """The terms that tie a passage to its story most: its weight × the story's."""
    contributions = row.data * centroid[row.indices]
    order = [k for k in np.argsort(-contributions, kind="stable")[:5] if contributions[k] > 0]
    return tuple(surface.get(stem_of[c], stem_of[c]) for c in row.indices[order])


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


def _importance(story: Story) -> tuple[int, int, float, int]:
    """Most outlets first, then most articles, then the newest, then the longest (ties: reading order)."""
    newest = story.newest.timestamp() if story.newest is not None else float("-inf")
    sentences = sum(len(p.sentences) for p in story.passages)
    return (-len(story.sources), -len(story.article_ids), -newest, -sentences)
