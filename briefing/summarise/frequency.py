"""Word-probability greedies: KL-Sum and SumBasic, one sparse product a step.

Both rank by building a summary greedily from the whole topic, one sentence a
step, until every sentence is placed; the order of placing is the ranking.
sumy's versions recount every word of every sentence at every step in Python
(KL-Sum takes minutes on a 25-article topic); here the sentences are one sparse
matrix and a step is a product with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from briefing.models import Sentence
from briefing.summarise.graph import sentence_tokens

Scores = NDArray[np.float64]


def kl_sum(sentences: Sequence[Sentence], language: str, smoothing: float = 1.0) -> Scores:
    """KL-Sum (Haghighi & Vanderwende 2009): each step adds the sentence that makes the
    summary's word distribution closest to the topic's, KL(P_topic ‖ P_summary).

    Words are content stems (sumy's tokens); P_summary is smoothed by adding
    `smoothing` to every word's count (Laplace's add-one), without which the
    divergence is infinite while the summary misses any word of the topic.
    The score is minus the step at which a sentence was added.
    """
    tokens = [sentence_tokens(s.text, language) for s in sentences]
    counts, vocabulary = _counts(tokens, distinct=True)
    n = len(sentences)
    if n == 0 or not vocabulary:
        return np.zeros(n)
    topic = np.asarray(counts.sum(axis=0)).ravel()
    topic /= topic.sum()
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    row_of = np.repeat(np.arange(n), np.diff(counts.indptr))
    summary = np.zeros(len(vocabulary))
    summary_length = 0.0
    smoothed_vocabulary = smoothing * len(vocabulary)
    placed = np.zeros(n, dtype=bool)
    scores = np.zeros(n)
    for step in range(n):
        # KL(P ‖ Q) = Σ P log P − Σ P log Q; only −Σ P log Q changes with the summary, and a
        # candidate changes it only through its own words and the summary's length.
        column = counts.indices
        gained = topic[column] * (
            np.log(summary[column] + counts.data + smoothing) - np.log(summary[column] + smoothing)
        )
        coverage = np.bincount(row_of, weights=gained, minlength=n)
        lengthening = np.log(summary_length + lengths + smoothed_vocabulary) - math.log(
            summary_length + smoothed_vocabulary
        )
        closeness = np.where(placed, -np.inf, coverage - lengthening)
        best = int(np.argmax(closeness))  # the first of equals: ties go to reading order
        placed[best] = True
        scores[best] = -float(step)
        start, end = counts.indptr[best], counts.indptr[best + 1]
        summary[counts.indices[start:end]] += counts.data[start:end]
        summary_length += lengths[best]
    return scores


def sumbasic(sentences: Sequence[Sentence], language: str) -> Scores:
    """SumBasic (Nenkova & Vanderwende 2005) exactly as sumy's `SumBasicSummarizer` ranks.

    Each step takes the sentence whose content words (repeats counted) have the
    highest mean probability, the first of equals, then squares the probability
    of each of its words once per occurrence. The sums are taken in the
    sentence's word order, as sumy's are, so the same sentence wins every step.
    """
    tokens = [sentence_tokens(s.text, language) for s in sentences]
    counts, vocabulary = _counts(tokens, distinct=False)
    n = len(sentences)
    if n == 0 or not vocabulary:
        return np.zeros(n)
    probability = np.bincount(counts.indices, minlength=len(vocabulary)) / len(counts.indices)
    lengths = np.array([len(t) for t in tokens], dtype=np.float64)
    placed = np.zeros(n, dtype=bool)
    scores = np.zeros(n)
    for step in range(n):
        # One stored entry per token, in order: the product adds them as sumy's sum() does.
        total = counts @ probability
        mean = np.divide(total, lengths, out=np.zeros(n), where=lengths > 0)
        best = int(np.argmax(np.where(placed, -np.inf, mean)))
        placed[best] = True
        scores[best] = -float(step)
        for word in counts.indices[counts.indptr[best] : counts.indptr[best + 1]]:
            probability[word] *= probability[word]
    return scores


def _counts(tokens: Sequence[Sequence[str]], *, distinct: bool) -> tuple[sparse.csr_matrix, dict[str, int]]:
    """Sentence × word matrix: a count per distinct word, or (distinct=False) a 1 per token in order."""
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for sentence in tokens:
        if distinct:
            seen: dict[int, float] = {}
            for word in sentence:
                column = vocabulary.setdefault(word, len(vocabulary))
                seen[column] = seen.get(column, 0.0) + 1.0
            indices.extend(seen)
            data.extend(seen.values())
        else:
            indices.extend(vocabulary.setdefault(word, len(vocabulary)) for word in sentence)
            data.extend(1.0 for _ in sentence)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(tokens), max(1, len(vocabulary))),
    )
    return matrix, vocabulary
