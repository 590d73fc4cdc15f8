"""Discovery: topics found in the passages no configured topic takes.

Open runs of passages are cut at headlines and where the vocabulary changes
(boundaries.py), neighbouring pieces that still share their vocabulary are
rejoined, the segments are clustered (cluster.py), and each cluster big enough
becomes a topic, titled by its most central headline or its key terms. The
passages are then decoded again against the clusters, as a sequence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from briefing.language import content_stems, stemmer, stop_words, words
from briefing.models import Passage, PassageKind, Topic
from briefing.topics.boundaries import segment_starts
from briefing.topics.cluster import cluster_vectors
from briefing.topics.sequence import CENTROID_WEIGHT, TYPICAL_SEED_SIMILARITY, decode
from briefing.topics.vectors import count_matrix, normalise_rows

# (topic, its passages' rows, every passage's similarity to it, each row's evidence terms)
Found = tuple[Topic, list[int], np.ndarray, list[tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    enabled: bool = False
    max_topics: int = 8
    min_passages: int = 3


def discover_topics(
    articles: Sequence[Sequence[Passage]],
    flat: Sequence[Passage],
    counts: sp.csr_matrix,
    vectors: sp.csr_matrix,
    vocab: dict[str, int],
    labels: np.ndarray,
    titles: Sequence[str],
    language: str,
    options: DiscoveryOptions,
) -> list[Found]:
    """Topics for the passages still unassigned: (topic, rows, similarity, each row's terms)."""
    pieces = _open_segments(articles, counts, labels, titles)
    if not pieces:
        return []
    segments = _merge_same_story(pieces, _shared_term_vectors(vectors, [p.rows for p in pieces]))
    rows_of = [rows for rows, _ in segments]
    segment_vectors = _shared_term_vectors(vectors, rows_of)
    clusters = cluster_vectors(segment_vectors, max_clusters=max(options.max_topics * 3, 10))
    groups: dict[int, list[int]] = {}
    for number, cluster in enumerate(clusters):
        groups.setdefault(int(cluster), []).append(number)
    ranked = sorted(
        groups.values(),
        key=lambda members: (-sum(_body(flat, rows_of[m]) for m in members), rows_of[members[0]][0]),
    )
    candidates = [m for m in ranked if sum(_body(flat, rows_of[x]) for x in m) >= options.min_passages]
    candidates = candidates[: options.max_topics]
    if not candidates:
        return []
    centroids = normalise_rows(
        sp.csr_matrix(
            _membership(
                [[r for m in members for r in rows_of[m]] for members in candidates], vectors.shape[0]
            )
            @ vectors
        )
    )
    raw = np.asarray((vectors @ centroids.T).todense())
    # As for configured topics: each cluster is measured against its own members.
    typical = np.array(
        [
            np.median(raw[[r for m in members for r in rows_of[m]], column])
            for column, members in enumerate(candidates)
        ]
    )
    similarity = raw * (TYPICAL_SEED_SIMILARITY / np.maximum(typical, 0.05))
    decoded = _redecode(articles, labels, similarity, len(flat))
    stem_of = {column: stem for stem, column in vocab.items()}
    found: list[Found] = []
    for column, members in enumerate(candidates):
        rows = np.flatnonzero(decoded == column).tolist()
        if _body(flat, rows) < options.min_passages:
            continue
        centroid = normalise_rows(sp.csr_matrix(vectors[rows].sum(axis=0)))
        surface = _surface_forms([flat[r] for r in rows], language)
        key_terms = _key_terms(centroid, stem_of, surface)
        headlines = [segments[m][1] for m in members if segments[m][1]]
        title = _central_headline(headlines, centroid, vocab, language) or ", ".join(key_terms[:3])
        slug = "-".join(_slug(t) for t in key_terms[:2]) or "topic"
        topic = Topic(id=_unique_id(slug, found), title=title, keywords=key_terms, discovered=True)
        found.append(
            (topic, rows, similarity[:, column], _passage_terms(vectors, rows, centroid, stem_of, surface))
        )
    return found


def _body(flat: Sequence[Passage], rows: Sequence[int]) -> int:
    return sum(1 for r in rows if flat[r].kind is PassageKind.BODY)


def _membership(rows_of: Sequence[Sequence[int]], n: int) -> sp.csr_matrix:
    """A groups × passages 0/1 matrix: multiplying it by passage vectors sums each group."""
    data_rows = np.repeat(np.arange(len(rows_of)), [len(rows) for rows in rows_of])
    columns = np.fromiter((r for rows in rows_of for r in rows), dtype=np.int64, count=len(data_rows))
    return sp.csr_matrix((np.ones(len(data_rows)), (data_rows, columns)), shape=(len(rows_of), n))


def _shared_term_vectors(vectors: sp.csr_matrix, rows_of: Sequence[Sequence[int]]) -> sp.csr_matrix:
    """Segment vectors over the terms that occur in two or more segments.

    A word found in one segment only cannot link it to another; it only dilutes
    the similarities between segments of the same story.
    """
    summed = sp.csr_matrix(_membership(rows_of, vectors.shape[0]) @ vectors)
    if summed.shape[0] > 2:
        in_segments = np.bincount(summed.indices, minlength=summed.shape[1])
        summed = sp.csr_matrix(summed @ sp.diags((in_segments >= 2).astype(np.float64)))
    return normalise_rows(summed)


def _redecode(
    articles: Sequence[Sequence[Passage]], labels: np.ndarray, similarity: np.ndarray, n: int
) -> np.ndarray:
    """Each open run's passages → a discovered topic or none, decoded as a sequence.

    Rows n, n+1, … of `similarity` are the articles' titles: a run that opens an
    article starts from its title, as a headline.
    """
    decoded = np.full(n, -1)
    emission = CENTROID_WEIGHT * similarity
    start = 0
    for number, passages in enumerate(articles):
        row = start
        end = start + len(passages)
        while row < end:
            if labels[row] >= 0:
                row += 1
                continue
            run_end = row
            while run_end < end and labels[run_end] < 0:
                run_end += 1
            kinds = [PassageKind.HEADLINE, *(passages[r - start].kind for r in range(row, run_end))]
            table = emission[[n + number if row == start else row, *range(row, run_end)]]
            if row != start:
                table[0] = 0.0  # no title before a run that starts mid-article
            path = decode(kinds, table)[1:]
            for offset, state in enumerate(path):
                decoded[row + offset] = state if state < similarity.shape[1] else -1
            row = run_end
        start = end
    return decoded


@dataclass(frozen=True, slots=True)
class _Piece:
    rows: list[int]
    headline: str  # the in-text headline it starts with, or the article's title, or ""
    hard_start: bool  # starts an article or follows a headline: never merged backwards
    article: int


def _open_segments(
    articles: Sequence[Sequence[Passage]], counts: sp.csr_matrix, labels: np.ndarray, titles: Sequence[str]
) -> list[_Piece]:
    """Runs of unassigned passages, cut at headlines and where the vocabulary changes."""
    pieces: list[_Piece] = []
    start = 0
    for number, passages in enumerate(articles):
        run: list[int] = []
        for row in [*range(start, start + len(passages)), -1]:
            if row >= 0 and labels[row] < 0:
                run.append(row)
            elif run:
                title = titles[number] if run[0] == start else ""
                pieces.extend(_split_run(run, passages, start, counts, title, number))
                run = []
        start += len(passages)
    return pieces


def _split_run(
    run: list[int], passages: Sequence[Passage], start: int, counts: sp.csr_matrix, title: str, article: int
) -> list[_Piece]:
    kinds = [passages[r - start].kind for r in run]
    body = [r for r, kind in zip(run, kinds, strict=True) if kind is PassageKind.BODY]
    cuts = {body[i] for i in segment_starts(counts[body])} if len(body) > 2 else set()
    pieces: list[_Piece] = []
    current: list[int] = []
    headline, hard = title, True
    for row, kind in zip(run, kinds, strict=True):
        after_headline = bool(current) and passages[row - start - 1].kind is PassageKind.HEADLINE
        if current and (kind is PassageKind.HEADLINE or (row in cuts and not after_headline)):
            pieces.append(_Piece(current, headline, hard, article))
            current, headline, hard = [], "", kind is PassageKind.HEADLINE
        if kind is PassageKind.HEADLINE and not current:
            headline = passages[row - start].text
        current.append(row)
    if current:
        pieces.append(_Piece(current, headline, hard, article))
    return pieces


# Two neighbouring pieces of one article, not separated by a headline, are one
# story when their shared-vocabulary cosine is at least this. Measured on 200
# concatenations of BBC articles: 99.7% of true story boundaries fall below it,
# and 82% of the vocabulary shifts inside a story lie above it (benchmarks/topics.py).
SAME_STORY_SIMILARITY = 0.12


def _merge_same_story(pieces: Sequence[_Piece], shared: sp.csr_matrix) -> list[tuple[list[int], str]]:
    # similarity of each piece to the one before it (row 0 compares with nothing)
    previous = sp.vstack([sp.csr_matrix((1, shared.shape[1])), shared[:-1]])
    to_previous = np.asarray(shared.multiply(previous).sum(axis=1)).ravel()
    merged: list[tuple[list[int], str]] = []
    for number, piece in enumerate(pieces):
        joins = (
            number > 0
            and pieces[number - 1].article == piece.article
            and not piece.hard_start
            and to_previous[number] >= SAME_STORY_SIMILARITY
        )
        if joins:
            merged[-1] = (merged[-1][0] + piece.rows, merged[-1][1])
        else:
            merged.append((list(piece.rows), piece.headline))
    return merged


def _surface_forms(passages: Sequence[Passage], language: str, enough: int = 300) -> dict[str, str]:
    """The most frequent spelling of each stem ("kosovo" → "Kosovo") in the first passages."""
    stem = stemmer(language)
    stop = stop_words(language)
    seen: dict[str, Counter[str]] = {}
    for passage in passages[:enough]:
        for word in words(passage.text):
            if word.lower() not in stop and len(word) > 1:
                seen.setdefault(stem(word), Counter()).update((word,))
    return {s: c.most_common(1)[0][0] for s, c in seen.items()}


def _passage_terms(
    vectors: sp.csr_matrix,
    rows: Sequence[int],
    centroid: sp.csr_matrix,
    stem_of: dict[int, str],
    surface: dict[str, str],
) -> list[tuple[str, ...]]:
    """For each passage, the terms that tie it to the topic most: its weight × the centroid's."""
    contributions = sp.csr_matrix(vectors[list(rows)].multiply(centroid))
    found = []
    for number in range(len(rows)):
        start, end = contributions.indptr[number], contributions.indptr[number + 1]
        columns = contributions.indices[start:end]
        order = np.argsort(-contributions.data[start:end], kind="stable")[:5]
        found.append(tuple(surface.get(stem_of[c], stem_of[c]) for c in columns[order]))
    return found


def _key_terms(centroid: sp.csr_matrix, stem_of: dict[int, str], surface: dict[str, str]) -> tuple[str, ...]:
    row = centroid.toarray().ravel()
    order = np.argsort(-row, kind="stable")[:8]
    return tuple(surface.get(stem_of[c], stem_of[c]) for c in order if row[c] > 0)


# A headline reads as a title when it is short and not cut off mid-phrase …
TITLE_MAX_WORDS = 16
# … and stands for the whole topic when this close to its centroid; a broad topic
# (many stories) is better named by its key terms. On the BBC set, the best
# headline of each broad cluster scored 0.20–0.36; on the seed's two stories 0.44 and 0.57.
HEADLINE_TITLE_SIMILARITY = 0.4


def _central_headline(
    headlines: Sequence[str], centroid: sp.csr_matrix, vocab: dict[str, int], language: str
) -> str:
    """The headline closest to the topic's centroid, if one reads as a title."""
    stop = stop_words(language)
    readable = [
        h
        for h in dict.fromkeys(headlines)
        if len(h.split()) <= TITLE_MAX_WORDS
        and not h.endswith("…")
        and (ws := words(h))
        and ws[-1].lower() not in stop
    ]
    if not readable:
        return ""
    counts, _ = count_matrix([content_stems(h, language) for h in readable], vocab)
    closeness = np.asarray((normalise_rows(counts) @ centroid.T).todense()).ravel()
    best = int(np.argmax(closeness))
    return readable[best] if closeness[best] >= HEADLINE_TITLE_SIMILARITY else ""


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _unique_id(candidate: str, found: Sequence[Found]) -> str:
    taken = {topic.id for topic, *_ in found}
    ident, number = candidate, 2
    while ident in taken:
        ident, number = f"{candidate}-{number}", number + 1
    return ident
