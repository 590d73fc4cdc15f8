"""Average-linkage clustering (UPGMA) of unit vectors, without an n × n matrix.

For unit vectors the average cosine between two groups is the dot product of
their sum vectors divided by the product of their sizes, so the average-linkage
similarity of any two groups can be computed exactly from the groups' sums.
Merging stops when no two groups are on average at least `threshold` alike.

Since the average over a union is a weighted mean, two groups can reach the
threshold only if some part of one already reached it with some part of the
other. So the only pairs that ever need looking at are the pairs of single
rows at or above the threshold (found by a sparse product that keeps only
those) and the groups that grow out of them; every other similarity a merge
needs is computed exactly, on demand, from the sums. The memory follows the
number of similar pairs, not n².
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn

# The day's rows are taken in this many stretches, each multiplied only with the rows from
# its start on: about half the pairs are ever formed.
TAIL_STRETCHES = 8


def similar_pairs(
    vectors: sp.csr_matrix, threshold: float, threads: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of rows (i < j) whose dot product is at least `threshold`: (i, j, dot),
    the rows as 32-bit numbers (a day of 10^5 articles has tens of millions of pairs).

    The product keeps only what reaches the threshold as it goes (sparse_dot_topn, on
    `threads` threads): the far more numerous pairs below it are never stored. Each dot
    is summed in the same order as SciPy's product sums it, so it is the same number.
    """
    n = vectors.shape[0]
    # Strictly above the float just below the threshold: at or above the threshold.
    below = float(np.nextafter(threshold, -np.inf))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    stretch = max(1, -(-n // TAIL_STRETCHES))
    for start in range(0, n, stretch):
        tail = sp.csr_matrix(vectors[start:].T)
        found = sp.coo_matrix(
            sp_matmul_topn(
                vectors[start : start + stretch],
                tail,
                top_n=tail.shape[1],
                threshold=below,
                n_threads=threads if threads > 1 else None,
            )
        )
        i = found.row.astype(np.int32, copy=False) + np.int32(start)
        j = found.col.astype(np.int32, copy=False) + np.int32(start)
        keep = (j > i) & (found.data >= threshold)
        rows.append(i[keep])
        cols.append(j[keep])
        values.append(found.data[keep])
    if not rows:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)


def average_linkage(
    vectors: sp.csr_matrix, threshold: float, margin: float = 0.0, threads: int = 1
) -> np.ndarray:
    """A group number for each row (unit vectors), numbered in order of first appearance.

    Groups are merged best pair first while their average pairwise cosine is at
    least `threshold`: the groups SciPy's `linkage(method="average")` cut at
    distance 1 - threshold gives (up to ties between equal similarities). With a
    `margin`, groups of m and n rows must be at least threshold + margin / sqrt(m n)
    alike: an average over few pairs must clear a higher bar than one over many.
    Pairs are still found at `threshold`, which bounds every such bar from below, on
    `threads` threads (the labels are the same for any number).
    """
    n = vectors.shape[0]
    vectors = sp.csr_matrix(vectors, dtype=np.float64)
    vectors.sum_duplicates()
    first, second, dots = similar_pairs(vectors, threshold, threads)
    # The similar pairs of single rows stay in arrays (a day of 10^5 articles has tens of
    # millions): each row's neighbours as a symmetric CSR, and the pairs close enough to merge
    # in the order a heap would give them. Only groups made by merging get Python dicts.
    pairs = _Pairs(n, first, second, dots)
    queue = _Queue(first, second, dots, threshold + margin)
    del first, second, dots
    # Group g's neighbours: the groups it is on average at least `threshold` alike, with the
    # exact sum of the pairwise similarities between the two. For a single row, its pairs with
    # the rows still single, and in `neighbours[g]` only the merged groups; for a merged group,
    # all of them in `neighbours[g]`.
    neighbours: list[dict[int, float]] = [{} for _ in range(n)]
    # One entry per merged group: the best pair it can make, as (-average, lower, higher,
    # group). The pairs of single rows are in `queue`. A pair of a merged group M with an
    # older group is first known when M is made, so M's entry bounds it. An entry whose
    # partner has merged first is only a bound by the time it comes up: its group's best is
    # found again then. So the heap holds about one entry a group, not one a pair.
    heap: list[tuple[float, int, int, int]] = []
    size = [1] * n
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.zeros(2 * n, dtype=bool)  # n rows make at most n - 1 merged groups
    alive[:n] = True
    rows = _Rows(vectors)

    def near(group: int) -> dict[int, float]:
        """All of the group's neighbours, with their sums."""
        if group >= n:
            return neighbours[group]
        found = pairs.live(group, alive)
        found.update(neighbours[group])
        return found

    def cross(group: int, others: list[int]) -> list[float]:
        """Exact sums of pairwise similarities between `group` and each of `others`."""
        if not others:
            return []
        return rows.sums_against(members[group], [members[other] for other in others])

    def push_best(group: int) -> None:
        """Push the merged group's best pair close enough to merge, if it has one."""
        best: tuple[float, int, int, int] | None = None
        for g, total in neighbours[group].items():
            together = size[group] * size[g]
            average = total / together
            if average >= threshold + margin / math.sqrt(together):
                entry = (-average, min(g, group), max(g, group), group)
                if best is None or entry < best:
                    best = entry
        if best is not None:
            heapq.heappush(heap, best)

    while True:
        # The best of the queue's first live pair and the heap's first entry (live or not).
        head = queue.head(alive)
        if heap and (head is None or heap[0][:3] < head):
            _, a, b, owner = heapq.heappop(heap)
            if not (alive[a] and alive[b]):
                if alive[owner]:
                    push_best(owner)  # its partner has merged since: its best is another
                continue
        elif head is not None:
            _, a, b = head
            queue.advance()
        else:
            break
        merged = len(size)
        size.append(size[a] + size[b])
        members.append(members[a] + members[b])
        alive[a] = alive[b] = False
        alive[merged] = True
        near_a, near_b = near(a), near(b)
        around = sorted((set(near_a) | set(near_b)) - {a, b})
        only_b = [g for g in around if g not in near_a]
        only_a = [g for g in around if g not in near_b]
        from_a = dict(zip(only_b, cross(a, only_b), strict=True))
        from_b = dict(zip(only_a, cross(b, only_a), strict=True))
        near_merged: dict[int, float] = {}
        best: tuple[float, int, int, int] | None = None
        for g in around:
            total = near_a.get(g, from_a.get(g, 0.0)) + near_b.get(g, from_b.get(g, 0.0))
            others = neighbours[g]
            others.pop(a, None)
            others.pop(b, None)
            together = size[merged] * size[g]
            average = total / together
            if average >= threshold:
                near_merged[g] = total
                others[merged] = total
                if average >= threshold + margin / math.sqrt(together):
                    entry = (-average, g, merged, merged)  # g < merged: every group is older
                    if best is None or entry < best:
                        best = entry
        neighbours.append(near_merged)
        neighbours[a] = neighbours[b] = {}
        members[a] = members[b] = []
        if best is not None:
            heapq.heappush(heap, best)
    labels = np.empty(n, dtype=np.int64)
    numbers: dict[int, int] = {}
    group_of = np.empty(n, dtype=np.int64)
    for group, rows_of_group in enumerate(members):
        if alive[group]:
            group_of[rows_of_group] = group
    for row in range(n):
        labels[row] = numbers.setdefault(int(group_of[row]), len(numbers))
    return labels


class _Pairs:
    """The similar pairs of single rows, each row's as a stretch of two arrays (a symmetric CSR)."""

    def __init__(self, n: int, first: np.ndarray, second: np.ndarray, dots: np.ndarray) -> None:
        # Each pair twice, as (first, second) and (second, first), in order of its first row;
        # the k-th of the doubled pairs has dot dots[k mod pairs].
        ends = np.concatenate([first, second]).astype(np.int32, copy=False)
        order = np.argsort(ends, kind="stable")
        self._indptr = np.concatenate([[0], np.cumsum(np.bincount(ends, minlength=n))])
        del ends
        others = np.concatenate([second, first]).astype(np.int32, copy=False)
        self._rows = others[order]
        del others
        self._dots = np.take(dots, order, mode="wrap")

    def live(self, row: int, alive: np.ndarray) -> dict[int, float]:
        """The row's pairs with rows that are still single (not yet merged into a group)."""
        start, end = self._indptr[row], self._indptr[row + 1]
        others = self._rows[start:end]
        kept = alive[others]
        return dict(zip(others[kept].tolist(), self._dots[start:end][kept].tolist(), strict=True))


class _Queue:
    """The pairs of single rows at least `bar` alike, in the order a heap of (-dot, i, j) pops
    them; pairs that name a merged row are passed over."""

    LOOK = 256  # pairs checked at a time for a live one

    def __init__(self, first: np.ndarray, second: np.ndarray, dots: np.ndarray, bar: float) -> None:
        close = np.flatnonzero(dots >= bar)
        order = close[np.lexsort((second[close], first[close], -dots[close]))]
        self._negated = -dots[order]
        self._first = first[order].astype(np.int32, copy=False)
        self._second = second[order].astype(np.int32, copy=False)
        self._at = 0
        self._head: tuple[float, int, int] | None = None

    def head(self, alive: np.ndarray) -> tuple[float, int, int] | None:
        """The first pair whose rows are both still single, as the heap's tuple; None at the end."""
        if self._head is not None and alive[self._head[1]] and alive[self._head[2]]:
            return self._head
        total = len(self._negated)
        while self._at < total:
            end = min(self._at + self.LOOK, total)
            live = alive[self._first[self._at : end]] & alive[self._second[self._at : end]]
            if live.any():
                self._at += int(live.argmax())
                k = self._at
                self._head = (float(self._negated[k]), int(self._first[k]), int(self._second[k]))
                return self._head
            self._at = end
        self._head = None
        return None

    def advance(self) -> None:
        """Pass the head (it has just merged)."""
        self._at += 1
        self._head = None


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
