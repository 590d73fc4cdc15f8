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
import math

import numpy as np
import scipy.sparse as sp

# Rows per block of the sparse product that finds similar pairs: bounds the
# memory of one block's result to about BLOCK_ROWS × n entries.
BLOCK_ROWS = 1024
# The day's rows are taken in this many stretches, each multiplied only with the rows from
# its start on (one copy of that part of the matrix at a time).
TAIL_STRETCHES = 8
# Similar pairs turned into Python numbers at a time.
PAIR_STRETCH = 1 << 20


def similar_pairs(vectors: sp.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of rows (i < j) whose dot product is at least `threshold`: (i, j, dot)."""
    n = vectors.shape[0]
    transposed = sp.csr_matrix(vectors.T)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    # A block of rows needs only the columns after its first row (j > i): the product runs
    # against the rows from a stretch's start on, so about half the pairs are ever formed.
    stretch = max(BLOCK_ROWS, -(-n // TAIL_STRETCHES))
    for tail_start in range(0, n, stretch):
        tail = sp.csr_matrix(transposed[:, tail_start:]) if tail_start else transposed
        for start in range(tail_start, min(n, tail_start + stretch), BLOCK_ROWS):
            block = sp.coo_matrix(vectors[start : min(start + BLOCK_ROWS, tail_start + stretch)] @ tail)
            i = block.row + start
            j = block.col + tail_start
            keep = (j > i) & (block.data >= threshold)
            rows.append(i[keep])
            cols.append(j[keep])
            values.append(block.data[keep])
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return (
        np.concatenate(rows).astype(np.int64),
        np.concatenate(cols).astype(np.int64),
        np.concatenate(values),
    )


def average_linkage(vectors: sp.csr_matrix, threshold: float, margin: float = 0.0) -> np.ndarray:
    """A group number for each row (unit vectors), numbered in order of first appearance.

    Groups are merged best pair first while their average pairwise cosine is at
    least `threshold`: the groups SciPy's `linkage(method="average")` cut at
    distance 1 - threshold gives (up to ties between equal similarities). With a
    `margin`, groups of m and n rows must be at least threshold + margin / sqrt(m n)
    alike: an average over few pairs must clear a higher bar than one over many.
    Pairs are still found at `threshold`, which bounds every such bar from below.
    """
    n = vectors.shape[0]
    vectors = sp.csr_matrix(vectors, dtype=np.float64)
    vectors.sum_duplicates()
    first, second, dots = similar_pairs(vectors, threshold)
    # Group g's neighbours: the groups it is on average at least `threshold` alike,
    # with the exact sum of the pairwise similarities between the two.
    neighbours: list[dict[int, float]] = [{} for _ in range(n)]
    heap: list[tuple[float, int, int]] = []
    # The pairs as Python numbers a stretch at a time: a day's millions of pairs are never
    # all in three lists of Python objects at once.
    for start in range(0, len(first), PAIR_STRETCH):
        stretch = slice(start, start + PAIR_STRETCH)
        for i, j, dot in zip(
            first[stretch].tolist(), second[stretch].tolist(), dots[stretch].tolist(), strict=True
        ):
            neighbours[i][j] = dot
            neighbours[j][i] = dot
            if dot >= threshold + margin:
                heap.append((-dot, i, j))
    size = [1] * n
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    heapq.heapify(heap)
    # How many heap entries name each group: when a group merges, its entries go stale, and
    # once stale entries may be half the heap they are dropped at once (not popped one by
    # one). The entries are all distinct, so the order of the live ones is the same.
    entries = _entry_counts(heap, n)
    stale = 0
    rows = _Rows(vectors)

    def cross(group: int, others: list[int]) -> list[float]:
        """Exact sums of pairwise similarities between `group` and each of `others`."""
        if not others:
            return []
        return rows.sums_against(members[group], [members[other] for other in others])

    while heap:
        _, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue  # one of the two has merged since; its new group has its own entries
        merged = len(size)
        stale += entries[a] + entries[b]
        entries.append(0)
        size.append(size[a] + size[b])
        members.append(members[a] + members[b])
        alive.append(True)
        alive[a] = alive[b] = False
        near_a, near_b = neighbours[a], neighbours[b]
        around = sorted((set(near_a) | set(near_b)) - {a, b})
        only_b = [g for g in around if g not in near_a]
        only_a = [g for g in around if g not in near_b]
        from_a = dict(zip(only_b, cross(a, only_b), strict=True))
        from_b = dict(zip(only_a, cross(b, only_a), strict=True))
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
                if average >= threshold + margin / math.sqrt(size[merged] * size[g]):
                    heapq.heappush(heap, (-average, min(g, merged), max(g, merged)))
                    entries[g] += 1
                    entries[merged] += 1
        neighbours.append(near)
        neighbours[a] = neighbours[b] = {}
        members[a] = members[b] = []
        if 2 * stale > len(heap):
            heap = [entry for entry in heap if alive[entry[1]] and alive[entry[2]]]
            heapq.heapify(heap)
            entries, stale = _entry_counts(heap, len(size)), 0
    labels = np.empty(n, dtype=np.int64)
    numbers: dict[int, int] = {}
    group_of = np.empty(n, dtype=np.int64)
    for group, rows_of_group in enumerate(members):
        if alive[group]:
            group_of[rows_of_group] = group
    for row in range(n):
        labels[row] = numbers.setdefault(int(group_of[row]), len(numbers))
    return labels


def _entry_counts(heap: list[tuple[float, int, int]], groups: int) -> list[int]:
    """How many of the heap's entries name each of the groups."""
    counts = [0] * groups
    for _, i, j in heap:
        counts[i] += 1
        counts[j] += 1
    return counts


class _Rows:
    """Dot products of sums of rows, straight from the CSR arrays (no sparse slicing)."""

    def __init__(self, vectors: sp.csr_matrix) -> None:
        self._indptr = vectors.indptr
        self._indices = vectors.indices
        self._data = vectors.data
        self._lengths = np.diff(vectors.indptr)
        self._width = vectors.shape[1]

    def _entries(self, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Positions in the CSR arrays of every entry of the rows, and each row's entry count."""
        picked = np.asarray(rows, dtype=np.int64)
        starts, lengths = self._indptr[picked], self._lengths[picked]
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return offsets + np.arange(int(lengths.sum())), lengths

    def sums_against(self, group: list[int], others: list[list[int]]) -> list[float]:
        """(Σ rows of group) · (Σ rows of each other group)."""
        mine, _ = self._entries(group)
        # the group's sum, dense (bincount adds in order, as a loop would)
        total = np.bincount(self._indices[mine], weights=self._data[mine], minlength=self._width)
        flat = [row for other in others for row in other]
        entries, lengths = self._entries(flat)
        products = self._data[entries] * total[self._indices[entries]]
        per_row = np.bincount(np.repeat(np.arange(len(flat)), lengths), weights=products, minlength=len(flat))
        bounds = np.cumsum([0, *(len(other) for other in others)])
        return [float(per_row[bounds[k] : bounds[k + 1]].sum()) for k in range(len(others))]
