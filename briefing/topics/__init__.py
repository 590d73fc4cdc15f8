"""Assign: every passage of every article → one topic, configured or discovered.

1. Evidence. Each passage scores each configured topic by its keywords (phrases
   allowed, weights honoured; title and description words count a quarter) plus
   its similarity to the topic's centroid — the passages that the keywords
   clearly place, and the topic's examples — so a paragraph that uses the
   story's vocabulary but none of its keywords is still recognised.
2. Sequence. An article's topics are decoded as a whole (Viterbi): changing topic
   costs about two keyword hits unless a headline starts a new segment, so a
   paragraph with no evidence of its own stays with its neighbours. The title is
   a headline before the first paragraph.
3. Discovery. What fits no configured topic (everything, when none is
   configured) is cut into segments where the vocabulary changes (Utiyama &
   Isahara 2001, see boundaries.py) and at headlines; the segments are
   clustered and each cluster big enough becomes a topic titled by its most
   central headline or its key terms. The rest is "Other news".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from briefing.config import OTHER_TOPIC_ID as OTHER_ID
from briefing.language import content_stems, stemmer, stop_words, words
from briefing.models import AssignedPassage, Evidence, Passage, PassageKind, Topic
from briefing.topics.boundaries import segment_starts
from briefing.topics.cluster import cluster_vectors
from briefing.topics.vectors import count_matrix, idf, normalise_rows, tfidf

__all__ = ["OTHER_ID", "Assignment", "DiscoveryOptions", "TopicSpec", "assign_topics"]

# Score units: one keyword occurrence of weight 1 scores 1.
# A lone passage needs more than this to leave "Other news" (half a keyword hit) …
OTHER_SCORE = 0.5
# … and, inside an article, this much more evidence to change topic: about two
# keyword hits, so one stray mention never splits a story.
SWITCH_COST = 2.0
# A headline (or a new article) starts a new segment: changing topic there is nearly free.
HEADLINE_SWITCH_COST = 0.1
# Title and description words are weaker evidence than chosen keywords.
DESCRIPTION_WEIGHT = 0.25
# Cosine similarity to a topic's centroid, in keyword-hit units: a paragraph at
# cosine 0.25 from the centroid counts like one keyword hit.
CENTROID_WEIGHT = 4.0
# Cosines are rescaled per topic so that a passage as close to the centroid as the
# topic's median seed passage has this cosine (then × CENTROID_WEIGHT: one hit).
TYPICAL_SEED_SIMILARITY = 0.25
# A passage seeds a topic's centroid when its keywords give it at least one hit
# and twice the score of the runner-up.
SEED_MIN_SCORE = 1.0
SEED_MARGIN = 2.0
# Rounds of self-training: the passages placed in one round seed the centroids of the
# next, so a topic learns the day's vocabulary beyond its keywords (Yarowsky 1995).
SELF_TRAINING_ROUNDS = 1


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A configured topic as the assigner needs it."""

    topic: Topic
    weights: tuple[float, ...] = ()  # one per keyword; 1.0 when absent
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    enabled: bool = False
    max_topics: int = 8
    min_passages: int = 3


@dataclass(frozen=True, slots=True)
class Assignment:
    passages: tuple[AssignedPassage, ...]
    topics: tuple[Topic, ...]  # configured, then discovered; "Other news" not included


@dataclass(frozen=True, slots=True)
class _Terms:
    """Every keyword phrase of every topic, as columns of one weight matrix."""

    phrases: tuple[str, ...]  # stemmed, space-joined
    shown: tuple[str, ...]  # as the user wrote them
    weights: np.ndarray  # phrases × topics


def assign_topics(
    articles: Sequence[Sequence[Passage]],
    specs: Sequence[TopicSpec],
    language: str = "english",
    titles: Sequence[str] | None = None,
    discovery: DiscoveryOptions | None = None,
) -> Assignment:
    """Topic of every passage, article by article, in reading order."""
    discovery = discovery or DiscoveryOptions()
    titles = list(titles) if titles is not None else [""] * len(articles)
    flat = [p for passages in articles for p in passages]
    stems = [content_stems(p.text, language) for p in flat]
    title_stems = [content_stems(t, language) for t in titles]
    counts, vocab = count_matrix([*stems, *title_stems])
    weights = idf(counts)
    vectors = tfidf(counts, weights)
    n = len(flat)

    labels = np.full(n, -1)
    scores = np.zeros(n)
    if specs:
        terms = _terms(specs, language)
        keyword = _keyword_scores([*stems, *title_stems], terms, counts, vocab)
        described = _described(specs, vocab, weights, language)
        seeds = _keyword_seeds(keyword)
        for _ in range(SELF_TRAINING_ROUNDS + 1):
            emission = keyword + CENTROID_WEIGHT * _centroid_scores(vectors, seeds, described)
            labels, scores = _decode_articles(articles, emission, n)
            # Next round: every passage the last one placed seeds its topic's centroid.
            seeds = np.concatenate([labels, np.full(len(titles), -1)])
        evidence_terms = _matched_terms(stems, terms, labels)
    else:
        evidence_terms = [() for _ in flat]

    topics = [spec.topic for spec in specs]
    if discovery.enabled or not specs:
        found = _discover(articles, flat, counts, vectors, vocab, labels, titles, language, discovery)
        for topic, rows, similarity, passage_terms in found:
            index = len(topics)
            topics.append(topic)
            for row, terms_of_row in zip(rows, passage_terms, strict=True):
                labels[row] = index
                scores[row] = similarity[row]
                evidence_terms[row] = terms_of_row

    ids = [t.id for t in topics]
    assigned = tuple(
        AssignedPassage(
            passage,
            ids[label] if label >= 0 else OTHER_ID,
            Evidence(round(float(score), 4) if label >= 0 else 0.0, tuple(found_terms)),
        )
        for passage, label, score, found_terms in zip(flat, labels, scores, evidence_terms, strict=True)
    )
    return Assignment(assigned, tuple(topics))


# --- configured topics -------------------------------------------------------------


def _terms(specs: Sequence[TopicSpec], language: str) -> _Terms:
    weights: dict[str, dict[int, float]] = {}
    shown: dict[str, str] = {}
    for column, spec in enumerate(specs):
        for text in (spec.topic.title, spec.topic.description):
            for stem in content_stems(text, language):
                weights.setdefault(stem, {}).setdefault(column, DESCRIPTION_WEIGHT)
                shown.setdefault(stem, stem)
        keyword_weights = spec.weights or (1.0,) * len(spec.topic.keywords)
        for keyword, weight in zip(spec.topic.keywords, keyword_weights, strict=True):
            phrase = " ".join(content_stems(keyword, language))
            if phrase:
                weights.setdefault(phrase, {})[column] = weight
                shown[phrase] = keyword
    phrases = tuple(weights)
    matrix = np.zeros((len(phrases), len(specs)))
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


def _keyword_scores(
    stems: Sequence[Sequence[str]], terms: _Terms, counts: sp.csr_matrix, vocab: dict[str, int]
) -> np.ndarray:
    """Sum over matching terms of weight × (1 + log count): repetition helps, sub-linearly."""
    found = _phrase_counts(stems, terms, counts, vocab)
    found.data = 1.0 + np.log(found.data)
    return np.asarray(found @ terms.weights)


def _keyword_seeds(keyword: np.ndarray) -> np.ndarray:
    """The topic each passage's keywords clearly give it (≥ one hit, twice the runner-up), else -1."""
    ordered = np.sort(keyword, axis=1)
    top = ordered[:, -1]
    runner_up = ordered[:, -2] if keyword.shape[1] > 1 else np.zeros(len(top))
    confident = (top >= SEED_MIN_SCORE) & (top >= SEED_MARGIN * runner_up)
    return np.where(confident, keyword.argmax(axis=1), -1)


def _described(
    specs: Sequence[TopicSpec], vocab: dict[str, int], weights: np.ndarray, language: str
) -> sp.csr_matrix:
    """Each topic's own words (title, description, keywords, examples) as one TF-IDF vector."""
    given, _ = count_matrix(
        [
            content_stems(
                " ".join((s.topic.title, s.topic.description, *s.topic.keywords, *s.examples)), language
            )
            for s in specs
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
    start = 0
    for number, passages in enumerate(articles):
        rows = list(range(start, start + len(passages)))
        kinds = [PassageKind.HEADLINE, *(p.kind for p in passages)]
        path = _decode(kinds, emission[[n + number, *rows]])[1:]
        for row, state in zip(rows, path, strict=True):
            if state < n_topics:
                labels[row] = state
                scores[row] = emission[row, state]
        start += len(passages)
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
    scaled: np.ndarray = similarity * (TYPICAL_SEED_SIMILARITY / np.maximum(typical, 0.05))
    return scaled


def _decode(kinds: Sequence[PassageKind], emission: np.ndarray) -> list[int]:
    """Viterbi over topics + "other" with a cost for changing topic between passages."""
    n, n_topics = emission.shape
    table = np.hstack([emission, np.full((n, 1), OTHER_SCORE)])
    states = n_topics + 1
    switch = 1.0 - np.eye(states)
    best = table[0].copy()
    back = np.zeros((n, states), dtype=np.int64)
    for i in range(1, n):
        cost = HEADLINE_SWITCH_COST if kinds[i] is PassageKind.HEADLINE else SWITCH_COST
        # candidates[prev, state]; ties go to staying, then to the earlier (configured) state.
        candidates = best[:, None] - cost * switch + 1e-9 * np.eye(states)
        back[i] = candidates.argmax(axis=0)
        best = candidates[back[i], np.arange(states)] + table[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    path.reverse()
    return path


def _matched_terms(
    stems: Sequence[Sequence[str]], terms: _Terms, labels: np.ndarray
) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for doc, label in zip(stems, labels, strict=True):
        if label < 0:
            found.append(())
            continue
        joined = f" {' '.join(doc)} "
        hits = [
            (terms.weights[i, label] * (1 + np.log(joined.count(f" {p} "))), terms.shown[i])
            for i, p in enumerate(terms.phrases)
            if terms.weights[i, label] > 0 and f" {p} " in joined
        ]
        hits.sort(key=lambda hit: (-hit[0], hit[1]))
        found.append(tuple(shown for _, shown in hits[:5]))
    return found


# --- discovery -----------------------------------------------------------------------


def _discover(
    articles: Sequence[Sequence[Passage]],
    flat: Sequence[Passage],
    counts: sp.csr_matrix,
    vectors: sp.csr_matrix,
    vocab: dict[str, int],
    labels: np.ndarray,
    titles: Sequence[str],
    language: str,
    options: DiscoveryOptions,
) -> list[tuple[Topic, list[int], np.ndarray, list[tuple[str, ...]]]]:
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
    found: list[tuple[Topic, list[int], np.ndarray, list[tuple[str, ...]]]] = []
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
            path = _decode(kinds, table)[1:]
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


def _unique_id(
    candidate: str, found: Sequence[tuple[Topic, list[int], np.ndarray, list[tuple[str, ...]]]]
) -> str:
    taken = {topic.id for topic, *_ in found}
    ident, number = candidate, 2
    while ident in taken:
        ident, number = f"{candidate}-{number}", number + 1
    return ident
