"""The themes' directions: per theme id, the running sum and unit direction of its items' vectors,
whether it is active and whether it gathers praise. Rows are indexed by theme id (row 0 unused) and
grow as themes open, so placing an item is one matrix product (arrival.py)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.consolidate import Labels, Matrix, theme_sums


class ThemeDirections:
    def __init__(self) -> None:
        self.sums: Matrix = np.zeros((1, 1), dtype=np.float32)
        self.units: Matrix = np.zeros((1, 1), dtype=np.float32)
        self.active: npt.NDArray[np.bool_] = np.zeros(1, dtype=np.bool_)
        # The theme gathers praise (see `ThemeClusterer.is_praise`), not problem reports.
        self.praise: npt.NDArray[np.bool_] = np.zeros(1, dtype=np.bool_)

    @property
    def capacity(self) -> int:
        return int(self.active.size)

    def is_praise(self, theme_id: int) -> bool:
        return bool(self.praise[theme_id]) if theme_id < self.praise.size else False

    def open(self, theme_id: int, dimensions: int, *, praise: bool) -> None:
        """Make room for `theme_id` (doubling) and mark it active."""
        if theme_id >= self.active.size:
            capacity = 2 * theme_id
            sums = np.zeros((capacity, dimensions), dtype=np.float32)
            units = np.zeros((capacity, dimensions), dtype=np.float32)
            if self.sums.shape[1] == dimensions:
                sums[: self.sums.shape[0]] = self.sums
                units[: self.units.shape[0]] = self.units
            active = np.zeros(capacity, dtype=np.bool_)
            active[: self.active.size] = self.active
            kinds = np.zeros(capacity, dtype=np.bool_)
            kinds[: self.praise.size] = self.praise
            self.sums, self.units, self.active, self.praise = sums, units, active, kinds
        self.active[theme_id] = True
        self.praise[theme_id] = praise

    def add(self, theme_id: int, vector: Matrix) -> None:
        """One more item in the theme: its sum and direction follow."""
        self.sums[theme_id] += vector
        norm = float(np.linalg.norm(self.sums[theme_id]))
        self.units[theme_id] = self.sums[theme_id] / norm if norm > 1e-9 else 0.0

    def rebuild(self, vectors: Matrix, labels: Labels, item_praise: npt.NDArray[np.bool_]) -> None:
        """Recompute every theme's sum and direction, and its kind, from the window."""
        # A theme is praise when most of its window items are (they all are, unless a product
        # manager merged or split by hand); a theme with no window items keeps what it was.
        members = np.bincount(labels, minlength=self.active.size)
        praised = np.bincount(labels, weights=item_praise, minlength=self.active.size)
        present = members > 0
        self.praise[present] = 2 * praised[present] > members[present]
        sums = theme_sums(vectors, labels, self.active.size)
        sums[~self.active] = 0.0
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        self.sums = sums
        self.units = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 1e-9)
