"""The vector space themes live in: TF-IDF over hashed features, reduced by LSA, fitted on what was seen.

A service starts with no data, so the weighting (IDF) and the latent space (truncated SVD, "LSA") are
fitted on the items seen so far and refitted as they grow (see `RefitSchedule`); between refits new
items are projected with the current fit. The number of dimensions grows with the number of items:
an SVD of a few hundred short texts into hundreds of dimensions would not reduce anything, while a
large stream needs them to keep fine-grained problems apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.utils.extmath import randomized_svd  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from banso_bridge.domain.representation.features import FeatureCounts, is_word_column

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ModelConfig:
    items_per_dimension: int = 16
    min_dimensions: int = 16
    max_dimensions: int = 256
    min_document_frequency: int = 2  # features seen once cannot connect two items
    max_vocabulary: int = 1 << 17
    power_iterations: int = 4

    def dimensions(self, n_items: int) -> int:
        return min(
            self.max_dimensions, max(self.min_dimensions, n_items // self.items_per_dimension)
        )


@dataclass(frozen=True, slots=True)
class VectorModel:
    """A fitted weighting and projection; `transform` maps feature counts to unit vectors."""

    vocabulary: npt.NDArray[np.int32]  # sorted hashed columns kept
    idf: Matrix  # one weight per vocabulary column
    word_mask: npt.NDArray[np.bool_]  # which vocabulary columns are words (the rest: n-grams)
    projection: Matrix  # vocabulary x dimensions (the SVD's right singular vectors, C-ordered)
    fitted_on: int  # number of items the fit saw

    @property
    def dimensions(self) -> int:
        return int(self.projection.shape[1])

    @classmethod
    def empty(cls) -> VectorModel:
        return cls(
            vocabulary=np.zeros(0, dtype=np.int32),
            idf=np.zeros(0, dtype=np.float32),
            word_mask=np.zeros(0, dtype=np.bool_),
            projection=np.zeros((0, 1), dtype=np.float32),
            fitted_on=0,
        )

    def _weighted(
        self, rows: Sequence[FeatureCounts]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], Matrix]:
        """(row, vocabulary column, weight) triples: sublinear TF-IDF, each block unit length.

        Vectorised over all rows at once, since a refit re-weighs the whole window.
        """
        n_rows = len(rows)
        lengths = np.fromiter((row.columns.size for row in rows), dtype=np.intp, count=n_rows)
        columns = np.concatenate([row.columns for row in rows])
        counts = np.concatenate([row.counts for row in rows])
        row_ids = np.repeat(np.arange(n_rows), lengths)
        position = np.minimum(np.searchsorted(self.vocabulary, columns), self.vocabulary.size - 1)
        known = self.vocabulary[position] == columns
        position, row_ids = position[known], row_ids[known]
        weights = ((1.0 + np.log(counts[known])) * self.idf[position]).astype(np.float32)
        # Words and n-grams each get unit length, so neither block drowns the other.
        block = 2 * row_ids + self.word_mask[position]
        norms = np.sqrt(np.bincount(block, weights=weights * weights, minlength=2 * n_rows))
        weights = (weights / np.maximum(norms[block], 1e-12)).astype(np.float32)
        return row_ids, position, weights

    def weigh(self, rows: Sequence[FeatureCounts]) -> sp.csr_matrix:
        """Sublinear TF-IDF rows over the vocabulary (one sparse row per item)."""
        n_rows = len(rows)
        if n_rows == 0 or self.vocabulary.size == 0:
            return sp.csr_matrix((n_rows, self.vocabulary.size), dtype=np.float32)
        row_ids, position, weights = self._weighted(rows)
        return sp.csr_matrix(
            (weights, (row_ids, position)), shape=(n_rows, self.vocabulary.size), dtype=np.float32
        )

    def word_weights(self, rows: Sequence[FeatureCounts]) -> Matrix:
        """The word block of `weigh` (character n-grams left out; each row unit length, or zero
        without a known word), dense over the words these rows use: what items literally share."""
        if not rows or self.vocabulary.size == 0:
            return np.zeros((len(rows), 0), dtype=np.float32)
        row_ids, position, weights = self._weighted(rows)
        words = self.word_mask[position]
        row_ids, position, weights = row_ids[words], position[words], weights[words]
        used, column = np.unique(position, return_inverse=True)
        dense = np.zeros((len(rows), used.size), dtype=np.float32)
        np.add.at(dense, (row_ids, column), weights)
        return dense

    def transform(self, rows: Sequence[FeatureCounts]) -> Matrix:
        """Unit vectors (rows) in the latent space; an item sharing nothing with the fit maps to zero."""
        if not rows or self.vocabulary.size == 0:
            return np.zeros((len(rows), self.dimensions), dtype=np.float32)
        if len(rows) == 1:
            # The streaming path: gathering a few hundred rows beats building a sparse matrix.
            _, position, weights = self._weighted(rows)
            projected: Matrix = (weights @ self.projection[position])[None, :]
        else:
            projected = np.asarray(self.weigh(rows) @ self.projection, dtype=np.float32)
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        units: Matrix = np.divide(
            projected, norms, out=np.zeros_like(projected), where=norms > 1e-6
        )
        return units


def fit_model(rows: Sequence[FeatureCounts], config: ModelConfig, seed: int) -> VectorModel:
    """Fit IDF and the truncated SVD on `rows` (deterministic for a given seed and row order)."""
    n_items = len(rows)
    if n_items == 0:
        return VectorModel.empty()
    all_columns = np.concatenate([row.columns for row in rows])
    columns, document_frequency = np.unique(all_columns, return_counts=True)
    min_df = config.min_document_frequency if n_items >= 4 * config.min_document_frequency else 1
    keep = document_frequency >= min_df
    columns, document_frequency = columns[keep], document_frequency[keep]
    if columns.size > config.max_vocabulary:
        # Stable ordering on ties keeps the choice deterministic.
        top = np.sort(np.argsort(-document_frequency, kind="stable")[: config.max_vocabulary])
        columns, document_frequency = columns[top], document_frequency[top]
    idf = (np.log((1.0 + n_items) / (1.0 + document_frequency)) + 1.0).astype(np.float32)
    partial = VectorModel(
        vocabulary=columns.astype(np.int32),
        idf=idf,
        word_mask=is_word_column(columns.astype(np.int32)),
        projection=np.zeros((columns.size, 0), dtype=np.float32),
        fitted_on=n_items,
    )
    if columns.size == 0:
        return partial
    weighted = partial.weigh(rows)
    dimensions = max(1, min(config.dimensions(n_items), n_items - 1, columns.size - 1))
    # Small matrices: BLAS threads cost more than they bring and fight the event loop for cores.
    with threadpool_limits(limits=1):
        _, _, vt = randomized_svd(
            weighted,
            dimensions,
            n_iter=config.power_iterations,
            random_state=seed,
        )
    return VectorModel(
        vocabulary=partial.vocabulary,
        idf=idf,
        word_mask=partial.word_mask,
        projection=np.ascontiguousarray(vt.T, dtype=np.float32),
        fitted_on=n_items,
    )
