"""Where an arriving item goes: the nearest active theme of its kind (praise or problem reports).

A theme a ticket was filed for ("anchored") is the nearest only when the item clears its stricter
bar (`ClusteringConfig.anchored_join_similarity`), unless no other theme is left to choose.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import numpy.typing as npt

from banso_bridge.domain.clustering.consolidate import Matrix


def nearest_theme(
    vector: Matrix,
    units: Matrix,
    active: npt.NDArray[np.bool_],
    praise_themes: npt.NDArray[np.bool_],
    *,
    praise: bool,
    anchored: Collection[int],
    anchored_join_similarity: float,
    excluded: int | None = None,
) -> tuple[int | None, float]:
    """The theme (row of `units`, the themes' unit directions) nearest `vector`, and its cosine;
    (None, 0.0) when there is none or the item has no direction."""
    if not active.any() or float(np.linalg.norm(vector)) < 1e-6:
        return None, 0.0
    sims = units @ vector
    sims[~active | (praise_themes != praise)] = -np.inf
    if excluded is not None:
        sims[excluded] = -np.inf
    if not np.isfinite(sims).any():
        return None, 0.0
    if anchored:
        held = np.fromiter(anchored, dtype=np.int64)
        low = held[sims[held] < anchored_join_similarity]
        if low.size and np.isfinite(np.delete(sims, low)).any():
            sims[low] = -np.inf
    best = int(np.argmax(sims))
    return best, float(sims[best])
