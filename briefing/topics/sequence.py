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


# Sequences decoded together, the longest first: enough to leave Python's loop to NumPy, …
BATCH = 1024
# … and never more cells (sequences × the longest's passages × states) than this: a batch
# is as long as its longest sequence, and one page of thousands of paragraphs must not make
# a thousand tables that long (about 32 MB a table of float64 at most).
BATCH_CELLS = 1 << 22


def decode_all(
    kinds: Sequence[Sequence[PassageKind]], emission: np.ndarray, rows: Sequence[Sequence[int]]
) -> list[list[int]]:
    """Viterbi over topics + "other" with a cost for changing topic between passages, for many
    sequences at once: sequence k is `rows[k]` of `emission`, its passages of `kinds[k]`. Each
    path is the one decoding that sequence alone gives, position by position across a batch."""
    n_topics = emission.shape[1]
    states = n_topics + 1
    switch = 1.0 - np.eye(states)
    tie = 1e-9 * np.eye(states)  # ties go to staying, then to the earlier (configured) state
    padded = np.vstack([np.hstack([emission, np.full((len(emission), 1), OTHER_SCORE)]), np.zeros(states)])
    order = sorted(range(len(rows)), key=lambda k: -len(rows[k]))
    paths: list[list[int]] = [[] for _ in rows]
    first = 0
    while first < len(order):
        longest = len(rows[order[first]])
        size = max(1, min(BATCH, BATCH_CELLS // max(1, longest * states)))
        members = order[first : first + size]
        first += size
        lengths = np.array([len(rows[k]) for k in members])
        if longest == 0:
            continue
        index = np.full((len(members), longest), len(emission))  # the padding row
        cost = np.full((len(members), longest), SWITCH_COST)
        for j, k in enumerate(members):
            index[j, : len(rows[k])] = rows[k]
            cost[j, : len(rows[k])] = [
                HEADLINE_SWITCH_COST if kind is PassageKind.HEADLINE else SWITCH_COST for kind in kinds[k]
            ]
        table = padded[index]
        best = table[:, 0].copy()
        back = np.zeros((len(members), longest, states), dtype=np.int64)
        for i in range(1, longest):
            live = int(np.count_nonzero(lengths > i))  # the sequences still running (longest first)
            candidates = best[:live, :, None] - cost[:live, i, None, None] * switch + tie
            back[:live, i] = candidates.argmax(axis=1)
            chosen = np.take_along_axis(candidates, back[:live, i][:, None, :], axis=1)[:, 0, :]
            best[:live] = chosen + table[:live, i]
        for j, k in enumerate(members):
            path = [int(best[j].argmax())]
            for i in range(int(lengths[j]) - 1, 0, -1):
                path.append(int(back[j, i, path[-1]]))
            path.reverse()
            paths[k] = path
    return paths
