"""Latent semantic analysis as sumy's `LsaSummarizer` ranks, without the SVD.

sumy keeps every dimension of the SVD (`REDUCTION_RATIO = 1`), and a sentence's
score is then sqrt(Σ_k σ_k² v_kj²), which for the full SVD A = U Σ Vᵀ is the
length of the sentence's own column of A (AᵀA = V Σ² Vᵀ). So the score is
computed directly from the word × sentence matrix, in linear time, with the
same ranking; sumy's dense SVD of a 25-article topic takes seconds. (sumy's
dictionary also holds the headlines' words; those add the same amount to every
squared score, so the values differ from sumy's but not the order.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from briefing.language import stemmer, stop_words, words
from briefing.models import Sentence

Scores = NDArray[np.float64]

# sumy's `_compute_term_frequency(smooth=0.4)`: every cell of a sentence's column, the
# words it lacks included, becomes 0.4 + 0.6 × count / the column's largest count.
SMOOTH = 0.4


def lsa(sentences: Sequence[Sentence], language: str) -> Scores:
    """Each sentence's column length in sumy's smoothed word × sentence matrix."""
    stop = stop_words(language)
    stem = stemmer(language)
    lowered = [[w.lower() for w in words(s.text)] for s in sentences]
    # sumy's dictionary: stems of the words that are not stop words; a sentence's column
    # then counts the stem of every one of its words, stop words included, found in it.
    dictionary = {stem(w) for ws in lowered for w in ws if w not in stop}
    if not dictionary:
        return np.zeros(len(sentences))
    scores = np.zeros(len(sentences))
    for j, sentence_words in enumerate(lowered):
        counts: dict[str, int] = {}
        for w in sentence_words:
            stemmed = stem(w)
            if stemmed in dictionary:
                counts[stemmed] = counts.get(stemmed, 0) + 1
        if not counts:
            continue  # sumy leaves a column with no dictionary word at zero
        present = np.array(list(counts.values()), dtype=np.float64)
        cells = SMOOTH + (1.0 - SMOOTH) * present / present.max()
        absent = len(dictionary) - len(counts)
        scores[j] = float(np.sqrt(absent * SMOOTH**2 + np.sum(cells**2)))
    return scores
