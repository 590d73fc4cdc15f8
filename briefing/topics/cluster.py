"""Grouping segments into topics; the number of groups is chosen from the data.

Segments are reduced to at most 100 latent dimensions (truncated SVD, i.e. LSA)
when there are many, clustered by Ward's method, and the dendrogram is cut at the widest relative gap
between merge heights — or, for a handful of segments, at the best mean
silhouette (cosine distance). When no cut separates the data, everything is one
group.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.linalg import svds

LSA_DIMENSIONS = 100
# A silhouette this low means the "clusters" are noise (Kaufman & Rousseeuw read
# below 0.25 as no substantial structure; we only refuse the clearly structureless).
MIN_SILHOUETTE = 0.05
# Two segments alone: one group unless they share less than this cosine similarity.
PAIR_SAME_TOPIC = 0.2
# From this many segments on, the number of groups is read off the dendrogram's
# widest gap; below it a dendrogram has too few merges for that, and the mean
# silhouette decides. (With many segments of high-dimensional text the silhouette
# keeps rising with the number of clusters, so it cannot choose there.)
GAP_MIN_SEGMENTS = 30
# The widest gap must add at least this much (5%) to the merge cost to count as structure;
# a judgement value, not fitted: real groups showed 9–27% on the BBC sets.
GAP_MIN_RATIO = 1.05


def cluster_vectors(vectors: sp.csr_matrix, max_clusters: int) -> np.ndarray:
    """A cluster number for each row (segment), 0-based, in order of first appearance."""
    n = vectors.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    points = _reduce(vectors)
    similarity = np.clip(points @ points.T, -1.0, 1.0)
    if n == 2:
        return np.array([0, 0 if similarity[0, 1] >= PAIR_SAME_TOPIC else 1])
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(points, method="ward")
    top = min(max_clusters, n - 1)
    if n >= GAP_MIN_SEGMENTS:
        labels = _cut_at_widest_gap(tree, n, top)
    else:
        labels = _cut_at_best_silhouette(tree, distance, top)
    return _renumber(labels)


def _cut_at_widest_gap(tree: np.ndarray, n: int, top: int) -> np.ndarray:
    """Cut where the next merge would cost the most relative to the one before it.

    Ward's merge heights grow slowly while like joins like and jump when two
    distinct groups are forced together; the biggest relative jump marks the
    natural number of groups. If no jump stands out (all below GAP_MIN_RATIO),
    the data has no group structure worth a split.
    """
    heights = tree[:, 2]
    best_k, best_ratio = 1, GAP_MIN_RATIO
    for k in range(2, top + 1):
        above, below = heights[n - k], heights[n - k - 1]
        ratio = above / max(below, 1e-12)
        if ratio > best_ratio + 1e-12:
            best_k, best_ratio = k, ratio
    if best_k == 1:
        return np.zeros(n, dtype=np.int64)
    return np.asarray(fcluster(tree, t=best_k, criterion="maxclust"))


def _cut_at_best_silhouette(tree: np.ndarray, distance: np.ndarray, top: int) -> np.ndarray:
    n = distance.shape[0]
    best_labels, best_score = np.zeros(n, dtype=np.int64), MIN_SILHOUETTE
    for k in range(2, top + 1):
        labels = fcluster(tree, t=k, criterion="maxclust")
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette(distance, labels)
        if score > best_score + 1e-12:
            best_labels, best_score = labels, score
    return best_labels


def silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette (Rousseeuw 1987) from a full distance matrix; singletons score 0."""
    groups, inverse = np.unique(labels, return_inverse=True)
    onehot = np.zeros((len(labels), len(groups)))
    onehot[np.arange(len(labels)), inverse] = 1.0
    sizes = onehot.sum(axis=0)
    sums = distance @ onehot  # n × k: total distance to each cluster
    own = sizes[inverse]
    a = sums[np.arange(len(labels)), inverse] / np.maximum(own - 1, 1)
    other = sums / sizes
    other[np.arange(len(labels)), inverse] = np.inf
    b = other.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def _reduce(vectors: sp.csr_matrix) -> np.ndarray:
    n, m = vectors.shape
    if n > LSA_DIMENSIONS * 2 and m > LSA_DIMENSIONS * 2:
        # A fixed start vector keeps the decomposition, and so the briefing, reproducible.
        start = np.linspace(1.0, 2.0, min(n, m))
        u, s, _ = svds(vectors.astype(np.float64), k=LSA_DIMENSIONS, v0=start)
        points = u * s
    else:
        points = vectors.toarray()
    norms = np.linalg.norm(points, axis=1)
    norms[norms == 0] = 1.0
    return np.asarray(points / norms[:, None])


def _renumber(labels: np.ndarray) -> np.ndarray:
    mapping: dict[int, int] = {}
    return np.array([mapping.setdefault(int(x), len(mapping)) for x in labels], dtype=np.int64)
