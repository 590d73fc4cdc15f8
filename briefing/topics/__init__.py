"""Section: configured topics collect the stories that match them.

Each passage is first given the configured topic its words point to:

1. Evidence. Each passage scores each configured topic by its keywords (phrases
   allowed, weights honoured; title and description words count a quarter) plus
   its similarity to the topic's centroid — the passages that the keywords
   clearly place, and the topic's examples — so a paragraph that uses the
   story's vocabulary but none of its keywords is still recognised.
2. Sequence. An article's topics are decoded as a whole (Viterbi): changing topic
   costs about two keyword hits unless a headline starts a new segment, so a
   paragraph with no evidence of its own stays with its neighbours. The title is
   a headline before the first paragraph.

Where an article changes topic, its story changes too (the grouping stage cuts
there). A story then joins the topic most of its body passages were given
(sections.py); stories that match no topic follow under `other_title`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from briefing.language import content_stems
from briefing.models import Evidence, Passage, PassageKind
from briefing.topics.sequence import CENTROID_WEIGHT, TYPICAL_SEED_SIMILARITY, decode_all
from briefing.vectors import count_matrix, idf, tfidf

if TYPE_CHECKING:
    from briefing.config import TopicConfig

__all__ = ["TopicLabels", "assign_topics"]

# Title and description words are weaker evidence than chosen keywords.
DESCRIPTION_WEIGHT = 0.25
# A passage seeds a topic's centroid when its keywords give it at least one hit
# and twice the score of the runner-up.
SEED_MIN_SCORE = 1.0
SEED_MARGIN = 2.0
# Rounds of self-training: the passages placed in one round seed the centroids of the
# next, so a topic learns the day's vocabulary beyond its keywords (Yarowsky 1995).
SELF_TRAINING_ROUNDS = 1
# A topic whose seed passages are barely alike (median cosine below this) is not scaled up
# further: at most TYPICAL_SEED_SIMILARITY / MIN_TYPICAL_SIMILARITY = 5 times.
MIN_TYPICAL_SIMILARITY = 0.05


@dataclass(frozen=True, slots=True)
class TopicLabels:
    """The configured topic of every passage (flat, in reading order): its index, or -1 for none."""

    labels: tuple[int, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class _Terms:
    """Every keyword phrase of every topic, as columns of one weight matrix."""

    phrases: tuple[str, ...]  # stemmed, space-joined
    shown: tuple[str, ...]  # as the user wrote them
    weights: np.ndarray  # phrases × topics


def assign_topics(
    articles: Sequence[Sequence[Passage]],
    topics: Sequence[TopicConfig],
    language: str = "english",
    titles: Sequence[str] | None = None,
) -> TopicLabels:
    """The configured topic (its index in `topics`, the config's `topics:`) of every passage,
    article by article, in reading order."""
    titles = list(titles) if titles is not None else [""] * len(articles)
    flat = [p for passages in articles for p in passages]
    n = len(flat)
    if not topics or not flat:
        return TopicLabels((-1,) * n, (Evidence(0.0, ()),) * n)
    stems = [content_stems(p.text, language) for p in flat]
    title_stems = [content_stems(t, language) for t in titles]
    counts, vocab = count_matrix([*stems, *title_stems])
    weights = idf(counts)
    vectors = tfidf(counts, weights)
    terms = _terms(topics, language)
    found = _phrase_counts([*stems, *title_stems], terms, counts, vocab)
    keyword = _keyword_scores(found, terms)
    described = _described(topics, vocab, weights, language)
    seeds = _keyword_seeds(keyword)
    labels, scores = np.full(n, -1), np.zeros(n)
    for _ in range(SELF_TRAINING_ROUNDS + 1):
        emission = keyword + CENTROID_WEIGHT * _centroid_scores(vectors, seeds, described)
        labels, scores = _decode_articles(articles, emission, n)
        # Next round: every passage the last one placed seeds its topic's centroid.
        seeds = np.concatenate([labels, np.full(len(titles), -1)])
    matched = _matched_terms(found, terms, labels)
    evidence = tuple(
        Evidence(round(float(score), 4) if label >= 0 else 0.0, terms_of_row)
        for label, score, terms_of_row in zip(labels, scores, matched, strict=True)
    )
    return TopicLabels(tuple(int(label) for label in labels), evidence)


# --- configured topics -------------------------------------------------------------


def _terms(topics: Sequence[TopicConfig], language: str) -> _Terms:
    weights: dict[str, dict[int, float]] = {}
    shown: dict[str, str] = {}
    for column, topic in enumerate(topics):
        for text in (topic.title, topic.description):
            for stem in content_stems(text, language):
                weights.setdefault(stem, {}).setdefault(column, DESCRIPTION_WEIGHT)
                shown.setdefault(stem, stem)
        for keyword in topic.weighted_keywords():
            phrase = " ".join(content_stems(keyword.term, language))
            if phrase:
                weights.setdefault(phrase, {})[column] = keyword.weight
                shown[phrase] = keyword.term
    phrases = tuple(weights)
    matrix = np.zeros((len(phrases), len(topics)))
    for row, phrase in enumerate(phrases):
        for column, weight in weights[phrase].items():
            matrix[row, column] = weight
    return _Terms(phrases, tuple(shown[p] for p in phrases), matrix)


def _phrase_counts(
    stems: Sequence[Sequence[str]], terms: _Terms, counts: sp.csr_matrix, vocab: dict[str, int]
) -> sp.csr_matrix:
    """How often each phrase occurs in each passage: unigrams straight from the count
    matrix, longer phrases searched only in the passages that contain their first word."""
    by_term = counts.tocsc()
    columns = []
    for phrase in terms.phrases:
        parts = phrase.split(" ")
        column = vocab.get(parts[0])
        if column is None:
            columns.append(sp.csr_matrix((counts.shape[0], 1)))
            continue
        found = by_term[:, column]
        if len(parts) > 1:
            rows = found.indices
            hits = [f" {' '.join(stems[r])} ".count(f" {phrase} ") for r in rows]
            found = sp.csc_matrix(
                (np.asarray(hits, dtype=np.float64), (rows, np.zeros(len(rows), dtype=np.int64))),
                shape=(counts.shape[0], 1),
            )
        columns.append(found)
    if not columns:
        return sp.csr_matrix((counts.shape[0], 0))
    matrix = sp.csr_matrix(sp.hstack(columns))
    matrix.eliminate_zeros()
    return matrix


def _keyword_scores(found: sp.csr_matrix, terms: _Terms) -> np.ndarray:
    """Sum over matching terms of weight × (1 + log count): repetition helps, sub-linearly.
    `found` counts each phrase in each passage (`_phrase_counts`)."""
    hits = found.copy()
    hits.data = 1.0 + np.log(hits.data)
    return np.asarray(hits @ terms.weights)


def _keyword_seeds(keyword: np.ndarray) -> np.ndarray:
    """The topic each passage's keywords clearly give it (≥ one hit, twice the runner-up), else -1."""
    ordered = np.sort(keyword, axis=1)
    top = ordered[:, -1]
    runner_up = ordered[:, -2] if keyword.shape[1] > 1 else np.zeros(len(top))
    confident = (top >= SEED_MIN_SCORE) & (top >= SEED_MARGIN * runner_up)
    return np.where(confident, keyword.argmax(axis=1), -1)


def _described(
    topics: Sequence[TopicConfig], vocab: dict[str, int], weights: np.ndarray, language: str
) -> sp.csr_matrix:
    """Each topic's own words (title, description, keywords, examples) as one TF-IDF vector."""
    given, _ = count_matrix(
        [
            content_stems(
                " ".join((t.title, t.description, *(k.term for k in t.weighted_keywords()), *t.examples)),
                language,
            )
            for t in topics
        ],
        vocab,
    )
    return tfidf(given, weights)


def _decode_articles(
    articles: Sequence[Sequence[Passage]], emission: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Viterbi per article; rows n, n+1, … of `emission` are the titles. -1 is other news."""
    labels = np.full(n, -1)
    scores = np.zeros(n)
    n_topics = emission.shape[1]
    starts = np.concatenate([[0], np.cumsum([len(passages) for passages in articles])]).tolist()
    kinds = [[PassageKind.HEADLINE, *(p.kind for p in passages)] for passages in articles]
    rows = [[n + number, *range(starts[number], starts[number + 1])] for number in range(len(articles))]
    for sequence, path in zip(rows, decode_all(kinds, emission, rows), strict=True):
        for row, state in zip(sequence[1:], path[1:], strict=True):
            if state < n_topics:
                labels[row] = state
                scores[row] = emission[row, state]
    return labels, scores


def _centroid_scores(vectors: sp.csr_matrix, seeds: np.ndarray, described: sp.csr_matrix) -> np.ndarray:
    """Cosine of every passage to each topic's centroid (its seed passages + its own words)."""
    n_topics = described.shape[0]
    seed_rows = np.flatnonzero(seeds >= 0)
    seed_cols = seeds[seed_rows]
    members = sp.csr_matrix(
        (np.ones(len(seed_rows)), (seed_cols, seed_rows)), shape=(n_topics, vectors.shape[0])
    )
    # Each centroid is the sum of its seed passages plus its own words, as one more passage.
    centroids = sp.csr_matrix(members @ vectors + described)
    dots = np.asarray((vectors @ centroids.T).todense())
    squared = np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel()
    norms = np.sqrt(np.broadcast_to(squared, dots.shape)).copy()
    # Leave one out: a seed is compared with its centroid without itself, or every
    # passage that mentions a keyword once would vouch for itself.
    own = dots[seed_rows, seed_cols]
    dots[seed_rows, seed_cols] = own - 1.0
    norms[seed_rows, seed_cols] = np.sqrt(np.maximum(squared[seed_cols] - 2.0 * own + 1.0, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        similarity = np.where(norms > 1e-9, dots / norms, 0.0)
    # A broad topic (sport: football, tennis, rugby …) has a diffuse centroid and low
    # cosines even for its own passages; measure each topic against its own seeds.
    typical = np.array(
        [
            np.median(similarity[seed_rows[seed_cols == column], column])
            if np.any(seed_cols == column)
            else TYPICAL_SEED_SIMILARITY
            for column in range(n_topics)
        ]
    )
    scaled: np.ndarray = similarity * (TYPICAL_SEED_SIMILARITY / np.maximum(typical, MIN_TYPICAL_SIMILARITY))
    return scaled


def _matched_terms(found: sp.csr_matrix, terms: _Terms, labels: np.ndarray) -> list[tuple[str, ...]]:
    """The five phrases of its topic that weigh most in each placed passage (`found`: phrase
    counts per passage, `_phrase_counts`), heaviest first."""
    matched: list[tuple[str, ...]] = []
    for row, label in enumerate(labels.tolist()):
        if label < 0:
            matched.append(())
            continue
        begin, end = found.indptr[row], found.indptr[row + 1]
        columns, counts = found.indices[begin:end].tolist(), found.data[begin:end].tolist()
        hits = [
            (terms.weights[column, label] * (1 + np.log(count)), terms.shown[column])
            for column, count in zip(columns, counts, strict=True)
            if terms.weights[column, label] > 0
        ]
        hits.sort(key=lambda hit: (-hit[0], hit[1]))
        matched.append(tuple(shown for _, shown in hits[:5]))
    return matched
