"""Average-linkage clustering (UPGMA) of unit vectors, without an n × n matrix.

For unit vectors the average cosine between two groups is the dot product of
their sum vectors divided by the product of their sizes, so the average-linkage
similarity of any two groups can be computed exactly from the groups' sums.
Merging stops when no two groups are on average at least `threshold` alike.

Since the average over a union is a weighted mean, two groups can reach the
threshold only if some part of one already reached it with some part of the
other. So the only pairs that ever need looking at are the pairs of single
rows at or above the threshold (found block by block with a sparse product)
and the groups that grow out of them; every other similarity a merge needs is
computed exactly, on demand, from the sums. The cost follows the number of
similar pairs, not n².
"""

from __future__ import annotations

import heapq

import numpy as np
import scipy.sparse as sp

# Rows per block of the sparse product that finds similar pairs: bounds the
# memory of one block's result to about BLOCK_ROWS × n entries.
BLOCK_ROWS = 1024


def similar_pairs(vectors: sp.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of rows (i < j) whose dot product is at least `threshold`: (i, j, dot)."""
    n = vectors.shape[0]
    transposed = sp.csr_matrix(vectors.T)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for start in range(0, n, BLOCK_ROWS):
        block = sp.coo_matrix(vectors[start : start + BLOCK_ROWS] @ transposed)
        i = block.row + start
        keep = (block.col > i) & (block.data >= threshold)
        rows.append(i[keep])
        cols.append(block.col[keep])
        values.append(block.data[keep])
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return (
        np.concatenate(rows).astype(np.int64),
        np.concatenate(cols).astype(np.int64),
        np.concatenate(values),
    )


def average_linkage(vectors: sp.csr_matrix, threshold: float) -> np.ndarray:
    """A group number for each row (unit vectors), numbered in order of first appearance.

    Groups are merged best pair first while their average pairwise cosine is at
    least `threshold` — exactly as SciPy's `linkage(method="average")` cut at
    distance 1 - threshold would group them, ties going to the lower row numbers.
    """
    n = vectors.shape[0]
    vectors = sp.csr_matrix(vectors, dtype=np.float64)
    first, second, dots = similar_pairs(vectors, threshold)
    # Group g's neighbours: the groups it is on average at least `threshold` alike,
    # with the exact sum of the pairwise similarities between the two.
    neighbours: list[dict[int, float]] = [{} for _ in range(n)]
    for i, j, dot in zip(first.tolist(), second.tolist(), dots.tolist(), strict=True):
        neighbours[i][j] = dot
        neighbours[j][i] = dot
    size = [1] * n
    sums: list[sp.csr_matrix | None] = [None] * n  # a group's sum vector, made when first needed
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    heap = [(-dot, i, j) for i, j, dot in zip(first.tolist(), second.tolist(), dots.tolist(), strict=True)]
    heapq.heapify(heap)

    def sum_of(group: int) -> sp.csr_matrix:
        found = sums[group]
        if found is None:
            found = sums[group] = sp.csr_matrix(vectors[members[group]].sum(axis=0))
        return found

    def cross(group: int, others: list[int]) -> np.ndarray:
        """Exact sums of pairwise similarities between `group` and each of `others`."""
        if not others:
            return np.zeros(0)
        stacked = sp.vstack([sum_of(other) for other in others], format="csr")
        return np.asarray((stacked @ sum_of(group).T).todense()).ravel()

    while heap:
        _, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue  # one of the two has merged since; its new group has its own entries
        merged = len(size)
        size.append(size[a] + size[b])
        members.append(members[a] + members[b])
        alive.append(True)
        alive[a] = alive[b] = False
        near_a, near_b = neighbours[a], neighbours[b]
        around = sorted((set(near_a) | set(near_b)) - {a, b})
        only_b = [g for g in around if g not in near_a]
        only_a = [g for g in around if g not in near_b]
        from_a = dict(zip(only_b, cross(a, only_b).tolist(), strict=True))
        from_b = dict(zip(only_a, cross(b, only_a).tolist(), strict=True))
        near: dict[int, float] = {}
        for g in around:
            total = near_a.get(g, from_a.get(g, 0.0)) + near_b.get(g, from_b.get(g, 0.0))
            others = neighbours[g]
            others.pop(a, None)
            others.pop(b, None)
            average = total / (size[merged] * size[g])
            if average >= threshold:
                near[g] = total
                others[merged] = total
                heapq.heappush(heap, (-average, min(g, merged), max(g, merged)))
        neighbours.append(near)
        sums.append(None)
        neighbours[a] = neighbours[b] = {}
        sums[a] = sums[b] = None
        members[a] = members[b] = []
    labels = np.empty(n, dtype=np.int64)
    numbers: dict[int, int] = {}
    group_of = np.empty(n, dtype=np.int64)
    for group, rows in enumerate(members):
        if alive[group]:
            group_of[rows] = group
    for row in range(n):
        labels[row] = numbers.setdefault(int(group_of[row]), len(numbers))
    return labels
