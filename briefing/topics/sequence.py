"""Deciding a sequence of passages at once: the topic path through an article.

Shared by configured and discovered topics. Scores are in keyword-hit units:
one keyword occurrence of weight 1 scores 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from briefing.models import PassageKind

# A lone passage needs more than this to leave "Other news" (half a keyword hit) …
OTHER_SCORE = 0.5
# … and, inside an article, this much more evidence to change topic: about two
# keyword hits, so one stray mention never splits a story.
SWITCH_COST = 2.0
# A headline (or a new article) starts a new segment: changing topic there is nearly free.
HEADLINE_SWITCH_COST = 0.1
# Cosine similarity to a topic's centroid, in keyword-hit units: a paragraph at
# cosine 0.25 from the centroid counts like one keyword hit.
CENTROID_WEIGHT = 4.0
# Cosines are rescaled per topic so that a passage as close to the centroid as the
# topic's median seed passage has this cosine (then × CENTROID_WEIGHT: one hit).
TYPICAL_SEED_SIMILARITY = 0.25


def decode(kinds: Sequence[PassageKind], emission: np.ndarray) -> list[int]:
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
