"""The window of items the clusterer keeps: items, their theme labels and vectors, word statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.consolidate import Labels, Matrix
from banso_bridge.domain.clustering.theme import ClusterItem


class ItemWindow:
    """Append-friendly storage: label and vector buffers grow by doubling, rows past `len` are spare."""

    def __init__(self) -> None:
        self.items: list[ClusterItem] = []
        self._labels: Labels = np.zeros(64, dtype=np.int64)
        self._vectors: Matrix = np.zeros((64, 1), dtype=np.float32)
        # In how many window items each word key occurs (for keyword rarity).
        self.document_frequency: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self.items)

    @property
    def labels(self) -> Labels:
        """Theme id per item (a view: writes go to the window)."""
        return self._labels[: len(self.items)]

    @property
    def vectors(self) -> Matrix:
        return self._vectors[: len(self.items)]

    @property
    def dimensions(self) -> int:
        return int(self._vectors.shape[1])

    def append(self, item: ClusterItem, label: int, vector: Matrix) -> None:
        row = len(self.items)
        if row >= self._labels.size or vector.size != self.dimensions:
            capacity = max(64, 2 * row)
            labels = np.zeros(capacity, dtype=np.int64)
            labels[:row] = self._labels[:row]
            vectors = np.zeros((capacity, vector.size), dtype=np.float32)
            if vector.size == self.dimensions:
                vectors[:row] = self._vectors[:row]
            self._labels, self._vectors = labels, vectors
        self._labels[row] = label
        self._vectors[row] = vector
        self.items.append(item)
        self.document_frequency.update(set(item.keys))

    def set_labels(self, labels: Labels) -> None:
        self._labels = np.array(labels, dtype=np.int64)

    def set_vectors(self, vectors: Matrix) -> None:
        self._vectors = np.array(vectors, dtype=np.float32)

    def rows_of(self, theme_id: int) -> npt.NDArray[np.intp]:
        return np.flatnonzero(self.labels == theme_id)

    def praise_rows(self) -> npt.NDArray[np.bool_]:
        """Which items are praise (text/praise.py)."""
        items = self.items
        return np.fromiter((item.praise for item in items), dtype=np.bool_, count=len(items))

    def rows_among(self, item_ids: Collection[str]) -> npt.NDArray[np.bool_]:
        """Which items are among `item_ids`."""
        items = self.items
        return np.fromiter(
            (item.id in item_ids for item in items), dtype=np.bool_, count=len(items)
        )

    def evict(self, max_items: int, retained_per_theme: int) -> int:
        """Drop the oldest items beyond `max_items`, except the newest few of every theme."""
        excess = len(self.items) - max_items
        if excess <= 0:
            return 0
        keep = np.ones(len(self.items), dtype=np.bool_)
        kept_per_theme: Counter[int] = Counter()
        labels = self.labels
        for row in range(len(self.items) - 1, -1, -1):
            label = int(labels[row])
            kept_per_theme[label] += 1
            if row < excess and kept_per_theme[label] > retained_per_theme:
                keep[row] = False
        for item in (item for item, kept in zip(self.items, keep, strict=True) if not kept):
            self.document_frequency.subtract(set(item.keys))
        self.document_frequency = +self.document_frequency  # drop zero counts
        self.items = [item for item, kept in zip(self.items, keep, strict=True) if kept]
        self._labels = labels[keep].copy()
        self._vectors = self.vectors[keep].copy()
        return int((~keep).sum())
