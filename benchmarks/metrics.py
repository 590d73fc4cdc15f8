"""Segmentation error metrics: Pk (Beeferman et al. 1999) and WindowDiff (Pevzner & Hearst 2002).

A segmentation of a document of `n` units (sentences, paragraphs) is given as the
set of unit indices where a segment starts; index 0 always starts one and may be
left out. Both metrics slide a probe of width `k` over the document, at the
`n - k` positions i = 0 … n-k-1, and count the positions where the hypothesis
disagrees with the reference:

- Pk: are units i and i+k in the same segment?
- WindowDiff: how many boundaries lie between units i and i+k (starts s with
  i < s <= i+k)?

Both are error rates in [0, 1], lower is better. `k` is conventionally half the
mean reference segment length (`window_size`).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

__all__ = ["pk", "window_diff", "window_size"]


def window_size(reference: Collection[int], n: int) -> int:
    """Half the mean reference segment length, rounded half up, at least 1."""
    starts = _starts(reference, n)
    mean_length = n / (len(starts) + 1)
    return max(1, int(mean_length / 2 + 0.5))


def pk(reference: Collection[int], hypothesis: Collection[int], n: int, k: int | None = None) -> float:
    """Share of probes (i, i+k) on which reference and hypothesis disagree about "same segment"."""
    k = _check_k(reference, n, k)
    ref = _segment_ids(reference, n)
    hyp = _segment_ids(hypothesis, n)
    same_ref = ref[k:] == ref[:-k]
    same_hyp = hyp[k:] == hyp[:-k]
    return float(np.mean(same_ref != same_hyp))


def window_diff(
    reference: Collection[int], hypothesis: Collection[int], n: int, k: int | None = None
) -> float:
    """Share of windows (i, i+k] holding a different number of boundaries in reference and hypothesis."""
    k = _check_k(reference, n, k)
    ref = _segment_ids(reference, n)
    hyp = _segment_ids(hypothesis, n)
    # segment_ids[j] counts the starts at or before j, so the difference counts the starts in (i, i+k].
    return float(np.mean((ref[k:] - ref[:-k]) != (hyp[k:] - hyp[:-k])))


def _check_k(reference: Collection[int], n: int, k: int | None) -> int:
    if k is None:
        k = window_size(reference, n)
    if k < 1 or k >= n:
        raise ValueError(f"window size {k} must be at least 1 and below the document length {n}")
    return k


def _starts(boundaries: Collection[int], n: int) -> set[int]:
    if n < 1:
        raise ValueError(f"a document needs at least one unit, got n={n}")
    bad = sorted(b for b in boundaries if not 0 <= b < n)
    if bad:
        raise ValueError(f"segment starts {bad} are outside the document's units 0..{n - 1}")
    return {b for b in boundaries if b > 0}


def _segment_ids(boundaries: Collection[int], n: int) -> np.ndarray:
    """The segment number of every unit (0 for the first segment)."""
    marks = np.zeros(n, dtype=np.int64)
    marks[sorted(_starts(boundaries, n))] = 1
    return np.cumsum(marks)
