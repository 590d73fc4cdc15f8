"""Where a text changes subject: optimal segmentation by Utiyama & Isahara (2001).

Each segment's words are scored by a Laplace-smoothed language model of the
segment itself; a segmentation costs the sum of its segments' code lengths
plus log(number of words) per segment (the paper's prior), and dynamic
programming finds the cheapest one. It has no parameter to tune. On Choi's
3-11 set it measured Pk 0.121 here, against C99's 0.13 (benchmarks/topics.py).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

# Above this many units the O(n²) table is built over windows of at most this many units.
MAX_SEGMENT_UNITS = 400


def segment_starts(counts: sp.csr_matrix) -> list[int]:
    """Indices of the units (rows of a unit × term count matrix) that start a new segment; never 0."""
    if counts.shape[0] < 2:
        return []
    used = np.unique(counts.indices)
    return boundaries_in(np.asarray(counts[:, used].todense(), dtype=np.float64))


def boundaries_in(dense: np.ndarray) -> list[int]:
    """`segment_starts` for a dense unit × term count matrix."""
    n = dense.shape[0]
    if n < 2:
        return []
    cumulative = np.vstack([np.zeros(dense.shape[1]), np.cumsum(dense, axis=0)])
    total_words = float(cumulative[-1].sum())
    if total_words == 0:
        return []
    vocabulary = float(np.count_nonzero(cumulative[-1]))
    per_segment = np.log(max(total_words, 2.0))
    cost = np.full((n + 1, n + 1), np.inf)
    for a in range(n):
        stop = min(n, a + MAX_SEGMENT_UNITS)
        block = cumulative[a + 1 : stop + 1] - cumulative[a]
        size = block.sum(axis=1)
        cost[a, a + 1 : stop + 1] = size * np.log(size + vocabulary) - (block * np.log1p(block)).sum(axis=1)
    best = np.full(n + 1, np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=np.int64)
    for b in range(1, n + 1):
        candidates = best[:b] + cost[:b, b] + per_segment
        back[b] = int(np.argmin(candidates))
        best[b] = candidates[back[b]]
    starts = []
    b = n
    while b > 0:
        a = int(back[b])
        if a > 0:
            starts.append(a)
        b = a
    return sorted(starts)
