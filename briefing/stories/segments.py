"""Cutting articles into segments, each about one story.

An article is one segment unless it turns to another story partway. Places
where it might are only candidates: an in-text headline, and a change of
vocabulary (Utiyama & Isahara's segmentation, boundaries.py). The article is
cut at the candidate where its two sides are least alike, if they are unlike
enough, and each side is looked at again the same way:

- at a headline that reads as one (a phrase of five words or more, not a
  label such as "NEEDLE PLACEMENT" or "He said:"), the sides are two stories
  when they are less alike than two articles of one story must be (the same
  threshold that groups articles into stories);
- anywhere else, only when they share almost nothing (SHIFT_SIMILARITY), and
  only if a side then joins another article's story: a long page that drifts
  from one aspect of its subject to another is one story, not several titled
  by its own sentences.

A configured topic that changes mid-article always cuts. Both sides of a cut
must be long enough to tell a story of their own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from briefing.models import Passage, PassageKind
from briefing.stories.boundaries import boundaries_in

# A part with fewer content words than this is too small to tell a story of its own
# (a news brief is two or three sentences): a source line, a wire code, an "On the
# Net:" link or a caption is never cut off as a story.
MIN_STORY_WORDS = 40
# Sides of a vocabulary change with no headline are two stories below this cosine.
# Measured on DUC 2006 (benchmarks/stories.py): 90% of the joins of two unrelated
# articles lie below it, and the least alike sides of 3% of single-story articles.
SHIFT_SIMILARITY = 0.08
# A headline with fewer words is a label (a subhead, a wire code), not a story's headline.
HEADLINE_MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of one article's passages about one story."""

    article: int  # index of the article
    rows: tuple[int, ...]  # rows of its passages in the flat passage list, in reading order
    headline: str  # the headline it starts with: the article's title, an in-text headline, or ""
    opens_article: bool  # its first passage is the article's first
    # The cut before it stands whatever the grouping finds: the article opens here, a
    # configured topic changes, or a headline that reads as one starts it. A cut at a
    # change of vocabulary alone is undone when neither side joins another article's
    # story (find_stories): the article stayed on one subject.
    firm: bool = True


def cut_segments(
    articles: Sequence[Sequence[Passage]],
    counts: sp.csr_matrix,
    titles: Sequence[str],
    weights: np.ndarray,
    threshold: float,
    cuts: Mapping[int, Collection[int]] | None = None,
) -> list[Segment]:
    """Every article's passages as segments, in reading order.

    `counts` has one row of term counts per passage (flat, in reading order);
    `weights` are the term weights of the stories' vector space; two sides
    less alike than `threshold` (cosine) are two stories. `cuts` maps an
    article's number to passage indices where a configured topic changes.
    """
    cuts = cuts or {}
    segments: list[Segment] = []
    start = 0
    for number, passages in enumerate(articles):
        end = start + len(passages)
        if passages:
            dense, used = _dense_rows(counts, start, end)
            forced = sorted({i for i, p in enumerate(passages) if p.index in cuts.get(number, ())} - {0})
            # An article too short to hold two stories is one segment, with no search for a change.
            long_enough = dense.sum() >= 2 * MIN_STORY_WORDS
            candidates = _candidates(passages, dense, threshold) if long_enough else {}
            prefix = np.vstack([np.zeros(len(used)), np.cumsum(dense, axis=0)])
            for first, last in zip([0, *forced], [*forced, len(passages)], strict=True):
                for a, b, firm in _split(prefix, first, last, candidates, weights[used], True):
                    headline = titles[number] if a == 0 else _headline(passages[a])
                    segments.append(
                        Segment(number, tuple(range(start + a, start + b)), headline, a == 0, firm)
                    )
        start = end
    return segments


def _dense_rows(counts: sp.csr_matrix, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows start..end-1 as a dense matrix over the columns they use, and those columns."""
    lo, hi = counts.indptr[start], counts.indptr[end]
    columns = counts.indices[lo:hi]
    used, position = np.unique(columns, return_inverse=True)
    row_of = np.repeat(np.arange(end - start), np.diff(counts.indptr[start : end + 1]))
    cells = np.bincount(
        row_of * len(used) + position, weights=counts.data[lo:hi], minlength=(end - start) * len(used)
    )
    return cells.reshape(end - start, len(used)), used


def _candidates(passages: Sequence[Passage], dense: np.ndarray, threshold: float) -> dict[int, float]:
    """Where the article might turn to another story, each with the cosine below which it does."""
    found: dict[int, float] = {}
    body = [i for i, p in enumerate(passages) if p.kind is PassageKind.BODY]
    if len(body) > 2:
        found.update((body[k], SHIFT_SIMILARITY) for k in boundaries_in(dense[body]))
    for i, passage in enumerate(passages):
        if passage.kind is PassageKind.HEADLINE:
            found[i] = threshold if reads_as_headline(passage.text) else SHIFT_SIMILARITY
    found.pop(0, None)
    return found


def reads_as_headline(text: str) -> bool:
    """A headline of a story, not a label: five words or more, not in capitals, not ending in ':'."""
    letters = [c for c in text if c.isalpha()]
    return (
        len(text.split()) >= HEADLINE_MIN_WORDS
        and not text.rstrip().endswith(":")
        and sum(c.isupper() for c in letters) < 0.8 * len(letters)
    )


def _split(
    prefix: np.ndarray,
    first: int,
    last: int,
    candidates: Mapping[int, float],
    weights: np.ndarray,
    firm: bool,
) -> list[tuple[int, int, bool]]:
    """Passages first..last-1 as (start, end, firm) parts, cut where the sides are two stories.

    `prefix[k]` holds the term counts of the article's passages before k; `firm` is
    whether the cut at `first` stands whatever the grouping finds (see Segment.firm).
    """
    inside = sorted(c for c in candidates if first < c < last)
    if not inside:
        return [(first, last, firm)]
    left = prefix[inside] - prefix[first]
    right = prefix[last] - prefix[inside]
    big_enough = (left.sum(axis=1) >= MIN_STORY_WORDS) & (right.sum(axis=1) >= MIN_STORY_WORDS)
    if not big_enough.any():
        return [(first, last, firm)]
    # How far below its own threshold each candidate's sides are: the clearest cut goes first.
    margin = _cosines(left, right, weights) - np.array([candidates[c] for c in inside])
    margin[~big_enough] = np.inf
    best = int(np.argmin(margin))
    if margin[best] >= 0:
        return [(first, last, firm)]
    cut = int(inside[best])
    # A cut at a headline that reads as one (its threshold is the stories', above SHIFT_SIMILARITY)
    # stands; a change of vocabulary alone must be confirmed by the grouping.
    firm_cut = bool(candidates[cut] > SHIFT_SIMILARITY)
    return [
        *_split(prefix, first, cut, candidates, weights, firm),
        *_split(prefix, cut, last, candidates, weights, firm_cut),
    ]


def _cosines(left: np.ndarray, right: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise cosine of sub-linear tf × weights, as the stories' vectors are made."""

    def weighted(counts: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            tf = np.where(counts > 0, 1.0 + np.log(np.maximum(counts, 1e-12)), 0.0)
        return np.asarray(tf * weights)

    a, b = weighted(left), weighted(right)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(norms > 0, (a * b).sum(axis=1) / norms, 0.0))


def _headline(passage: Passage) -> str:
    return passage.text if passage.kind is PassageKind.HEADLINE else ""
