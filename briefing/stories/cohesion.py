"""Is a story one event? The split test every story of several articles must pass.

Average linkage joins two groups when their segments are, on average, alike
enough. Two events on one subject (two announcements by one company, two
trials in one country) can pass that test together, and a story made of two
events is bigger than either, so it ranks higher: merges land at the top.

So every story of MIN_ARTICLES articles or more is bisected the way document
clusters are bisected (bisecting k-means, Steinbach, Karypis & Kumar 2000):
two spherical k-means centres, started from the principal direction of its
segments (Boley's PDDP, 1998) and refined. The story is two stories when each
half hangs together at least 1 / MAX_CROSS_SHARE times better than the halves
hang with each other (average cosine within each half against the average
cosine across), and each half has MIN_PART_ARTICLES articles; each half is
then tested again. The averages come from the halves' sum vectors (for unit
vectors the average pairwise cosine is a dot product of sums), so the test
costs a few sparse products per story, never a matrix of all pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from briefing.models import Cohesion

# Stories of fewer articles are not tested: two or three articles are one story by the
# linkage alone (each pair was compared), and a split of them would rest on one article.
MIN_ARTICLES = 4
# Each half of a split must hold this many articles: one article unlike the rest is an
# outlier of the story, not a second event.
MIN_PART_ARTICLES = 2
# Two halves are two events when the average cosine across them is below this share of
# the average cosine within the less cohesive half: each half at least twice as alike
# inside as with the other half.
MAX_CROSS_SHARE = 0.6
# Refinement steps of the two k-means centres (they settle in a handful).
ITERATIONS = 20
# Power-iteration steps for the principal direction that starts them.
POWER_STEPS = 30


@dataclass(frozen=True, slots=True)
class _Bisection:
    first: np.ndarray  # member positions (into the story's rows) of the first half
    second: np.ndarray
    cohesion: Cohesion


def split_events(
    groups: Sequence[Sequence[int]], vectors: sp.csr_matrix, article_of: Sequence[int]
) -> tuple[list[list[int]], list[Cohesion | None]]:
    """The groups (rows of unit `vectors`), each split into its events, and why each one stands.

    `article_of[row]` is the article a row (segment) belongs to. A group's Cohesion holds
    its own average cosine and the best bisection it rejected (None: too few articles to test).
    """
    vectors = sp.csr_matrix(vectors)
    articles = np.asarray(article_of)
    kept: list[list[int]] = []
    why: list[Cohesion | None] = []
    pending = [list(group) for group in groups]
    while pending:
        group = pending.pop(0)
        rows = np.asarray(group, dtype=np.int64)
        if len(np.unique(articles[rows])) < MIN_ARTICLES:
            kept.append(group)
            why.append(None)
            continue
        bisection = bisect(vectors[rows], articles[rows])
        if bisection is not None and splits(bisection.cohesion):
            halves = sorted(
                ([int(rows[k]) for k in part] for part in (bisection.first, bisection.second)),
                key=lambda part: part[0],
            )
            pending[:0] = halves  # test each half again, keeping the order of the day
            continue
        kept.append(group)
        why.append(bisection.cohesion if bisection is not None else None)
    return kept, why


def splits(cohesion: Cohesion) -> bool:
    """Whether the bisection found is two events (see MAX_CROSS_SHARE, MIN_PART_ARTICLES)."""
    return min(cohesion.split_articles) >= MIN_PART_ARTICLES and cohesion.split_cross < MAX_CROSS_SHARE * min(
        cohesion.split_within
    )


def bisect(rows: sp.csr_matrix, article_of: np.ndarray) -> _Bisection | None:
    """The story's best split in two (bisecting spherical k-means from its principal direction)."""
    n = rows.shape[0]
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    if n < 2 or np.count_nonzero(norms) < 2:
        return None
    # Only the story's own terms: every vector below is as long as its vocabulary, not the day's.
    start = _start_direction(rows.shape[1])
    terms = np.unique(rows.indices)
    rows = sp.csr_matrix(rows[:, terms])
    side = _principal_side(rows, start[terms])
    for _ in range(ITERATIONS):
        if side.all() or not side.any():
            return None
        centres = np.vstack([_unit(_sum(rows, ~side)), _unit(_sum(rows, side))])
        scores = np.asarray(rows @ centres.T)
        moved = scores[:, 1] > scores[:, 0]
        moved[norms == 0] = side[norms == 0]  # a segment with no terms stays where it was
        if np.array_equal(moved, side):
            break
        side = moved
    if side.all() or not side.any():
        return None
    first, second = np.flatnonzero(~side), np.flatnonzero(side)
    if first[0] > second[0]:
        first, second = second, first
    sum_first, sum_second = (
        _sum(rows, np.isin(np.arange(n), first)),
        _sum(rows, np.isin(np.arange(n), second)),
    )
    whole = sum_first + sum_second
    cohesion = Cohesion(
        within=_within(whole, norms, np.arange(n)),
        split_articles=(len(np.unique(article_of[first])), len(np.unique(article_of[second]))),
        split_within=(_within(sum_first, norms, first), _within(sum_second, norms, second)),
        split_cross=round(float(sum_first @ sum_second) / (len(first) * len(second)), 4),
    )
    return _Bisection(first, second, cohesion)


@lru_cache(maxsize=4)
def _start_direction(terms: int) -> np.ndarray:
    """The power iteration's start over the day's terms: fixed, so the same story always gets
    the same split."""
    start: np.ndarray = np.random.default_rng(0).standard_normal(terms)
    start.flags.writeable = False
    return start


def _principal_side(rows: sp.csr_matrix, direction: np.ndarray) -> np.ndarray:
    """Which side of the centroid each row lies on along the rows' principal direction
    (power iteration from `direction`)."""
    mean = np.asarray(rows.mean(axis=0)).ravel()
    projection = np.zeros(rows.shape[0])
    transposed = rows.T  # made once: a sparse matrix's .T is a new object each time
    for _ in range(POWER_STEPS):
        projection = rows @ direction - mean @ direction
        updated = transposed @ projection - mean * projection.sum()
        norm = np.linalg.norm(updated)
        if norm == 0:
            break
        direction = updated / norm
    side: np.ndarray = projection > 0
    return side


def _sum(rows: sp.csr_matrix, mask: np.ndarray) -> np.ndarray:
    """The sum of the rows where `mask` is true (a 0/1 weight per row: the same additions,
    in the same order, as summing the rows picked out, without copying them)."""
    summed: np.ndarray = mask.astype(np.float64) @ rows
    return summed


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _within(total: np.ndarray, norms: np.ndarray, members: np.ndarray) -> float:
    """Average cosine between two different members, from their sum vector."""
    n = len(members)
    if n < 2:
        return 1.0
    pairs = float(total @ total) - float((norms[members] ** 2).sum())
    return round(pairs / (n * (n - 1)), 4)
