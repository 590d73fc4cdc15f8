"""Two sentences that say the same thing: one statement, kept once in a summary.

A repeat is a sentence whose content stems are mostly inside another's
(`summary.redundancy`), or that shares a verbatim quote with it. `select`
checks it pick by pick; `RepeatIndex` finds a chosen sentence's repeats among a
topic's candidates with a sparse product, and `repeat_pairs` every pair of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from briefing.language import content_stems, stop_words, words

# A verbatim run of this many words, at least QUOTE_CONTENT_WORDS of them lower-case
# content words (not names), is one quote or clause printed twice: a repeat, however
# much else the two sentences say. Names alone ("Prime Minister Tony Blair") never count.
QUOTE_WORDS = 6
QUOTE_CONTENT_WORDS = 3


@dataclass(frozen=True, slots=True)
class Gist:
    """What a sentence says, for spotting repeats: its content stems and its quotable runs."""

    stems: frozenset[str]
    runs: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, text: str, language: str) -> Gist:
        tokens = words(text)
        stop = stop_words(language)
        content = [w[0].islower() and w.lower() not in stop for w in tokens]
        lowered = [w.lower() for w in tokens]
        runs = frozenset(
            tuple(lowered[i : i + QUOTE_WORDS])
            for i in range(len(tokens) - QUOTE_WORDS + 1)
            if sum(content[i : i + QUOTE_WORDS]) >= QUOTE_CONTENT_WORDS
        )
        return cls(frozenset(content_stems(text, language)), runs)

    def repeats(self, other: Gist, threshold: float) -> bool:
        return similarity(self.stems, other.stems) >= threshold or not self.runs.isdisjoint(other.runs)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two sets of content stems: the share of the smaller set found in the other.

    A short sentence whose words are mostly inside a longer one says nothing new
    (a quote and the report of it), which cosine similarity would miss.
    """
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def repeat_pairs(gists: Sequence[Gist], threshold: float) -> NDArray[np.int64]:
    """Every pair (i, j), i < j, for which `gists[i].repeats(gists[j], threshold)`; shape (pairs, 2)."""
    index = RepeatIndex(gists, threshold)
    found = [(i, j) for i in range(len(gists)) for j in index.of(i) if j > i]
    return np.array(found, dtype=np.int64).reshape(-1, 2)


class RepeatIndex:
    """The repeats of one sentence among many (`Gist.repeats` against each), found with one
    sparse product: for a summary that picks a few of thousands of sentences, only the
    picks' repeats are ever needed, not every pair's."""

    def __init__(self, gists: Sequence[Gist], threshold: float) -> None:
        self._threshold = threshold
        vocabulary: dict[str, int] = {}
        rows = [i for i, g in enumerate(gists) for _ in g.stems]
        columns = [vocabulary.setdefault(stem, len(vocabulary)) for g in gists for stem in g.stems]
        self._member = sparse.csr_matrix(
            (np.ones(len(columns)), (rows, columns)), shape=(len(gists), len(vocabulary)), dtype=np.float64
        )
        self._members_t = sparse.csr_matrix(self._member.T)
        self._sizes = np.array([len(g.stems) for g in gists], dtype=np.float64)
        self._runs = [g.runs for g in gists]
        self._holders: dict[tuple[str, ...], list[int]] = {}
        for i, gist in enumerate(gists):
            for run in gist.runs:
                self._holders.setdefault(run, []).append(i)

    def of(self, i: int) -> list[int]:
        """Every j != i whose gist repeats gist i's (either way: the test is symmetric)."""
        found: set[int] = set()
        if self._sizes[i]:
            shared = sparse.csr_matrix(self._member[i] @ self._members_t)
            smaller = np.minimum(self._sizes[shared.indices], self._sizes[i])
            found.update(shared.indices[shared.data / smaller >= self._threshold].tolist())
        for run in self._runs[i]:
            found.update(self._holders[run])
        found.discard(i)
        return sorted(found)
