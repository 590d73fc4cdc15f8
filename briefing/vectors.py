"""Sparse bag-of-stems vectors for passages: the one representation topics work on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def count_matrix(
    docs: Sequence[Sequence[str]], vocabulary: dict[str, int] | None = None
) -> tuple[sp.csr_matrix, dict[str, int]]:
    """Term counts (rows = docs); new terms extend the vocabulary unless one is given."""
    grow = vocabulary is None
    vocab: dict[str, int] = {} if vocabulary is None else vocabulary
    indptr = [0]
    indices: list[int] = []
    for doc in docs:
        for term in doc:
            column = vocab.get(term)
            if column is None:
                if not grow:
                    continue
                column = vocab[term] = len(vocab)
            indices.append(column)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    matrix = sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(docs), len(vocab)),
    )
    matrix.sum_duplicates()
    return matrix, vocab


def idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency, as scikit-learn computes it: ln((1+n)/(1+df)) + 1."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    weights: np.ndarray = np.log((1.0 + n) / (1.0 + df)) + 1.0
    return weights


def tfidf(counts: sp.csr_matrix, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """Sub-linear tf × idf, rows L2-normalised (zero rows stay zero)."""
    matrix = counts.astype(np.float64, copy=True)
    matrix.data = 1.0 + np.log(matrix.data)
    matrix = matrix @ sp.diags(idf(counts) if weights is None else weights)
    return normalise_rows(sp.csr_matrix(matrix))


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def membership(rows_of: Sequence[Sequence[int]], n: int) -> sp.csr_matrix:
    """A groups × rows 0/1 matrix: multiplying it by row vectors sums each group."""
    data_rows = np.repeat(np.arange(len(rows_of)), [len(rows) for rows in rows_of])
    columns = np.fromiter((r for rows in rows_of for r in rows), dtype=np.int64, count=len(data_rows))
    return sp.csr_matrix((np.ones(len(data_rows)), (data_rows, columns)), shape=(len(rows_of), n))
